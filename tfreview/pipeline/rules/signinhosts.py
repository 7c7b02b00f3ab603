"""Risk rules, sign-in: a DNS record for a sign-in hostname (login, sso, auth, id, accounts…) repointed from where it
pointed to a shared-hosting platform, where anyone can publish a site under a name of their choosing. Whoever runs
that site now receives the organisation's sign-ins. A move between two domains of one provider (an identity
provider's regional cell) or to anything other than shared hosting is not judged here. A redirect (a load
balancer rule, an edge rule, any block named for one) that sends visitors to a host whose labels carry another
domain's name ahead of its own (`sso-acmepay.com-auth.net`) hands it the sign-ins the requests carry; a redirect to
the organisation's own host (`auth.acme-pay.com`) stays quiet.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, declare, finding, on_change
from tfreview.pipeline.rules.common import as_list, sides
from tfreview.pipeline.rules.records import DNS_RECORDS, RECORD_VALUES

SIGNIN_HOST = declare("signin-host-moved", Severity.HIGH,
                      "A DNS record for a sign-in hostname (login, sso, auth, id, accounts, idp…) is repointed from "
                      "its target to a shared-hosting platform (herokuapp.com, github.io, azurewebsites.net, "
                      "netlify.app…) where anyone can publish, or a redirect sends visitors to a host made to look "
                      "like another domain (sso-acmepay.com-auth.net): sign-ins go to whoever runs that site.")

# First labels that say a hostname is where people sign in.
SIGNIN_LABEL = lazy_compile(r"(?:login|logon|signin|sign-in|sso|auth|oauth|oidc|saml|id|idp|identity|accounts?"
                            r"|adfs|sts|passport|mfa)(?:[-.]\w+)?")
# Platforms that hand out subdomains to any customer: a name there proves nothing about who runs it.
SHARED_HOSTING = ("herokuapp.com", "herokudns.com", "github.io", "gitlab.io", "azurewebsites.net",
                  "azurestaticapps.net", "cloudapp.net", "cloudapp.azure.com", "netlify.app", "netlify.com",
                  "vercel.app", "now.sh", "pages.dev", "workers.dev", "appspot.com", "web.app", "firebaseapp.com",
                  "onrender.com", "fly.dev", "glitch.me", "surge.sh", "ngrok.io", "ngrok-free.app", "ngrok.app",
                  "repl.co", "replit.app", "wixsite.com", "wordpress.com", "blogspot.com", "myshopify.com",
                  "bitbucket.io", "readthedocs.io", "run.app", "elasticbeanstalk.com", "s3-website",
                  "trycloudflare.com", "deno.dev", "railway.app", "up.railway.app")
# Hosts that serve whatever anyone pastes or uploads, no account or an anonymous one: gists, paste sites, file
# drops. Code fetched from them is whoever's last edit.
PASTE_HOSTS = ("gist.githubusercontent.com", "gist.github.com", "pastebin.com", "paste.ee", "hastebin.com",
               "hastebin.skyra.pw", "rentry.co", "rentry.org", "dpaste.org", "dpaste.com", "termbin.com", "ix.io",
               "sprunge.us", "paste.rs", "0x0.st", "transfer.sh", "file.io", "tmpfiles.org", "bashupload.com",
               "ghostbin.com", "controlc.com", "justpaste.it", "paste.debian.net", "pastebin.pl")
TARGET_KEYS = (*RECORD_VALUES, "cname", "target", "alias", "rrdata", "hostname_target")


def _host(values: dict[str, Any]) -> str:
    return str(values.get("hostname") or values.get("fqdn") or values.get("name") or "").rstrip(".").lower()


def _targets(values: dict[str, Any]) -> set[str]:
    found = {str(v).rstrip(".").lower() for key in TARGET_KEYS for v in as_list(values.get(key))
             if isinstance(v, str) and "." in v}
    return {t for t in found if not t.replace(".", "").isdigit()}


def anyone_publishes(host: str) -> str | None:
    """The paste site or shared-hosting platform HOST is on (where anyone can publish), or None."""
    host = host.rstrip(".").lower()
    return next((s for s in PASTE_HOSTS if host == s or host.endswith("." + s)), None) or shared_host(host)


def shared_host(target: str) -> str | None:
    """The shared-hosting platform a target name is on, or None."""
    return next((s for s in SHARED_HOSTING if target == s or target.endswith("." + s) or f".{s}." in f".{target}."),
                None)


def _domain(target: str) -> str:
    return ".".join(target.split(".")[-2:])


@on_change(actions=(Action.UPDATE, Action.REPLACE))
def _signin_host_moved(change: Change) -> Iterator[Finding]:
    if DNS_RECORDS.search(change.type) is None:
        return
    before, after = sides(change)
    host = _host(after)
    if not SIGNIN_LABEL.fullmatch(host.split(".")[0]) or _host(before) != host:
        return
    old, new = _targets(before), _targets(after) - _targets(before)
    if not old or any(shared_host(t) for t in old):
        return
    for target in sorted(new):
        platform = shared_host(target)
        if platform and _domain(target) not in {_domain(t) for t in old}:
            yield finding(SIGNIN_HOST, change.address, f"{change.address}: sign-in hostname {host} moves from "
                          f"{', '.join(sorted(old))} to {target}, on {platform}, where anyone can publish a site: "
                          "confirm the organisation runs it")


# --- a redirect to a host that imitates another domain ------------------------------------------------------------
# A host whose own labels carry another domain's name ahead of the one it really belongs to: a label that is a
# top-level domain glued on by a hyphen (`sso-acmepay.com-auth.net`) or a whole top-level label before the last two
# (`login.acme.com.verify-id.io`). Nobody names their own host that way: it is made to be misread.
# (Only after the first label: `net-ops.acme.com` is a team's host; and not words that name environments, `dev`.)
GLUED_TLD = lazy_compile(r"^(?:com|net|org|gov|edu)-")
TLDS = frozenset({"com", "net", "org", "gov", "edu"})
REDIRECT_KEYS = lazy_compile(r"(?:redirect|custom|target|destination)?_?host(?:name)?|location|redirect_url|url")


def imitating(host: str) -> bool:
    """Whether HOST carries another domain's name before the domain it belongs to."""
    labels = [label for label in host.strip().rstrip(".").lower().split(".") if label]
    if len(labels) < 3:
        return False
    return any(GLUED_TLD.match(label) for label in labels[1:-1]) or any(label in TLDS for label in labels[:-2])


def _redirect_hosts(value: Any, inside: bool = False, depth: int = 0) -> Iterator[tuple[str, str]]:
    """(key, host) of every host a redirect block (a block under a key or type naming a redirect) sends to."""
    if depth > 8:
        return
    if isinstance(value, list):
        for item in value:
            yield from _redirect_hosts(item, inside, depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            here = inside or "redirect" in key.lower()
            if isinstance(item, str) and here and REDIRECT_KEYS.fullmatch(key.lower()):
                host = item.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
                yield key, host
            elif isinstance(item, dict | list):
                yield from _redirect_hosts(item, here, depth + 1)


@on_change(actions=(Action.CREATE, Action.UPDATE, Action.REPLACE), words=(b"redirect",))
def _redirect_imitating(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    old = {host for _, host in _redirect_hosts(before, "redirect" in change.type)}
    for key, host in _redirect_hosts(after, "redirect" in change.type):
        if host not in old and imitating(host):
            yield finding(SIGNIN_HOST, change.address, f"{change.address}: a redirect now sends visitors ({key}) to "
                          f"{host}, a host made to look like another domain: the sign-ins, codes and tokens the "
                          "redirected requests carry go to whoever runs it")
            return
