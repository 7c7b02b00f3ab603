"""A whole unmarked value shaped like a password a person chose (mixed case, digits, a punctuation mark) is a
credential under any attribute, an invented provider's included; names, ids, tickets, colours and e-mail addresses
are not, and the same value marked sensitive is masked as such, not reported."""

from __future__ import annotations

import copy
from pathlib import Path

import orjson
import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tests.pipeline.test_credentials import plan
from tfreview.pipeline.credential_mask import CredentialHit
from tfreview.pipeline.credentials import probe
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.mask import mask_document


@pytest.mark.parametrize("value", ["Sm7p-R3lay!9xQz2026", "Tr0ub4dor&3-prod", "Hx7Lp9rT4z#abc", "Winter2026?Ops"])
def test_a_chosen_password_under_an_unknown_attribute_is_found_and_masked(value: str) -> None:
    document = plan({"glow": value, "shrine": "mail"}, "pagoda_lantern.smtp", "pagoda_lantern")
    assert probe(orjson.dumps(document)), "the probe must never miss what the walk finds"
    report = mask_document(document)
    assert value not in orjson.dumps(document).decode()
    assert report.credentials == [CredentialHit("password", "pagoda_lantern.smtp", "glow")]


@pytest.mark.parametrize("value", ["Feature#123-fix", "#FFAA00", "Ops.Admin01@acme.io", "prj_7QwXk2mN3pL8rT",
                                   "ami-0c7217cdde317cfec", "BwYh1x2Q3aXk=", "smtp-relay", "Sm7p R3lay!9xQz 2026",
                                   "s3:Get*Object2X", "arn:aws:s3:::Bucket!12ab", "${var.Glow!12ab}", "Ab1!"])
def test_names_ids_and_references_are_left_alone(value: str) -> None:
    document = plan({"glow": value}, "pagoda_lantern.smtp", "pagoda_lantern")
    before = copy.deepcopy(document)
    assert (mask_document(document).credentials, document) == ([], before)


def test_a_literal_password_needs_close_review_and_the_same_value_marked_sensitive_does_not(tmp_path: Path) -> None:
    literal = plan({"glow": "Sm7p-R3lay!9xQz2026"}, "pagoda_lantern.smtp", "pagoda_lantern")
    assert worst_by_rule(review_rules_alone(tmp_path, literal["resource_changes"])).get("credential-in-plan") \
        == Severity.HIGH
    marked = plan({"glow": "Sm7p-R3lay!9xQz2026"}, "pagoda_lantern.smtp", "pagoda_lantern")
    marked["resource_changes"][0]["change"].update(after_sensitive={"glow": True}, before_sensitive={"glow": True})
    assert "credential-in-plan" not in worst_by_rule(review_rules_alone(tmp_path, marked["resource_changes"]))
