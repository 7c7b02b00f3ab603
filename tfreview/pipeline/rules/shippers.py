"""Risk rules, reach (reported under egress-outside, egress.py): a log or metrics shipper's output section pointed at
a raw public IP address, in any configuration text a change carries (Helm values, a ConfigMap, a user_data file).

Shippers are configured in sections: Fluent Bit's `[OUTPUT]`, Fluentd's `<match>`/`<store>`/`<server>`, Vector's and
Telegraf's `[sinks.x]`/`[[outputs.x]]`. An output whose `Host`, `address`, `endpoint` or `url` is an address outside
every private range receives every record the section matches, from a machine nobody names; with TLS off it also
crosses the internet in clear text. An output to a name (a collector service, a vendor's endpoint), to a private
address, or to a cloud service with no host stays quiet; an output already there before is not news.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.addressing import internal_address
from tfreview.pipeline.rules.values import leaves

RULE = "egress-outside"
SECTION = lazy_compile(r"^\s*(?:\[\[?\s*(?P<ini>[A-Za-z_.\- ]+?)\s*\]\]?|<(?P<tag>/?[A-Za-z]+)\b[^>]*>)\s*$")
OUTPUT_SECTIONS = lazy_compile(r"^(?:output|outputs|sink|sinks|match|store|server)(?:[.\s]|$)", re.IGNORECASE)
PAIR = lazy_compile(r"^\s*(?P<key>[A-Za-z_][\w-]*)\s*(?:[:=]\s*|\s+)\[?\s*[\"']?(?P<value>[^\s\"'\]]+)")
HOST_KEYS = frozenset({"host", "hosts", "address", "addr", "endpoint", "url", "urls", "uri", "server", "brokers"})
TLS_OFF = lazy_compile(r"^\s*tls(?:\.verify)?\s*(?:[:=]\s*|\s+)[\"']?(?:off|false|no|0)\b",
                       re.IGNORECASE | re.MULTILINE)
HOST_OF = lazy_compile(r"^(?:[a-z][a-z0-9+.-]*://)?(?:[^@/\s]*@)?(\[[^\]]+\]|[^:/\s]+)", re.IGNORECASE)
MAX_TEXT = 200_000


def outputs(text: str) -> Iterator[tuple[str, bool]]:
    """(raw public address, TLS off) of every output section in TEXT that sends to one."""
    section, body = "", []
    for line in [*text[:MAX_TEXT].splitlines(), "[end]"]:
        header = SECTION.match(line)
        if header is None:
            body.append(line)
            continue
        if OUTPUT_SECTIONS.match(section):
            yield from _addresses(body)
        section, body = (header["ini"] or header["tag"] or "").strip(), []


def _addresses(body: list[str]) -> Iterator[tuple[str, bool]]:
    plain = bool(TLS_OFF.search("\n".join(body)))
    for line in body:
        pair = PAIR.match(line)
        if pair is None or pair["key"].lower() not in HOST_KEYS:
            continue
        for item in pair["value"].split(","):
            host = HOST_OF.match(item.strip())
            address = host.group(1).strip("[]") if host else ""
            if address and internal_address(address) is False:
                yield address, plain or item.strip().lower().startswith("http://")


def _found(side: Any) -> dict[str, bool]:
    found: dict[str, bool] = {}
    for _, value in leaves(side if isinstance(side, dict) else {}):
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and "\n" in item:
                found.update(outputs(item))
    return found


# Every section header OUTPUT_SECTIONS reads starts with one of these (`[OUTPUT]`, `[[outputs.x]]`, `<match **>`).
@on_change(words=(b"[output", b"[[output", b"[sink", b"[[sink", b"[match", b"[store", b"[server", b"<match", b"<store",
                  b"<server"))
def _shipped_out(change: Change) -> Iterator[Finding]:
    before = _found(change.before)
    for address, plain in sorted(_found(change.after).items()):
        if address not in before:
            how = " over plain text (TLS off)" if plain else ""
            yield finding(RULE, change.address, f"{change.address}: a log or metrics output now ships records to the "
                          f"raw public address {address}{how}: it leaves the organisation; confirm the receiver is "
                          "yours or trusted")
            return
