"""Risk rules, context grading: a deploy target's approval gate dropped where the target deploys to a
non-production environment.

A continuous-delivery target of any provider (Cloud Deploy's `google_clouddeploy_target`, an invented CD's
`deploy_stage`) is where releases land; its environment is named by its own name and by the name of the cluster,
service or namespace it deploys to, not by the labels of the project that runs the pipeline. When both say
staging, dev, QA or another non-production stage and neither says production, the approval it no longer asks
for guarded a rehearsal: medium. A target named or pointing at production keeps its finding high.
"""

from __future__ import annotations

from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.findings import Finding, ReviewInput, grader
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.environments import NON_PRODUCTION_ENVS, PRODUCTION_TOKENS, TOKEN
from tfreview.pipeline.rules.grading import EVERY_ACTION, high_graded_medium

GATE_RULES = frozenset({"auth-weakened", "ci-trust-widened"})
DEPLOY_TARGETS = lazy_compile(r"(?:deploy|delivery|deployment|release)\w*_(?:target|environment|stage)s?$")
GATE_PATHS = lazy_compile(r"approv|review|judg")
OWN_NAMES = ("name", "target_id", "stage", "environment")
# Where a target deploys to: the cluster, service or namespace it names, at any depth of its blocks.
DESTINATION_KEYS = lazy_compile(r"^(?:cluster|cluster_name|service|service_name|namespace|membership|target)$")
MAX_DEPTH = 4


@grader
def staged_gate(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """Approval gates dropped on a deploy target that deploys outside production: medium."""
    return high_graded_medium(review_input, findings, GATE_RULES, _outside_production, EVERY_ACTION)


def _outside_production(found: Finding, change: Change) -> str | None:
    """Why an approval gate dropped on a deploy target is medium: the target deploys to a non-production stage."""
    stage = _stage(sides(change)[1]) if DEPLOY_TARGETS.search(change.type) \
        and GATE_PATHS.search(found.message.removeprefix(found.address or "")) else None
    return None if stage is None else f"the target deploys to {stage}, not production"


def _stage(values: dict[str, Any]) -> str | None:
    """The non-production stage both a target's own name and its destination's name say, or None."""
    own = {w for key in OWN_NAMES if isinstance(values.get(key), str) for w in TOKEN.findall(values[key].lower())}
    destination = {w for name in _destinations(values) for w in TOKEN.findall(name.lower())}
    stages = own & destination & NON_PRODUCTION_ENVS
    if not stages or (own | destination) & PRODUCTION_TOKENS:
        return None
    return str(sorted(stages)[0])


def _destinations(value: Any, depth: int = 0) -> list[str]:
    """The last path step of each destination reference (`projects/p/locations/l/clusters/staging` → staging)."""
    if depth > MAX_DEPTH:
        return []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    found: list[str] = []
    for key, item in items:
        if isinstance(item, str) and isinstance(key, str) and DESTINATION_KEYS.match(key) and item:
            found.append(item.rstrip("/").rsplit("/", 1)[-1])
        elif isinstance(item, (dict, list)):
            found += _destinations(item, depth + 1)
    return found
