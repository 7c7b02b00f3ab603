"""Secrets that leave their safe place and grants that widen for everyone, by what attributes mean: a key the
provider issues printed by an output, persistence switched off, a PassRole document resolved from the
configuration, a default permission for every member; each with a benign look-alike that stays likely safe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.pipeline.findings import Severity


def _change(address: str, actions: list[str], before: Any, after: Any, unknown: Any = None,
            sensitive: Any = None) -> dict[str, Any]:
    resource_type, name = address.split(".", 1)
    return {"address": address, "mode": "data" if address.startswith("data.") else "managed",
            "type": resource_type if not address.startswith("data.") else name.split(".")[0],
            "name": name.split(".")[-1], "provider_name": "registry.terraform.io/acme/acme",
            "change": {"actions": actions, "before": before, "after": after, "after_unknown": unknown or {},
                       "after_sensitive": sensitive or {}}}


def _output_of(tmp_path: Path, attribute: str, configured: dict[str, Any] | None) -> dict[str, Severity]:
    """An unmarked output of ATTRIBUTE of a pager integration; CONFIGURED: its resource's expressions, if shown."""
    resources = [] if configured is None else [{"address": "pagerly_integration.events", "mode": "managed",
                                               "type": "pagerly_integration", "name": "events",
                                               "expressions": configured}]
    configuration = {"root_module": {"resources": resources, "outputs": {"out": {"expression": {"references": [
        f"pagerly_integration.events.{attribute}", "pagerly_integration.events"]}}}}}
    after = {"name": "events", "service": "P1"}
    if configured is not None:
        after.update({k: "orders/events" for k in configured})
    result = review_rules_alone(tmp_path, [
        _change("pagerly_integration.events", ["create"], None, after,
                {"id": True, "integration_key": True, "html_url": True})],
        configuration=configuration, output_changes={"out": {
            "actions": ["create"], "before": None, "after": None, "after_unknown": True,
            "before_sensitive": False, "after_sensitive": False}})
    return worst_by_rule(result)


@pytest.mark.parametrize("configured", [None, {"name": {"constant_value": "events"}}])
def test_an_output_of_a_key_the_provider_issues_leaks(tmp_path: Path, configured: dict[str, Any] | None) -> None:
    assert _output_of(tmp_path, "integration_key", configured).get("credential-leak") is Severity.HIGH


@pytest.mark.parametrize(("attribute", "configured"), [
    ("html_url", None),  # not a key
    ("routing_key", {"routing_key": {"constant_value": "orders/events"}}),  # a key the configuration chooses
])
def test_an_output_of_a_url_or_a_chosen_key_is_fine(tmp_path: Path, attribute: str,
                                                    configured: dict[str, Any] | None) -> None:
    assert "credential-leak" not in _output_of(tmp_path, attribute, configured)


def _passrole(tmp_path: Path, role: str) -> dict[str, Severity]:
    """A role policy known after apply, built from a policy document whose read leaves its resources unknown; the
    configuration lists ROLE's arn and a machine's arn for iam:PassRole + ec2:RunInstances."""
    document = {"address": "data.aws_iam_policy_document.build", "mode": "data", "type": "aws_iam_policy_document",
                "name": "build", "expressions": {"statement": [{
                    "effect": {"constant_value": "Allow"},
                    "actions": {"constant_value": ["ec2:RunInstances", "iam:PassRole"]},
                    "resources": {"references": ["aws_iam_role.target.arn", "aws_iam_role.target",
                                                 "aws_instance.builder.arn"]}}]}}
    attached = {"address": "aws_iam_role_policy.build", "mode": "managed", "type": "aws_iam_role_policy",
                "name": "build", "expressions": {"role": {"constant_value": "ci"}, "policy": {"references": [
                    "data.aws_iam_policy_document.build.json", "data.aws_iam_policy_document.build"]}}}
    arn = f"arn:aws:iam::111122223333:role/{role}"
    result = review_rules_alone(tmp_path, [
        _change("aws_iam_role.target", ["no-op"], {"name": role, "arn": arn}, {"name": role, "arn": arn}),
        _change("data.aws_iam_policy_document.build", ["read"], None,
                {"statement": [{"actions": ["ec2:RunInstances", "iam:PassRole"], "effect": "Allow"}]},
                {"id": True, "json": True, "statement": [{"resources": True}]}),
        _change("aws_iam_role_policy.build", ["update"], {"name": "build", "role": "ci", "policy": "{}"},
                {"name": "build", "role": "ci"}, {"policy": True})],
        configuration={"root_module": {"resources": [document, attached]}})
    return worst_by_rule(result)


def test_passing_an_admin_role_read_from_the_configuration_is_high(tmp_path: Path) -> None:
    assert _passrole(tmp_path, "break-glass-admin").get("iam-escalation") is Severity.HIGH


def test_passing_an_ordinary_role_read_from_the_configuration_stays_medium(tmp_path: Path) -> None:
    assert _passrole(tmp_path, "build-runner").get("iam-escalation") is Severity.MEDIUM


def _values_change(tmp_path: Path, before: str, after: str) -> dict[str, Severity]:
    """A chart release (any provider) whose values document changes BEFORE → AFTER."""
    release = {"name": "queue", "chart": "rabbitmq", "namespace": "messaging"}
    result = review_rules_alone(tmp_path, [_change(
        "charts_release.queue", ["update"], {**release, "values": [before]}, {**release, "values": [after]})])
    return worst_by_rule(result)


def test_persistence_switched_off_is_high(tmp_path: Path) -> None:
    found = _values_change(tmp_path, "persistence:\n  enabled: true\n  size: 50Gi\n",
                           "persistence:\n  enabled: false\n  size: 50Gi\n")
    assert found.get("persistence-disabled") is Severity.HIGH


@pytest.mark.parametrize(("before", "after"), [
    ("persistence:\n  enabled: false\n", "persistence:\n  enabled: true\n"),  # switched on
    ("sessionPersistence:\n  enabled: true\n", "sessionPersistence:\n  enabled: false\n"),  # sticky sessions
    ("persistence:\n  size: 50Gi\n", "persistence:\n  size: 80Gi\n"),  # grown
])
def test_persistence_on_grown_or_sticky_sessions_off_is_fine(tmp_path: Path, before: str, after: str) -> None:
    assert "persistence-disabled" not in _values_change(tmp_path, before, after)


def _default_level(tmp_path: Path, address: str, key: str, levels: tuple[str, str]) -> dict[str, Severity]:
    """An organisation setting KEY whose level moves LEVELS[0] → LEVELS[1]."""
    settings = {"name": "acme", "billing_email": "ops@example.com"}
    result = review_rules_alone(tmp_path, [_change(address, ["update"], {**settings, key: levels[0]},
                                                   {**settings, key: levels[1]})])
    return worst_by_rule(result)


@pytest.mark.parametrize(("key", "levels"), [("default_repo_access", ("read", "write")),
                                             ("base_permission", ("none", "admin")),
                                             ("default_member_role", ("viewer", "editor"))])
def test_a_default_every_member_gets_raised_to_write_is_high(tmp_path: Path, key: str,
                                                              levels: tuple[str, str]) -> None:
    found = _default_level(tmp_path, "codehost_org_settings.acme", key, levels)
    assert found.get("iam-privileged-role") is Severity.HIGH


@pytest.mark.parametrize(("address", "levels"), [
    ("codehost_org_settings.acme", ("write", "read")),  # narrowed
    ("codehost_org_settings.acme", ("none", "read")),  # members may see, not change
    ("codehost_org_settings.acme", ("guest", "member")),  # a plain member's own rung
    ("codehost_user.alice", ("read", "write")),  # one person's default, not everyone's
])
def test_a_default_narrowed_read_or_one_persons_is_fine(tmp_path: Path, address: str,
                                                        levels: tuple[str, str]) -> None:
    found = _default_level(tmp_path, address, "default_repo_access", levels)
    assert Severity.HIGH not in found.values()


def _pod_volumes(tmp_path: Path, before: list[dict[str, Any]], after: list[dict[str, Any]]) -> dict[str, Severity]:
    """A workload whose pod template's volumes change BEFORE → AFTER (manifest spelling, any provider)."""
    def workload(volumes: list[dict[str, Any]]) -> dict[str, Any]:
        return {"manifest": {"kind": "StatefulSet", "metadata": {"name": "queue"}, "spec": {"template": {"spec": {
            "containers": [{"name": "queue", "volumeMounts": [{"name": v["name"], "mountPath": f"/{v['name']}"}
                                                             for v in volumes]}], "volumes": volumes}}}}}
    result = review_rules_alone(tmp_path, [_change("kubectl_manifest.queue", ["update"], workload(before),
                                                   workload(after))])
    return worst_by_rule(result)


CLAIMED = {"name": "data", "persistentVolumeClaim": {"claimName": "queue-data"}}


def test_a_claimed_volume_made_ephemeral_is_high(tmp_path: Path) -> None:
    found = _pod_volumes(tmp_path, [CLAIMED], [{"name": "data", "emptyDir": {"sizeLimit": "1Gi"}}])
    assert found.get("persistence-disabled") is Severity.HIGH


def test_a_scratch_volume_added_beside_the_claim_is_fine(tmp_path: Path) -> None:
    found = _pod_volumes(tmp_path, [CLAIMED], [CLAIMED, {"name": "scratch", "emptyDir": {"sizeLimit": "1Gi"}}])
    assert "persistence-disabled" not in found


def test_a_key_policy_for_one_role_read_from_the_configuration_is_fine(tmp_path: Path) -> None:
    document = {"address": "data.aws_iam_policy_document.kms", "mode": "data", "type": "aws_iam_policy_document",
                "name": "kms", "expressions": {"statement": [{
                    "effect": {"constant_value": "Allow"},
                    "actions": {"constant_value": ["kms:Decrypt", "kms:GenerateDataKey"]},
                    "resources": {"constant_value": ["*"]},  # in a key policy: this key
                    "principals": [{"type": {"constant_value": "AWS"}, "identifiers": {"references": [
                        "aws_iam_role.ingest.arn", "aws_iam_role.ingest"]}}]}]}}
    policy = {"address": "aws_kms_key_policy.ingest", "mode": "managed", "type": "aws_kms_key_policy",
              "name": "ingest", "expressions": {"key_id": {"constant_value": "1234abcd"}, "policy": {"references": [
                  "data.aws_iam_policy_document.kms.json", "data.aws_iam_policy_document.kms"]}}}
    result = review_rules_alone(tmp_path, [
        _change("data.aws_iam_policy_document.kms", ["read"], None,
                {"statement": [{"effect": "Allow", "actions": ["kms:Decrypt", "kms:GenerateDataKey"]}]},
                {"id": True, "json": True, "statement": [{"resources": True, "principals": True}]}),
        _change("aws_kms_key_policy.ingest", ["create"], None, {"key_id": "1234abcd"}, {"policy": True})],
        configuration={"root_module": {"resources": [document, policy]}})
    assert result.label.value == "likely_safe"
