"""The verdict cache key: one hash per change-set, the same in every workspace that plans it.

What goes in (all of it already masked):
- every change that does something (no-ops are left out unless moved or imported, so workspaces that
  differ only in how many untouched resources they hold share a key), drift, deferred changes and
  output changes — each as type, mode, action, Terraform's action list, reason, replace paths,
  import id, whether it is moved or deposed, and what changes in its attributes with before and after
  values (only what changes: unchanged, workspace-specific attributes such as names stay out; none
  for deletes and forgets, whose values the prompt does not show either);
- the findings (rule, severity, message), the plan's applyable/complete/errored flags;
- the model, the backend, num_ctx and temperature, the prompt template version, a hash of the code
  that writes the prompt, and the rules version;
- the identity of the weights (`with_identity`), read from the backend when the cache is consulted:
  Ollama's digest from /api/tags, an OpenAI-compatible server's /v1/models entry, a GGUF file's sha256.
  A re-pulled model or another server's weights behind the same name get a new key and are asked again;
  when the identity cannot be read the cache is not consulted at all (the review fails closed).

What is stripped from addresses (in changes, moves and finding messages): the module path
(`module.app_eu["x"].`) and the resource's instance key (`["eu-west-1"]`, `[0]`). Those are where
workspace, environment and region names live when one module is called by many root modules or
expanded per workspace; the multiset of changes keeps the count, and values stay in the key, so
a module bump that changes the same attributes the same way in 650 workspaces is one key, while
any difference in what changes or to which value gives another. Cutting more (values) would mix
genuinely different changes; cutting less (module names) would make the reference 650-workspace run
ask the model 650 times. The rules floor is never cached: each workspace's own findings decide.
Entries are sorted, so the key does not depend on the order Terraform listed the changes in.
"""

from __future__ import annotations

import hashlib
import inspect
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline import prompt as prompt_module
from tfreview.pipeline import risk, summary
from tfreview.pipeline.changes import Action, Change, ChangeSet
from tfreview.pipeline.diff import any_unknown
from tfreview.pipeline.findings import RULES, Finding
from tfreview.pipeline.prompt import template_version

if TYPE_CHECKING:
    from tfreview.pipeline.prepared import Prepared
    from tfreview.settings import Settings

KEY_FORMAT = 1
# Actions whose attribute values the prompt does not show (Change.attributes is empty for them).
_NOT_DIFFED = (Action.NO_OP, Action.READ, Action.DELETE, Action.FORGET)
_MODULE_PATH = lazy_compile(r'^(?:module\.[A-Za-z0-9_-]+(?:\[(?:"(?:[^"\\]|\\.)*"|\d+)\])?\.)+')
_MODULE_PATH_ANYWHERE = lazy_compile(r'\bmodule\.[A-Za-z0-9_-]+(?:\[(?:"(?:[^"\\]|\\.)*"|\d+)\])?\.')
_INSTANCE_KEY = lazy_compile(r'\[(?:"(?:[^"\\]|\\.)*"|\d+)\]$')


def workspace_free(address: str) -> str:
    """ADDRESS without its module path and instance key: `module.a["x"].aws_s3_bucket.b[0]` → `aws_s3_bucket.b`."""
    return _INSTANCE_KEY.sub("", _MODULE_PATH.sub("", address))


def cache_key(prepared: Prepared, settings: Settings, backend: str) -> str:
    """The sha256 hex key of a prepared plan's verdict under these settings."""
    document = {
        "format": KEY_FORMAT,
        "model": settings.model,
        "backend": backend,
        "num_ctx": settings.num_ctx,
        "temperature": settings.temperature,
        "template": template_version(),
        "pipeline": pipeline_version(),
        "rules": rules_version(),
        "plan": [prepared.plan.applyable, prepared.plan.complete, prepared.plan.errored],
        "changes": canonical_changes(prepared.changeset),
        "findings": sorted(_finding(f) for f in prepared.findings),
    }
    if settings.model_path is not None:  # in-process weights: batch runs group change-sets per file too
        document["model_path"] = str(settings.model_path)
    return hashlib.sha256(orjson.dumps(document, option=orjson.OPT_SORT_KEYS)).hexdigest()


def with_identity(key: str, identity: str) -> str:
    """KEY combined with the identity of the model's weights, as the cache stores it."""
    return hashlib.sha256(f"{key}\0{identity}".encode()).hexdigest()


def canonical_changes(changeset: ChangeSet) -> dict[str, list[str]]:
    """Every change of CHANGESET as sorted canonical JSON strings, workspace names stripped."""
    return {
        "changes": _sorted(_change(c) for c in changeset.changes if _does_something(c)),
        "drift": _sorted(_change(c) for c in changeset.drift),
        "deferred": _sorted({"reason": d.reason, "change": _change(d.change)} for d in changeset.deferred),
        "outputs": _sorted({"name": o.name, "action": o.action.value, "before": o.before, "after": o.after}
                           for o in changeset.outputs if o.action is not Action.NO_OP),
    }


@cache
def rules_version() -> str:
    """A short hash of every rule's id and severity and the source of risk.py, findings.py and the rules package."""
    digest = hashlib.sha256()
    risk_file = Path(inspect.getsourcefile(risk) or "")
    files = {risk_file, risk_file.parent / "findings.py", *risk_file.parent.joinpath("rules").rglob("*.py")}
    files |= {Path(f) for r in RULES.values() if (f := inspect.getsourcefile(r.check))}
    for rule_id, rule in sorted(RULES.items()):
        digest.update(f"{rule_id}={rule.severity.value};".encode())
    for path in sorted(files):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@cache
def pipeline_version() -> str:
    """A short hash of the code that turns a change-set into prompt text."""
    digest = hashlib.sha256()
    for module in (summary, prompt_module):
        digest.update(Path(inspect.getsourcefile(module) or "").read_bytes())
    return digest.hexdigest()[:12]


def _does_something(change: Change) -> bool:
    return change.action is not Action.NO_OP or change.moved or change.importing


def _change(change: Change) -> dict[str, Any]:
    return {
        "address": workspace_free(change.address),
        "type": change.type,
        "mode": change.mode,
        "action": change.action.value,
        "actions": change.actions,
        "reason": change.action_reason,
        "moved_from": workspace_free(change.previous_address) if change.moved and change.previous_address else None,
        "import_id": change.import_id if change.importing else None,
        "deposed": bool(change.deposed),
        "replace_paths": change.replace_paths,
        "dependents": [workspace_free(d) for d in change.dependents],  # the prompt names them
        "attributes": None if change.action in _NOT_DIFFED else
        _delta(change.before, change.after, change.after_unknown),
    }


def _delta(before: Any, after: Any, unknown: Any) -> Any:
    """What changes between BEFORE and AFTER: the same facts as Change.attributes, without building them.

    Only maps are descended into, and only where their values differ (compared in C), so a 10,000-change
    plan keys in a fraction of the time a full attribute diff takes.
    """
    if unknown is True:
        return ["(known after apply)", before]
    if before == after and not any_unknown(unknown):
        return None
    if isinstance(before, dict) and isinstance(after, dict):
        unknown_map = unknown if isinstance(unknown, dict) else {}
        nested = {key: _delta(before.get(key), after.get(key), unknown_map.get(key))
                  for key in before.keys() | after.keys() | unknown_map.keys()}
        return {key: value for key, value in nested.items() if value is not None}
    return [before, after, unknown or None]


def _finding(finding: Finding) -> str:
    message = finding.message
    if finding.address:
        message = message.replace(finding.address, workspace_free(finding.address))
    message = _MODULE_PATH_ANYWHERE.sub("", message)
    address = workspace_free(finding.address) if finding.address else None
    return orjson.dumps([finding.rule, finding.severity.value, address, message]).decode()


def _sorted(items: Any) -> list[str]:
    return sorted(orjson.dumps(item, option=orjson.OPT_SORT_KEYS, default=repr).decode() for item in items)
