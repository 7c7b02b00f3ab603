"""Reach: an account the plan proves is its own (a peering it accepts itself, a share that cannot leave the
organisation, a copy destination whose bucket it manages, a provider's assumed role) is not "another owner";
each with a twin where only the link or share itself names the account, which stays high."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.pipeline.findings import Severity

PEER = "318442901127"
OTHER = "271828182845"


def entry(address: str, after: dict[str, Any], unknown: tuple[str, ...] = (), action: str = "create",
          provider: str = "registry.terraform.io/hashicorp/aws") -> dict[str, Any]:
    """One resource_changes entry of `terraform show -json`."""
    kind, name = address.split(".")
    return {"address": address, "mode": "managed", "type": kind, "name": name, "provider_name": provider,
            "change": {"actions": [action], "before": None if action == "create" else after, "after": after,
                       "after_unknown": dict.fromkeys(unknown, True), "before_sensitive": {}, "after_sensitive": {}}}


def judge(tmp_path: Path, changes: list[dict[str, Any]], **sections: Any) -> dict[str, Severity]:
    return worst_by_rule(review_rules_alone(tmp_path, changes, **sections))


def _peering(**extra: Any) -> dict[str, Any]:
    return entry("aws_vpc_peering_connection.shared", {"vpc_id": "vpc-0a9b", "peer_vpc_id": "vpc-0c1d",
                                                      "peer_owner_id": PEER, **extra}, unknown=("id",))


def test_a_peering_the_plan_accepts_at_once_stays_inside_one_account(tmp_path: Path) -> None:
    assert "foreign-network-link" not in judge(tmp_path, [_peering(auto_accept=True)])


def test_a_peering_whose_accepter_side_the_plan_manages_is_its_own(tmp_path: Path) -> None:
    accepter = entry("aws_vpc_peering_connection_accepter.peer", {"auto_accept": True},
                     unknown=("vpc_peering_connection_id", "id"))
    assert "foreign-network-link" not in judge(tmp_path, [_peering(), accepter])


def test_twin_a_peering_to_an_account_no_managed_object_shows_is_reported(tmp_path: Path) -> None:
    # reported at medium while it reaches only the peer (no route yet); held once a wide route goes through it
    assert judge(tmp_path, [_peering(auto_accept=False)]).get("foreign-network-link") == Severity.MEDIUM
    assert judge(tmp_path, [_peering()]).get("foreign-network-link") == Severity.MEDIUM
    route = entry("aws_route.to_peer", {"route_table_id": "rtb-1", "destination_cidr_block": "10.0.0.0/8"},
                  unknown=("vpc_peering_connection_id",))
    assert judge(tmp_path, [_peering(), route]).get("foreign-network-link") == Severity.HIGH


def test_a_provider_assuming_a_role_in_the_peer_account_makes_it_its_own(tmp_path: Path) -> None:
    configuration = {"provider_config": {"aws.peer": {"name": "aws", "expressions": {"assume_role": [
        {"role_arn": {"constant_value": f"arn:aws:iam::{PEER}:role/terraform"}}]}}}}
    assert "foreign-network-link" not in judge(tmp_path, [_peering()], configuration=configuration)


def _share(principal: str, external: bool) -> list[dict[str, Any]]:
    return [entry("aws_ram_resource_share.tgw", {"name": "tgw", "allow_external_principals": external},
                  unknown=("arn", "id")),
            entry("aws_ram_principal_association.p", {"principal": principal},
                  unknown=("resource_share_arn", "id"))]


def test_a_share_with_an_organisation_unit_is_inside_the_organisation(tmp_path: Path) -> None:
    ou = "arn:aws:organizations::314159265358:ou/o-7h2k9x1q3z/ou-ab12-netw0rk"
    assert "foreign-data-share" not in judge(tmp_path, _share(ou, external=False))
    assert "foreign-data-share" not in judge(tmp_path, _share(ou, external=True))


def test_a_share_refusing_external_principals_reaches_member_accounts_only(tmp_path: Path) -> None:
    assert "foreign-data-share" not in judge(tmp_path, _share(OTHER, external=False))


def test_twin_a_share_open_to_external_principals_with_an_account_stays_high(tmp_path: Path) -> None:
    assert judge(tmp_path, _share(OTHER, external=True)).get("foreign-data-share") == Severity.HIGH


def _replication(extra: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rule = {"id": "copy", "status": "Enabled", "destination": [
        {"bucket": "arn:aws:s3:::acme-audit-vault", "account": OTHER, "storage_class": "DEEP_ARCHIVE"}]}
    return [entry("aws_s3_bucket_replication_configuration.audit", {
        "bucket": "acme-audit-logs", "role": "arn:aws:iam::314159265358:role/s3-replication", "rule": [rule]}),
        *extra]


def test_a_copy_to_a_bucket_the_plan_manages_stays_with_its_own(tmp_path: Path) -> None:
    lock = entry("aws_s3_bucket_object_lock_configuration.vault",
                 {"bucket": "acme-audit-vault", "object_lock_enabled": "Enabled"}, action="no-op")
    assert "egress-outside" not in judge(tmp_path, _replication([lock]))


def test_twin_a_copy_to_an_account_only_the_rule_names_stays_high(tmp_path: Path) -> None:
    other = entry("aws_s3_bucket_versioning.logs", {"bucket": "acme-audit-logs"}, action="no-op")
    assert judge(tmp_path, _replication([other])).get("egress-outside") == Severity.HIGH


def _organisation(members: list[str]) -> dict[str, Any]:
    accounts = [{"id": m, "arn": f"arn:aws:organizations::314159265358:account/o-7h2k9x1q3z/{m}"} for m in members]
    return {**entry("aws_organizations_organization.org", {"feature_set": "ALL", "accounts": accounts},
                    action="no-op"), "mode": "managed"}


def test_a_share_with_a_member_the_organisation_lists_is_its_own(tmp_path: Path) -> None:
    rules = judge(tmp_path, [*_share(OTHER, external=True), _organisation(["314159265358", OTHER])])
    assert "foreign-data-share" not in rules


def test_twin_a_share_with_an_account_the_organisation_does_not_list_stays_high(tmp_path: Path) -> None:
    rules = judge(tmp_path, [*_share(OTHER, external=True), _organisation(["314159265358", PEER])])
    assert rules.get("foreign-data-share") == Severity.HIGH


def _caller_state(account: str) -> dict[str, Any]:
    """A prior_state with the caller's identity read at plan time, as Terraform writes it."""
    caller = {"address": "data.aws_caller_identity.current", "mode": "data", "type": "aws_caller_identity",
              "name": "current", "provider_name": "registry.terraform.io/hashicorp/aws",
              "values": {"account_id": account, "arn": f"arn:aws:iam::{account}:role/ci", "id": account}}
    return {"format_version": "1.0", "terraform_version": "1.9.5",
            "values": {"root_module": {"resources": [caller]}}}


def _trusting(account: str) -> dict[str, Any]:
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                     "Principal": {"AWS": f"arn:aws:iam::{account}:root"}}]}
    return entry("aws_iam_role.auditor", {"name": "auditor", "assume_role_policy": json.dumps(trust)})


@pytest.mark.parametrize(("caller", "own"), [(PEER, True), (OTHER, False)])
def test_the_callers_account_read_at_plan_time_is_the_plans_own(tmp_path: Path, caller: str, own: bool) -> None:
    found = judge(tmp_path, [_trusting(PEER)], prior_state=_caller_state(caller))
    assert (found.get("iam-open-trust") is Severity.HIGH) is not own
    linked = judge(tmp_path, [_peering()], prior_state=_caller_state(caller))
    assert ("foreign-network-link" in linked) is not own


def test_only_the_callers_identity_among_data_sources_vouches(tmp_path: Path) -> None:
    state = _caller_state(OTHER)
    partner = {"address": "data.aws_iam_role.partner", "mode": "data", "type": "aws_iam_role", "name": "partner",
               "values": {"arn": f"arn:aws:iam::{PEER}:role/partner"}}
    state["values"]["root_module"]["resources"].append(partner)
    assert judge(tmp_path, [_trusting(PEER)], prior_state=state).get("iam-open-trust") is Severity.HIGH
