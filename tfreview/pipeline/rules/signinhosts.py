"""Risk rules, sign-in: a DNS record for a sign-in hostname (login, sso, auth, id, accounts…) repointed from where it
pointed to a shared-hosting platform, where anyone can publish a site under a name of their choosing. Whoever runs
that site now receives the organisation's sign-ins. A move between two domains of one provider (an identity
provider's regional cell) or to anything other than shared hosting is not judged here.
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
                      "netlify.app…) where anyone can publish: sign-ins go to whoever runs that site.")

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
