"""Risk rules, software supply chain (risk rules stage): a repository, registry, mirror or package index that
software is installed from (a Helm release's `repository`, an Argo CD application's `repoURL`, a package index or
feed, any provider) newly reached over plain HTTP or FTP at a host outside the organisation's own network: anyone on
the path can swap the chart or package that gets installed — supply-chain-opened, high.

An https or OCI source, a host of the organisation's own network (`*.svc.cluster.local`, a private address) and a
source that was already the same before the change are quiet (artifacts.py reads a scheduler's task artifacts the
same way). So is a function's or app's code package taken from a code host's latest release or a moving branch
(`WEBSITE_RUN_FROM_PACKAGE` = `…/releases/latest/download/app.zip`): whoever publishes there next chooses the code;
a release by its tag is quiet."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.decoding import unfolded
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.bootscript import MOVING_RAW, PLAIN_URL, internal_host
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.supplychain import SUPPLY
from tfreview.pipeline.rules.values import leaves, plain

# The last key of an attribute that names where software comes from (`repository`, `repoURL`, `index_url`,
# `chart_repository`, `mirror_url`, a yum `baseurl`, a NuGet `feed_url`).
SOURCE = lazy_compile(r"(?:^|_)(?:repository|repo|repo_?url|repository_?url|registry|registry_?url|index_?url"
                      r"|mirror|mirror_?url|baseurl|feed_?url|package_?url|chart_?url)$", re.IGNORECASE)
PLAIN_SCHEME = lazy_compile(r"^\s*(?:http|ftp)://", re.IGNORECASE)


@on_change(words=(b"http://", b"ftp://"))
def _plain_sources(change: Change) -> Iterator[Finding]:
    """Software sources this change newly points at over plain HTTP or FTP outside the network."""
    if new := _first_new(change, _plain):
        yield finding(SUPPLY, change.address, f"{change.address}: {new[0]} installs software from {new[1]} over "
                      "plain HTTP (anyone on the path can swap the chart or package that is installed)", Severity.HIGH)


def _first_new(change: Change, read: Callable[[dict[str, Any]], Iterator[tuple[str, str]]]) -> tuple[str, str] | None:
    """The first (path, url) READ finds in the change's new values that was not at that path before."""
    before, after = sides(change)
    old = dict(read(before))
    return next(((where, url) for where, url in read(after) if old.get(where) != url), None)


def _urls(values: Any, key: re.Pattern[str], taken: Callable[[str], bool]) -> Iterator[tuple[str, str]]:
    """(path, url) of each string in VALUES (a list's items too) that TAKEN accepts, under an attribute whose last
    key KEY finds."""
    for path, value in leaves(values):
        for item in value if isinstance(value, list) else [value]:
            if not isinstance(item, str) or not taken(url := item.strip()):
                continue
            where = plain(path)
            if key.search(where.rsplit(".", 1)[-1]):
                yield where, url


def _in_the_clear(url: str) -> bool:
    """Whether URL is reached over plain HTTP or FTP at a host outside the network."""
    return bool(PLAIN_SCHEME.match(url)) and not any(map(internal_host, PLAIN_URL.findall(url)[:1]))


def _plain(values: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(path, url) of each software source in VALUES reached in the clear at a host outside the network."""
    return _urls(values, SOURCE, _in_the_clear)


# --- code deployed from a reference that moves ------------------------------------------------------------------
# Where a function or app takes its code package from (`WEBSITE_RUN_FROM_PACKAGE`, a `package_url`, a `source_url`
# of a zip): a code host's "latest" release or a branch's raw file is whatever was published last, by whoever can.
# Also the scripts a VM extension downloads and runs (`fileUris`, an Azure policy's DeployIfNotExists template
# included) and the templates a stack deploys (`template_url`, `templateLink`).
PACKAGE_KEY = lazy_compile(r"package|artifact|bundle|zip|code_?url|source_?(?:url|uri|archive)|run_from"
                           r"|file_?uris?|script_?(?:url|uri)s?|template_?(?:url|uri|link)", re.IGNORECASE)
LATEST_RELEASE = lazy_compile(r"https?://(?:github\.com|gitlab\.com)/(?P<repo>[\w.-]+/[\w.-]+)/(?:-/)?releases/"
                              r"(?:permalink/)?latest/download/", re.IGNORECASE)


# The code hosts LATEST_RELEASE and MOVING_RAW name (`github` covers raw.githubusercontent.com): their branch words
# (`/dev/`, `/main/`) are also every block device's and many paths' own.
@on_change(words=(b"github", b"gitlab.com", b"bitbucket.org", b"codeberg.org"))
def _moving_packages(change: Change) -> Iterator[Finding]:
    """Code packages this change newly takes from a code host's latest release or a moving branch."""
    if new := _first_new(change, _moving):
        yield finding(SUPPLY, change.address, f"{change.address}: {new[0]} deploys its code from {new[1]}, a "
                      "reference that moves (whoever publishes there next chooses the code that runs)", Severity.HIGH)


def _moving(values: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(path, url) of each code package in VALUES (documents held as text read too) taken from a latest release or
    a branch's raw file."""
    return _urls(unfolded(values), PACKAGE_KEY,
                 lambda url: bool(LATEST_RELEASE.match(url) or MOVING_RAW.match(url)))
