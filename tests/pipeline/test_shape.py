"""The shape check of the load stage: every part tfreview reads has the right type, or one line names its path."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.helpers import ROOT, plan_path
from tfreview.errors import PlanError
from tfreview.pipeline.shape import MAX_DEPTH, check_depth, check_shape

RC = {"address": "aws_s3_bucket.logs", "mode": "managed", "type": "aws_s3_bucket", "name": "logs",
      "provider_name": "registry.terraform.io/hashicorp/aws",
      "change": {"actions": ["update"], "before": {"acl": "private"}, "after": {"acl": "public-read"},
                 "after_unknown": {}, "before_sensitive": {}, "after_sensitive": {}}}


def doc(**parts: Any) -> dict[str, Any]:
    """A small valid plan with PARTS replaced."""
    base: dict[str, Any] = {"format_version": "1.2", "terraform_version": "1.9.8", "planned_values": {},
                            "resource_changes": [copy.deepcopy(RC)], "applyable": True, "complete": True,
                            "errored": False}
    base.update(parts)
    return base


def with_change(**change: Any) -> dict[str, Any]:
    rc = copy.deepcopy(RC)
    rc["change"].update(change)
    return doc(resource_changes=[rc])


def with_entry(**entry: Any) -> dict[str, Any]:
    return doc(resource_changes=[{**copy.deepcopy(RC), **entry}])


# (document, the exact one-line message)
MALFORMED: dict[str, tuple[dict[str, Any], str]] = {
    "resource_changes-string": (doc(resource_changes="oops"),
                                "resource_changes: expected a list of objects, got a string"),
    "resource_changes-item-string": (doc(resource_changes=["oops"]),
                                     "resource_changes[0]: expected an object, got a string"),
    "address-number": (doc(resource_changes=[{"address": 5, "change": {"actions": ["create"]}}]),
                       "resource_changes[0].address: expected a string, got a number"),
    "change-string": (with_entry(change="x"), "resource_changes[0].change: expected an object, got a string"),
    "actions-string": (with_change(actions="delete"),
                       "resource_changes[0].change.actions: expected a list of strings, got a string"),
    "actions-item-number": (with_change(actions=["delete", 5]),
                            "resource_changes[0].change.actions[1]: expected a string, got a number"),
    "actions-missing": (with_entry(change={"before": None}), "resource_changes[0].change.actions: missing"),
    "change-missing": (doc(resource_changes=[{"address": "a.b"}]), "resource_changes[0].change: missing"),
    "index-boolean": (with_entry(index=True),
                      "resource_changes[0].index: expected a number or a string, got a boolean"),
    "type-object": (with_entry(type={"a": 1}), "resource_changes[0].type: expected a string, got an object"),
    "mode-list": (with_entry(mode=["managed"]), "resource_changes[0].mode: expected a string, got a list"),
    "module_address-number": (with_entry(module_address=1),
                              "resource_changes[0].module_address: expected a string, got a number"),
    "provider_name-bool": (with_entry(provider_name=False),
                           "resource_changes[0].provider_name: expected a string, got a boolean"),
    "action_reason-list": (with_entry(action_reason=[]),
                           "resource_changes[0].action_reason: expected a string, got a list"),
    "replace_paths-strings": (with_change(replace_paths=["ami"]),
                              "resource_changes[0].change.replace_paths[0]: expected a list of numbers or strings, "
                              "got a string"),
    "importing-string": (with_change(importing="i-123"),
                         "resource_changes[0].change.importing: expected an object, got a string"),
    "importing-id-number": (with_change(importing={"id": 7}),
                            "resource_changes[0].change.importing.id: expected a string, got a number"),
    "format_version-number": (doc(format_version=1.2), "format_version: expected a string, got a number"),
    "terraform_version-number": (doc(terraform_version=1), "terraform_version: expected a string, got a number"),
    "applyable-string": (doc(applyable="yes"), "applyable: expected a boolean, got a string"),
    "errored-number": (doc(errored=0), "errored: expected a boolean, got a number"),
    "complete-string": (doc(complete="true"), "complete: expected a boolean, got a string"),
    "drift-object": (doc(resource_drift={"a": 1}), "resource_drift: expected a list of objects, got an object"),
    "drift-actions": (doc(resource_drift=[{**RC, "change": {"actions": "update"}}]),
                      "resource_drift[0].change.actions: expected a list of strings, got a string"),
    "output_changes-list": (doc(output_changes=[]), "output_changes: expected an object, got a list"),
    "output-actions": (doc(output_changes={"url": {"actions": "update"}}),
                       "output_changes.url.actions: expected a list of strings, got a string"),
    "output-hostile-name": (doc(output_changes={"a\nb::warning": "x"}),
                            'output_changes["a\\nb::warning"]: expected an object, got a string'),
    "deferred-string": (doc(deferred_changes=["x"]), "deferred_changes[0]: expected an object, got a string"),
    "deferred-no-change": (doc(deferred_changes=[{"reason": "unknown"}]),
                           "deferred_changes[0].resource_change: missing"),
    "deferred-reason": (doc(deferred_changes=[{"reason": 3, "resource_change": RC}]),
                        "deferred_changes[0].reason: expected a string, got a number"),
    "variables-list": (doc(variables=["a"]), "variables: expected an object, got a list"),
    "variable-string": (doc(variables={"region": "eu-west-1"}),
                        "variables.region: expected an object, got a string"),
    "checks-object": (doc(checks={}), "checks: expected a list of objects, got an object"),
    "check-status": (doc(checks=[{"address": {}, "status": 1}]), "checks[0].status: expected a string, got a number"),
    "check-instances": (doc(checks=[{"address": {}, "instances": "x"}]),
                        "checks[0].instances: expected a list of objects, got a string"),
    "check-problems": (doc(checks=[{"address": {}, "status": "fail", "problems": "bad"}]),
                       "checks[0].problems: expected a list of objects, got a string"),
    "check-problem-message": (doc(checks=[{"address": {}, "instances": [{"problems": [{"message": 1}]}]}]),
                              "checks[0].instances[0].problems[0].message: expected a string, got a number"),
    "relevant-string": (doc(relevant_attributes="x"),
                        "relevant_attributes: expected a list of objects, got a string"),
    "configuration-list": (doc(configuration=[]), "configuration: expected an object, got a list"),
    "config-variable-sensitive": (
        doc(configuration={"root_module": {"variables": {"pw": {"sensitive": "yes"}}}}),
        "configuration.root_module.variables.pw.sensitive: expected a boolean, got a string"),
    "config-nested-module": (
        doc(configuration={"root_module": {"module_calls": {"net": {"module": {"resources": "x"}}}}}),
        "configuration.root_module.module_calls.net.module.resources: expected a list of objects, got a string"),
    "planned-resources": (doc(planned_values={"root_module": {"resources": {}}}),
                          "planned_values.root_module.resources: expected a list of objects, got an object"),
    "planned-child-module": (doc(planned_values={"root_module": {"child_modules": [{"resources": [1]}]}}),
                             "planned_values.root_module.child_modules[0].resources[0]: expected an object, "
                             "got a number"),
    "prior-output": (doc(prior_state={"values": {"outputs": {"pw": {"sensitive": "true"}}}}),
                     "prior_state.values.outputs.pw.sensitive: expected a boolean, got a string"),
    "after_unknown-string": (with_change(after_unknown="acl"),
                             "resource_changes[0].change.after_unknown: expected true, false, or objects and lists "
                             "of them (Terraform's marks), got a string"),
    "after_sensitive-number-inside": (with_change(after_sensitive={"tags": {"owner": 1}}),
                                      "resource_changes[0].change.after_sensitive.tags.owner: expected true, false, "
                                      "or objects and lists of them"),
    "before_sensitive-list-of-names": (with_change(before_sensitive=["password"]),
                                       "resource_changes[0].change.before_sensitive[0]: expected true, false"),
    "output-sensitive-string": (doc(output_changes={"pw": {"actions": ["create"], "after_sensitive": "yes"}}),
                                "output_changes.pw.after_sensitive: expected true, false"),
    "planned-sensitive_values-number": (
        doc(planned_values={"root_module": {"resources": [{"address": "a.b", "sensitive_values": 0}]}}),
        "planned_values.root_module.resources[0].sensitive_values: expected true, false"),
    "address-names-another-type": (with_entry(address="aws_db_instance.main", type="terraform_data"),
                                   'resource_changes[0]: its address names type "aws_db_instance" but its type is '
                                   '"terraform_data"'),
    "drift-address-names-another-type": (doc(resource_drift=[{**RC, "address": "module.a.aws_kms_key.k"}]),
                                         'resource_drift[0]: its address names type "aws_kms_key"'),
    "no-address-no-name": (doc(resource_changes=[{"type": "x", "change": {"actions": ["create"]}}]),
                           "resource_changes[0]: no address, and no type and name to build one from"),
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_a_wrong_type_is_one_line_naming_its_path(name: str) -> None:
    document, message = MALFORMED[name]
    with pytest.raises(PlanError) as raised:
        check_shape(document)
    text = str(raised.value)
    assert text.startswith(message), text
    assert "\n" not in text and "\r" not in text


def test_lenient_where_terraform_is() -> None:
    """Optional keys may be missing or null; unknown keys and values tfreview does not read pass unchecked."""
    minimal = {"format_version": "0.1", "resource_changes": [{"address": "a.b", "change": {"actions": ["create"]}}]}
    check_shape(minimal)
    nulls = doc(resource_drift=None, output_changes=None, variables=None, configuration=None, checks=None,
                prior_state=None, terraform_version=None)
    nulls["resource_changes"][0].update(index=None, module_address=None, action_reason=None)
    nulls["resource_changes"][0]["change"].update(importing=None, replace_paths=None, before=None)
    check_shape(nulls)
    check_shape(doc(future_key={"anything": [1, "x"]}, action_invocations="whatever"))
    check_shape(with_change(after={"any": ["shape", 1, None, {"x": True}]}, after_unknown=True,
                            after_sensitive=[True], generated_config="resource x {}"))
    for address in ('module.a["k.b"].module.c[2].aws_s3_bucket.logs["x.y"]', "module.a.data.aws_s3_bucket.logs",
                    "aws_s3_bucket.logs[0]", "not an address"):  # unreadable addresses are the reader's to show
        check_shape(with_entry(address=address))
    check_shape(with_change(after_unknown={"ingress": [{"cidr_blocks": [False, True]}], "id": True},
                            before_sensitive={"tags": {}, "password": True, "rules": [False, None]}))


FIXTURE_DIRS = ("plans", "rules", "corpus", "secrets")


def _fixtures() -> list[Path]:
    # The incidents set's malformed plans (inc_malformed_*) are meant to be refused.
    return sorted(p for d in FIXTURE_DIRS for p in (ROOT / "fixtures" / d).rglob("*.json")
                  if b'"format_version"' in p.read_bytes()[:200_000] and not p.name.startswith("inc_malformed_"))


def test_every_real_and_corpus_fixture_passes() -> None:
    paths = _fixtures()
    assert len(paths) > 50
    for path in paths:
        document = orjson.loads(path.read_bytes())
        if isinstance(document, dict) and ("resource_changes" in document or "planned_values" in document):
            check_shape(document)


def nested(depth: int) -> dict[str, Any]:
    """A plan whose deepest object sits at level DEPTH, counting the document as level 1."""
    value: Any = "x"
    for _ in range(depth - 4):  # document, resource_changes, [0] and change hold the outermost of these
        value = {"a": value}
    return with_change(after=value)


def test_depth_is_accepted_at_the_limit_and_refused_above() -> None:
    check_shape(nested(MAX_DEPTH))
    with pytest.raises(PlanError, match=rf"nested deeper than {MAX_DEPTH} levels \(under resource_changes\[0\]\)"):
        check_shape(nested(MAX_DEPTH + 1))


def test_depth_counts_lists_too_and_runs_without_recursion() -> None:
    value: Any = []
    for _ in range(5000):
        value = [value]
    with pytest.raises(PlanError, match="nested deeper"):
        check_depth({"format_version": "1.2", "x": value})


def test_real_fixture_depth_is_far_below_the_limit() -> None:
    check_depth(orjson.loads(plan_path("mixed").read_bytes()), limit=MAX_DEPTH // 4)


WRONG_VALUES = ("x", 5, True, None, [], {}, ["x"], [{}])


def _positions(node: Any, path: tuple[Any, ...] = (), depth: int = 0) -> list[tuple[Any, ...]]:
    found = [path] if path else []
    if depth < 4 and isinstance(node, dict):
        for key, value in node.items():
            found += _positions(value, (*path, key), depth + 1)
    elif depth < 4 and isinstance(node, list) and node:
        found += _positions(node[0], (*path, 0), depth + 1)
    return found


def test_any_value_swapped_anywhere_is_reviewed_or_refused_never_a_crash(tmp_path: Path) -> None:
    """Every structural position of a rich fixture, given values of other types: PlanError or a result."""
    from tfreview.pipeline.review import decide, prepare
    from tfreview.render import render
    from tfreview.settings import Settings

    settings = Settings(backend="none")
    base = orjson.loads((ROOT / "fixtures" / "secrets" / "everywhere.json").read_bytes())
    base["resource_drift"] = copy.deepcopy(base["resource_changes"][:1])
    base["deferred_changes"] = [{"reason": "unknown", "resource_change": copy.deepcopy(base["resource_changes"][0])}]
    path = tmp_path / "plan.json"
    outcomes = {"refused": 0, "reviewed": 0}
    for position in _positions(base):
        for wrong in WRONG_VALUES:
            document = copy.deepcopy(base)
            holder = document
            for step in position[:-1]:
                holder = holder[step]
            holder[position[-1]] = wrong
            path.write_bytes(orjson.dumps(document))
            try:
                result = decide(prepare(path, settings), settings, None)
            except PlanError as exc:
                assert "\n" not in str(exc)
                outcomes["refused"] += 1
                continue
            render(result, "json", show_reasoning=True)
            outcomes["reviewed"] += 1
    assert outcomes["refused"] > 100 and outcomes["reviewed"] > 100


def test_an_empty_address_is_built_or_refused() -> None:
    with pytest.raises(PlanError, match=r"^resource_changes\[0\]: no address"):
        check_shape(doc(resource_changes=[{"address": "", "change": {"actions": ["create"]}}]))
    check_shape(with_entry(address=""))  # type and name are there to build it from
