"""Risk rules, exposure of machines (any provider): interactive data-science compute (notebooks, workbenches, ML
compute instances) created with or switched to a public IP, a public address given to a workload in the plan
that serves ports beyond 80/443, a machine's service that publishes a database or admin port through its platform's
proxy, and a tunnel or TCP proxy that publishes an admin API (Kubernetes, SSH, a database port…) with no access
check (an origin URL, or an origin block's port behind a public name; a check whose value says open, public, none or
`*` checks nobody). A private address, a web-only workload, a notebook without a public IP and a tunnel route behind
an access policy pass."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ALTERING, Finding, ReviewInput, Severity, finding, managed, rule
from tfreview.pipeline.rules.common import show, sides
from tfreview.pipeline.rules.ports import ADMIN_PORTS
from tfreview.pipeline.rules.values import leaves, plain
from tfreview.pipeline.rules.vocabulary.meanings import EVERYONE, UNCHALLENGED
from tfreview.pipeline.rules.vocabulary.terms import setting_words

HOST = "public-host"
# Compute where people run code against data: a public IP puts a shell on the internet.
INTERACTIVE = lazy_compile(r"(?:^|_)(?:notebook|notebooks|workbench|jupyter|jupyterlab|datalab)(?:_|$)"
                           r"|machine_learning_compute|ml_compute|(?:^|_)(?:ml|ai)_(?:compute_)?instance(?:_|$)")
# Settings that give the machine a public address: on when true (`node_public_ip_enabled`), or, for a
# `disable_`/`no_` flag, when false; `direct_internet_access` Enabled; an external access config block.
PUBLIC_ON = lazy_compile(r"(?:^|\.)(?:\w*public_ip\w*|\w*direct_internet_access|\w*internet_access\w*)$")
PUBLIC_OFF = lazy_compile(r"(?:^|\.)(?:disable|no)_public_ip\w*$")
EXTERNAL = lazy_compile(r"(?:^|\.)access_configs?\.\w+$")
# Addresses of any provider, and the value words that make one private.
ADDRESS = lazy_compile(r"(?:^|_)(?:ip|ips|eip|ip_address|public_ip|floating_ip|reserved_ip|static_ip|primary_ip)$")
PRIVATE = lazy_compile(r"private|internal|vpc|local", re.IGNORECASE)
# Public addresses that are attached to a port or machine (floating, elastic), and their associations.
FLOATING = lazy_compile(r"(?:^|_)(?:floating_?ips?|eip|elastic_ip|public_ip)(?:_association|_associate)?(?:_v\d+)?$")
# Words in an address's own name, description or resource name that say it fronts a database.
DATABASE_WORDS = frozenset({"db", "database", "sql", "mysql", "postgres", "postgresql", "pgsql", "pg", "mariadb",
                            "mongo", "mongodb", "redis", "cassandra", "elasticsearch", "opensearch", "oracle",
                            "mssql", "couchdb", "clickhouse"})
_WORD = lazy_compile(r"[a-z0-9]+")
# Ports a workload serves to the outside (not the port its process listens on inside).
SERVED = lazy_compile(r"(?:^|\.)(?:ports?|public_port|external_port|published_port|listen_port|host_port)$")
WEB = {80, 443}
# The attribute by which an address names what it is attached to, and the workload's own identifying attributes.
TARGET_KEYS = lazy_compile(r"app|app_name|application|instance|instance_id|server|server_id|server_name|machine"
                           r"|machine_id|droplet_id|linode_id|vm_id|service|service_name")
OWN_KEYS = lazy_compile(r"app|app_name|name|id|service_name")


def _public_ip(values: dict[str, Any]) -> str | None:
    """The setting that gives these values a public address, or None."""
    for path, value in leaves(values):
        where = plain(path)
        if PUBLIC_OFF.search(where) and value is False:
            return f"{where} = false"
        if PUBLIC_ON.search(where) and not PUBLIC_OFF.search(where) and (
                value is True or (isinstance(value, str) and value.strip().lower() in ("enabled", "true"))):
            return f"{where} = {show(value)}"
        if EXTERNAL.search(where):
            return f"{where.rsplit('.', 1)[0]} (an external IP)"
    return None


@rule(HOST, Severity.HIGH, "A notebook, workbench or ML compute instance takes a public IP, a public address is "
      "given to a workload that serves ports beyond 80/443, a machine publishes a database or admin port, or a tunnel "
      "publishes an admin API without an access check (any provider).")
def _public_hosts(ri: ReviewInput) -> Iterator[Finding]:
    changes = list(managed(ri.changeset, *ALTERING))
    for change in changes:
        before, after = sides(change)
        if INTERACTIVE.search(change.type):
            why = _public_ip(after)
            if why is not None and (change.action is Action.CREATE or _public_ip(before) is None):
                yield finding(HOST, change.address, f"{change.address}: {why} — interactive compute (people run "
                              "code against data on it) reachable from the internet")
        elif FLOATING.search(change.type) and change.action is Action.CREATE and _is_public(after) \
                and (engine := _database_named(change, after)):
            yield finding(HOST, change.address, f"{change.address}: a public (floating) address for a database "
                          f"(its own name says {engine}): the database is reachable from the internet")
        elif ADDRESS.search(change.type) and change.action is Action.CREATE and _is_public(after):
            yield from _served(change, after, changes)
        elif (engine := _database_named(change, after, prefix=True)) and (bound := _public_bound(change)):
            yield finding(HOST, change.address, f"{change.address}: {bound} now binds a public address to a "
                          f"database machine's network interface (its own name says {engine}): the database is "
                          "reachable from the internet")
        elif TUNNELS.search(change.type) and not _database_words(change.type) \
                and (opened := sorted(_unguarded(after) - _unguarded(before))):
            yield finding(HOST, change.address, f"{change.address}: publishes {opened[0]} through the tunnel with no "
                          "access check in front of it")
        elif MACHINES.search(change.type) and not change.type.startswith("kubernetes"):
            published = sorted(_published(after) - _published(before))
            if published:
                yield finding(HOST, change.address, f"{change.address}: a service now publishes port "
                              f"{published[0]} ({ADMIN_PORTS[published[0]]}) to the internet through the platform's "
                              "proxy")


def _database_named(change: Change, values: dict[str, Any], prefix: bool = False) -> str | None:
    """The database word in an address's resource name, name or description, or None. With PREFIX, a word that
    starts with an engine's name counts too (`sqlag` for a SQL availability group, `pgprimary`)."""
    text = " ".join([change.name, *(str(values.get(k) or "") for k in ("name", "description"))]).lower()
    return next((w for w in _WORD.findall(text) if w in DATABASE_WORDS
                 or (prefix and any(w.startswith(e) for e in ENGINE_PREFIXES))), None)


# Engines whose name begins a longer word of a machine's name; `db` and `pg` are too short to read that way.
ENGINE_PREFIXES = ("sql", "mysql", "postgres", "mongo", "redis", "mssql", "oracle", "mariadb", "cassandra")
# A reference by which a machine or its network interface takes a public address (Azure `public_ip_address_id`,
# a `floating_ip_id`, GCP's access config `nat_ip`).
PUBLIC_REF = lazy_compile(r"(?:^|\.)(?:public_ip_address_id|public_ip_id|public_ip_address|floating_ip_id"
                          r"|floating_ip|elastic_ip|eip_id|nat_ip)$")


def _public_bound(change: Change) -> str | None:
    """The reference by which this change binds a public address to an object that held none there, or None
    (set now, or known only after apply)."""
    before, after = sides(change)
    held = {plain(p) for p, v in leaves(before) if PUBLIC_REF.search(plain(p)) and v not in (None, "", [])}
    bound = [plain(p) for p, v in leaves(after) if PUBLIC_REF.search(plain(p)) and v not in (None, "", [])]
    if not _public_switched_off(after):  # an address reported after apply is none when its own switch is off
        bound += [plain(p) for p, v in leaves(change.after_unknown or {})
                  if v is True and PUBLIC_REF.search(plain(p))]
    return next((p for p in bound if p not in held), None) or _public_switched_on(before, after)


def _public_switched_on(before: dict[str, Any], after: dict[str, Any]) -> str | None:
    """The object's own public-address switch this change turns on (`public_net.ipv4_enabled` false → true,
    `no_public_ip` true → false), or None: the provider then gives it an address on the internet."""
    was = {plain(path): value for path, value in leaves(before) if isinstance(value, bool)}
    for path, value in leaves(after):
        where = plain(path)
        if isinstance(value, bool) and was.get(where) is (not value) \
                and _gives_public_address(where.rsplit(".", 1)[-1], value) is True:
            return f"{where} = {str(value).lower()}"
    return None


# A switch of an object's own internet-facing address (`ipv4_enabled`, `assign_public_ip`,
# `public_network_access_enabled`, `associate_public_ip_address`): false means the address it reports stays empty.
PUBLIC_SWITCH = lazy_compile(r"(?:^|_)(?:ipv4|public|publicly|internet|external)(?:_|$)")
# Words that make such a key something else: a blocker (`block_public_acls` true closes), a private side.
NOT_A_SWITCH = frozenset({"private", "disable", "disabled", "no", "block", "blocked", "restrict", "restricted",
                          "ignore", "deny", "prevent", "prevention"})


def _gives_public_address(key: str, value: Any) -> bool | None:
    """Whether a switch named KEY set to VALUE gives the object its public address (True) or withholds it (False):
    a public/IPv4/internet/external switch, or a `disable_`/`no_public_ip` one read the other way round; None for
    any other setting."""
    if not isinstance(value, bool):
        return None
    if PUBLIC_OFF.search(key):
        return not value
    if PUBLIC_SWITCH.search(key) and not NOT_A_SWITCH & set(key.split("_")):
        return value
    return None


def _public_switched_off(values: dict[str, Any]) -> bool:
    """Whether the object's own settings switch its public address off: some public/IPv4/internet/external switch
    is false (or `disable_`/`no_public_ip` true) and none is on. An unknown public address of such an object
    is the provider's report of no address, not a binding."""
    states = {_gives_public_address(plain(path).rsplit(".", 1)[-1], value) for path, value in leaves(values)}
    return False in states and True not in states


def _database_words(resource_type: str) -> bool:
    """Whether a type names a database (`aws_db_proxy`: a connection pooler inside the network, not a publisher)."""
    return bool(DATABASE_WORDS & set(_WORD.findall(resource_type)))


def _is_public(values: dict[str, Any]) -> bool:
    """Whether a new address is a public one (its type or kind does not say private or internal)."""
    kinds = [values.get(k) for k in ("type", "address_type", "kind", "network_tier") if isinstance(values.get(k), str)]
    return not any(PRIVATE.search(str(k)) for k in kinds)


def _served(address: Change, values: dict[str, Any], changes: list[Change]) -> Iterator[Finding]:
    """A finding when the workload this new public address belongs to serves ports beyond 80/443."""
    names = {v for k, v in values.items() if TARGET_KEYS.fullmatch(k) and isinstance(v, str) and len(v) >= 3}
    for workload in changes:
        _, after = sides(workload)
        if workload is address or ADDRESS.search(workload.type) or not names & {
                v for k, v in after.items() if OWN_KEYS.fullmatch(k) and isinstance(v, str)}:
            continue
        ports = sorted({int(v) for path, value in leaves(after) if SERVED.search(plain(path))
                        for v in (value if isinstance(value, list) else [value])
                        if isinstance(v, int | str) and str(v).isdigit()} - WEB)
        if ports:
            shown = ", ".join(str(p) for p in ports[:6])
            yield finding(HOST, address.address, f"{address.address} gives {workload.address} a public address, "
                          f"and it serves port{'s' if len(ports) > 1 else ''} {shown} beyond 80/443 to the internet")


# Machines and apps of platforms whose `services` blocks publish ports through their own internet proxy (an
# `internal_port` with external `ports`); a service without external ports stays private.
MACHINES = lazy_compile(r"(?:^|_)(?:machine|machines|app|container|containers|instance|vm|server|droplet)(?:_|$)")
INNER = ("internal_port", "target_port", "container_port")
OUTER = ("ports", "port", "external_port", "public_port", "published_port")


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _published(values: dict[str, Any]) -> set[int]:
    """The database or admin ports (SSH, PostgreSQL…) that a service block maps from outside to the machine."""
    found: set[int] = set()
    for service in values.get("services") or []:
        if not isinstance(service, dict) or not any(k in service for k in INNER) or any(
                "private" in k or "internal_only" in k for k, v in service.items() if v is True):
            continue
        outer = [p for k in OUTER for item in _as_list(service.get(k))
                 for p in ([item.get("port")] if isinstance(item, dict) else [item])]
        if any(o not in (None, "", 0) for o in outer):
            ports = {int(str(p)) for p in [*outer, *(service.get(k) for k in INNER)] if str(p).isdigit()}
            found |= {p for p in ports if p in ADMIN_PORTS}
    return found


# Tunnels and reverse proxies of any provider (Cloudflare tunnels, ngrok, funnels): each ingress rule maps a public
# hostname to an origin service. An admin API as origin with no access policy on its rule is published to anyone.
TUNNELS = lazy_compile(r"tunnel|(?:^|_)proxy(?:_|$)|funnel|ngrok")
ORIGIN_KEYS = ("service", "origin", "upstream", "target", "backend", "url", "forward_to")
GUARD_WORDS = lazy_compile(r"access|auth|polic|jwt|oidc|identity|allowed_(?:emails|groups|users)")
SCHEME_PORTS = {"ssh": 22, "rdp": 3389, "smb": 445, "vnc": 5900}


def _admin_origin(value: Any) -> str | None:
    """What admin API an origin URL reaches (the Kubernetes API, SSH, a database port), or None."""
    if not isinstance(value, str) or "://" not in value:
        return None
    url = urlsplit(value.strip().lower())
    try:
        port = url.port or SCHEME_PORTS.get(url.scheme)
    except ValueError:
        return None
    host = url.hostname or ""
    if host.split(".", 1)[0] in ("kubernetes", "kube-apiserver") or port in (6443, 10250):
        return "the Kubernetes API"
    return ADMIN_PORTS.get(port) if port is not None else None


# A proxy's own port keys that name where it forwards to (`application_port` 5432 behind a public TCP proxy).
FORWARDED_PORT = lazy_compile(r"(?:application|target|origin|upstream|service|backend|destination|internal"
                              r"|forward(?:ed)?)_port")


def _admin_port(node: dict[str, Any]) -> str | None:
    """What database or admin service a proxy node forwards to by its port keys, or None."""
    for key, value in node.items():
        if FORWARDED_PORT.fullmatch(str(key)) and str(value).isdigit() and int(str(value)) in ADMIN_PORTS:
            return f"port {value} ({ADMIN_PORTS[int(str(value))]})"
    return None


# A public name a tunnel or proxy publishes its origin at (`hostname`, `public_hostname`, `domain`, `fqdn`).
PUBLISHED_NAME = lazy_compile(r"\w*(?:hostname|host_name|domain|fqdn)\w*")
# Words of a guard's value that say nobody is checked (`access_mode = "open"`, `auth = "none"`, `allowed = ["*"]`).
UNCHECKED = UNCHALLENGED | EVERYONE | {"all", "any"}


def _block_port(value: Any) -> str | None:
    """What database or admin service an origin block (`target { host = …, port = 5432 }`) reaches, or None."""
    for block in value if isinstance(value, list) else [value]:
        port = block.get("port") if isinstance(block, dict) else None
        if str(port).isdigit() and int(str(port)) in ADMIN_PORTS:
            return f"port {port} ({ADMIN_PORTS[int(str(port))]})"
    return None


def _public_name(node: dict[str, Any]) -> str | None:
    """The public name a node publishes (`hostname`, `public_hostname`), or None."""
    return next((v for k, v in node.items() if PUBLISHED_NAME.fullmatch(str(k)) and isinstance(v, str) and "." in v),
                None)


def _published_block(node: dict[str, Any]) -> str | None:
    """What admin service a node publishing a public name forwards to through an origin block, or None."""
    if _public_name(node) is None:
        return None
    return next((a for k in ORIGIN_KEYS if (a := _block_port(node.get(k))) is not None), None)


def _guarded(rule: dict[str, Any]) -> bool:
    """Whether a rule holds an access check that restricts someone (not one whose value says open, public, none)."""
    return any(GUARD_WORDS.search(plain(path)) and _restricts(value) for path, value in leaves(rule))


def _restricts(value: Any) -> bool:
    """Whether a guard's value checks anyone: set, and not only words that say nobody is checked (`open`, `*`)."""
    if value in (None, False, "", [], {}):
        return False
    return not all(isinstance(v, str) and (v.strip() == "*" or (setting_words(v) or {"?"}) <= UNCHECKED)
                   for v in (value if isinstance(value, list) else [value]))


def _unguarded(values: Any) -> set[str]:
    """`HOST → admin API` for every ingress rule that sends a hostname to an admin API without an access check."""
    found: set[str] = set()
    stack = [values]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            api = next((a for k in ORIGIN_KEYS if (a := _admin_origin(node.get(k))) is not None), None) \
                or _admin_port(node) or _published_block(node)
            if api is not None and not _guarded(node):
                found.add(f"{_public_name(node) or node.get('host') or 'a public name'} → {api}")
            stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
    return found
