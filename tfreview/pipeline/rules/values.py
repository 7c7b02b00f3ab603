"""Risk rules, values: what attribute values mean, for any provider: leaves of a plan object, internet-wide
sources, ports, TLS versions.

The semantic detectors (exposure.py, controls.py, reach.py) read plan values through these helpers, so a
resource type nobody listed is understood by the shape of its keys and values.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from functools import cache, lru_cache
from typing import Any

import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.diff import UNKNOWN
from tfreview.pipeline.rules.aligned import align
from tfreview.pipeline.rules.common import known
from tfreview.pipeline.rules.publicspan import spanned, too_wide

_INDEX = lazy_compile(r"\[[^\]]*\]")
MAX_LEAVES = 2000
# Words that name the whole internet as a source, wherever a provider puts them.
WORLD_WORDS = {"*", "internet", "any", "0/0", "all", "anywhere", "everywhere", "world", "0.0.0.0/0", "::/0", "any/0"}
IPV4_SPACE = 2**32
_LIST_SEPARATORS = lazy_compile(r"[,;\s]+")
IPV6_SPACE = 2**128


def leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """(path, value) for every scalar, and every list of scalars as one leaf, in a plan object."""
    if path or not isinstance(value, dict):
        return _walked(value, path)
    recent = _recent_leaves[0]
    for held, found in recent:
        if held is value:
            return iter(found)
    found = tuple(_walked(value, ""))
    _recent_leaves[0] = ((value, found), *recent[:RECENT_SIDES - 1])
    return iter(found)


# The leaves of the last few whole sides of changes: ~20 checks read a change's before or after leaf by leaf, one
# after another (risk.evaluate), and each walked it again. Held with the object itself, so its identity stays its
# own; one tuple replaced whole, so concurrent reviews never see a half-updated list.
RECENT_SIDES = 8
_recent_leaves: list[tuple[tuple[dict[str, Any], tuple[tuple[str, Any], ...]], ...]] = [()]


def _walked(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    stack: list[tuple[str, Any]] = [(path, value)]
    count = 0
    while stack and count < MAX_LEAVES:
        where, item = stack.pop()
        if isinstance(item, dict):
            # _as_pairs only ever changes a list: a scalar or map value (most of them) skips the call
            stack.extend((f"{where}.{k}" if where else str(k), _as_pairs(v) if isinstance(v, list) else v)
                         for k, v in item.items())
        elif isinstance(item, list) and any(isinstance(v, (dict, list)) for v in item):
            stack.extend((f"{where}[{i}]", v) for i, v in enumerate(item))
        else:
            count += 1
            yield where, item


def unknown_paths(unknown: Any, path: str = "") -> Iterator[str]:
    """Paths an after_unknown structure marks as known only after apply."""
    if unknown is True:
        yield path
    elif isinstance(unknown, dict):
        for key, value in unknown.items():
            yield from unknown_paths(value, f"{path}.{key}" if path else str(key))
    elif isinstance(unknown, list):
        for index, value in enumerate(unknown):
            yield from unknown_paths(value, f"{path}[{index}]")


@lru_cache(maxsize=65536)
def plain(path: str) -> str:
    """A path without list indices: `ingress[0].cidr_blocks` → `ingress.cidr_blocks`."""
    return _INDEX.sub("", path)


def with_settings(values: Any) -> dict[str, Any]:
    """VALUES plus its name/value pairs read as attributes: `setting_id = "ssl", value = "flexible"` gives
    `ssl = "flexible"`. (leaves() reads Helm `set`, database flags and parameter lists as `set.<name>`.)"""
    if not isinstance(values, dict):
        return {}
    extra: dict[str, Any] = {}
    texts = values.get("values")
    pairs = [i for key in ("set", "set_string") for i in _list(values.get(key)) if _pair(i)]
    if isinstance(texts, list) and texts and all(isinstance(t, str) for t in texts):
        extra["values"] = {k: v for text in texts for k, v in yaml_scalars(text).items()}
        # Helm applies `set` over the values documents: what the chart runs with is the set value
        # (`replicaCount: 3` in values, `set { replicaCount = 0 }` added: it runs none).
        extra["values"].update({_setting_name(i): i["value"] for i in pairs if not _DOCUMENT.search(str(i["value"]))})
    # A Helm `set` whose value is itself a YAML document (a config file such as `kibana.yml`) sets its keys.
    documents = [i for i in pairs if _DOCUMENT.search(str(i["value"]))]
    nested = {f"{_setting_name(i)}.{k}": v for i in documents for k, v in yaml_scalars(str(i["value"])).items()}
    if nested:
        extra["values"] = {**extra.get("values", {}), **nested}
    name = next((values[k] for k in NAME_KEYS if isinstance(values.get(k), str)), None)
    if name and "value" in values and not isinstance(values["value"], (dict, list)):
        extra[name] = values["value"]
    return {**values, **extra} if extra else values


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _setting_name(item: dict[str, Any]) -> str:
    """A Helm set name with its escaped dots kept as one segment: `kibanaConfig.kibana\\.yml` → `…kibana_yml`."""
    return str(item["name"]).replace("\\.", "_")


def _as_pairs(value: Any) -> Any:
    """A list of name/value blocks (Helm `set`, database flags, parameters) as one object by name."""
    if isinstance(value, list) and value and any(isinstance(i, dict) for i in value):
        value = [_named(i) for i in value]
    # None pads a list aligned with a longer one (aligned.py): no entry there, on both readings alike.
    if isinstance(value, list) and any(i is not None for i in value) and all(i is None or _pair(i) for i in value):
        return {_qualified(i): i.get("value") for i in value if i is not None}
    return value


def _qualified(item: dict[str, Any]) -> str:
    """A setting's name, after its namespace when it has one: Elastic Beanstalk repeats `Protocol` per listener."""
    namespace = item.get("namespace")
    return f"{namespace}.{item['name']}" if isinstance(namespace, str) and namespace else str(item["name"])


_DOCUMENT = lazy_compile(r"^\s*[\w.\-]+:(?:\s|$)", re.MULTILINE)  # a `key: value` line, not a URL
_YAML_LINE = lazy_compile(r"^( *)([A-Za-z0-9_.\-/\"']+):[ \t]*(.*?)[ \t]*(?:#.*)?$")


def yaml_scalars(text: str) -> dict[str, str]:
    """The `key: scalar` lines of a YAML document (Helm values) by dotted path; lists and anchors are skipped.
    Values written as JSON (`values = [jsonencode({...})]`, YAML's flow style) give their scalars the same way."""
    if text.lstrip().startswith("{"):
        return _json_scalars(text)
    found: dict[str, str] = {}
    stack: list[tuple[int, str]] = []
    for line in text.splitlines():
        match = _YAML_LINE.match(line)
        if not match:
            continue
        indent, key, value = len(match.group(1)), match.group(2).strip("\"'"), match.group(3)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        path = ".".join([k for _, k in stack] + [key])
        if value and not value.startswith(("|", ">", "&", "*")):
            found[path] = value.strip("\"'")
        elif not value:
            stack.append((indent, key))
    return found


def _json_scalars(text: str) -> dict[str, str]:
    """The scalars of a JSON object by dotted path, written as YAML writes them (`true`, `null`, `3`)."""
    try:
        parsed = orjson.loads(text)
    except orjson.JSONDecodeError:
        return {}
    # lists are skipped, as the YAML reader skips them (leaves() writes their items' paths with `[i]`)
    return {path: value if isinstance(value, str) else orjson.dumps(value).decode()
            for path, value in leaves(parsed) if "[" not in path and not isinstance(value, list)}


NAME_KEYS = ("setting_id", "setting", "name", "parameter_name", "key")


# A parameter list's spellings of a setting's name and value (Redshift's `config_parameter` has parameter_key and
# parameter_value): read as `value` under `name`.
PAIR_KEYS = (("parameter_key", "parameter_value"), ("parameter_name", "parameter_value"),
             ("option_name", "option_value"), ("setting_name", "setting_value"))


def _pair(item: Any) -> bool:
    return isinstance(item, dict) and isinstance(item.get("name"), str) and "value" in item \
        and not isinstance(item.get("value"), (dict, list))


def _named(item: Any) -> Any:
    """ITEM with a parameter list's name/value spelling read as `name` and `value`; ITEM otherwise."""
    if isinstance(item, dict) and "name" not in item:
        for name, value in PAIR_KEYS:
            if isinstance(item.get(name), str) and value in item:
                return {**item, "name": item[name], "value": item[value]}
    return item


Pairs = tuple[tuple[str, Any, Any], ...]
# The last change's pairs: the rules that read one change run one after another (risk.evaluate), so they
# share one flattening. One tuple, replaced whole, so concurrent reviews never see another change's pairs.
_last_pairs: list[tuple[Change | None, Pairs]] = [(None, ())]


def pairs(change: Change) -> Pairs:
    """(path, before, after) for every leaf whose value differs; after is UNKNOWN where it is known only
    after apply. Leaves of a removed block come with after None."""
    last, found = _last_pairs[0]
    if last is not change:
        found = _pairs(change)
        _last_pairs[0] = (change, found)
    return found


def _pairs(change: Change) -> Pairs:
    old, new = with_settings(change.before), with_settings(change.after)
    unknown = change.after_unknown if isinstance(change.after_unknown, dict) else {}
    # Only the top-level attributes that change are flattened: most updates touch a few of them.
    keys = [k for k in old.keys() | new.keys() if old.get(k) != new.get(k) or unknown.get(k)]
    lined = {k: align(old.get(k), new.get(k)) for k in keys}
    before = _with_flags({p: v for k in keys for p, v in leaves(_as_pairs(lined[k][0]), k)})
    after = _with_flags({p: v for k in keys for p, v in leaves(_as_pairs(lined[k][1]), k)})
    for path in unknown_paths({k: unknown[k] for k in keys if k in unknown}):
        after[path] = UNKNOWN
        for inner in [p for p in before if p.startswith(path + ".") or p.startswith(path + "[")]:
            after.setdefault(inner, UNKNOWN)
    return tuple((p, before.get(p), after.get(p)) for p in sorted(before.keys() | after.keys())
                 if before.get(p) != after.get(p))


# A command line's own flags (`--retention-days=1095`, `--batch 5000`) in a container's or job's argument list: each
# is a setting of what the command does, read as `<args path>.retention_days`.
ARGUMENT_LISTS = lazy_compile(r"(?:^|\.)(?:args|arguments|command|cmd|entrypoint)$")
_FLAG = lazy_compile(r"^--([a-z][a-z0-9-]{1,40})(?:=(.*))?$")


def _with_flags(found: dict[str, Any]) -> dict[str, Any]:
    """FOUND plus a leaf per `--name=value` (or `--name value`) flag of every argument list in it."""
    extra: dict[str, Any] = {}
    for path, value in found.items():
        if not isinstance(value, list) or not ARGUMENT_LISTS.search(plain(path)):
            continue
        items = [v for v in value if isinstance(v, str)]
        for index, item in enumerate(items):
            match = _FLAG.match(item.strip())
            if match is None:
                continue
            given = match.group(2)
            if given is None:
                following = items[index + 1] if index + 1 < len(items) else None
                given = following if following is not None and not following.startswith("-") else "true"
            extra[f"{path}.{match.group(1).replace('-', '_')}"] = given
    return {**found, **extra} if extra else found


# --- internet-wide sources -----------------------------------------------------------------------------


@cache
def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


def _unmapped(network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """An IPv4-mapped IPv6 range (::ffff:0.0.0.0/96) as the IPv4 range it stands for."""
    if isinstance(network, ipaddress.IPv6Network) and network.prefixlen >= 96:
        mapped = network.network_address.ipv4_mapped
        if mapped is not None:
            return ipaddress.IPv4Network(f"{mapped}/{network.prefixlen - 96}", strict=False)
    return network


# An address and its netmask, as firewalls write them (`0.0.0.0 0.0.0.0`, `192.0.2.0 255.255.255.0`): one network.
NETMASK_PAIR = lazy_compile(r"\b(\d{1,3}(?:\.\d{1,3}){3})\s+((?:255\.){0,3}(?:255|254|252|248|240|224|192|128|0)"
                            r"(?:\.0){0,3})\b(?![./])")


def world_sources(value: Any, words: bool) -> list[str]:
    """The items of VALUE that open to the whole internet: 0.0.0.0/0, ::/0, 0/0, and CIDR lists whose union
    covers at least half of an address space (0.0.0.0/1 + 128.0.0.0/1) or spans more of the public internet than
    any allow-list names (publicspan.py: 1.0.0.0/8 + 2.0.0.0/7 + 4.0.0.0/6, 2000::/3); a `START-END` item counts
    as the ranges it spans. With WORDS, also `*`, `Internet`, `any`."""
    texts = [NETMASK_PAIR.sub(r"\1/\2", v) for v in (value if isinstance(value, list) else [value])
             if isinstance(v, str) and known(v)]
    items = [part for text in texts for part in _LIST_SEPARATORS.split(text.strip()) if part]
    found = [i for i in items if i.strip().lower() in WORLD_WORDS and (words or "/" in i)]
    if found:
        return found
    nets = [_unmapped(n) for n in (_network(i) for i in items if "/" in i) if n is not None]
    nets += [n for i in items if "-" in i and "/" not in i for n in spanned(*i.partition("-")[::2])]
    for version, space in ((4, IPV4_SPACE), (6, IPV6_SPACE)):
        mine = [n for n in nets if n.version == version]
        if not mine:
            continue
        collapsed = list(ipaddress.collapse_addresses(mine))  # type: ignore[type-var]
        covered = sum(int(n.num_addresses) for n in collapsed)
        if covered * 2 >= space or too_wide(collapsed):
            return [" + ".join(str(n) for n in mine)]
    return []


def whole_range(node: dict[str, Any]) -> str | None:
    """'START-END' of a start/end address pair in NODE (SQL firewall rules) that covers at least half of the
    address space, the measure world_sources applies to CIDR lists: 0.0.0.0–255.255.255.255, but
    10.0.17.62–255.255.255.255 too; None when no pair does."""
    starts = [(v, a) for k, v in node.items() if "start" in k.lower() and (a := _address(v)) is not None]
    ends = [(v, a) for k, v in node.items() if "end" in k.lower() and (a := _address(v)) is not None]
    for start_text, start in starts:
        for end_text, end in ends:
            space = IPV4_SPACE if start.version == 4 else IPV6_SPACE
            if start.version != end.version:
                continue
            if (int(end) - int(start) + 1) * 2 >= space or too_wide(spanned(start_text, end_text)):
                return f"{start_text}-{end_text}"
    return None


def _address(value: Any) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if not isinstance(value, str):
        return None
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


# --- TLS versions ------------------------------------------------------------------------------------

_ELB_NAMED = lazy_compile(r"(?:tls13|tls|fs)-1-([0-3])", re.IGNORECASE)
_DATED = lazy_compile(r"_(?:19|20)\d\d$")
# the version may follow other words of the name: Policy-Min-TLS-1-2-2019-07, tls_cipher_policy_1_2_strict
_NAMED = lazy_compile(r"tls(?:13)?[a-z]*(?:[-_ ][a-z]+)*[-_ ]?v?1[-_.]([0-3])(?![0-9])")
_VERSION = lazy_compile(r"(?:tls)?\s*1(?:[._\-]?([0-3]))?")


def tls_version(value: Any) -> float | None:
    """The minimum TLS version a setting allows, as a number (SSLv3 = 0.3); None when not a version.

    Reads `TLS1_2`, `tls1.2`, `1.2`, `TLS_1_0`, CloudFront's `TLSv1.2_2021` / `TLSv1_2016`, ELB policies
    (`ELBSecurityPolicy-TLS13-1-2-2021-06`: 1.2) and dated ones without a TLS part (`ELBSecurityPolicy-2016-08`: 1.0).
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value <= 1.3:
        return round(float(value), 1)
    if not isinstance(value, str) or not known(value) or not value.strip():
        return None
    text = value.strip().lower()
    if text.startswith("elbsecuritypolicy"):
        match = _ELB_NAMED.search(text)
        return 1.0 + int(match.group(1)) / 10 if match else 1.0
    text = _DATED.sub("", text)
    for old, new in (("tlsv", "tls"), ("tls_", "tls"), ("sslv", "ssl"), ("ssl_", "ssl")):
        text = text.replace(old, new)
    if text in ("ssl3", "ssl3.0", "ssl30"):
        return 0.3
    if text == "tls":  # Azure's bare `Tls` beside `Tls11` and `Tls12`: TLS 1.0
        return 1.0
    match = _VERSION.fullmatch(text)
    if match:
        return 1.0 + int(match.group(1) or 0) / 10
    named = _NAMED.search(text)  # a policy name with the version inside: Policy-Min-TLS-1-2-2019-07
    return 1.0 + int(named.group(1)) / 10 if named else None


def number(value: Any) -> float | None:
    """A number, from a JSON number or numeric text; None otherwise (booleans are not numbers)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?", value.strip()):
        return float(value)
    return None


_LINE_COMMENT = lazy_compile(r'("(?:[^"\\]|\\.)*")|//[^\n]*|/\*.*?\*/', re.DOTALL)
_TRAILING_COMMA = lazy_compile(r'("(?:[^"\\]|\\.)*")|,(\s*[\]}])')


def document(value: Any) -> Any:
    """The object or list a JSON (or HuJSON: comments, trailing commas) text attribute holds; None otherwise."""
    if not isinstance(value, str) or not value.lstrip().startswith(("{", "[")):
        return None
    text = _LINE_COMMENT.sub(lambda m: m.group(1) or "", value)
    text = _TRAILING_COMMA.sub(lambda m: m.group(1) or m.group(2), text)
    try:
        parsed = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    return parsed if isinstance(parsed, (dict, list)) else None
