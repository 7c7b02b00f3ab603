"""Risk rules, data protection (reported under `data-policy-opened`): a redaction, masking or de-identification
object of any provider whose list of what it finds loses entries — a video redaction pipeline's face and licence-plate
detectors, a DLP template's info types (`US_SOCIAL_SECURITY_NUMBER`), a PII filter's entity types. What it no longer
finds passes through unredacted to whoever reads the output. A list that gains entries, or one re-ordered, says
nothing; a whole redaction switched off is the vocabulary's (`redaction_enabled`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.code import OPENED
from tfreview.pipeline.rules.common import sides

REDACTING = lazy_compile(r"redact|dlp|de_?identif|deid|anonymi[sz]|pseudonymi[sz]|masking|pii|sensitive_data")
# The lists of what such an object finds: detectors, info types, entity or PII types, identifiers.
FINDS = lazy_compile(r"^(?:detectors?|info_types?|entity_types?|entities|pii_(?:types|entities|categories)"
                     r"|custom_data_identifiers?|managed_data_identifiers?|identifiers|categories)$")
NAME_KEYS = ("type", "name", "info_type", "entity_type", "id")


@on_change(actions=(Action.UPDATE,), type_pattern=REDACTING)
def _finds_less(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    lists_after = dict(_lists(after))
    for key, was in _lists(before):
        now = lists_after.get(key)
        if now is None:
            continue
        kept = set(_names(now))
        lost = [name for name in _names(was) if name not in kept]
        if lost and kept:
            yield finding(OPENED, change.address, f"{change.address}: {key} no longer finds {', '.join(lost[:4])}: "
                          "what it found passes through unredacted")
            return


def _lists(values: dict[str, Any], prefix: str = "", depth: int = 0) -> Iterator[tuple[str, list[Any]]]:
    """(dotted key, list) of every FINDS list under VALUES, nested blocks included (`inspect_config.info_types`)."""
    if depth > 4:
        return
    for key, value in values.items():
        path = f"{prefix}{key}"
        if isinstance(value, list) and FINDS.match(str(key)):
            yield path, value
        elif isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict):
            yield from _lists(value[0], f"{path}.", depth + 1)
        elif isinstance(value, dict):
            yield from _lists(value, f"{path}.", depth + 1)


def _names(items: list[Any]) -> list[str]:
    """What each entry of a list names: the string itself, or its block's type or name."""
    names = []
    for item in items:
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, dict):
            name = next((item[k] for k in NAME_KEYS if isinstance(item.get(k), str)), None)
            if name is None:
                inner = next((v for k, v in item.items() if k in NAME_KEYS and isinstance(v, list) and v), None)
                name = next(iter(_names(inner)), None) if inner else None
            if name is not None:
                names.append(name)
    return names
