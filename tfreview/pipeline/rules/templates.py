"""Risk rules, embedded templates: a stack or deployment that carries its own template (a CloudFormation stack's
`template_body`, an ARM template deployment's `template_content`, a Deployment Manager `content`; YAML or JSON, any
provider) creates resources Terraform never lists. Each resource the template adds or changes is read as the
Terraform resource it is (`AWS::IAM::Role` → aws_iam_role, `Microsoft.Authorization/roleAssignments` →
azurerm_role_assignment, `compute.v1.firewall` → google_compute_firewall) and judged by every rule; what they find
at medium or high is reported on the stack under `embedded-template`.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any

import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change, normalize
from tfreview.pipeline.decoding import within_nodes
from tfreview.pipeline.findings import (
    CHANGE_HOOKS,
    PLANNED_ONLY,
    RULES,
    Finding,
    ReviewInput,
    Severity,
    finding,
    rule,
)
from tfreview.pipeline.plan import parse_plan

RULE = "embedded-template"
TEMPLATE_KEY = lazy_compile(r"(?:^|_)(?:template(?:_body|_content|_json|_yaml|_text)?|content)$")
_SHAPE = lazy_compile(r"\b[Rr]esources\b[\s\S]*\b[Tt]ype\b")
_CAMEL = lazy_compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
MAX_TEMPLATE = 500_000
MAX_TEMPLATE_NODES = 200_000  # values a template may hold once its aliases are followed (a large stack: ~20k)
MAX_RESOURCES = 500
# Types whose Terraform name is not the template type's words joined.
TYPES = {"AWS::EC2::SecurityGroup": "aws_security_group", "AWS::EC2::SecurityGroupIngress": "aws_security_group_rule",
         "AWS::IAM::ManagedPolicy": "aws_iam_policy", "AWS::S3::BucketPolicy": "aws_s3_bucket_policy",
         "AWS::Lambda::Permission": "aws_lambda_permission", "AWS::KMS::Key": "aws_kms_key"}
# Properties whose Terraform name differs; policy documents become the JSON strings Terraform holds.
KEYS = {"AssumeRolePolicyDocument": "assume_role_policy", "PolicyDocument": "policy", "KeyPolicy": "policy",
        "SecurityGroupIngress": "ingress", "SecurityGroupEgress": "egress", "CidrIp": "cidr_blocks",
        "CidrIpv6": "ipv6_cidr_blocks", "IpProtocol": "protocol", "Policies": "inline_policy",
        "PolicyName": "name"}
DOCUMENTS = {"assume_role_policy", "policy"}
UNWALKABLE = object()  # a template that parses but is too large to walk once its YAML aliases are followed
_state = threading.local()


@rule(RULE, Severity.HIGH, "A stack or deployment's own template (CloudFormation, ARM, Deployment Manager) adds or "
      "changes a resource that a rule finds risky when read as the Terraform resource it is (an admin role another "
      "account can assume, a port open to the internet, …).")
def _embedded(ri: ReviewInput) -> Iterator[Finding]:
    """Findings of every rule on the resources the plan's templates add or change, reported on their stacks."""
    if getattr(_state, "inside", False):
        return
    entries: list[dict[str, Any]] = []
    owners: dict[str, tuple[str, str]] = {}
    for change in ri.changeset.changes:
        if change.mode == "managed" and change.action in (Action.CREATE, Action.UPDATE, Action.REPLACE):
            documents = list(_documents(change.after))
            if (key := next((k for k, d in documents if d is UNWALKABLE), None)) is not None:
                yield finding(RULE, change.address, f"{change.address}: its {key} holds more than "
                              f"{MAX_TEMPLATE_NODES:,} values once its YAML aliases are followed, so no rule could "
                              "read it: review the template by hand")
                continue
            for name, kind, before, after in _resources(change, documents):
                address = f"{kind}.t{len(entries)}_{_snake(name)[:40]}"
                owners[address] = (change.address, f"{name} ({_type_name(after, before)})")
                entries.append(_entry(address, kind, change.provider, before, after))
    if not entries:
        return
    plan = parse_plan({"format_version": "1.2", "resource_changes": entries, "prior_state": ri.plan.prior_state,
                       "configuration": {"provider_config": ri.plan.configuration.get("provider_config") or {}}})
    inner = ReviewInput(plan, normalize(plan), ri.config)
    _state.inside = True
    try:
        found = [f for r in RULES.values() if r.id != RULE for f in r.check(inner)]
        for change in inner.changeset.changes:
            found += [f for hook in CHANGE_HOOKS if hook.wants(change.type, change.action) for f in hook.check(change)]
    finally:
        _state.inside = False
    for item in found:
        if item.severity in (Severity.HIGH, Severity.MEDIUM) and item.address in owners \
                and item.rule not in PLANNED_ONLY:
            stack, what = owners[item.address]
            text = item.message.removeprefix(f"{item.address}:").strip()
            yield finding(RULE, stack, f"{stack}: its template's {what}: {text} ({item.rule})", item.severity)


def _resources(change: Change, documents: list[tuple[str, Any]]) -> Iterator[tuple[str, str, Any, Any]]:
    """(logical name, Terraform type, old values or None, new values) of each resource a template adds or changes;
    DOCUMENTS are the templates of the change's new side, already read."""
    after, before = _template(documents), _template(list(_documents(change.before)))
    if not after:
        return
    for name, (kind, values) in list(after.items())[:MAX_RESOURCES]:
        old = before.get(name)
        if old is not None and old == (kind, values):
            continue
        yield name, kind, (old[1] if old is not None and old[0] == kind else None), values


def _documents(side: Any) -> Iterator[tuple[str, Any]]:
    """(key, what it reads as) of each template-shaped text on one side of a change, each read once."""
    if not isinstance(side, dict):
        return
    for key, text in side.items():
        if TEMPLATE_KEY.search(key) and isinstance(text, str) and len(text) < MAX_TEMPLATE and _SHAPE.search(text):
            yield str(key), _load(text)


def _template(documents: list[tuple[str, Any]]) -> dict[str, tuple[str, dict[str, Any]]]:
    """Logical name -> (Terraform type, Terraform-shaped values) of the first template among DOCUMENTS that holds
    resources."""
    for _key, document in documents:
        if isinstance(document, dict) and (found := _read(document)):
            return found
    return {}


def _read(document: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    resources = document.get("Resources", document.get("resources"))
    items = resources.items() if isinstance(resources, dict) else (
        (str(r.get("name") or i), r) for i, r in enumerate(resources) if isinstance(r, dict)
    ) if isinstance(resources, list) else ()
    for name, body in items:
        if not isinstance(body, dict):
            continue
        kind = body.get("Type", body.get("type"))
        properties = body.get("Properties", body.get("properties"))
        if isinstance(kind, str) and (tf_type := _tf_type(kind)) is not None:
            values = _values(properties if isinstance(properties, dict) else {}, 0)
            values["__type"] = kind
            found[str(name)] = (tf_type, values)
    return found


def _tf_type(kind: str) -> str | None:
    """The Terraform type a template type is: AWS::IAM::Role, Microsoft.X/ys, gcp-types/…:a.b or compute.v1.x."""
    if kind in TYPES:
        return TYPES[kind]
    if kind.count("::") == 2:
        _, service, name = kind.split("::")
        return f"aws_{_snake(service)}_{_snake(name)}"
    if kind.lower().startswith("microsoft.") and "/" in kind:
        last = kind.rsplit("/", 1)[-1]
        return f"azurerm_{_snake(last[:-1] if last.endswith('s') else last)}"
    parts = re.split(r"[.:/]", kind)
    if len(parts) >= 3:
        return f"google_{_snake(parts[0] if not parts[0].startswith('gcp-types') else parts[1])}_{_snake(parts[-1])}"
    return None


def _values(properties: dict[str, Any], depth: int) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in properties.items():
        name = KEYS.get(key) or _snake(str(key))
        if name in DOCUMENTS and isinstance(value, (dict, list)):
            values[name] = orjson.dumps(_plain(value)).decode()
        elif name.endswith("cidr_blocks") and isinstance(value, str):
            values[name] = [value]
        elif isinstance(value, dict) and depth < 8:
            values[name] = [_values(value, depth + 1)] if not _intrinsic(value) else _plain(value)
        elif isinstance(value, list) and depth < 8:
            values[name] = [_values(v, depth + 1) if isinstance(v, dict) and not _intrinsic(v) else _plain(v)
                            for v in value]
        else:
            values[name] = _plain(value)
    return values


def _plain(value: Any) -> Any:
    """Intrinsic functions (`{"Fn::Sub": …}`, `{"Ref": …}`, `[parameters('x')]`) as the text they stand for."""
    if isinstance(value, dict):
        if _intrinsic(value):
            inner = next(iter(value.values()))
            return inner if isinstance(inner, str) else f"${{{next(iter(value))}}}"
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _intrinsic(value: dict[str, Any]) -> bool:
    return len(value) == 1 and (next(iter(value)) in {"Ref", "Condition"} or str(next(iter(value))).startswith("Fn::"))


def _type_name(after: Any, before: Any) -> str:
    return str((after or before or {}).get("__type", "resource"))


def _entry(address: str, kind: str, provider: str, before: Any, after: Any) -> dict[str, Any]:
    return {"address": address, "mode": "managed", "type": kind, "name": address.split(".", 1)[1],
            "provider_name": provider, "change": {"actions": ["update"] if before is not None else ["create"],
                                                  "before": _strip(before), "after": _strip(after),
                                                  "after_unknown": {}, "after_sensitive": {}}}


def _strip(values: Any) -> Any:
    return {k: v for k, v in values.items() if k != "__type"} if isinstance(values, dict) else values


def _snake(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", _CAMEL.sub("_", text).lower()).strip("_")


def _load(text: str) -> Any:
    """A template's JSON or YAML (CloudFormation's `!Ref`, `!Sub`, `!GetAtt` tags read as `${…}` text)."""
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            return orjson.loads(stripped)
        except orjson.JSONDecodeError:
            pass
    import yaml  # imported on the first template met: most reviews never meet one

    loader_class: Any = type("TemplateLoader", (yaml.SafeLoader,), {})

    def tagged(loader: Any, suffix: str, node: Any) -> Any:
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
            return value if suffix == "Sub" else f"${{{suffix} {value}}}"
        return f"${{{suffix}}}"

    loader_class.add_multi_constructor("!", tagged)  # any `!Tag value` read as `${Tag value}` text, safely
    try:
        document = yaml.load(stripped, Loader=loader_class)
    except (yaml.YAMLError, RecursionError, ValueError):
        return None
    # Aliases share what they name, so a few lines can hold a billion values: such a template is not walked.
    return document if within_nodes(document, MAX_TEMPLATE_NODES) else UNWALKABLE
