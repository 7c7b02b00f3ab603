"""Risk rules, successor gaps (delete grading): what a successor must carry for the deleted or re-made object's job
to go on — it does not throw its records away (a `discard` or `/dev/null` destination), does not send them where
its name says non-production (a sandbox workspace) when the old destination's did not, adds no setting at its weak
end (an urgency of `low` where none was set), still sends to every recipient, still pages someone when the old one
did (a pager or a text message, not only mail), switches no notice off, and, for a
release that kept data on its own volumes (persistence on), takes that data over (names an existing claim) instead
of starting on new, empty ones; nor can any successor take over what a destroy with `force_destroy` empties.
successors.py, tightened.py, recipients.py, purposes.py, sinks.py and ladders.py ask it."""

from __future__ import annotations

import re
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.decoding import embedded_objects
from tfreview.pipeline.rules.common import as_dict, string_leaves
from tfreview.pipeline.rules.controls import direction
from tfreview.pipeline.rules.environments import DISPOSABLE_TOKENS, NON_PRODUCTION_ENVS
from tfreview.pipeline.rules.values import leaves, plain

# Destinations that accept records and keep none: Vault's `discard` file path, the null device.
DISCARDS = frozenset({"discard", "/dev/null", "devnull", "nul:", "null://"})
# Settings that name where records go (not what is watched).
DESTINATION = lazy_compile(r"destination|sink|target|workspace|storage|bucket|path|endpoint|url|uri|topic|queue"
                           r"|stream|hub|log_group|output|address")
# Words of a name that say non-production or disposable.
NON_PRODUCTION = NON_PRODUCTION_ENVS | DISPOSABLE_TOKENS
_WORDS = lazy_compile(r"[a-z0-9]+")
_SPACE = lazy_compile(r"\s")
# Who a record or alert is sent to: an @-handle of a paging or chat integration, an e-mail address.
RECIPIENTS = lazy_compile(r"(?<![\w.])@[a-z0-9][\w.-]*[a-z0-9]|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
# Settings that say where a message or alert goes (its text with @-handles, its recipients and channels).
SENDS_TO = lazy_compile(r"message|notif|recipient|alert|channel|contact|escalat|pag(?:e|er|ing)|body|text|subscri"
                        r"|endpoint|^to$|^cc$|^emails?$|addresses$")
# Switch names whose true means less (turning them off is no loss).
NEGATIVE = lazy_compile(r"disabl|skip|ignore|suppress|mute|exclu|only|allow|insecure|public", re.IGNORECASE)
# Settings whose true makes a destroy take everything the object holds with it.
DESTROYS_CONTENTS = ("force_destroy", "delete_contents_on_destroy", "force_delete")
# The strong end of a scale, to read a setting a successor adds where the old object had none.
STRONG_ENDS: tuple[Any, ...] = ("high", "critical", True)
# A release's values that keep data on its own volumes, and those that take over a volume that already exists.
PERSIST = lazy_compile(r"persist|volumeclaimtemplate|storage", re.IGNORECASE)
EXISTING = lazy_compile(r"existing_?claim|existing_?volume|volume_?name|datasource|restore|snapshot|backup_?source",
                        re.IGNORECASE)


def discards(values: Any) -> str | None:
    """The discard destination a successor writes to (`file_path = "discard"`), or None."""
    for path, value in leaves(values):
        key = plain(path).rpartition(".")[2]
        if isinstance(value, str) and value.strip().lower() in DISCARDS and DESTINATION.search(key):
            return value
    return None


def _destination_words(values: Any, destinations: bool) -> set[str]:
    """The words of the settings that say where records go (DESTINATIONS), or of all the others."""
    return {word for path, value in leaves(values)
            if bool(DESTINATION.search(plain(path).rpartition(".")[2])) == destinations
            for text in (value if isinstance(value, list) else [value]) if isinstance(text, str)
            for word in _WORDS.findall(text.lower())}


def lesser_destination(before: Any, after: Any) -> str | None:
    """The word that says non-production (`sandbox`, `dev`, `preview`) in where a successor now sends, when neither
    where the old object sent nor what it watched says so (production audit logs sent to a sandbox workspace)."""
    lesser = _destination_words(after, True) & NON_PRODUCTION - _destination_words(before, True)
    return next(iter(sorted(lesser - _destination_words(before, False))), None)


def weak_addition(resource_type: str, before: Any, after: Any) -> str | None:
    """A setting the successor adds, where the old object had none, that a control reads below its strong end
    (`urgency = "low"`), or None."""
    old = {plain(path) for path, _value in leaves(before)}
    for path, value in leaves(after):
        if plain(path) in old or value is None:
            continue
        if any(direction(resource_type, path, end, value) == -1 for end in STRONG_ENDS):
            return f"{plain(path)} = {value}"
    return None


def _persistent(values: Any) -> bool:
    """Whether a release's values keep data on its own volumes: a persistence block switched on."""
    for item in embedded_objects(values):
        for path, value in leaves(item):
            steps = plain(path).lower().split(".")
            if value is True and steps[-1] == "enabled" and any(PERSIST.search(step) for step in steps[:-1]):
                return True
    return False


def data_left_behind(before: Any, after: Any) -> bool:
    """Whether an object that kept data on its own volumes (persistence on) is succeeded by one that takes over no
    existing volume, snapshot or restore: the successor starts empty."""
    if not _persistent(as_dict(before)):
        return False
    for item in embedded_objects(as_dict(after)):
        for path, value in leaves(item):
            if EXISTING.search(plain(path).rpartition(".")[2]) and value not in (None, "", [], {}, False):
                return False
    return not any(EXISTING.search(text) for text in string_leaves(as_dict(after)) if len(text) < 200)


def _recipients(values: Any) -> list[str]:
    """The recipients named in the settings that say where a message goes (not a user's own login)."""
    return [match for path, value in leaves(values) if SENDS_TO.search(plain(path).rpartition(".")[2])
            for text in (value if isinstance(value, list) else [value]) if isinstance(text, str)
            for match in RECIPIENTS.findall(text)]


def dropped_recipient(before: Any, after: Any) -> str | None:
    """A recipient (an @-handle, an e-mail address) the old object sent to that the successor no longer names."""
    new = {match.lower() for match in _recipients(after)}
    return next((match for match in _recipients(before) if match.lower() not in new), None)


# A recipient that wakes a person (an on-call service, a text message, a phone call), named as a channel's scheme or
# service (`pagerduty:P7QX2LA`, `sms:+43…`, `@opsgenie-ops`, an SNS topic `…-pagerduty`): not mail or chat read later.
PAGES = lazy_compile(r"(?<![a-z0-9])(?:pagerduty|opsgenie|victorops|splunk-on-?call|xmatters|ilert|zenduty|squadcast"
                     r"|sms|tel|phone|voice|call|pager)(?![a-z0-9])", re.IGNORECASE)


# Settings that name whom a message reaches (not its text, where "call" is a word).
ROUTED_TO = lazy_compile(r"notif|recipient|channel|contact|escalat|pag(?:e|er|ing)|subscri|endpoint|target|action"
                         r"|receiver|destination|integration|^to$")


def _paged(values: Any) -> list[str]:
    """The recipients (single tokens, no text) of the settings that say whom a message reaches which page a person."""
    return [text for path, value in leaves(values) if ROUTED_TO.search(plain(path).rpartition(".")[2])
            for text in (value if isinstance(value, list) else [value])
            if isinstance(text, str) and len(text) < 300 and not _SPACE.search(text) and PAGES.search(text)]


def dropped_paging(before: Any, after: Any) -> str | None:
    """What the old object paged (`pagerduty:P7QX2LA`) when nothing the successor says names a pager at all (not
    even an `@pagerduty-…` handle in its message): it still notifies, but only where someone reads later."""
    paged = _paged(before)
    return None if not paged or any(PAGES.search(text) for text in string_leaves(after)) else f"{paged[0]} went"


def switched_off(resource_type: str, before: Any, after: Any) -> str | None:
    """A switch the old object had on that the successor has off, where no control says that is stronger
    (`notify_no_data` true → false), or None."""
    new = {plain(path): value for path, value in leaves(after)}
    for path, value in leaves(before):
        key = plain(path)
        if value is True and new.get(key) is False and not NEGATIVE.search(key.rpartition(".")[2]) \
                and direction(resource_type, path, True, False) != 1:
            return key
    return None


def gap(resource_type: str, before: Any, after: Any) -> str | None:
    """Why a successor (or a re-made object's new settings) does not carry the old job on, or None."""
    if (where := discards(after)) is not None:
        return f"it writes to {where}, which keeps nothing"
    if (word := lesser_destination(before, after)) is not None:
        return f"it sends to a destination named {word}, where the old one did not"
    for why, found in (("adds", weak_addition(resource_type, before, after)),
                       ("no longer sends to", dropped_recipient(before, after)),
                       ("no longer pages anyone:", dropped_paging(before, after)),
                       ("switches off", switched_off(resource_type, before, after))):
        if found is not None:
            return f"it {why} {found}"
    if data_left_behind(before, after):
        return "it starts on new volumes without the old one's data"
    emptied = next((key for key in DESTROYS_CONTENTS if as_dict(before).get(key) is True), None)
    return None if emptied is None else f"the old one destroys all it holds ({emptied}); the new one starts empty"
