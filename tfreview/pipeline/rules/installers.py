"""Risk rules helper, build scripts (reported under boot-script-weakens, bootscript.py): a download piped into a shell
from a host nobody vouches for.

A build's script (a buildspec, a build or deploy script) that runs `curl https://host/install | bash` runs whatever
that host serves, with the build's role, and every image or artifact it bakes carries it. A host of the
organisation's own network (a private address, an internal name, a name with an `internal` or `corp` label) or of a
domain the rest of the plan names as its own, a cloud platform's, a code host's (who publishes is in the path:
bootscript.py reads moving branches) and a software publisher's official installer host are vouched for; any other
public host is nobody's promise: high, and medium (the grader below) when the plan shows the host's domain as the
organisation's own elsewhere.
"""

from __future__ import annotations

import re
from functools import lru_cache

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, graded_medium, grader
from tfreview.pipeline.rules.code import texts
from tfreview.pipeline.rules.domains import public, registrable
from tfreview.pipeline.rules.egress import PLATFORMS
from tfreview.pipeline.rules.exfil import HOSTS
from tfreview.pipeline.rules.planview import plan_view
from tfreview.pipeline.rules.provisioners import PIPED

RULE = "boot-script-weakens"  # declared in bootscript.py
HTTPS_HOST = lazy_compile(r"\bhttps://([\w.-]+)", re.IGNORECASE)
# Software publishers' own installer and package hosts: their install scripts are the documented way in.
PUBLISHERS = frozenset({
    "docker.com", "rustup.rs", "rust-lang.org", "hashicorp.com", "nodesource.com", "nodejs.org", "npmjs.org",
    "yarnpkg.com", "pnpm.io", "bun.sh", "deno.land", "python-poetry.org", "python.org", "pypa.io", "astral.sh",
    "pyenv.run", "helm.sh", "k3s.io", "kubernetes.io", "k8s.io", "sdkman.io", "brew.sh", "nixos.org", "go.dev",
    "golang.org", "rvm.io", "getcomposer.org", "chef.io", "puppet.com", "saltproject.io", "tailscale.com",
    "datadoghq.com", "datadoghq.eu", "newrelic.com", "sentry.io", "elastic.co", "grafana.com", "fluentbit.io",
    "goteleport.com", "cloudflare.com", "snyk.io", "aquasec.com", "anchore.io", "sigstore.dev", "aka.ms",
    "ubuntu.com", "debian.org", "fedoraproject.org", "redhat.com", "alpinelinux.org", "microsoft.com"})
CODE_HOSTS = frozenset({"github.com", "githubusercontent.com", "gitlab.com", "bitbucket.org", "codeberg.org"})
INTERNAL_LABELS = frozenset({"internal", "intranet", "corp", "private", "lan", "local", "localhost"})
BARE_HOST = lazy_compile(r"(?:[a-z0-9-]+\.)+[a-z][a-z0-9-]*\.?", re.IGNORECASE)
UNVOUCHED = "a host of no known publisher"
UNVOUCHED_FOUND = lazy_compile(r"pipes a download from (\S+), " + UNVOUCHED)


@lru_cache(maxsize=64)
def unvouched_downloads(script: str) -> frozenset[str]:
    """The public hosts nobody vouches for whose HTTPS downloads a script pipes into a shell."""
    return frozenset(host.rstrip(".").lower() for line in script.splitlines() if PIPED.search(line)
                     for host in HTTPS_HOST.findall(line) if _unvouched(host.rstrip(".").lower()))


def _unvouched(host: str) -> bool:
    if INTERNAL_LABELS & set(host.split(".")) or not public(host):
        return False
    # by suffix, not the registrable domain: the public-suffix list makes each user's githubusercontent.com host
    # its own registrable domain
    return not any(host == p or host.endswith("." + p) for p in PUBLISHERS | CODE_HOSTS | PLATFORMS)


@grader
def own_download_host(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """A script's download from a domain the rest of the plan names as the organisation's own: medium."""
    if not any(f.rule == RULE and f.severity is Severity.HIGH and UNVOUCHED in f.message for f in findings):
        return findings
    changes = plan_view(review_input).changes
    graded: list[Finding] = []
    for found in findings:
        match = UNVOUCHED_FOUND.search(found.message) if found.rule == RULE else None
        if match and found.severity is Severity.HIGH and registrable(match.group(1)) in named_elsewhere(
                changes, found.address):
            found = graded_medium(found, "the plan names that domain as its own elsewhere")
        graded.append(found)
    return graded


def _hosts(text: str) -> list[str]:
    """The host names in a URL or address of TEXT, or TEXT itself when it is a host name (a record's `name`)."""
    return [text.rstrip(".")] if BARE_HOST.fullmatch(text) else HOSTS.findall(text)


def named_elsewhere(changes: list[Change], address: str | None) -> set[str]:
    """The registrable domains the plan's changes name, but for what the change at ADDRESS newly writes."""
    found: set[str] = set()
    for change in changes:
        for side in [change.before] if change.address == address else [change.before, change.after]:
            if isinstance(side, dict):
                found |= {registrable(h) for _, text in texts(side) for h in _hosts(text)}
    return found
