"""Risk rules, software supply chain (risk rules stage): where code comes from (a chart repository, a package
index, a registry, a module, image or artifact source, any provider) moved from an encrypted origin to plain HTTP
or another unencrypted scheme. Whoever sits on the path can serve their own chart or package, and it runs with the
release's rights. High when the new host is public, medium on a private name (`.internal`, `cluster.local`, a
private address). A move to another host over HTTPS or OCI (a mirror, a registry) is not reported here: the plan
cannot tell a mirror from a look-alike. Code a machine's extension or agent fetches and runs (a DSC extension's
`modulesUrl`, a script extension's `fileUris`) newly taken from a moving branch of a public code host is high:
whoever can push to that branch runs code on every machine that applies it."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.decoding import unfolded
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.bootscript import MOVING_RAW
from tfreview.pipeline.rules.common import show, sides
from tfreview.pipeline.rules.domains import public
from tfreview.pipeline.rules.supplychain import SUPPLY
from tfreview.pipeline.rules.values import leaves, pairs, plain

# A leaf that names where code, charts, packages or images are fetched from.
SOURCE_KEY = lazy_compile(r"(?:\w+_)?(?:repository|repositories|repo|repos|registry|registries|index|mirror|mirrors"
                          r"|feed|channel|chart|charts|source|module|package|packages|artifact|image|download"
                          r"|plugin|extension)(?:_urls?|_uris?|_address)?")
UNENCRYPTED = lazy_compile(r"^(?:http|git|ftp|svn|rsync)://([^/:?#@\s]*@)?\[?([^/?#\s\]]+?)\]?(?::\d+)?(?:[/?#]|$)",
                           re.IGNORECASE)
ENCRYPTED = lazy_compile(r"^(?:https|oci|ssh|git\+ssh|git\+https|sftp|ftps|s3|gs|gcs|az|azblob)://"
                         r"|^[\w.-]+@[\w.-]+:", re.IGNORECASE)


def _private(host: str) -> bool:
    """Whether HOST is a private address or a name the internet cannot resolve (`charts.acme.internal`)."""
    try:
        return not ipaddress.ip_address(host).is_global
    except ValueError:
        return not public(host)


@on_change(actions=(Action.UPDATE, Action.REPLACE), words=(b"http://", b"git://", b"ftp://", b"svn://", b"rsync://"))
def _source_unencrypted(change: Change) -> Iterator[Finding]:
    """A source of code whose URL leaves an encrypted scheme for a plain one."""
    for path, before, after in pairs(change):
        leaf = plain(path).rpartition(".")[2]
        if not SOURCE_KEY.fullmatch(leaf) or not _encrypted(before) or not isinstance(after, str):
            continue
        moved = UNENCRYPTED.match(after.strip())
        if moved is None:
            continue
        severity = Severity.MEDIUM if _private(moved[2]) else Severity.HIGH
        yield finding(SUPPLY, change.address,
                      f"{change.address}: {path} {show(before)} → {show(after)} (code is now fetched over an "
                      "unencrypted connection: anyone on the path can serve their own; keep an https or oci source "
                      "and verify signatures)", severity)
        return


def _encrypted(value: Any) -> bool:
    return isinstance(value, str) and ENCRYPTED.match(value.strip()) is not None


# Where a machine's extension, agent or installer fetches code it runs: a configuration module, script files, a
# package or installer (`modulesUrl`, `fileUris`, `script_uri`, `package_url`, any provider's spelling).
CODE_URL_KEY = lazy_compile(r"(?:^|[._])(?:modules?_?ur[il]s?|file_?ur[il]s?|script_?ur[il]s?|package_?ur[il]s?"
                            r"|artifacts?_?ur[il]s?|configuration_?ur[il]s?|installer_?ur[il]s?|download_?ur[il]s?"
                            r"|setup_?ur[il]s?|bootstrap_?ur[il]s?)(?:\[\d+\])?$", re.IGNORECASE)
CODE_HOSTS = (b"raw.githubusercontent", b"gitlab.com", b"bitbucket.org", b"codeberg.org")  # MOVING_RAW's hosts


def _moving_code(values: Any) -> set[str]:
    """The URLs on a moving branch of a public code host that VALUES (one side of a change) runs code from."""
    return {url for path, value in leaves(unfolded(values)) if CODE_URL_KEY.search(path)
            for url in (value if isinstance(value, list) else [value])
            if isinstance(url, str) and MOVING_RAW.search(url)}


@on_change(actions=(Action.CREATE, Action.UPDATE, Action.REPLACE), words=CODE_HOSTS)
def _code_from_a_moving_branch(change: Change) -> Iterator[Finding]:
    """An extension or agent that newly fetches the code it runs from a moving branch of a public code host."""
    before, after = sides(change)
    new = sorted(_moving_code(after) - _moving_code(before))
    if new:
        yield finding(SUPPLY, change.address, f"{change.address} now fetches the code it runs from {new[0]:.160}, a "
                      "moving branch of a public code host (whoever can push there runs code on every machine that "
                      "applies it; pin a tag or commit, or host the artifact yourself)", Severity.HIGH)
