"""Risk rules, context grading (identity): a long-lived access key (medium on its own) created for an identity the
plan shows holding an admin role — a grant in the plan that names the identity with an owner or administrator role
(GCP roles/owner, AWS AdministratorAccess, Azure Owner…), or the module that makes the key granting such a role
in its inputs (a service-accounts module called with `project_roles = ["p=>roles/owner"]`). Whoever copies the key
holds the whole project or account, with no expiry: high."""

from __future__ import annotations

from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.configuration import config_address, configuration, module_of, references_in
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, grader
from tfreview.pipeline.rules.common import as_dict, string_leaves
from tfreview.pipeline.rules.grants import AWS_ADMIN, AZURE_ADMIN, GOOGLE_ADMIN, PRIVILEGED
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.tenants import SA_TOKEN_HOLDER

KEY_MESSAGE = "creates a long-lived access key"
ADMIN_ROLES = frozenset({"roles/owner", "roles/editor", *(r for r in GOOGLE_ADMIN if r.endswith("Admin")),
                         *AWS_ADMIN, *AZURE_ADMIN, "cluster-admin"})
# The settings by which a key names whose key it is.
HOLDER_KEYS = ("service_account_id", "service_account", "user", "username", "user_name", "principal")
_SPLIT = lazy_compile(r"=>|[\s,;:]+|(?<!roles)/")
_EMAIL_NAME = lazy_compile(r"^(?:serviceAccount:|projects/[^/]+/serviceAccounts/)?([^@/]+)@")


def _admin(texts: Any) -> str | None:
    """The admin role a value names (`roles/owner`, `…:policy/AdministratorAccess`, `p=>roles/owner`), or None."""
    for text in texts:
        for part in {str(text), *_SPLIT.split(str(text))}:
            if part in ADMIN_ROLES:
                return part
    return None


def _holders(change: Change) -> set[str]:
    """The names a key's holder goes by: its email or user name, and the account name before the `@`."""
    names: set[str] = set()
    metadata = next(iter(as_dict(change.after).get("metadata") or [None]), None)
    holder = as_dict(as_dict(metadata).get("annotations")).get(SA_TOKEN_HOLDER)  # a service-account token Secret
    if isinstance(holder, str) and len(holder) >= 3:
        names.add(holder)
    for key in HOLDER_KEYS:
        value = as_dict(change.after).get(key)
        if isinstance(value, str) and len(value) >= 3:
            names.add(value)
            if (match := _EMAIL_NAME.match(value)) is not None:
                names.add(match.group(1))
                names.add(value.rsplit("/", 1)[-1])
    return names


def _granted_in_plan(view: PlanView, holders: set[str], key: Change) -> str | None:
    for change in view.changes:
        if change is key or change.action is Action.DELETE or change.mode != "managed":
            continue
        texts = list(string_leaves(change.after))
        named = {p for t in texts for p in {t, *_SPLIT.split(t), t.split(":", 1)[-1]}}
        if holders & named and (role := _admin(texts)) is not None:
            return f"{change.address} grants its holder {role}"
    return None


def _granted_by_module(ri: ReviewInput, key: Change) -> str | None:
    module = module_of(key.address)
    if not module:
        return None
    parent, nested, name = module.rpartition(".module.")
    if not nested:
        parent, name = "", module.removeprefix("module.")
    config = configuration(ri.plan)
    call = config.modules.get(parent)
    inputs = call.calls.get(name) if call else None
    role = _admin(string_leaves(inputs)) if inputs else None
    return None if role is None else f"its module is called granting {role}"


@grader
def admin_key(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """A long-lived key for an identity the plan or the key's module makes an admin: high."""
    if not any(f.rule == PRIVILEGED and KEY_MESSAGE in f.message for f in findings):
        return findings
    view = plan_view(review_input)
    created = {c.address: c for c in view.of(Action.CREATE)}
    graded: list[Finding] = []
    for found in findings:
        key = created.get(found.address or "")
        if found.rule == PRIVILEGED and KEY_MESSAGE in found.message and found.severity is Severity.MEDIUM \
                and key is not None and (holders := _holders(key)) \
                and (why := _granted_in_plan(view, holders, key) or _granted_by_module(review_input, key)):
            found = found.model_copy(update={"severity": Severity.HIGH,
                                             "message": f"{found.message} for an admin identity: {why}"})
        elif found.rule == PRIVILEGED and KEY_MESSAGE in found.message and found.severity is Severity.MEDIUM \
                and key is not None and (store := _exported(review_input, key)):
            found = found.model_copy(update={"severity": Severity.HIGH, "message": (
                f"{found.message}, and {store} copies its secret into another provider's store: the key "
                "leaves the cloud that can audit and revoke its use")})
        graded.append(found)
    return graded


# What a created key hands out: its secret half, however the provider names it.
KEY_SECRETS = ("private_key", "secret", "key", "private_key_data", "token", "value", "password")


def _exported(ri: ReviewInput, key: Change) -> str | None:
    """The address of a resource of another provider (a CI secret, a variable of a build service) whose
    configuration reads KEY's secret half."""
    config = configuration(ri.plan)
    module = module_of(key.address)
    found = config.modules.get(module)
    if found is None:
        return None
    own = config_address(key.address)[len(module):].lstrip(".")
    wanted = {f"{own}.{attribute}" for attribute in KEY_SECRETS}
    provider = key.type.split("_", 1)[0]
    for address, expressions in found.resources.items():
        if address.split(".", 1)[0].split("_", 1)[0] == provider:
            continue
        if any(reference in wanted for reference in references_in(expressions)):
            return f"{module}.{address}".lstrip(".")
    return None
