"""Risk rules, data residency (`residency-left`): a store that kept its data in Europe made to keep it, or a copy
of it, outside Europe — its region moved in place (`EU_CENTRAL_1` → `US_EAST_1`), or a replica, read location or
geo-replica added in a region outside Europe. Data under GDPR, or a customer's contracted residency, leaves the
jurisdiction it was promised to. A new store created outside Europe, a move between two European regions, a replica
added in another European region, a move into Europe, and a store whose own home (its ARN's region) is outside
Europe already (a global table with one European replica) say nothing.

Regions are read in every provider's spelling: AWS and its look-alikes (`eu-central-1`, `US_EAST_1`), Google
(`europe-west3`, the `EU` and `EUR4` multi-regions), Azure (`westeurope`, `germanywestcentral`, `eastus2`),
and the city codes of smaller clouds (`fra1`, `ams3`, `nyc1`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, declare, finding, on_change
from tfreview.pipeline.rules.kinds import looks_stateful
from tfreview.pipeline.rules.values import leaves, plain

RULE = declare("residency-left", Severity.HIGH,
               "A store that kept its data in Europe moves it, or a replica of it, to a region outside Europe.")

# Keys that hold where a store keeps its data (not an availability zone inside one region).
LOCATION_KEY = lazy_compile(r"(?:^|_)(?:region|regions|region_name|location|locations|location_id|geo_location"
                            r"|data_location|home_region|replica_region|replica_location)$")
_SPLIT = lazy_compile(r"[-_\s.]+")
EUROPE_HEADS = frozenset({"eu", "europe", "eur3", "eur4", "eur5", "eur6", "eur7", "eur8", "uk", "emea"})
EUROPE_WORDS = lazy_compile(r"europe|germany|france|sweden|norway|switzerland|^uk(?:south|west)|poland|italy|spain"
                            r"|netherlands|ireland|belgium|finland|austria|denmark|frankfurt|paris|london|amsterdam"
                            r"|stockholm|milan|zurich|madrid|warsaw|dublin")
ELSEWHERE_HEADS = frozenset({"us", "usa", "nam4", "nam5", "nam6", "nam7", "nam8", "nam9", "nam10", "nam11", "nam12",
                             "ap", "asia", "ca", "canada", "sa", "me", "af", "mx", "cn", "il", "australia",
                             "northamerica", "southamerica", "japan", "korea", "india", "brazil", "uae", "singapore",
                             "centralus", "eastus", "eastus2", "westus", "westus2", "westus3", "northcentralus",
                             "southcentralus", "westcentralus", "eastasia", "southeastasia", "asia1",
                             "us1", "us3", "us5"})
ELSEWHERE_WORDS = lazy_compile(r"^(?:east|west|north|south|central|northcentral|southcentral|westcentral)us\d?$"
                               r"|^(?:australia|japan|korea|brazil|canada|india|uae|southafrica|qatar|israel"
                               r"|mexico)\w*$")
# City codes of smaller clouds (DigitalOcean, Hetzner, Vultr, Linode): `fra1`, `ams3`, `nyc1`.
EUROPE_CITIES = frozenset({"fra", "ams", "lon", "fsn", "nbg", "hel", "par", "sto", "waw", "mad", "mil", "cdg", "lhr"})
ELSEWHERE_CITIES = frozenset({"nyc", "sfo", "tor", "sgp", "blr", "syd", "ash", "hil", "sea", "lax", "dfw", "ord",
                              "atl", "mia", "ewr", "nrt", "icn", "bom", "gru"})
_CITY = lazy_compile(r"^([a-z]{3})\d{1,2}$")


def jurisdiction(value: Any) -> str | None:
    """"europe" or "elsewhere" for a region or location name in any provider's spelling; None when unread."""
    if not isinstance(value, str) or not 2 <= len(value) <= 40:
        return None
    text = value.strip().lower()
    words = [w for w in _SPLIT.split(text) if w]
    if not words:
        return None
    if words[0] in EUROPE_HEADS or EUROPE_WORDS.search(text):
        return "europe"
    if words[0] in ELSEWHERE_HEADS or ELSEWHERE_WORDS.search(words[0]):
        return "elsewhere"
    city = _CITY.match(text)
    if city:
        return "europe" if city.group(1) in EUROPE_CITIES else "elsewhere" if city.group(1) in ELSEWHERE_CITIES \
            else None
    return None


# The region an ARN names (`arn:aws:dynamodb:us-east-1:…`): the store's home, whatever its replicas say.
ARN_REGION = lazy_compile(r"^arn:[\w-]+:[\w-]+:([a-z]{2}(?:-[a-z]+)+-\d):")


def _locations(values: Any) -> dict[str, str]:
    """Each location a store's values name, with its jurisdiction; its own ARN's region among them."""
    found = {}
    arn = values.get("arn") if isinstance(values, dict) else None
    home = ARN_REGION.match(arn) if isinstance(arn, str) else None
    if home and (where := jurisdiction(home.group(1))):
        found[home.group(1)] = where
    for path, value in leaves(values) if isinstance(values, dict) else ():
        if not LOCATION_KEY.search(plain(path).rsplit(".", 1)[-1]):
            continue
        for item in value if isinstance(value, list) else [value]:
            where = jurisdiction(item)
            if where:
                found[str(item)] = where
    return found


@on_change(actions=(Action.UPDATE, Action.REPLACE))
def _left_europe(change: Change) -> Iterator[Finding]:
    if not looks_stateful(change.type) or not isinstance(change.before, dict):
        return
    before = _locations(change.before)
    if not before or any(where != "europe" for where in before.values()):
        return
    outside = [name for name, where in _locations(change.after).items() if where == "elsewhere"]
    if outside:
        kept = ", ".join(sorted(before)[:2])
        yield finding(RULE, change.address, f"{change.address}: a store kept in Europe ({kept}) now keeps its data "
                      f"or a replica in {outside[0]}, outside Europe: data promised to stay there leaves it")
