"""Changes that look like openings and are not (passage.py, anyany.py, assets.py, credential_names.py): a narrow
rule inserted above a deny-all, a site-asset bucket made public-read, a web ACL's optimistic-locking token. Each
beside its risky twin, which stays high."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity


def entry(address: str, before: Any, after: Any, actions: list[str] | None = None) -> dict[str, Any]:
    """One resource change by an invented provider."""
    kind, name = address.split(".")
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.terraform.io/acme/acme",
            "change": {"actions": actions or ["update"], "before": before, "after": after, "after_unknown": {},
                       "after_sensitive": {}}}


def judged(tmp_path: Path, *changes: dict[str, Any]) -> tuple[Label, dict[str, Severity]]:
    result = review_rules_alone(tmp_path, list(changes))
    return result.label, worst_by_rule(result)


def rule(name: str, action: str, source: str, target: str, app: str, zone: str = "any") -> dict[str, Any]:
    return {"name": name, "action": action, "from_zones": [zone], "source_addresses": [source],
            "source_users": ["any"], "destination_addresses": [target], "applications": [app], "services": ["any"]}


DENY_ALL = rule("drop-rest", "deny", "any", "any", "any")
KEEP = rule("app-to-cache", "allow", "app-hosts", "cache-hosts", "redis")


def rulebase(tmp_path: Path, inserted: dict[str, Any]) -> tuple[Label, dict[str, Severity]]:
    return judged(tmp_path, entry("edgewall_policy.main", {"rule": [KEEP, DENY_ALL]},
                                  {"rule": [KEEP, inserted, DENY_ALL]}))


def test_narrow_rule_inserted_above_the_deny_all_stays_safe(tmp_path: Path) -> None:
    label, worst = rulebase(tmp_path, rule("metrics-to-cache", "allow", "metrics-hosts", "cache-hosts", "redis"))
    assert label is Label.LIKELY_SAFE and "deny-opened-to-world" not in worst


def test_any_to_any_rule_inserted_above_the_deny_all_is_high(tmp_path: Path) -> None:
    label, worst = rulebase(tmp_path, rule("vendor-debug", "allow", "any", "any", "any", zone="untrust"))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst["network-open-ingress"] is Severity.HIGH


def test_deny_all_itself_turned_to_allow_stays_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, entry("edgewall_policy.main", {"rule": [KEEP, DENY_ALL]},
                                          {"rule": [KEEP, {**DENY_ALL, "action": "allow"}]}))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst["deny-opened-to-world"] is Severity.HIGH


def acl(tmp_path: Path, bucket: str, to: str, tags: dict[str, str] | None = None) -> tuple[Label, dict[str, Severity]]:
    changes = [entry("cirrus_bucket_acl.main", {"bucket": bucket, "acl": "private"}, {"bucket": bucket, "acl": to})]
    if tags is not None:
        store = {"name": bucket, "tags": tags}
        changes.append(entry("cirrus_bucket.main", store, store, ["no-op"]))
    return judged(tmp_path, *changes)


def test_site_asset_bucket_made_public_read_is_medium(tmp_path: Path) -> None:
    label, worst = acl(tmp_path, "shopfront-static-assets", "public-read")
    assert label is Label.LIKELY_SAFE and worst["public-access"] is Severity.MEDIUM


def test_data_bucket_made_public_read_stays_high(tmp_path: Path) -> None:
    label, worst = acl(tmp_path, "shopfront-customer-uploads", "public-read")
    assert label is Label.NEEDS_CLOSE_REVIEW and worst["public-access"] is Severity.HIGH


def test_asset_named_bucket_labelled_pii_stays_high(tmp_path: Path) -> None:
    label, worst = acl(tmp_path, "shopfront-assets", "public-read", {"classification": "pii"})
    assert label is Label.NEEDS_CLOSE_REVIEW and worst["public-access"] is Severity.HIGH


def test_asset_bucket_made_public_writable_stays_high(tmp_path: Path) -> None:
    label, worst = acl(tmp_path, "shopfront-static-assets", "public-read-write")
    assert label is Label.NEEDS_CLOSE_REVIEW and worst["public-access"] is Severity.HIGH


def test_web_acls_lock_token_is_no_credential(tmp_path: Path) -> None:
    before = {"name": "checkout", "lock_token": "6f1c2a9e-4b7d-4c1e-9a55-0d3e8b7f2c41", "capacity": 700}
    label, worst = judged(tmp_path, entry("shieldwall_web_acl.checkout", before, {**before, "capacity": 710}))
    assert label is Label.LIKELY_SAFE and "credential-in-plan" not in worst


def test_api_token_beside_it_is_still_a_credential(tmp_path: Path) -> None:
    before = {"name": "checkout", "api_token": "6f1c2a9e4b7d4c1e9a550d3e8b7f2c41", "capacity": 700}
    _label, worst = judged(tmp_path, entry("shieldwall_web_acl.checkout", None, before, ["create"]))
    assert worst.get("credential-in-plan") is Severity.HIGH


def ports(*openings: tuple[int, str]) -> dict[str, Any]:
    return {"name": "blog", "port_info": [{"protocol": "tcp", "from_port": port, "to_port": port, "cidrs": [cidr]}
                                          for port, cidr in openings]}


OFFICE = "198.51.100.8/29"


def test_public_http_swapped_for_https_on_8443_is_medium(tmp_path: Path) -> None:
    before = ports((443, "0.0.0.0/0"), (80, "0.0.0.0/0"), (22, OFFICE))
    after = ports((443, "0.0.0.0/0"), (22, OFFICE), (8443, "0.0.0.0/0"))
    label, worst = judged(tmp_path, entry("vpsco_instance_ports.blog", before, after))
    assert label is Label.LIKELY_SAFE and worst["network-open-ingress"] is Severity.MEDIUM


def test_ssh_opened_to_the_internet_in_place_of_the_office_stays_high(tmp_path: Path) -> None:
    before = ports((443, "0.0.0.0/0"), (80, "0.0.0.0/0"), (22, OFFICE))
    after = ports((443, "0.0.0.0/0"), (80, "0.0.0.0/0"), (22, "0.0.0.0/0"))
    label, worst = judged(tmp_path, entry("vpsco_instance_ports.blog", before, after))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst["network-open-ingress"] is Severity.HIGH


def test_8443_opened_beside_the_old_web_ports_stays_high(tmp_path: Path) -> None:
    before = ports((443, "0.0.0.0/0"), (80, "0.0.0.0/0"))
    after = ports((443, "0.0.0.0/0"), (80, "0.0.0.0/0"), (8443, "0.0.0.0/0"))
    label, worst = judged(tmp_path, entry("vpsco_instance_ports.blog", before, after))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst["network-open-ingress"] is Severity.HIGH


def test_object_made_public_read_in_an_asset_named_bucket_stays_high(tmp_path: Path) -> None:
    page = {"bucket": "shopfront-static-assets", "key": "index.html", "acl": "public-read"}
    label, worst = judged(tmp_path, entry("cirrus_bucket_object.page", None, page, ["create"]))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst["public-access"] is Severity.HIGH


def test_a_bare_public_acl_reads_as_public(tmp_path: Path) -> None:
    label, worst = acl(tmp_path, "shopfront-customer-uploads", "public")
    assert label is Label.NEEDS_CLOSE_REVIEW and worst["public-access"] is Severity.HIGH
    label, worst = judged(tmp_path, entry("aws_s3_bucket.uploads", None, {"bucket": "uploads", "acl": "public"},
                                          ["create"]))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst["public-bucket"] is Severity.HIGH


def test_a_private_or_owner_acl_is_not_public(tmp_path: Path) -> None:
    for value in ("private", "bucket-owner-full-control", "log-delivery-write"):
        label, worst = judged(tmp_path, entry("aws_s3_bucket.uploads", None, {"bucket": "uploads", "acl": value},
                                              ["create"]))
        assert "public-bucket" not in worst and label is Label.LIKELY_SAFE
