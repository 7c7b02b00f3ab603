"""Risk rules, run-command documents: the shell a command document runs on machines (an SSM document, a VM run
command or script extension, an OS policy or patch step; any provider) read as bootscript.py reads a boot script.
What it newly does to the hosts it runs on (a download piped into a shell over plain HTTP or from a bare public IP,
a key for root, root SSH login, an agent or the firewall stopped) is high; a document only known after apply is not
guessed at."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.encoded import decoded_text
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.bootscript import MAX_SCRIPT, RULE, dangers
from tfreview.pipeline.rules.values import leaves

RUN_TYPES = lazy_compile(r"ssm_document|ssm_association|run_command|runcommand|os_policy|os_config|patch_deployment"
                         r"|machine_extension|vm_extension|virtual_machine_extension|automation_runbook|script")
# Keys that hold the commands such a document runs.
COMMAND_KEY = lazy_compile(r"(?:^|[._\-\[\]])(?:content|body|commands?|run_?command|command_to_execute|script|inline"
                           r"|settings|protected_settings|source|script_text|exec|interpreter_script)\w*(?:$|[.\[\]])",
                           re.IGNORECASE)


def commands(values: Any) -> Iterator[tuple[str, str]]:
    """(path, text) of every command text in one side of a change, base64 decoded where it is encoded."""
    if not isinstance(values, dict):
        return
    for path, value in leaves(values):
        if not COMMAND_KEY.search(path):
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and item.strip():
                text = item[:MAX_SCRIPT]
                yield path, decoded_text(text.strip()) or text


@on_change(type_pattern=RUN_TYPES)
def _run_commands(change: Change) -> Iterator[Finding]:
    """Command documents that newly weaken the machines they run on."""
    if not RUN_TYPES.search(change.type):
        return
    before = set().union(*(dangers(text) for _, text in commands(change.before))) if change.before else set()
    for path, text in commands(change.after):
        new = sorted(dangers(text) - before)
        if new:
            yield finding(RULE, change.address, f"{change.address}: the commands it runs on machines ({path}) "
                          f"{'; '.join(new)}")
            return
