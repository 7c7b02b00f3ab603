"""Risk rules, grants made by a document the plan deploys: a workflow's step (a state machine task, an automation
or workflow call, any provider) that calls an API granting an admin role or policy (`iam:attachUserPolicy` with
AdministratorAccess, `setIamPolicy` with roles/owner), or a template's identity whose managed policies name one
(a CloudFormation user or role with `ManagedPolicyArns`). The grant happens when the document runs, outside
Terraform's grants, and whoever the step names (every user the workflow onboards) becomes admin:
iam-privileged-role, high, as the same grant made by a resource or a CLI line (clieffects.py) is.

Only objects inside a string (a JSON or YAML document) are read, the call and the admin role in the same step;
a step that grants an ordinary role (a read-only group), and a grant already in the document before, find nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.decoding import embedded_objects
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.clieffects import cli_effect
from tfreview.pipeline.rules.common import string_leaves
from tfreview.pipeline.rules.grants import PRIVILEGED

_CAMEL = lazy_compile(r"(?<=[a-z0-9])(?=[A-Z])")
# An API call named in a step: `…:iam:attachUserPolicy`, `googleapis.…projects.setIamPolicy`, `iam.attach_role_policy`.
CALL = lazy_compile(r"^[\w:./$-]*[:.](?:[a-z]+[A-Z]\w*|[a-z]+_[a-z_]+)$")
# The fields of a step that name what is granted; a comment or a name elsewhere in it (`"Comment": "edit"`) is not.
ROLE_KEY = lazy_compile(r"polic|role|group|permission|privilege|binding|member", re.IGNORECASE)
POLICY_LIST = lazy_compile(r"^(?:managed_?policy_?arns|policy_?arns)$", re.IGNORECASE)
MAX_STEP_TEXT = 20_000


@on_change(words=(b"polic", b"role", b"binding", b"grant", b"member"))
def _document_grants(change: Change) -> Iterator[Finding]:
    """Steps or template identities inside a document that newly grant an admin role."""
    after = dict(_grants(change.after))
    if not after:
        return
    before = dict(_grants(change.before))
    new = [(step, what) for step, what in after.items() if step not in before]
    if new:
        step, what = new[0]
        yield finding(PRIVILEGED, change.address, f"{change.address}: a document it deploys {what} when it runs "
                      f"(its step {step[:120]}): whoever the step names becomes admin", Severity.HIGH)


def _grants(values: Any) -> Iterator[tuple[str, str]]:
    """(the step's call or identity, what it grants) for each admin grant inside a document in VALUES."""
    if not isinstance(values, (dict, list)):
        return
    for obj in embedded_objects(values):
        if "Effect" in obj or "effect" in obj:
            continue  # a policy statement's actions are what it allows, not a call it makes (iam.py reads those)
        calls = [v for v in obj.values() if isinstance(v, str) and CALL.match(v.strip())]
        for call in calls:
            words = _CAMEL.sub("-", call.rsplit(":", 1)[-1].rsplit(".", 1)[-1])
            text = " ".join([words, *_granted(obj)])
            effect = cli_effect(text[:MAX_STEP_TEXT].replace("\n", " "))
            if effect and effect.startswith("grants") and "everyone" not in effect:
                yield call, effect.split(" (")[0].replace(" outside Terraform", "")
        for key, value in obj.items():
            if POLICY_LIST.match(str(key)):
                text = " ".join(["attach-policy", *string_leaves(value)])
                effect = cli_effect(text[:MAX_STEP_TEXT])
                if effect and effect.startswith("grants") and "everyone" not in effect:
                    yield f"{key} of {obj.get('UserName') or obj.get('RoleName') or obj.get('GroupName') or key}", \
                        effect.split(" (")[0].replace(" outside Terraform", "")


def _granted(value: Any, depth: int = 0) -> Iterator[str]:
    """The strings under the keys of VALUE that name what a step grants (a policy, role, group or binding)."""
    if depth > 12:
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if ROLE_KEY.search(str(key)):
                yield from string_leaves(item)
            else:
                yield from _granted(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _granted(item, depth + 1)
