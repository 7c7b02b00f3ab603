"""Risk rules, provisioner commands: the shell a `local-exec` / `remote-exec` provisioner runs when this plan creates or
replaces its resource (any type: `terraform_data`, `null_resource` or a real one) is code, read as such. A download
piped into a shell, a recursive delete of a remote store, and local state or credentials sent over the network (or a
credential it creates or reads: minted.py) are high, and so is a cloud command doing what a risky resource
would (an admin grant, a grant to everyone, a port opened to the internet, logging off: clieffects.py); a provisioner
whose command is only known after apply is not guessed at. A data source's program (`data "external"`, a shell
provider's commands) is read the same way: Terraform runs it on the machine that plans, at every plan."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.configuration import config_address, configuration
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, finding, rule
from tfreview.pipeline.rules.clieffects import cli_effect
from tfreview.pipeline.rules.common import as_dict
from tfreview.pipeline.rules.minted import UPLOAD, sends_minted

RULE = "provisioner-command"
EXEC_TYPES = ("local-exec", "remote-exec")
MAX_COMMAND = 20_000

_FETCH = r"(?:curl|wget|fetch|iwr|irm|invoke-webrequest|invoke-restmethod|http|https|aria2c)\b"
# A shell named by its path (`| /bin/bash`, `| /usr/bin/env python3`) is the same shell.
_RUNNER = (r"(?:sudo\s+(?:-\S+\s+)*)?(?:(?:/?[\w.-]+/)*env\s+)?(?:env\s+\S+=\S*\s+)*(?:/?[\w.-]+/)*"
           r"(?:(?:ba|z|k|da|fi)?sh|python\d?(?:\.\d+)?|perl|ruby|node"
           r"|php|pwsh|powershell|iex|invoke-expression)\b")
# PowerShell's own download into a string, run by Invoke-Expression:
# `iex ((New-Object Net.WebClient).DownloadString(u))`.
_PS_DOWNLOAD = (r"\(*\s*(?:new-object\s+(?:system\.)?net\.webclient\s*\)?\s*\.\s*downloadstring|iwr|irm"
                r"|invoke-webrequest|invoke-restmethod)\b")
# `curl … | sudo bash`, `bash <(curl …)`, `sh -c "$(wget -qO- …)"`, `iwr … | iex`, `iex (… DownloadString …)`.
PIPED = lazy_compile(rf"\b{_FETCH}[^|;&\n]*\|\s*{_RUNNER}"
                     rf"|\b{_RUNNER}\s+(?:-\S+\s+)*(?:<\(|[\"']?\$\()\s*{_FETCH}"
                     rf"|\b(?:iex|invoke-expression)\s*{_PS_DOWNLOAD}", re.IGNORECASE)
# One command of a shell line: what `&&`, `||`, `;`, `|` and line breaks separate.
_SEGMENT = lazy_compile(r"&&|\|\||[;|\n]")
_DELETE_VERB = lazy_compile(r"\b(?:rm|rb|rmdir|del|delete[\w-]*|remove[\w-]*|purge|wipe|destroy|empty)\b",
                            re.IGNORECASE)
_EVERYTHING = lazy_compile(r"(?:^|\s)(?:-[a-z]*r[a-z]*|--recursive|--all|--force)\b|delete-(?:bucket|batch|container"
                           r"|share|file-system|vault)|\brb\b|\bpurge\b|\bempty\b", re.IGNORECASE)
# What a deleting command points at outside this machine: a store URL or a cloud or storage CLI's target flag.
_REMOTE = lazy_compile(r"\b[a-z][a-z0-9+.-]*://|--(?:bucket|container|account-name|share-name|vault-name)\b"
                       r"|^\s*(?:sudo\s+)?(?:aws|gsutil|gcloud|az|azcopy|rclone|mc|s3cmd|oci|ibmcloud|doctl)\b",
                       re.IGNORECASE)
_DROP = lazy_compile(r"\bDROP\s+(?:DATABASE|SCHEMA|TABLE)\b|\bFLUSHALL\b|\bdropDatabase\s*\(", re.IGNORECASE)
# Local files that hold state, variables or credentials, and whole environment dumps.
SECRET_FILES = lazy_compile(r"tfstate|\.tfvars\b|\.terraform\b|\bstate\s+pull\b|\.aws/credentials|\.ssh/|\bid_(?:rsa|"
                            r"ed25519|ecdsa)\b|\.kube/config|kubeconfig|\.netrc\b|\.docker/config|\.git-credentials"
                            r"|/etc/shadow|\b(?:printenv|env)\s*(?:\||>)|\bset\s*\|", re.IGNORECASE)


def commands(provisioner: Any) -> Iterator[str]:
    """The known command text of one exec provisioner (`command`, or each `inline` line)."""
    if not isinstance(provisioner, dict) or provisioner.get("type") not in EXEC_TYPES:
        return
    expressions = provisioner.get("expressions")
    for key in ("command", "inline"):
        expression = expressions.get(key) if isinstance(expressions, dict) else None
        value = expression.get("constant_value") if isinstance(expression, dict) else None
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                yield item[:MAX_COMMAND]


def danger(command: str) -> str | None:
    """What a shell command does that is high risk, or None."""
    if PIPED.search(command):
        return "pipes a download straight into a shell or interpreter (unreviewed remote code)"
    if _DROP.search(command):
        return "drops a database or table"
    for segment in _SEGMENT.split(command):
        if _DELETE_VERB.search(segment) and _EVERYTHING.search(segment) and _REMOTE.search(segment):
            return "deletes a remote store or everything under a path in it (backups and data go)"
    if SECRET_FILES.search(command) and UPLOAD.search(command):
        return "sends Terraform state, variables or credentials over the network"
    if sends_minted(command):
        return "creates or reads a credential and sends it over the network"
    return cli_effect(command)


def _runs(change: Change, provisioner: Any) -> bool:
    """Whether this plan runs the provisioner: creation-time ones on create/replace, destroy-time ones on delete."""
    when = provisioner.get("when") if isinstance(provisioner, dict) else None
    if when == "destroy":
        return change.action in (Action.DELETE, Action.REPLACE)
    return change.action in (Action.CREATE, Action.REPLACE)


@rule(RULE, Severity.HIGH, "A provisioner this plan runs pipes a download into a shell, deletes a remote store "
      "recursively or drops a database, sends state, variables or credentials over the network, or runs a cloud "
      "command that grants admin or access to everyone, opens a port to the internet or switches off logging; "
      "likewise a data source's program (data \"external\"), which runs on the machine that plans at every plan.")
def _provisioner_commands(ri: ReviewInput) -> Iterable[Finding]:
    """Dangerous provisioner commands on the resources this plan creates or replaces, and data sources' programs."""
    yield from _data_programs(ri)
    changes = [c for c in ri.changeset.changes if c.mode == "managed"
               and c.action in (Action.CREATE, Action.REPLACE, Action.DELETE)]
    yield from _commands_as_expressions(ri, changes)
    if not changes or not _has_provisioners(ri.plan.configuration):
        return
    config = configuration(ri.plan)
    for change in changes:
        for provisioner in config.provisioners(change.address):
            if not _runs(change, provisioner):
                continue
            for command in commands(provisioner):
                what = danger(command)
                if what is not None:
                    yield finding(RULE, change.address, f'{change.address}: its {provisioner["type"]} provisioner '
                                  f'{what}: "{" ".join(command.split())[:160]}"')
                    break


# Resources that only run their provisioners (they manage nothing else), and the expressions a hand-written plan
# puts a provisioner's command under when it writes the block as an attribute (`provisioner`, `provisioner_cmd`).
RUNNERS = frozenset({"null_resource", "terraform_data"})
AS_EXPRESSION = lazy_compile(r"^(?:provisioners?|provisioner_\w+|local_exec|remote_exec|commands?|inline|script)$")


def _commands_as_expressions(ri: ReviewInput, changes: list[Change]) -> Iterator[Finding]:
    """A runner created or replaced whose configuration holds a dangerous command as an expression (Terraform
    writes provisioners apart; a plan written by hand may not): read as the provisioner it stands for."""
    config = configuration(ri.plan) if any(c.type in RUNNERS for c in changes) else None
    for change in changes:
        if config is None or change.type not in RUNNERS or change.action is Action.DELETE:
            continue
        for key, expression in (config.expressions(change.address) or {}).items():
            command = _line(_constant(expression)) if AS_EXPRESSION.match(key) else ""
            if command and (what := danger(command)) is not None:
                yield finding(RULE, change.address, f'{change.address}: its {key} {what}: '
                              f'"{" ".join(command.split())[:160]}"')
                break


def _has_provisioners(node: Any) -> bool:
    """Whether a configuration module tree declares any provisioner."""
    if not isinstance(node, dict):
        return False
    root = node.get("root_module") if "root_module" in node else node
    if not isinstance(root, dict):
        return False
    if any(isinstance(r, dict) and r.get("provisioners") for r in root.get("resources") or []
           if isinstance(root.get("resources"), list)):
        return True
    calls = root.get("module_calls")
    return isinstance(calls, dict) and any(isinstance(c, dict) and _has_provisioners(c.get("module"))
                                           for c in calls.values())


# A data source's keys that hold a program it runs: `program` (external), `command`/`read` (shell providers).
PROGRAM_KEYS = ("program", "command", "commands", "read", "script")


def _data_programs(ri: ReviewInput) -> Iterator[Finding]:
    """Data sources whose program does what a dangerous provisioner command does."""
    for address, program in _programs(ri):
        what = danger(program)
        if what is not None:
            yield finding(RULE, address, f'{address}: the data source runs a program that {what} at every plan, on '
                          f'the machine that plans: "{" ".join(program.split())[:160]}"')


def _programs(ri: ReviewInput) -> Iterator[tuple[str, str]]:
    """(address, command line) of every data source's program: from its configuration, else from the values read."""
    configured: set[str] = set()
    for path, module in configuration(ri.plan).modules.items():
        for relative, expressions in module.resources.items():
            if relative.startswith("data."):
                address = ".".join(filter(None, [path, relative]))
                configured.add(address)
                for key in PROGRAM_KEYS:
                    if line := _line(_constant(expressions.get(key))):
                        yield address, line
    for change in ri.changeset.changes:
        if change.mode == "data" and config_address(change.address) not in configured:
            for key in PROGRAM_KEYS:
                if line := _line(as_dict(change.after).get(key)):
                    yield change.address, line


def _constant(expression: Any) -> Any:
    """The constant an expression holds, a block's expressions read as their constants; None when none is known."""
    if isinstance(expression, list):
        return [_constant(item) for item in expression]
    expression = as_dict(expression)
    if "constant_value" in expression:
        return expression["constant_value"]
    return {k: _constant(v) for k, v in expression.items() if k != "references"} or None


def _line(value: Any) -> str:
    """A program's command line: a list of arguments joined by spaces, a block of commands joined by lines."""
    if isinstance(value, str):
        return value[:MAX_COMMAND]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return " ".join(value)[:MAX_COMMAND]
    if isinstance(value, (dict, list)):
        items = value.values() if isinstance(value, dict) else value
        return "\n".join(filter(None, (_line(item) for item in items)))[:MAX_COMMAND]
    return ""
