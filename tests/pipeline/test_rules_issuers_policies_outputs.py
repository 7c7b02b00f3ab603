"""Three principles found by fresh sets' first runs, each risky case beside a benign look-alike: an OIDC condition on
a shared issuer that names no owner claim (federation.py); a specific control line that reads no difference leaves
the next line of its rule to look (controls.py); an undeclared output named for a key the plan creates
(credentials.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity


def entry(address: str, before: Any, after: Any, provider: str = "hashicorp/google",
          sensitive: dict[str, Any] | None = None, unknown: dict[str, Any] | None = None) -> dict[str, Any]:
    kind, name = address.split(".")
    actions = ["create"] if before is None else ["update"]
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": f"registry.terraform.io/{provider}",
            "change": {"actions": actions, "before": before, "after": after, "after_unknown": unknown or {},
                       "before_sensitive": {} if before is not None else False, "after_sensitive": sensitive or {}}}


# --- a federated condition on a shared issuer that names no owner -------------------------------------------

GITHUB = "https://token.actions.githubusercontent.com"
PINNED = "assertion.repository_owner == 'globex' && assertion.repository == 'globex/deploy'"


def pool_provider(condition: str, issuer: str = GITHUB) -> dict[str, Any]:
    return {"workload_identity_pool_provider_id": "ci", "attribute_condition": condition,
            "attribute_mapping": {"google.subject": "assertion.sub", "attribute.repository": "assertion.repository"},
            "oidc": [{"issuer_uri": issuer, "allowed_audiences": []}]}


def federated(tmp_path: Path, before: str | None, after: str,
              issuer: str = GITHUB) -> tuple[Label, dict[str, Severity]]:
    old = None if before is None else pool_provider(before, issuer)
    result = review_rules_alone(tmp_path, [entry("google_iam_workload_identity_pool_provider.ci", old,
                                                 pool_provider(after, issuer))])
    return result.label, worst_by_rule(result)


def test_condition_narrowed_to_the_issuer_alone_admits_every_repository(tmp_path: Path) -> None:
    label, worst = federated(tmp_path, PINNED, f"assertion.iss == '{GITHUB}'")
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("iam-open-trust") is Severity.HIGH


def test_created_provider_testing_only_the_event_admits_every_repository(tmp_path: Path) -> None:
    label, _ = federated(tmp_path, None, "assertion.event_name == 'push'")
    assert label is Label.NEEDS_CLOSE_REVIEW


def test_condition_moved_to_the_owner_id_stays_safe(tmp_path: Path) -> None:
    label, worst = federated(tmp_path, PINNED, "assertion.repository_owner_id == '4410021'")
    assert label is Label.LIKELY_SAFE and "iam-open-trust" not in worst


def test_own_identity_provider_testing_only_groups_stays_safe(tmp_path: Path) -> None:
    issuer = "https://login.globex.example/oauth2/default"
    label, _ = federated(tmp_path, "'ci' in assertion.groups && assertion.aud == 'gcp'", "'ci' in assertion.groups",
                         issuer)
    assert label is Label.LIKELY_SAFE


# --- a listener's security policy moved back in time while its TLS floor stays ----------------------------

def listener(tmp_path: Path, before: str, after: str) -> Label:
    return review_rules_alone(tmp_path, [entry("aws_lb_listener.api", {"port": 443, "ssl_policy": before},
                                               {"port": 443, "ssl_policy": after}, "hashicorp/aws")]).label


def test_dated_policy_moved_back_with_the_same_tls_floor_is_a_downgrade(tmp_path: Path) -> None:
    assert listener(tmp_path, "ELBSecurityPolicy-2016-08", "ELBSecurityPolicy-TLS-1-0-2015-04") \
        is Label.NEEDS_CLOSE_REVIEW


def test_dated_policy_moved_forward_stays_safe(tmp_path: Path) -> None:
    assert listener(tmp_path, "ELBSecurityPolicy-TLS-1-2-2017-01", "ELBSecurityPolicy-TLS-1-2-Ext-2018-06") \
        is Label.LIKELY_SAFE


# --- an output named for a key the plan creates ------------------------------------------------------------

def key_plan(tmp_path: Path, output: str, sensitive: bool) -> Label:
    key = entry("globex_service_key.ci", None, {"key_algorithm": "RSA_2048"}, "globex/globex",
                sensitive={"private_key": True}, unknown={"id": True, "private_key": True})
    outputs = {output: {"actions": ["create"], "before": None, "after": None, "after_unknown": True,
                        "before_sensitive": False, "after_sensitive": sensitive}}
    return review_rules_alone(tmp_path, [key], output_changes=outputs).label


def test_plain_output_named_for_the_created_key_leaks_it(tmp_path: Path) -> None:
    assert key_plan(tmp_path, "ci_key_json", sensitive=False) is Label.NEEDS_CLOSE_REVIEW


def test_sensitive_output_or_one_naming_the_key_id_stays_safe(tmp_path: Path) -> None:
    assert key_plan(tmp_path, "ci_key_json", sensitive=True) is Label.LIKELY_SAFE
    assert key_plan(tmp_path, "ci_key_id", sensitive=False) is Label.LIKELY_SAFE
