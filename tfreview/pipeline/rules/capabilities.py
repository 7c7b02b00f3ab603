"""Risk rules, identity: path-and-capability policies held as text (Vault ACL policies in HCL or JSON, in
`vault_policy.policy` or any attribute) — read for real and judged for wildcard write/sudo and for write access to
the permission control plane (policies, auth methods, token creation, identities)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.findings import Finding, Severity, finding
from tfreview.pipeline.rules.documents import UNRESOLVED
from tfreview.pipeline.rules.grants import PRIVILEGED
from tfreview.pipeline.rules.judge import ESCALATES, WILDCARD, Verdict

MAX_TEXT = 200_000
MAX_DEPTH = 24
PATH_START = lazy_compile(r'(?:^|[\s;{}])path\s*(?:=\s*)?"((?:[^"\\]|\\.)*)"\s*(?:=\s*)?\{')
LIST_ITEM = lazy_compile(r'"((?:[^"\\]|\\.)*)"')
CAPABILITIES = lazy_compile(r'\bcapabilities\s*=\s*\[([^\]]*)\]')
OLD_POLICY = lazy_compile(r'\bpolicy\s*=\s*"(\w+)"')  # the pre-0.9 form: policy = "write"
OLD_MEANING = {"deny": ("deny",), "read": ("read", "list"), "write": ("create", "read", "update", "delete", "list"),
               "sudo": ("create", "read", "update", "delete", "list", "sudo")}
WRITES = frozenset({"create", "update", "patch", "delete", "sudo", "root", "write", "*"})
POLICY_KEY = lazy_compile(r"(?:^|_)(?:polic(?:y|ies)|hcl|rules?)$")
# Paths whose write access changes who may do what: writing them is granting yourself more.
CONTROL_PLANE = (
    (lazy_compile(r"^sys/polic(?:y|ies)(?:/|$)"), "the ACL policies themselves"),
    (lazy_compile(r"^sys/auth(?:/|$)"), "auth method mounts"),
    (lazy_compile(r"^sys/(?:raw|generate-root|rekey|seal|unseal|replication|config/auditing|audit)(?:/|$)"),
     "root-level system endpoints"),
    (lazy_compile(r"^identity/(?!oidc/token/)"), "identities, groups and their policies"),
    (lazy_compile(r"^auth/[^/]+/(?:role|roles|users|groups|map)/[^/]+$"), "auth roles, users or groups and the "
     "policies they hand out"),
)
# Attributes naming the policies a role or token hands out; Vault's built-in `root` policy is every right.
HANDS_OUT = lazy_compile(r"^(?:token_|identity_|allowed_)?policies(?:_glob)?$")
TOKEN_CREATE = lazy_compile(r"^auth/token/(?:create|create-orphan|roles)(?:/|$)")


def changed(change: Change) -> Iterator[Finding]:
    """Path-capability policies held as text (Vault ACLs in HCL or JSON): what a change newly lets them write."""
    old = {v.text for _, rules in policies(change.before) for v in judge(rules)}
    for where, rules in policies(change.after):
        for verdict in judge(rules):
            if verdict.text not in old:
                yield finding(verdict.rule, change.address, f"{change.address}: {where} {verdict.text}",
                              verdict.severity)
    yield from _root(change)
    yield from _read_only_writes(change)
    unread = set(unreadable(change.before))
    for where in unreadable(change.after):
        if where not in unread:
            yield finding(UNRESOLVED, change.address, f"{change.address}: {where} declares path blocks that cannot be "
                          "read (an unclosed block?), so what it grants could not be checked", Severity.HIGH)


# A policy's own name that says its holders only read: `noc-readonly`, `auditor`, `ro`.
READ_ONLY_NAME = lazy_compile(r"(?:^|[^a-z])(?:read_?only|read-only|ro|readers?|viewers?|auditors?|observers?)"
                              r"(?:$|[^a-z])", re.IGNORECASE)
READS = frozenset({"read", "list", "deny"})
# Endpoints Vault asks `update` (a POST) of for what only reads or uses: a token's own lookup, renewal and
# capabilities, a lease renewal, unwrapping, encrypting or decrypting with a transit key, a login.
READ_BY_UPDATE = lazy_compile(r"-self$|^sys/(?:capabilities(?:-accessor)?|leases/(?:renew|lookup)|renew|wrapping/)"
                              r"|^transit/(?:encrypt|decrypt|sign|verify|hmac|rewrap|datakey|random)/|^auth/[^/]+/login")


def _writes(path: str, caps: frozenset[str]) -> set[str]:
    """The capabilities that write on PATH (update on an endpoint that only reads by POST does not)."""
    writes = set(caps - READS)
    return writes - {"update"} if READ_BY_UPDATE.search(path) else writes


def _read_only_writes(change: Change) -> Iterator[Finding]:
    """A policy whose name says read-only, which read only before, newly writes: whoever holds it for reading writes."""
    before = change.before if isinstance(change.before, dict) else {}
    name = f"{before.get('name') or ''} {change.name}"
    if not before or not READ_ONLY_NAME.search(name):
        return
    old = [rules for _, rules in policies(before)]
    if not old or any(_writes(path, caps) for rules in old for path, caps in rules):
        return
    for where, rules in policies(change.after):
        writes = [(path, sorted(_writes(path, caps))) for path, caps in rules if _writes(path, caps)]
        if writes:
            path, caps = writes[0]
            yield finding(PRIVILEGED, change.address, f"{change.address}: {where} of a policy named read-only, which "
                          f"only read before, now grants {', '.join(caps)} on {path}: every holder given it to read "
                          "now writes")
            return


def _root(change: Change) -> Iterator[Finding]:
    """A role or token that newly hands out the `root` policy, or may hand out any policy ("*")."""
    before = change.before if isinstance(change.before, dict) else {}
    after = change.after if isinstance(change.after, dict) else {}
    for key, value in after.items():
        if not HANDS_OUT.match(str(key)) or not isinstance(value, list):
            continue
        was = before.get(key)
        old: list[Any] = was if isinstance(was, list) else []
        wide = [str(v) for v in value if v not in old and (v == "root" or (v == "*" and key.startswith("allowed")))]
        if wide:
            yield finding(PRIVILEGED, change.address, f"{change.address}: {key} hands out \"{wide[0]}\" — every "
                          "right in Vault (root-equivalent tokens)")


def policies(values: Any, where: str = "", depth: int = 0) -> Iterator[tuple[str, list[tuple[str, frozenset[str]]]]]:
    """(attribute, [(path, capabilities)]) for every path-capability policy held as text or JSON in VALUES."""
    if depth > MAX_DEPTH or (depth == 0 and not _mentions_path(values)):
        return
    if isinstance(values, str):
        if "path" in values and len(values) <= MAX_TEXT:
            rules = parse(values)
            if rules:
                yield where or "policy", rules
    elif isinstance(values, dict):
        for key, item in values.items():
            yield from policies(item, f"{where}.{key}" if where else str(key), depth + 1)
    elif isinstance(values, list):
        for index, item in enumerate(values):
            yield from policies(item, f"{where}[{index}]", depth + 1)


def _mentions_path(values: Any) -> bool:
    """One C-speed scan spares the walk for the many values without a string that holds "path"."""
    if not isinstance(values, (dict, list)):
        return True
    try:
        return b"path" in orjson.dumps(values)
    except TypeError:  # not plain JSON (never from a plan): walk it anyway
        return True


def unreadable(values: Any) -> Iterator[str]:
    """Policy-named attributes whose text declares `path "…"` blocks that cannot be read."""
    if not isinstance(values, dict):
        return
    for key, item in values.items():
        if isinstance(item, str) and POLICY_KEY.search(str(key)) and PATH_START.search(item) and not parse(item):
            yield str(key)


def parse(text: str) -> list[tuple[str, frozenset[str]]]:
    """The (path, capabilities) of a policy in HCL or its JSON form; [] when TEXT is not one."""
    stripped = text.lstrip()
    if stripped[:1] == "{" and '"path"' in stripped:
        try:
            return _from_json(orjson.loads(stripped))
        except orjson.JSONDecodeError:
            pass
    found: list[tuple[str, frozenset[str]]] = []
    clean = strip_comments(text)
    for match in PATH_START.finditer(clean):
        body = braced_block(clean, match.end())
        if body is None:
            return []  # an unclosed block: not read, so not judged safe (see unreadable)
        capabilities = CAPABILITIES.search(body)
        if capabilities is not None:
            found.append((match.group(1), frozenset(c.lower() for c in LIST_ITEM.findall(capabilities.group(1)))))
        elif (old := OLD_POLICY.search(body)) is not None:
            found.append((match.group(1), frozenset(OLD_MEANING.get(old.group(1).lower(), ("create", "sudo")))))
    return found


def _from_json(value: Any) -> list[tuple[str, frozenset[str]]]:
    paths = value.get("path") if isinstance(value, dict) else None
    entries = [paths] if isinstance(paths, dict) else [p for p in paths if isinstance(p, dict)] \
        if isinstance(paths, list) else []
    found = []
    for entry in entries:
        for path, body in entry.items():
            for block in body if isinstance(body, list) else [body]:
                if not isinstance(block, dict):
                    continue
                caps = block.get("capabilities")
                if isinstance(caps, list):
                    found.append((str(path), frozenset(str(c).lower() for c in caps)))
                elif isinstance(block.get("policy"), str):
                    found.append((str(path), frozenset(OLD_MEANING.get(block["policy"].lower(), ("create", "sudo")))))
    return found


def strip_comments(text: str) -> str:
    """TEXT without #, // and /* */ comments (quoted strings kept whole)."""
    out, index, quoted = [], 0, False
    while index < len(text):
        char = text[index]
        if quoted:
            out.append(char)
            if char == "\\" and index + 1 < len(text):
                out.append(text[index + 1])
                index += 1
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
            out.append(char)
        elif char == "#" or text.startswith("//", index):
            end = text.find("\n", index)
            index = len(text) if end < 0 else end
            continue
        elif text.startswith("/*", index):
            end = text.find("*/", index + 2)
            index = len(text) if end < 0 else end + 2
            continue
        else:
            out.append(char)
        index += 1
    return "".join(out)


def braced_block(text: str, start: int) -> str | None:
    """The body of the block opened just before START, up to its matching brace (None when never closed)."""
    depth, index, quoted = 1, start, False
    while index < len(text):
        char = text[index]
        if quoted:
            if char == "\\":
                index += 1
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return text[start:index]
        index += 1
    return None


def judge(rules: list[tuple[str, frozenset[str]]]) -> Iterator[Verdict]:
    """What a path policy grants that a reviewer must see: wildcard write/sudo, or writes to the control plane."""
    for path, capabilities in rules:
        if "deny" in capabilities:
            continue
        writes = sorted(capabilities & WRITES)
        if not writes:
            continue
        shown = f'path "{path[:120]}" [{", ".join(sorted(capabilities)[:8])}]'
        if _wide(path):
            yield Verdict(WILDCARD, Severity.HIGH, f"grants {shown}: write/sudo on a wildcard path (every secret "
                          "and, with sudo, root-protected endpoints — root-equivalent)")
            continue
        plane = next(filter(None, (_plane(p, capabilities) for p in _reached(path.lstrip("/")))), None)
        if plane is not None:
            yield Verdict(ESCALATES, Severity.HIGH, f"grants {shown}: write access to {plane}, so the holder can "
                          "grant itself more (privilege escalation)")


# One concrete path of each control-plane kind, and the tails that complete a glob's literal start into one: a glob
# path (`auth/token/*`, `auth/approle/role/*`, `sys/+/acl/x`) that reaches one writes that part of the control plane,
# as a literal path would.
CONTROL_SAMPLES = ("sys/policies/acl/any", "sys/policy/any", "sys/auth/any", "sys/raw/any", "sys/audit/any",
                   "identity/entity/any", "identity/group/any", "auth/token/create", "auth/token/create-orphan",
                   "auth/token/roles/any", "auth/any/role/any", "auth/any/users/any", "auth/any/groups/any")
GLOB_TAILS = ("", "any", "create", "create-orphan", "roles/any", "role/any", "any/role/any", "policies/acl/any",
              "auth/any", "entity/any")


def _reached(path: str) -> tuple[str, ...]:
    """The paths PATH covers that the control-plane tests can read: itself, or the samples its glob matches and its
    literal start completed by each tail (Vault globs: a trailing `*` is any suffix, `+` one segment)."""
    if "*" not in path and "+" not in path:
        return (path,)
    pattern = re.compile("".join("[^/]+" if c == "+" else ".*" if c == "*" else re.escape(c) for c in path) + "$")
    start = path.split("*", 1)[0].replace("+", "any")
    completed = tuple(start + tail for tail in GLOB_TAILS if "*" in path and (not tail or start.endswith("/")))
    return tuple(sample for sample in CONTROL_SAMPLES if pattern.match(sample)) + completed


def _plane(path: str, capabilities: frozenset[str]) -> str | None:
    """What part of the permission control plane writing PATH with CAPABILITIES changes; None when none."""
    plane = next((what for pattern, what in CONTROL_PLANE if pattern.search(path)), None)
    if plane is None and TOKEN_CREATE.search(path) and "sudo" in capabilities:
        plane = "tokens carrying any policy (sudo on token creation)"
    return plane


def _wide(path: str) -> bool:
    """Whether a glob path covers a whole mount or more: `*`, `+/*`, `secret/*`, `secret/data/*`."""
    cut = min((i for i in (path.find("*"), path.find("+")) if i >= 0), default=-1)
    if cut < 0:
        return False
    segments = [s for s in path[:cut].strip("/").split("/") if s and s not in ("data", "metadata")]
    return len(segments) <= 1
