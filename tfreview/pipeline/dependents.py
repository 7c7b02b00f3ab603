"""Blast radius (a stage after normalize): which resources depend on each change, from the plan's `configuration`.

Terraform writes, for every expression in the configuration, the `references` it makes (`aws_vpc.main.id`,
`var.vpc_id`, `module.net.subnet_ids`, …), plus `depends_on`, `count`/`for_each` expressions, module call
inputs and outputs. Those form a graph over configuration addresses; the dependents of a change are the
resources reachable from its configuration address, directly or transitively: a module input maps to
`var.NAME` inside the module, a module output to the expressions that read it in the caller.

`locals` are not in the plan's JSON, so a dependency that passes only through a local is not seen; a plan
without `configuration` (older or filtered plans) gets no dependents and no error.
See https://developer.hashicorp.com/terraform/internals/json-format#configuration-representation
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile

# Instance keys in an address: [0], ["eu-west-1"] (with escaped quotes inside).
_INSTANCE_KEY = lazy_compile(r'\[(?:"(?:[^"\\]|\\.)*"|[0-9]+|\*)\]')
_DIGITS = lazy_compile(r"(\d+)")
# References that name no resource, variable or module value.
_NOT_A_NODE = ("local.", "path.", "terraform.", "each.", "count.", "self.")


class Graph:
    """Configuration addresses and the addresses that read each of them."""

    def __init__(self) -> None:
        self.readers: dict[str, set[str]] = defaultdict(set)
        self.resources: set[str] = set()
        self._found: dict[str, list[str]] = {}

    def link(self, source: str, reader: str) -> None:
        """READER reads SOURCE (SOURCE changing may change READER); an empty SOURCE names nothing."""
        if source and source != reader:
            self.readers[source].add(reader)

    def dependents(self, address: str) -> list[str]:
        """The resources that depend on the resource instance ADDRESS, directly or transitively, sorted."""
        address = config_address(address)
        if address not in self.resources:
            return []
        found = self._found.get(address)
        if found is None:
            found = self._found[address] = self._reachable(address)
        return found

    def _reachable(self, address: str) -> list[str]:
        seen: set[str] = {address}
        queue = deque([address])
        while queue:
            for reader in self.readers.get(queue.popleft(), ()):
                if reader not in seen:
                    seen.add(reader)
                    queue.append(reader)
        return sorted((seen - {address}) & self.resources, key=natural_key)


def natural_key(text: str) -> list[Any]:
    """Sort key that puts app_2 before app_10."""
    return [int(part) if part.isdigit() else part for part in _DIGITS.split(text)]


def config_address(address: str) -> str:
    """A resource instance's configuration address: instance keys dropped (`module.a["x"].b.c[0]` → `module.a.b.c`)."""
    return _INSTANCE_KEY.sub("", address)


def dependency_graph(configuration: Any) -> Graph:
    """The graph of a plan's `configuration`; empty (every `dependents` []) when it is missing or malformed."""
    graph = Graph()
    root = configuration.get("root_module") if isinstance(configuration, dict) else None
    if isinstance(root, dict):
        _add_module(graph, root, "")
    return graph


def _add_module(graph: Graph, module: dict[str, Any], prefix: str) -> None:
    """Add one module's resources, outputs and calls; PREFIX is `module.a.module.b.` ('' for the root)."""
    for resource in _list(module.get("resources")):
        address = resource.get("address")
        if not isinstance(address, str):
            continue
        node = prefix + address
        graph.resources.add(node)
        for ref in _references(resource):
            graph.link(_resolve(ref, prefix), node)
        if prefix:  # everything in a module waits for its call's count/for_each/depends_on
            graph.link(prefix.removesuffix("."), node)
    for name, output in _dict(module.get("outputs")).items():
        for ref in _references(output):
            graph.link(_resolve(ref, prefix), f"{prefix}output.{name}")
        graph.link(f"{prefix}output.{name}", f"{prefix}output.*")  # what `module.NAME` as a whole reads
    for name, call in _dict(module.get("module_calls")).items():
        child = f"{prefix}module.{name}."
        for variable, expression in _dict(call.get("expressions")).items():
            for ref in _references(expression):
                graph.link(_resolve(ref, prefix), f"{child}var.{variable}")
        for key in ("count_expression", "for_each_expression"):
            for ref in _references(call.get(key)):
                graph.link(_resolve(ref, prefix), child.removesuffix("."))
        for ref in _list(call.get("depends_on")):
            if isinstance(ref, str):
                graph.link(_resolve(ref, prefix), child.removesuffix("."))
        if isinstance(call.get("module"), dict):
            _add_module(graph, call["module"], child)


def _resolve(reference: str, prefix: str) -> str:
    """The graph node a reference names inside the module at PREFIX."""
    ref = config_address(reference)
    if ref.startswith(_NOT_A_NODE):
        return ""
    parts = ref.split(".")
    if parts[0] == "var" and len(parts) >= 2:
        return f"{prefix}var.{parts[1]}"
    if parts[0] == "module" and len(parts) >= 2:
        # module.NAME.OUTPUT reads that output; module.NAME alone reads every output of the call.
        return f"{prefix}module.{parts[1]}.output.{parts[2] if len(parts) >= 3 else '*'}"
    if parts[0] == "data" and len(parts) >= 3:
        return f"{prefix}data.{parts[1]}.{parts[2]}"
    return f"{prefix}{parts[0]}.{parts[1]}" if len(parts) >= 2 else ""


def _references(node: Any) -> Iterator[str]:
    """Every reference in an expression tree (nested blocks are lists of expression maps) and its depends_on."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            refs = item.get("references")
            if isinstance(refs, list):
                yield from (r for r in refs if isinstance(r, str))
            depends = item.get("depends_on")
            if isinstance(depends, list):
                yield from (r for r in depends if isinstance(r, str))
            stack.extend(v for k, v in item.items() if k not in ("references", "depends_on", "module"))
        elif isinstance(item, list):
            stack.extend(item)


def _list(value: Any) -> list[Any]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return {k: v for k, v in value.items() if isinstance(v, dict)} if isinstance(value, dict) else {}
