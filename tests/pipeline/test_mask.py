from __future__ import annotations

import re

import orjson

from tests.helpers import CANARY, OLD_SECRET, plan_path
from tfreview.pipeline.mask import MASK, MASK_CHANGED, mask_document, mask_text
from tfreview.pipeline.plan import read_plan_document


def test_real_sensitive_plan_keeps_no_secret_anywhere() -> None:
    document = read_plan_document(plan_path("sensitive"))
    assert CANARY in orjson.dumps(document).decode()
    report = mask_document(document)
    text = orjson.dumps(document).decode()
    assert CANARY not in text
    assert OLD_SECRET not in text
    assert report.marked > 0
    assert report.copies > 0, "the fixture carries unmarked copies of the secret"


def test_unmarked_copy_inside_a_longer_string_is_masked_in_place() -> None:
    document = {
        "resource_changes": [
            {"change": {"actions": ["update"], "before": {"pw": "hunter2-long"}, "after": {"pw": "hunter2-long"},
                        "before_sensitive": {"pw": True}, "after_sensitive": {"pw": True}}},
            {"change": {"actions": ["create"], "before": None,
                        "after": {"user_data": "export PW=hunter2-long; run", "tags": {"hunter2-long": "k"}},
                        "after_sensitive": {}}},
        ]
    }
    mask_document(document)
    after = document["resource_changes"][1]["change"]["after"]
    assert after["user_data"] == f"export PW={MASK}; run"
    assert after["tags"] == {MASK: "k"}
    assert document["resource_changes"][0]["change"]["after"]["pw"] == MASK


def test_changed_sensitive_value_stays_visible_as_changed() -> None:
    change = {"actions": ["update"], "before": {"pw": "aaaa-1"}, "after": {"pw": "bbbb-2"},
              "before_sensitive": {"pw": True}, "after_sensitive": {"pw": True}}
    mask_document({"resource_changes": [{"change": change}]})
    assert (change["before"]["pw"], change["after"]["pw"]) == (MASK, MASK_CHANGED)


def test_sensitive_variables_defaults_and_state_outputs_are_masked() -> None:
    document = {
        "variables": {"db_password": {"value": "s3cret-pass"}, "region": {"value": "eu-west-1"}},
        "configuration": {"root_module": {"variables": {"db_password": {"sensitive": True, "default": "s3cret-pass"}}}},
        "prior_state": {"values": {"outputs": {"conn": {"sensitive": True, "value": "pg://u:s3cret-pass@db"}},
                                   "root_module": {"resources": [{"values": {"k": "v-s3cret"},
                                                                  "sensitive_values": {"k": True}}]}}},
        "checks": [{"instances": [{"problems": [{"message": "got s3cret-pass"}]}]}],
    }
    mask_document(document)
    text = orjson.dumps(document).decode()
    assert "s3cret" not in text
    assert document["variables"]["region"]["value"] == "eu-west-1"


def test_short_values_are_masked_where_marked_but_not_hunted_elsewhere() -> None:
    change = {"actions": ["update"], "before": None, "after": {"flag": "on", "name": "on-call"},
              "after_sensitive": {"flag": True}}
    mask_document({"resource_changes": [{"change": change}]})
    assert change["after"] == {"flag": MASK, "name": "on-call"}


def test_mask_text_masks_free_text() -> None:
    assert mask_text("the password is s3cret-pass.", {"s3cret-pass", "x"}) == f"the password is {MASK}."


def test_plan_without_secrets_is_untouched() -> None:
    document = read_plan_document(plan_path("mixed"))
    before = orjson.dumps(document)
    report = mask_document(document)
    assert orjson.dumps(document) == before
    assert (report.marked, report.copies) == (0, 0)


def _entry(address: str, after: dict[str, object], sensitive: dict[str, object],
           index: object = None) -> dict[str, object]:
    return {"address": address, "index": index, "change": {"actions": ["update"], "before": after, "after": after,
                                                           "before_sensitive": sensitive, "after_sensitive": sensitive}}


def test_a_sensitive_number_is_masked_where_it_reappears_as_a_number_or_in_text() -> None:
    document = {"resource_changes": [
        _entry("aws_instance.a", {"pin": 482913, "flag": True}, {"pin": True, "flag": True}),
        _entry("aws_instance.b", {"port": 482913, "ratio": 482913.0, "note": "pin is 482913", "count": 3,
                                  "enabled": True, "other": 4829131}, {}),
    ]}
    report = mask_document(document)
    after = document["resource_changes"][1]["change"]["after"]
    assert after == {"port": MASK, "ratio": MASK, "note": f"pin is {MASK}", "count": 3, "enabled": True,
                     "other": 4829131}
    assert document["resource_changes"][0]["change"]["after"] == {"pin": MASK, "flag": MASK}
    assert report.copies == 3 and not re.search(r"\b482913\b", orjson.dumps(document).decode())


def test_addresses_are_never_rewritten_and_a_short_secret_is_masked_only_as_a_token() -> None:
    document = {"resource_changes": [
        _entry("tfe_variable.env", {"value": "prod"}, {"value": True}),
        _entry('tfe_workspace.this["prod-network"]', {"name": "prod-network", "env": "prod", "cmd": "deploy prod now",
                                                      "id": "ws-prodx"}, {}, index="prod-network"),
        _entry('module.prod["prod"].aws_s3_bucket.b', {"bucket": "prod"}, {}, index="prod"),
    ]}
    document["resource_changes"][2]["module_address"] = 'module.prod["prod"]'
    mask_document(document)
    second, third = document["resource_changes"][1], document["resource_changes"][2]
    assert second["address"] == 'tfe_workspace.this["prod-network"]' and second["index"] == "prod-network"
    assert second["change"]["after"] == {"name": "prod-network", "env": MASK, "cmd": f"deploy {MASK} now",
                                         "id": "ws-prodx"}
    assert (third["address"], third["index"], third["module_address"]) == (
        'module.prod["prod"].aws_s3_bucket.b', "prod", 'module.prod["prod"]')
    assert third["change"]["after"] == {"bucket": MASK}
