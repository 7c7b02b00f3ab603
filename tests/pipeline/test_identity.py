"""Identity detectors on small plans (fixtures/rules/identity/, written by its generate.py): each risky case
raises its rule at high, each benign look-alike stays likely safe, through the real pipeline stages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import ROOT
from tests.pipeline.test_rules import findings_for
from tfreview.backends.base import ModelReply
from tfreview.backends.fake import FakeBackend
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.review import review
from tfreview.settings import Settings

CASES = ROOT / "fixtures" / "rules" / "identity"

LABELS = json.loads((CASES / "labels.json").read_text())["plans"]
# case -> the rules that must fire at high (and no other rule at high)
RISKY = {Path(e["path"]).stem: set(e["rules"]) for e in LABELS if e["expected"] == Label.NEEDS_CLOSE_REVIEW.value}
# Cases that stay likely safe, some with a medium finding a reviewer may still want to read.
BENIGN = sorted(Path(e["path"]).stem for e in LABELS if e["expected"] == Label.LIKELY_SAFE.value)


IDENTITY_RULES = {"iam-wildcard", "iam-escalation", "iam-public-member", "iam-open-trust", "iam-privileged-role"}


def high(path: Path) -> set[str]:
    return {f.rule for f in findings_for(path) if f.severity is Severity.HIGH and f.rule in IDENTITY_RULES}


def test_every_case_is_labelled_and_a_third_are_benign_look_alikes() -> None:
    assert {Path(e["path"]).stem for e in LABELS} == {p.stem for p in CASES.glob("*.json")} - {"labels"}
    assert len(BENIGN) >= len(RISKY) / 2
    assert all(name.startswith(("benign_", "unresolved_", "unknown_escalation_")) for name in BENIGN)


@pytest.mark.parametrize("name", list(RISKY))
def test_risky_case_fires_its_rule_at_high(name: str) -> None:
    assert high(CASES / f"{name}.json") == RISKY[name]


@pytest.mark.parametrize("name", BENIGN)
def test_benign_look_alike_is_labelled_likely_safe(name: str) -> None:
    assert high(CASES / f"{name}.json") == set()
    assert review(CASES / f"{name}.json", Settings(backend="none")).label is Label.LIKELY_SAFE


@pytest.mark.parametrize(("name", "fragments"), [
    ("trust_foreign_account", ("account 999988887777", "outside this plan's account 111122223333")),
    ("trust_github_wildcard_sub", ('subject "repo:*"',)),
    ("s3_public_weak_condition", ("only aws:securetransport",)),
    ("google_default_compute_sa", ("service_account[0]", "cloud-platform")),
    ("unknown_from_deferred_data_source", ("known after apply; read from data.aws_iam_policy_document.app.json",
                                           'statement "All"', "s3:*")),
    ("unknown_from_module_variable", ("module.svc.aws_iam_policy.this", "var.policy_json", "iam:*")),
    ("inline_block_wildcard", ('inline_policy "everything"', "dynamodb:*")),
])
def test_messages_name_what_was_found_and_where(name: str, fragments: tuple[str, ...]) -> None:
    messages = " | ".join(f.message for f in findings_for(CASES / f"{name}.json") if f.severity is Severity.HIGH)
    for fragment in fragments:
        assert fragment in messages


def test_scoped_or_unknown_escalation_is_medium() -> None:
    for name in ("benign_passrole_scoped", "unknown_escalation_named_resources"):
        found = [f for f in findings_for(CASES / f"{name}.json") if f.rule == "iam-escalation"]
        assert found and {f.severity for f in found} == {Severity.MEDIUM}
        assert "on named resources only" in found[0].message


def test_an_unresolvable_policy_is_a_medium_finding_that_reaches_the_model() -> None:
    path = CASES / "unresolved_local.json"
    found = [f for f in findings_for(path) if f.rule == "unresolved-value"]
    assert [(f.severity, f.address) for f in found] == [(Severity.MEDIUM, "aws_iam_role_policy.app")]
    assert "local.policy" in found[0].message and "could not be checked" in found[0].message
    fake = FakeBackend.always(ModelReply(thinking="", content="Fine.\nVERDICT: LIKELY SAFE"))
    result = review(path, Settings(use_cache=False), backend=fake)
    assert found[0].message in fake.prompts[0]
    assert result.label is Label.LIKELY_SAFE


@pytest.mark.parametrize("text", ['{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*"',
                                  '{"Statement":' * 60 + "1" + "}" * 60],
                         ids=["truncated", "nested-too-deep"])
def test_policy_text_that_cannot_be_read_is_never_passed_as_safe(text: str) -> None:
    from tfreview.pipeline.changes import ChangeSet, normalize_resource
    from tfreview.pipeline.findings import ReviewInput
    from tfreview.pipeline.plan import Plan
    from tfreview.pipeline.rules.iam import analyse

    change = normalize_resource({"address": "aws_iam_policy.p", "type": "aws_iam_policy", "mode": "managed",
                                 "change": {"actions": ["create"], "before": None,
                                            "after": {"name": "p", "policy": text}, "after_unknown": {}}})
    found = analyse(ReviewInput(plan=Plan(), changeset=ChangeSet(changes=[change])))
    assert [(f.rule, f.severity.value) for f in found] == [("unresolved-value", "high")]
    assert "cannot be read" in found[0].message


def _trust(*accounts: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": f"arn:aws:iam::{a}:root"}}
        for a in accounts]})


@pytest.mark.parametrize(("before", "after", "expected"), [
    (("123456789012",), ("123456789012", "999988887777"), [("iam-open-trust", "high")]),
    (("123456789012", "999988887777"), ("123456789012",), []),  # the look-alike: drift that narrows the trust
], ids=["widened", "narrowed"])
def test_a_policy_changed_outside_terraform_is_judged_like_a_change(before: tuple[str, ...], after: tuple[str, ...],
                                                                    expected: list[tuple[str, str]]) -> None:
    from tfreview.pipeline.changes import ChangeSet, normalize_resource
    from tfreview.pipeline.findings import ReviewInput
    from tfreview.pipeline.plan import Plan
    from tfreview.pipeline.rules.iam import analyse

    def role(policy: str) -> dict[str, str]:
        return {"arn": "arn:aws:iam::123456789012:role/admin", "name": "admin", "assume_role_policy": policy}

    drift = normalize_resource({"address": "aws_iam_role.admin", "type": "aws_iam_role", "mode": "managed",
                                "change": {"actions": ["update"], "before": role(_trust(*before)),
                                           "after": role(_trust(*after))}})
    kept = {"address": "aws_iam_role.admin", "type": "aws_iam_role", "mode": "managed",
            "change": {"actions": ["no-op"], "before": role(_trust(*after)), "after": role(_trust(*after))}}
    plan = Plan(resource_changes=[kept])  # the drifted role as the plan keeps it: its ARN names the account
    found = analyse(ReviewInput(plan=plan, changeset=ChangeSet(changes=[normalize_resource(kept)], drift=[drift])))
    assert [(f.rule, f.severity.value) for f in found] == expected
    assert all("changed outside Terraform" in f.message for f in found)
