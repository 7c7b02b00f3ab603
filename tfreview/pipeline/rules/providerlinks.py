"""Risk rules, provider connections: a provider block (in the plan's `configuration`, any provider) that talks to its
API over plain `http://` to another machine, or with TLS verification switched off (`skip_tls_verify`, `insecure`,
`tls_insecure_skip_verify`, `verify_ssl = false`, …), while this plan writes through it. Every provider call carries
the provider's own credential (a Vault token, an API key) and whatever the changes write: in clear text anyone on
the path reads them, unverified anyone on the path can pose as the API. High where the plan writes a secret through
it or the plain address is a public host; medium otherwise. A loopback address is this machine: not reported.
TLS verification off toward a public API (an address that is a public host, or none: the provider's own public
endpoint) is high too: anyone on the path can pose as the API and take the credential.

A provider whose API lives on known domains (AWS, Google, Azure, Datadog, Cloudflare, Okta, …) with an endpoint set
to a public host outside them (`endpoints { sts = "https://sts.aws-api-gateway.net" }`, `api_url =
"https://api.datadoghq.eu.metrics-relay.io"`) sends every signed request and its credential to someone else:
high, whether or not the plan writes through it (the provider is configured, and refreshes, at every plan). A
private or loopback endpoint (a VPC endpoint's private name, a local emulator, a name with a `localhost` label such
as LocalStack's `s3.localhost.localstack.cloud`) is the organisation's own.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.configuration import Configuration
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, finding, rule
from tfreview.pipeline.mask import MASK
from tfreview.pipeline.rules.common import as_dict
from tfreview.pipeline.rules.credentials import secret_attribute
from tfreview.pipeline.rules.domains import public as resolvable

RULE = "provider-insecure"
INSECURE_KEY = lazy_compile(r"insecure|skip_?(?:tls|ssl|cert)|(?:tls|ssl)_?skip|unverified|no_?verify"
                            r"|disable_?(?:tls|ssl|cert)\w*verif", re.IGNORECASE)
VERIFY_KEY = lazy_compile(r"^(?:\w+_)?(?:(?:verify|validate)_?(?:ssl|tls|certs?|certificates?|https?)?"
                          r"|(?:ssl|tls|cert|certificate)_?(?:verify|verification|validation)\w*)$", re.IGNORECASE)
PRIVATE_SUFFIXES = (".local", ".internal", ".localdomain", ".lan", ".svc", ".corp", ".home.arpa", ".intranet")
MAX_DEPTH = 4


# The registrable domains a provider's own API answers on (its regions, government and China partitions): an
# endpoint elsewhere is someone else's server. Providers whose API customers host themselves (Vault, GitHub
# Enterprise, Kubernetes) have no such list and are never judged by it.
OWN_API_DOMAINS = {
    "aws": ("amazonaws.com", "amazonaws.com.cn", "api.aws", "on.aws", "amazon.com"),
    "google": ("googleapis.com", "google.com"), "google-beta": ("googleapis.com", "google.com"),
    "azurerm": ("azure.com", "azure.net", "windows.net", "microsoft.com", "microsoftonline.com", "azure.us",
                "usgovcloudapi.net", "microsoftonline.us", "chinacloudapi.cn", "partner.microsoftonline.cn"),
    "azuread": ("microsoft.com", "microsoftonline.com", "microsoftonline.us", "partner.microsoftonline.cn",
                "windows.net"),
    "datadog": ("datadoghq.com", "datadoghq.eu", "ddog-gov.com"),
    "cloudflare": ("cloudflare.com",), "okta": ("okta.com", "oktapreview.com", "okta-emea.com", "okta-gov.com"),
    "pagerduty": ("pagerduty.com",), "newrelic": ("newrelic.com",), "digitalocean": ("digitalocean.com",),
    "hcloud": ("hetzner.cloud", "hetzner.com"), "fastly": ("fastly.com",), "snowflake": ("snowflakecomputing.com",),
    "mongodbatlas": ("mongodb.com",), "auth0": ("auth0.com",), "opsgenie": ("opsgenie.com",),
}
URL_HOST = lazy_compile(r"^[a-z][a-z0-9+.-]*://([^/:?#\s]+)", re.IGNORECASE)


@rule(RULE, Severity.HIGH, "A provider block the plan writes through talks to its API over plain http:// to another "
      "machine or with TLS verification off: its credential and what it writes (secrets included) cross the network "
      "readable or to whoever poses as the API; or a provider's endpoint is set to a public host outside the "
      "provider's own API domains: its credential goes to someone else.")
def _insecure_providers(ri: ReviewInput) -> Iterator[Finding]:
    """Provider blocks with a plain or unverified connection, reported on the changes written through them, and
    provider blocks whose endpoint is someone else's."""
    providers = as_dict(as_dict(ri.plan.configuration).get("provider_config"))
    if not any(as_dict(block).get("expressions") for block in providers.values()):
        return
    config = Configuration(ri.plan)
    for key, block in sorted(providers.items()):
        if (elsewhere := _foreign_endpoint(config, as_dict(block))) is not None:
            yield finding(RULE, None, f'provider "{key}" sends its requests and credential to {elsewhere}, outside '
                          "the provider's own API domains: whoever runs that host reads every signed request (and "
                          "may answer as the API) — at every plan and apply")
    weak = {key: found for key, block in providers.items() if (found := _weakness(config, as_dict(block))) is not None}
    if not weak:
        return
    keys = _configured_keys(as_dict(ri.plan.configuration).get("root_module"), "")
    for key, (why, public) in sorted(weak.items()):
        full = str(as_dict(providers[key]).get("full_name") or as_dict(providers[key]).get("name") or key)
        changes = [c for c in ri.changeset.changes if c.mode == "managed" and c.action in
                   (Action.CREATE, Action.UPDATE, Action.REPLACE) and _through(c, key, full, keys, providers)]
        if not changes:
            continue
        secret = next((c for c in changes if _carries_secret(c)), None)
        where = secret or changes[0]
        severity = Severity.HIGH if secret is not None or public else Severity.MEDIUM
        what = "writes a secret" if secret is not None else f"writes {len(changes)} change(s)"
        yield finding(RULE, where.address, f'{where.address}: the plan {what} through provider "{key}", configured '
                      f"with {why}: its credential and the values it writes can be read or intercepted on the way",
                      severity)


def _weakness(config: Configuration, block: dict[str, Any]) -> tuple[str, bool] | None:
    """(why, whether a plain address is a public host) for a provider block with a weak connection, else None."""
    expressions = as_dict(block.get("expressions"))
    if not expressions:
        return None
    plain: tuple[str, bool] | None = None
    unverified: str | None = None
    for key, value in _settings(config, expressions, 0):
        if isinstance(value, str) and value.strip().lower().startswith("http://"):
            host = (urlsplit(value.strip()).hostname or "").lower()
            if host and not _loopback(host):
                plain = (f'a plain-HTTP address ({key} = "{value.strip()[:80]}")', _public(host))
        elif isinstance(value, (bool, str)) and str(value).lower() in {"true", "false"}:
            on = str(value).lower() == "true"
            if (on and INSECURE_KEY.search(key)) or (not on and VERIFY_KEY.match(key) and not INSECURE_KEY.search(key)):
                unverified = f"TLS verification off ({key} = {str(value).lower()})"
    if plain is not None:
        return (f"{plain[0]}{' and ' + unverified if unverified else ''}", plain[1])
    if unverified is not None and not _only_loopback(config, expressions):
        hosts = _hosts(config, expressions)
        return (unverified, not hosts or any(_public(h) for h in hosts))  # no address: the public API's own
    return None


def _hosts(config: Configuration, expressions: dict[str, Any]) -> list[str]:
    """The hosts of the addresses a provider block names."""
    return [(urlsplit(v.strip()).hostname or "").lower() for _, v in _settings(config, expressions, 0)
            if isinstance(v, str) and "://" in v]


def _foreign_endpoint(config: Configuration, block: dict[str, Any]) -> str | None:
    """The first address of a provider block on a public host outside the provider's own API domains, else None."""
    name = str(block.get("full_name") or block.get("name") or "").rsplit("/", 1)[-1].lower()
    own = OWN_API_DOMAINS.get(name)
    if own is None:
        return None
    for _key, value in _settings(config, as_dict(block.get("expressions")), 0):
        match = URL_HOST.match(value.strip()) if isinstance(value, str) else None
        host = match.group(1).lower().rstrip(".") if match else ""
        if host and _public(host) and resolvable(host) and "localhost" not in host.split(".") \
                and not host.endswith(tuple("." + d for d in own)) and host not in own:
            return host
    return None


def _settings(config: Configuration, expressions: dict[str, Any], depth: int) -> Iterator[tuple[str, Any]]:
    """(name, value) of every setting of a provider block, nested blocks included, resolved where the
    configuration says (a constant, a variable)."""
    for key, expression in expressions.items():
        if isinstance(expression, list) and depth < MAX_DEPTH:
            for block in expression:
                yield from _settings(config, as_dict(block), depth + 1)
        elif isinstance(expression, dict):
            for value in config.candidates(expression, ""):
                yield key, value


def _only_loopback(config: Configuration, expressions: dict[str, Any]) -> bool:
    """Whether every address the block names is this machine (a local dev server: nobody on a path between)."""
    hosts = _hosts(config, expressions)
    return bool(hosts) and all(_loopback(h) for h in hosts)


def _loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _public(host: str) -> bool:
    """Whether a host name or address is reached over the internet (not a private range or a private DNS name)."""
    try:
        return ipaddress.ip_address(host).is_global
    except ValueError:
        return "." in host and not host.endswith(PRIVATE_SUFFIXES)


def _configured_keys(module: Any, path: str) -> dict[str, str]:
    """Configured resource address -> its provider_config_key, through every module call."""
    found: dict[str, str] = {}
    node = as_dict(module)
    for resource in node.get("resources") or [] if isinstance(node.get("resources"), list) else []:
        item = as_dict(resource)
        if isinstance(item.get("address"), str) and isinstance(item.get("provider_config_key"), str):
            found[f"{path}.{item['address']}".lstrip(".")] = item["provider_config_key"]
    for name, call in as_dict(node.get("module_calls")).items():
        found.update(_configured_keys(as_dict(call).get("module"), f"{path}.module.{name}".lstrip(".")))
    return found


def _through(change: Change, key: str, full: str, keys: dict[str, str], providers: dict[str, Any]) -> bool:
    """Whether CHANGE is written through the provider block KEY (by its configuration, else by provider name)."""
    configured = keys.get(re.sub(r'\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\]', "", change.address))
    if configured is not None:
        return configured == key or configured.rsplit(":", 1)[-1] == key
    same = [k for k, p in providers.items() if as_dict(p).get("full_name") == full]
    return change.provider == full and (len(same) == 1 or "." not in key)


def _carries_secret(change: Change) -> bool:
    """Whether a change writes a value the plan marks sensitive (masked by now) or an attribute named for a secret."""
    return _masked(change.after) or any(secret_attribute(k) for k, v in as_dict(change.after).items()
                                        if v not in (None, "", [], {}))


def _masked(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_masked(v) for v in value.values())
    if isinstance(value, list):
        return any(_masked(v) for v in value)
    return isinstance(value, str) and value.startswith(MASK)
