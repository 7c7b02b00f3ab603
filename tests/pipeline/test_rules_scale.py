"""The rules stay linear in the number of changes: no rule judges a change by walking the whole plan again.

Counted in Python function calls (deterministic, whatever the machine is doing), not in seconds: a plan four
times larger must cost about four times the calls. A rule that walks every change per change makes it sixteen.
"""

from __future__ import annotations

import functools
import gc
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

from tfreview.pipeline.changes import normalize
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.mask import mask_document
from tfreview.pipeline.plan import parse_plan
from tfreview.pipeline.risk import evaluate


def entry(address: str, actions: list[str], before: Any, after: Any, reason: str | None = None) -> dict[str, Any]:
    """One resource change, in a module when the address says so."""
    module, _, local = address.rpartition(".module_end.")
    kind, name = local.split(".")[-2:]
    change: dict[str, Any] = {
        "address": f"{module}.{local}" if module else local, "mode": "managed", "type": kind,
        "name": name.split("[")[0], "provider_name": "registry.terraform.io/acme/acme",
        "change": {"actions": actions, "before": before, "after": after, "after_unknown": {}}}
    if module:
        change["module_address"] = module
    if reason:
        change["action_reason"] = reason
    return change


def mixed_plan(n: int) -> dict[str, Any]:
    """N of each kind of change that rules judge by the rest of the plan: deletes of config, memberships, policy
    attachments, namespaces, replicas, keyed module members and many members of one module; creates that may succeed
    them; replaces."""
    changes = []
    for i in range(n):
        changes += [
            entry(f"acme_alert_rule.old{i}", ["delete"], {"name": f"rule-{i}", "hosts": [f"h{i}.acme.io"]}, None),
            entry(f"acme_alert_rule.new{i}", ["create"], None, {"name": f"other-{i}"}),
            entry(f"acme_group_membership.m{i}", ["delete"], {"group": f"g{i}", "user": f"u{i}"}, None),
            entry(f"aws_iam_role_policy_attachment.a{i}", ["delete"],
                  {"role": f"r{i}", "policy_arn": f"arn:aws:iam::123456789012:policy/p{i}"}, None),
            entry(f"aws_iam_policy.p{i}", ["update"], {"arn": f"arn:aws:iam::123456789012:policy/p{i}",
                                                       "policy": '{"Statement":[{"Effect":"Allow"}]}'},
                  {"arn": f"arn:aws:iam::123456789012:policy/p{i}", "policy": '{"Statement":[{"Effect":"Allow"}]}'}),
            entry(f"kubernetes_namespace.ns{i}", ["delete"], {"metadata": [{"name": f"ns-{i}"}]}, None),
            entry(f"acme_read_replica.r{i}", ["delete"], {"name": f"r{i}", "replicate_source_db": f"db{i}"}, None),
            entry(f'module.env["k{i}"].module_end.acme_instance.vm', ["delete"], {"name": f"vm{i}"}, None,
                  "delete_because_each_key"),
            entry(f"acme_server.s{i}", ["delete", "create"], {"name": f"s{i}", "image": "a"},
                  {"name": f"s{i}", "image": "b"}),
            # Deletes of one module instance: each is judged with the others of its module (teardowns), once.
            entry(f"module.app.module_end.acme_widget.w{i}", ["delete"], {"name": f"w{i}"}, None),
        ]
    return {"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": changes}


def calls(work: Callable[[], object]) -> int:
    """How many Python and C functions WORK calls."""
    count = 0

    def profile(_frame: FrameType, event: str, _arg: object) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(profile)
    try:
        work()
    finally:
        sys.setprofile(None)
    return count


def forget_memos() -> None:
    """Empty every memo (functools caches) so that a plan is not cheaper for what an earlier test already read."""
    for memo in gc.get_objects():
        if isinstance(memo, functools._lru_cache_wrapper):
            memo.cache_clear()


def rules_calls(n: int) -> int:
    """Calls the rules stage makes on a mixed plan of N of each change, its memos empty."""
    document = mixed_plan(n)
    masking = mask_document(document)
    plan = parse_plan(document)
    review_input = ReviewInput(plan=plan, changeset=normalize(plan), masking=masking)
    forget_memos()
    return calls(lambda: evaluate(review_input))


def test_rules_are_linear_in_the_number_of_changes() -> None:
    rules_calls(10)  # compiles the lazy patterns, whichever test ran before
    small, large = rules_calls(100), rules_calls(400)
    assert large / small < 5.0, f"4x the changes cost {large / small:.1f}x the calls ({small} → {large})"
