"""Configuration index, for the risk rules: resolve values that are `(known after apply)` in a plan from its
`configuration` section — constant expressions, references to variables (through module calls), module
outputs, other resources' planned values, and `aws_iam_policy_document` data sources read during apply.

Terraform writes each attribute's expression as `{"constant_value": ...}` and/or `{"references": [...]}`
(https://developer.hashicorp.com/terraform/internals/json-format#expression-representation); nested blocks
are lists of such maps. Locals and function results are not in the JSON: what needs them stays unresolved, and
callers say so rather than guess; `each`/`count` are read from an instance's own key and its resource's `for_each`.
Address and reference syntax is addresses.py's. A policy document's statements are written in IAM
JSON grammar by policy_statements.py. The index is built once per plan (`configuration()`) and shared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tfreview.pipeline.addresses import call_of, dig, module_keys, most_specific, reference_steps
from tfreview.pipeline.addresses import config_address as config_address
from tfreview.pipeline.addresses import module_of as module_of
from tfreview.pipeline.addresses import references_in as references_in
from tfreview.pipeline.diff import UNKNOWN
from tfreview.pipeline.lastbuilt import LastBuilt
from tfreview.pipeline.plan import Plan
from tfreview.pipeline.policy_statements import (
    STATEMENT_LISTS,
    filled,
    item_marks,
    json_statement,
    marked_unknown,
    statements_of,
)
from tfreview.pipeline.printed import printed_result

MAX_DEPTH = 12  # reference chains longer than this are treated as unresolved (and cycles end)
POLICY_DOCUMENT = "aws_iam_policy_document"
GOOGLE_POLICY = "google_iam_policy"


def configuration(plan: Plan) -> Configuration:
    """PLAN's configuration index, built once per plan and shared by the resolve step and every rule reading it."""
    return _last_configuration(plan)


@dataclass
class Module:
    """One module of the configuration: its resources' expressions, calls, outputs and variables."""

    path: str
    resources: dict[str, dict[str, Any]] = field(default_factory=dict)  # relative address -> expressions
    provisioners: dict[str, list[Any]] = field(default_factory=dict)  # relative address -> provisioner blocks
    calls: dict[str, dict[str, Any]] = field(default_factory=dict)  # call name -> input expressions
    call_for_each: dict[str, Any] = field(default_factory=dict)  # call name -> its for_each expression
    outputs: dict[str, Any] = field(default_factory=dict)  # output name -> expression
    defaults: dict[str, Any] = field(default_factory=dict)  # variable name -> default value
    for_each: dict[str, Any] = field(default_factory=dict)  # relative address -> for_each expression
    sensitive: set[str] = field(default_factory=set)  # variables declared `sensitive = true`


class Configuration:
    """An index of a plan's configuration and planned values that resolves expressions and references."""

    def __init__(self, plan: Plan) -> None:
        self.modules: dict[str, Module] = {}
        self._index(_dict(plan.configuration).get("root_module"), "")
        self.variables = {k: v.get("value") for k, v in _dict(plan.variables).items() if isinstance(v, dict)}
        self.planned: dict[str, tuple[Any, Any]] = {}  # config address -> (after, after_unknown) of one instance
        for entry in plan.resource_changes:
            if isinstance(entry, dict) and isinstance(entry.get("address"), str):
                body = entry["change"] if isinstance(entry.get("change"), dict) else {}
                self.planned.setdefault(config_address(entry["address"]),
                                        (body.get("after"), body.get("after_unknown")))
        for address, values in _read_data(_dict(_dict(plan.prior_state).get("values")).get("root_module")):
            self.planned.setdefault(address, (values, None))  # data sources read while planning

    def _index(self, module: Any, path: str) -> None:
        if not isinstance(module, dict):
            return
        entry = self.modules[path] = Module(path)
        for resource in _list(module.get("resources")):
            if isinstance(resource, dict) and isinstance(resource.get("address"), str):
                entry.resources[resource["address"]] = _dict(resource.get("expressions"))
                entry.provisioners[resource["address"]] = _list(resource.get("provisioners"))
                if "for_each_expression" in resource:
                    entry.for_each[resource["address"]] = resource["for_each_expression"]
        for name, output in _dict(module.get("outputs")).items():
            if isinstance(output, dict):
                entry.outputs[name] = output.get("expression")
        for name, variable in _dict(module.get("variables")).items():
            if isinstance(variable, dict) and "default" in variable:
                entry.defaults[name] = variable["default"]
            if isinstance(variable, dict) and variable.get("sensitive") is True:
                entry.sensitive.add(name)
        for name, call in _dict(module.get("module_calls")).items():
            if isinstance(call, dict):
                entry.calls[name] = _dict(call.get("expressions"))
                if "for_each_expression" in call:
                    entry.call_for_each[name] = call["for_each_expression"]
                self._index(call.get("module"), f"{path}.module.{name}".lstrip("."))

    @property
    def present(self) -> bool:
        """Whether the plan carried a configuration section at all."""
        return bool(self.modules)

    def expressions(self, address: str) -> dict[str, Any] | None:
        """The expressions of the resource at ADDRESS (instance or config address); None when not configured."""
        module = module_of(address)
        relative = config_address(address)[len(module):].lstrip(".")
        found = self.modules.get(module)
        return found.resources.get(relative) if found else None

    def provisioners(self, address: str) -> list[Any]:
        """The provisioner blocks (type, `when`, expressions) of the resource at ADDRESS; empty when none."""
        module = module_of(address)
        found = self.modules.get(module)
        return found.provisioners.get(config_address(address)[len(module):].lstrip("."), []) if found else []

    def expression(self, address: str, path: tuple[str | int, ...]) -> Any:
        """The expression of one attribute path (keys and block indexes) of a resource; None when absent."""
        node: Any = self.expressions(address)
        for step in path:
            if isinstance(step, int):
                node = node[step] if isinstance(node, list) and step < len(node) else (
                    node if isinstance(node, dict) and step == 0 else None)
            else:
                node = node.get(step) if isinstance(node, dict) else None
            if node is None:
                return None
        return node

    def values(self, address: str, path: tuple[str | int, ...]) -> list[Any] | None:
        """Every value one attribute of a resource can take, resolved from its expression; None when the
        configuration does not set it (a computed attribute), [UNKNOWN, …] where it cannot be resolved."""
        expression = self.expression(address, path)
        if isinstance(expression, list):  # nested blocks: each evaluated into its values
            return [[self._block(block, module_of(address), 0) for block in expression]]
        return None if expression is None else self.candidates(expression, module_of(address))

    def candidates(self, expression: Any, module: str) -> list[Any]:
        """Every value EXPRESSION can take: its constant, else each reference it makes, resolved (UNKNOWN where
        a reference cannot be); [UNKNOWN] for an expression that is neither (a function call of literals)."""
        if not isinstance(expression, dict):
            return [UNKNOWN]
        if "constant_value" in expression:
            return [expression["constant_value"]]
        references = most_specific([r for r in _list(expression.get("references")) if isinstance(r, str)])
        if not references:
            return [UNKNOWN]
        return [self.resolve(reference, module) for reference in references]

    def instance_candidates(self, address: str, expression: Any, key: str | int | None) -> list[Any]:
        """candidates() of one instance's expression, with `each.key`, `each.value…` and `count.index` read from
        the instance's own KEY (`["vendor"]`, `[0]`) and the resource's `for_each` map."""
        instances = module_keys(address)
        if (key is None and not instances) or not isinstance(expression, dict) or "constant_value" in expression:
            return self.candidates(expression, module_of(address))
        references = most_specific([r for r in _list(expression.get("references")) if isinstance(r, str)])
        if not references:
            return [UNKNOWN]
        return [self._instance_value(address, reference, key, instances) for reference in references]

    def _instance_value(self, address: str, reference: str, key: str | int | None, instances: dict[str, Any]) -> Any:
        if reference in ("each.key", "count.index"):
            return UNKNOWN if key is None else key
        if reference != "each.value" and not reference.startswith("each.value."):
            return self.resolve(reference, module_of(address), instances=instances)
        if key is None:
            return UNKNOWN
        module = module_of(address)
        found = self.modules.get(module)
        expression = found.for_each.get(config_address(address)[len(module):].lstrip(".")) if found else None
        items = self._single(expression, module, 1) if expression is not None else UNKNOWN
        return _each_value(items, key, reference)

    def resolve(self, reference: str, module: str, depth: int = 0, instances: dict[str, Any] | None = None) -> Any:
        """The value of one reference (`var.x`, `data.t.n.attr`, `t.n.attr`, `module.m.out`) in MODULE; INSTANCES
        gives the key of each keyed module instance the reference is read in (`module_keys`)."""
        if depth > MAX_DEPTH:
            return UNKNOWN
        parts, keys = reference_steps(reference)
        if keys:  # `x.app_role_ids["User.Read.All"]`, `var.roles[0]`: the whole value, then its item
            found = self.resolve(".".join(parts), module, depth + 1, instances)
            return UNKNOWN if found == UNKNOWN else dig(found, keys)
        if parts[0] == "var" and len(parts) >= 2:
            return dig(self._variable(parts[1], module, depth, instances or {}), parts[2:])
        if parts[0] == "module" and len(parts) >= 3:
            child = f"{module}.module.{parts[1]}".lstrip(".")
            found = self.modules.get(child)
            if found is None or parts[2] not in found.outputs:
                return UNKNOWN
            return dig(self._single(found.outputs[parts[2]], child, depth), parts[3:])
        if parts[0] == "data" and len(parts) >= 3:
            return self._attribute(".".join(parts[:3]), parts[3:], module, depth)
        if parts[0] in {"local", "each", "count", "path", "terraform", "self"} or len(parts) < 2:
            return UNKNOWN
        return self._attribute(".".join(parts[:2]), parts[2:], module, depth)

    def _single(self, expression: Any, module: str, depth: int, instances: dict[str, Any] | None = None) -> Any:
        if isinstance(expression, dict) and "constant_value" in expression:
            return expression["constant_value"]
        references = most_specific([r for r in _list(_dict(expression).get("references")) if isinstance(r, str)])
        return self.resolve(references[0], module, depth + 1, instances) if len(references) == 1 else UNKNOWN

    def inputs(self, module: str) -> dict[str, Any]:
        """Every input variable of MODULE that the plan shows a value for (its call's argument or its default),
        resolved: all a value the plan cannot show there (a local) can be built from, besides resources."""
        if not module:
            return dict(self.variables)
        parent, call = call_of(module)
        names = set(self.modules.get(parent, Module(parent)).calls.get(call, {}))
        names |= set(self.modules.get(module, Module(module)).defaults)
        return {name: self._variable(name, module, 0) for name in sorted(names)}

    def call_input(self, module: str, name: str) -> tuple[Any, str]:
        """The expression MODULE's caller passes to its input NAME, and the caller's module path; (None, "") at the
        root or where the call does not set it."""
        if not module:
            return None, ""
        parent, call = call_of(module)
        return self.modules.get(parent, Module(parent)).calls.get(call, {}).get(name), parent

    def _variable(self, name: str, module: str, depth: int, instances: dict[str, Any] | None = None) -> Any:
        if not module:
            return self.variables.get(name, UNKNOWN)
        parent, call = call_of(module)
        inputs = self.modules.get(parent, Module(parent)).calls.get(call, {})
        if name in inputs:
            each = self._each_of_call(inputs[name], module, depth, instances or {})
            return each if each is not None else self._single(inputs[name], parent, depth, instances)
        defaults = self.modules.get(module, Module(module)).defaults
        if name not in defaults and not inputs:
            # A call whose arguments the plan leaves out passes root variables through under their own names,
            # the common shape; a value read this way only ever adds a finding.
            return self.variables.get(name, UNKNOWN)
        return defaults.get(name, UNKNOWN)

    def _each_of_call(self, expression: Any, module: str, depth: int, instances: dict[str, Any]) -> Any:
        """A call input that reads `each.key` or `each.value…` of a module called with for_each, for the instance of
        MODULE that INSTANCES names (`module.tenant["tyrell"]`); None when the input reads no such thing."""
        references = most_specific([r for r in _list(_dict(expression).get("references")) if isinstance(r, str)])
        if len(references) != 1 or not (references[0] == "each.key" or references[0].split(".")[:2] == ["each",
                                                                                                         "value"]):
            return None
        if module not in instances:
            return UNKNOWN
        key, (parent, call) = instances[module], call_of(module)
        if references[0] == "each.key":
            return key
        for_each = self.modules.get(parent, Module(parent)).call_for_each.get(call)
        items = self._single(for_each, parent, depth + 1, instances) if for_each is not None else UNKNOWN
        return _each_value(items, key, references[0])

    def _attribute(self, resource: str, rest: list[str], module: str, depth: int) -> Any:
        address = f"{module}.{resource}".lstrip(".")
        after, unknown = self.planned.get(address, (None, None))
        if isinstance(after, dict) and rest and rest[0] in after and not _unknown_at(unknown, rest[0]):
            return dig(after[rest[0]], rest[1:])
        kind = resource.split(".")[1] if resource.startswith("data.") else ""
        if kind == POLICY_DOCUMENT and rest[:1] in (["json"], ["minified_json"]):
            return self.policy_document(address, depth)
        if kind == GOOGLE_POLICY and rest[:1] == ["policy_data"]:
            return self.google_policy(address, depth)
        if kind == "external" and rest[:1] == ["result"]:
            program = _dict(after).get("program") or self._single(
                _dict(self.expressions(address)).get("program"), module_of(address), depth + 1)
            return dig(printed_result(program), rest[1:])
        # A data source the plan has not read, or reads during apply (its attributes unknown): from what it looks up.
        unread = after is None or (bool(rest) and _unknown_at(unknown, rest[0]))
        return self._looked_up(address, kind, rest, depth) if kind and unread else UNKNOWN

    def _looked_up(self, address: str, kind: str, rest: list[str], depth: int) -> Any:
        """An attribute of a data source the plan has not read, from what it looks up: an attribute it sets itself,
        or an AWS IAM policy's ARN from its name (`data.aws_iam_policy` named `AdministratorAccess`)."""
        expressions = _dict(self.expressions(address))
        if rest and rest[0] in expressions and not isinstance(expressions[rest[0]], list):
            return dig(self._single(expressions[rest[0]], module_of(address), depth + 1), rest[1:])
        name = self._single(expressions["name"], module_of(address), depth + 1) if "name" in expressions else None
        if kind == "aws_iam_policy" and rest == ["arn"] and isinstance(name, str) and name and "/" not in name:
            return f"arn:aws:iam::aws:policy/{name}"
        return UNKNOWN

    def google_policy(self, address: str, depth: int = 0) -> Any:
        """A `data.google_iam_policy` as {"bindings": [{"role", "members"}]} (UNKNOWN where a value is)."""
        after, unknown = self.planned.get(address, (None, None))
        if isinstance(after, dict) and isinstance(after.get("binding"), list) and not _unknown_at(unknown, "binding"):
            marks = item_marks(unknown, "binding")
            blocks = [marked_unknown(b, marks[i] if i < len(marks) else None) for i, b in enumerate(after["binding"])]
        else:
            expressions = _dict(self.expressions(address))
            if not expressions:
                return UNKNOWN
            blocks = [self._block(b, module_of(address), depth) for b in _list(expressions.get("binding"))]
        return {"bindings": [{"role": b.get("role"), "members": b.get("members")} for b in blocks
                             if isinstance(b, dict)]}

    def policy_document(self, address: str, depth: int = 0) -> Any:
        """A `data.aws_iam_policy_document` as a policy object, from its planned read or its configuration."""
        after, unknown = self.planned.get(address, (None, None))
        module = module_of(address)
        expressions = _dict(self.expressions(address))
        configured = [self._statement(b, module, depth) for b in _list(expressions.get("statement"))]
        if isinstance(after, dict) and isinstance(after.get("statement"), list) and not _unknown_at(
                unknown, "statement"):
            marks = item_marks(unknown, "statement")
            blocks = [marked_unknown(b, marks[i] if i < len(marks) else None) for i, b in enumerate(after["statement"])]
            if len(configured) == len(blocks):  # what the read leaves unknown, the configuration may still say
                blocks = [filled(b, c) for b, c in zip(blocks, configured, strict=True)]
        elif expressions:
            blocks = configured
        else:
            return UNKNOWN
        statements = [json_statement(b) for b in blocks if isinstance(b, dict)]
        for key in ("source_policy_documents", "override_policy_documents", "source_json", "override_json"):
            for value in self.candidates(expressions.get(key), module) if key in expressions else []:
                statements += statements_of(value)
        return {"Version": "2012-10-17", "Statement": statements}

    def _statement(self, block: Any, module: str, depth: int) -> Any:
        """A statement block evaluated like _block, its action and resource lists item by item: a list written
        with several references (`[aws_iam_role.admin.arn, aws_instance.b.arn]`) keeps the items it resolves."""
        values = self._block(block, module, depth)
        for key in STATEMENT_LISTS:
            expression = block.get(key) if isinstance(block, dict) else None
            references = most_specific([r for r in _list(_dict(expression).get("references")) if isinstance(r, str)])
            if isinstance(values, dict) and values.get(key) == UNKNOWN and len(references) > 1:
                items = [self.resolve(r, module, depth + 1) for r in references]
                values[key] = [i for item in items for i in (item if isinstance(item, list) else [item])]
        return values

    def _block(self, block: Any, module: str, depth: int) -> Any:
        """A nested block's expressions evaluated into values (UNKNOWN where an expression cannot be)."""
        if not isinstance(block, dict):
            return UNKNOWN
        values: dict[str, Any] = {}
        for key, expression in block.items():
            if isinstance(expression, list):
                values[key] = [self._block(item, module, depth) for item in expression]
            else:
                values[key] = self._single(expression, module, depth)
        return values


def _read_data(module: Any) -> list[tuple[str, Any]]:
    """(config address, values) of every data source in a prior_state module tree."""
    node = _dict(module)
    found = [(config_address(r["address"]), r.get("values")) for r in _list(node.get("resources"))
             if isinstance(r, dict) and r.get("mode") == "data" and isinstance(r.get("address"), str)]
    return found + [item for child in _list(node.get("child_modules")) for item in _read_data(child)]


def _each_value(items: Any, key: str | int, reference: str) -> Any:
    """`each.value…` (REFERENCE) of the instance KEY of a for_each over ITEMS (a map, or a set of strings)."""
    value = items.get(str(key), UNKNOWN) if isinstance(items, dict) else (
        str(key) if isinstance(items, list) and str(key) in items else UNKNOWN)
    return dig(value, reference.split(".")[2:])


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _unknown_at(unknown: Any, key: str) -> bool:
    return isinstance(unknown, dict) and unknown.get(key) is True


_last_configuration: LastBuilt[Plan, Configuration] = LastBuilt(Configuration)
