"""Risk rules, what a container runs (risk rules stage): a container's command (`command`, `args`, `entrypoint` of a
container, an init container, a task's container definition, a lifecycle hook), read in any provider's resource and
inside documents held in text, that newly pipes a download into a shell from a bare public IP, over plain HTTP from
outside the network or from a host where anyone publishes: whoever controls that host or the path chooses the code
the workload runs — supply-chain-opened, high. The same reading as a machine's boot script (bootscript.py).

An https download from a host that is not a public paste or upload site, a download from the organisation's own
network, and a command that only waits or copies are quiet; so is a command that already did the same before.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.decoding import unfolded
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.bootscript import MAX_SCRIPT, piped_download
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.supplychain import SUPPLY
from tfreview.pipeline.rules.values import leaves

# The keys that hold what a container runs, under a block that names a container, task, job, step or hook.
COMMAND_KEY = lazy_compile(r"(?:^|[._])(?:command|commands|args|entry_?point|cmd)$", re.IGNORECASE)
CONTAINER = lazy_compile(r"container|task|job|step|hook|exec", re.IGNORECASE)
# Only text holding one of these can pipe a download (bootscript.PIPED starts with a fetching tool or a scheme).
FETCH_WORDS = (b"curl", b"wget", b"fetch", b"iwr", b"irm", b"invoke-webrequest", b"invoke-restmethod", b"http",
               b"aria2c")


def container_commands(values: Any) -> Iterator[tuple[str, str]]:
    """(path, command line) of each command a container of VALUES runs (a list of arguments read as one line)."""
    if not isinstance(values, (dict, list)):
        return
    for path, value in leaves(unfolded(values)):
        if not COMMAND_KEY.search(path) or not CONTAINER.search(path):
            continue
        items = value if isinstance(value, list) else [value]
        line = " ".join(item for item in items if isinstance(item, str))
        if line.strip():
            yield path, line[:MAX_SCRIPT]


@on_change(words=FETCH_WORDS)
def _container_pipes(change: Change) -> Iterator[Finding]:
    """Container commands that newly pipe an untrusted download into a shell."""
    before, after = sides(change)
    old = {what for _, line in container_commands(before) for what in piped_download(line)}
    for path, line in container_commands(after):
        new = sorted(piped_download(line) - old)
        if new:
            yield finding(SUPPLY, change.address, f"{change.address}: the container command in {path} {new[0]} "
                          "(whoever controls that host or the path chooses the code the workload runs)",
                          Severity.HIGH)
            return
