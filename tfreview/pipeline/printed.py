"""Configuration index helper (rules stage, before the rules): what an external-program data source
(`data "external"`, any provider's program or command lookup) returns when its program is an inline script that
only prints a JSON literal (`bash -c "echo '{\"cidr\":\"0.0.0.0/0\"}'"`). Terraform reads such a result during
apply, so the plan shows it unknown; the script shows it already. A program that runs a file, reads its query or
prints more than one object is not guessed at.
"""

from __future__ import annotations

from typing import Any

import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.diff import UNKNOWN

# A flat JSON object literal (the external protocol allows only string values), quoted or escaped in a shell line.
_OBJECT = lazy_compile(r"\{[^{}]*\}")
_PRINTS = lazy_compile(r"\b(?:echo|printf|cat|jq\s+-n)\b")
_READS = lazy_compile(r"\bjq\b(?!\s+-n)|\bread\b|\$\(|`|<\s*[\w./-]|\$\{?\w")
MAX_PROGRAM = 10_000


def printed_result(program: Any) -> Any:
    """The one JSON object an inline program prints, or UNKNOWN when it prints none, several, or computes one."""
    parts = program if isinstance(program, list) else [program]
    if not parts or not all(isinstance(p, str) for p in parts):
        return UNKNOWN
    text = " ".join(parts)[:MAX_PROGRAM]
    if not _PRINTS.search(text):
        return UNKNOWN
    found: list[Any] = []
    for literal in _OBJECT.findall(text):
        for candidate in (literal, literal.replace('\\"', '"')):
            try:
                value = orjson.loads(candidate)
            except orjson.JSONDecodeError:
                continue
            if isinstance(value, dict) and value not in found:
                found.append(value)
            break
    outside = _OBJECT.sub("", text)
    if len(found) != 1 or _READS.search(outside) or any("$" in str(v) or "`" in str(v) for v in found[0].values()):
        return UNKNOWN  # several answers, or one the shell computes
    return found[0]
