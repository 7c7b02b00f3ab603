"""The ladders that grade a delete or a replace (risk rules stage; feeds `resource-delete` and
`resource-replace` in lifecycle.py, and `scale-deletes` through `loses_something`).

Each rung asks one question of the change (a helper in its own module: is it disposable, re-made, handed
over, narrowing access…); the first rung that answers sets the severity and the message suffix, and says
whether what goes is lost. A change no rung answers is high, worded by what its type holds (kinds.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput, Severity, is_helper_type
from tfreview.pipeline.rules.abandoned import left_in_place
from tfreview.pipeline.rules.acltext import allow_only_policy_deleted
from tfreview.pipeline.rules.aliases import alias_renamed
from tfreview.pipeline.rules.allowall import allow_all_policy_deleted, allow_all_rule_deleted
from tfreview.pipeline.rules.allowgone import allow_removed
from tfreview.pipeline.rules.branches import feature_branch
from tfreview.pipeline.rules.carried import discards, lesser_destination
from tfreview.pipeline.rules.certificates import certificate_rotated
from tfreview.pipeline.rules.cutoff import workload_cut_off
from tfreview.pipeline.rules.cutover import cut_over
from tfreview.pipeline.rules.decommission import service_retired
from tfreview.pipeline.rules.disposable import STORE_ITEMS, non_production_scope, teardown
from tfreview.pipeline.rules.ephemeral import brief_messages, preview_instance, with_container
from tfreview.pipeline.rules.expired import expired, unused_since
from tfreview.pipeline.rules.grantswap import grant_handed_on
from tfreview.pipeline.rules.guarded import guarded_delete
from tfreview.pipeline.rules.guardrails import relaxation_removed
from tfreview.pipeline.rules.idle import scaled_to_zero, short_lived, volatile_cache
from tfreview.pipeline.rules.jobs import runs_to_completion, standing
from tfreview.pipeline.rules.keptsettings import exceptions_trimmed, reference_moved, web_ports_added
from tfreview.pipeline.rules.kinds import (
    AUDIT_DEVICES,
    LINKS,
    RUN_ONCE,
    RUN_ONCE_EXCEPT,
    SILENCERS,
    is_immutable_type,
    looks_stateful,
    loss,
)
from tfreview.pipeline.rules.kubernetes import k8s_app_config, k8s_stateless, k8s_stateless_workload
from tfreview.pipeline.rules.narrowed import (
    consumers_moved,
    listener_kept,
    private_acl_removed,
    public_acl_removed,
    secret_synced,
    type_migrated,
)
from tfreview.pipeline.rules.narrowing import (
    CREDENTIAL_TYPES,
    KEY_STORES,
    allow_only_documents,
    issued_token,
    narrowing,
    pushed_secret,
    rotation,
    secured,
    stricter,
    user_password,
    world_entry_removed,
)
from tfreview.pipeline.rules.observers import observer_kept
from tfreview.pipeline.rules.parents import used_only_by_deleted, with_parent
from tfreview.pipeline.rules.planview import plan_view
from tfreview.pipeline.rules.pools import image_redeploy, node_pool_kept_cluster, reclaimable_pool_replaced
from tfreview.pipeline.rules.portsets import sources_narrowed
from tfreview.pipeline.rules.pruned import copies_pruned
from tfreview.pipeline.rules.purposes import purpose_gone
from tfreview.pipeline.rules.rebound import rebound
from tfreview.pipeline.rules.rebuilds import alerting_retired, machine_rebuilt
from tfreview.pipeline.rules.recipients import replaced_alerting
from tfreview.pipeline.rules.records import mail_policy, record_kept, record_name
from tfreview.pipeline.rules.recoverable import recoverable_secret
from tfreview.pipeline.rules.recreated import (
    compute_recreated,
    secondary_pool,
    self_stopping,
    values_rotated,
    written_in_full,
)
from tfreview.pipeline.rules.referrers import referrers_moved
from tfreview.pipeline.rules.regrant import granted_again
from tfreview.pipeline.rules.relabelled import renamed_only
from tfreview.pipeline.rules.replicas import ROUTES, replica_with_primary
from tfreview.pipeline.rules.reroutes import rerouted
from tfreview.pipeline.rules.restored import restored_replace, restored_successor
from tfreview.pipeline.rules.retired import already_off, retired_store, retired_with_names, sandbox_only, taken_over
from tfreview.pipeline.rules.retiring import retired_version
from tfreview.pipeline.rules.rolerank import role_lowered
from tfreview.pipeline.rules.rotated import key_rotated
from tfreview.pipeline.rules.rotations_kept import rotated_out
from tfreview.pipeline.rules.rulesets import rule_moved
from tfreview.pipeline.rules.samegrant import mapping_regranted
from tfreview.pipeline.rules.shifts import container_renamed, holds_content, renamed, shifted_definition
from tfreview.pipeline.rules.sinks import sink_succeeded
from tfreview.pipeline.rules.stores import disposable_store, goes_with_store
from tfreview.pipeline.rules.subranges import range_narrowed
from tfreview.pipeline.rules.successors import cache_handed_over, folded_into, handed_over, successor
from tfreview.pipeline.rules.superseded import own_logs_retired, superseded
from tfreview.pipeline.rules.takeover import rebuilt, repointed
from tfreview.pipeline.rules.teardowns import nothing_lasting
from tfreview.pipeline.rules.tightened import selection_kept, tightened
from tfreview.pipeline.rules.trimmed import member_trimmed, plain_setting
from tfreview.pipeline.rules.wayback import (
    branch_of_parent,
    final_copy,
    preview_member,
    preview_table,
    reader_of_cluster,
)
from tfreview.pipeline.rules.waysin import way_in_replaced
from tfreview.pipeline.rules.websites import website_closed
from tfreview.pipeline.rules.wiring import unwired
from tfreview.pipeline.rules.workloadid import credential_federated

# A grader says why a delete or replace is graded below the default (a suffix for the message), or None.
Grader = Callable[[Change, ReviewInput], "str | None"]


@dataclass(frozen=True)
class Grade:
    """One rung of a ladder: when `test` answers, the change is graded `severity`; `loses` says whether what goes
    is lost (counted by scale-deletes) or comes back or was disposable."""

    test: Grader
    severity: Severity
    loses: bool = False


def _when(predicate: Callable[[Change], bool], why: str) -> Grader:
    """A grader that gives WHY whenever PREDICATE holds."""
    return lambda change, _ri: f" ({why})" if predicate(change) else None


def _paren(why: str | None) -> str | None:
    """' (WHY)', or None."""
    return None if why is None else f" ({why})"


def _run_once(change: Change) -> bool:
    """Whether a type is a run-once job (not a schedule, definition or dataset)."""
    return bool(RUN_ONCE.search(change.type)) and not RUN_ONCE_EXCEPT.search(change.type) and not standing(change)


def _credential(change: Change) -> bool:
    """Whether a type is a credential itself (not a key vault or crypto key), a pushed copy of a secret, or one
    user's password."""
    return (bool(CREDENTIAL_TYPES.search(change.type)) and not KEY_STORES.search(change.type)) \
        or pushed_secret(change) or user_password(change) or issued_token(change)


def _rename(change: Change, ri: ReviewInput) -> str | None:
    """' and re-created as …' when a stateless object is re-created with the same name, or None (not for containers:
    a project, workspace or release re-created empty loses its content)."""
    other = None if looks_stateful(change.type) or holds_content(change.type) else renamed(change, ri)
    return None if other is None else (f" and re-created as {other.address} with the same name (a rename: add a "
                                         "moved block to keep it)")
DELETE_LADDER: tuple[Grade, ...] = (
    Grade(_when(lambda c: is_helper_type(c.type), "helper type, holds no infrastructure"), Severity.LOW),
    Grade(_when(lambda c: bool(SILENCERS.search(c.type)), "it silenced alerts: they resume"), Severity.LOW),
    Grade(_when(lambda c: is_immutable_type(c.type), "immutable by design, replaced on deploys"), Severity.LOW),
    Grade(_when(_run_once, "a run-once job: its work is done, no data goes with it"), Severity.LOW),
    Grade(_when(left_in_place, "its own settings leave the object in place: Terraform only stops managing it, "
                "like a forget"), Severity.MEDIUM),
    Grade(_when(_credential, "a credential: access is revoked; check nothing still uses it"), Severity.MEDIUM, True),
    Grade(lambda c, _ri: _paren(recoverable_secret(c)), Severity.MEDIUM),
    Grade(lambda c, ri: _paren(workload_cut_off(c, ri)), Severity.HIGH, True),
    Grade(lambda c, ri: _paren(node_pool_kept_cluster(c, ri)), Severity.MEDIUM),
    Grade(_when(k8s_stateless_workload, "a stateless workload with no volumes: its pods stop, no data goes with "
                "them; check nothing still routes to it"), Severity.MEDIUM),
    Grade(_when(k8s_app_config, "an application's ConfigMap: settings, no data; check no pod still mounts it"),
          Severity.MEDIUM),
    Grade(_when(plain_setting, "a plain parameter, not a secure one: a setting whose whole value the plan shows, no "
                "secret or data; check nothing still reads it"), Severity.MEDIUM),
    Grade(lambda c, ri: _paren(narrowing(c, plan_view(ri).derived("allow-only policies",
                                                                  lambda view: allow_only_documents(view.changes)))),
          Severity.MEDIUM),
    Grade(lambda c, _ri: _paren(world_entry_removed(c)), Severity.MEDIUM),
    Grade(lambda c, _ri: _paren(allow_only_policy_deleted(c)), Severity.MEDIUM),
    Grade(lambda c, _ri: _paren(relaxation_removed(c)), Severity.MEDIUM),
    Grade(lambda c, _ri: _paren(public_acl_removed(c) or private_acl_removed(c)), Severity.MEDIUM),
    Grade(lambda c, _ri: _paren(allow_removed(c)), Severity.MEDIUM),
    Grade(_when(lambda c: bool(STORE_ITEMS.search(c.type)), "an item inside a store; the store keeps the rest"),
          Severity.MEDIUM, True),
    Grade(lambda c, _ri: _paren(alerting_retired(c)), Severity.MEDIUM),
    Grade(lambda c, ri: _paren(None if (why := teardown(c, ri, looks_stateful)) is None
                               else f"a disposable object: {why}") or _paren(nothing_lasting(c, ri)), Severity.MEDIUM),
    Grade(lambda c, ri: _paren(brief_messages(c) or with_container(c, ri, looks_stateful) or preview_instance(c, ri)
                               or feature_branch(c)),
          Severity.MEDIUM),
    Grade(lambda c, ri: _paren(key_rotated(c, ri) or granted_again(c, ri) or mapping_regranted(c, ri)
                               or sink_succeeded(c, ri) or way_in_replaced(c, ri) or website_closed(c, ri)
                               or credential_federated(c, ri)),
          Severity.MEDIUM),
    Grade(_when(mail_policy, "the domain's SPF or DMARC policy: anyone can send mail as the domain"),
          Severity.HIGH, True),
    Grade(lambda c, ri: None if container_renamed(c, ri) else _paren(service_retired(c, ri, looks_stateful)),
          Severity.MEDIUM),
    Grade(lambda c, ri: _paren(alias_renamed(c, ri)), Severity.MEDIUM),
    Grade(lambda c, _ri: _paren(None if (dns := record_name(c)) is None
                                else f"DNS record {dns}: the name stops resolving"), Severity.MEDIUM, True),
    Grade(lambda c, ri: None if looks_stateful(c.type) else container_renamed(c, ri), Severity.HIGH, True),
    Grade(_rename, Severity.MEDIUM),
    Grade(lambda c, ri: None if looks_stateful(c.type) else _paren(shifted_definition(c, ri)), Severity.MEDIUM),
    Grade(lambda c, ri: _paren(cache_handed_over(c, ri)) if looks_stateful(c.type)
          else _paren(successor(c, ri) or handed_over(c, ri) or retired_version(c, ri) or folded_into(c, ri)),
          Severity.MEDIUM),
    Grade(lambda c, _ri: None if looks_stateful(c.type) or (scope := non_production_scope(c)) is None
          else f" (it lived in non-production scope {scope})", Severity.MEDIUM),
    Grade(lambda c, ri: _paren(retired_store(c, ri) if looks_stateful(c.type) else retired_with_names(c, ri)),
          Severity.MEDIUM, True),
    Grade(lambda c, ri: None if looks_stateful(c.type) else _paren(taken_over(c, ri)), Severity.MEDIUM),
    Grade(lambda c, ri: None if looks_stateful(c.type) else _paren(sandbox_only(c, ri)), Severity.MEDIUM),
    Grade(lambda c, ri: _paren(expired(c, ri) or unused_since(c, ri) or (
        None if looks_stateful(c.type) else already_off(c) or scaled_to_zero(c))), Severity.MEDIUM),
    Grade(lambda c, ri: _paren(rebuilt(c, ri, looks_stateful(c.type)) or disposable_store(c) or volatile_cache(c)
                               or short_lived(c)), Severity.MEDIUM),
    Grade(lambda c, ri: None if looks_stateful(c.type) else _paren(replaced_alerting(c, ri)), Severity.MEDIUM),
    Grade(lambda c, ri: _paren(replica_with_primary(c, ri) or reader_of_cluster(c, ri)
                               or member_trimmed(c, ri)), Severity.MEDIUM),
    Grade(lambda c, ri: _paren(final_copy(c) or restored_successor(c, ri) or rebound(c, ri) or branch_of_parent(c, ri)
                               or preview_table(c)), Severity.MEDIUM),
    Grade(lambda c, ri: _paren(guarded_delete(c, ri)), Severity.MEDIUM),
    Grade(lambda c, ri: _paren(cut_over(c, ri, looks_stateful(c.type)) or preview_member(c, ri)), Severity.MEDIUM),
    Grade(lambda c, ri: _paren(with_parent(c, ri, looks_stateful) or used_only_by_deleted(c, ri, looks_stateful)
                               or (None if looks_stateful(c.type) else purpose_gone(c, ri))), Severity.MEDIUM),
    Grade(lambda c, ri: _paren(goes_with_store(c, ri, looks_stateful) or copies_pruned(c, ri)
                               or rotated_out(c, ri)), Severity.MEDIUM),
    Grade(lambda c, ri: None if looks_stateful(c.type) else _paren(unwired(c, ri)), Severity.MEDIUM),
    Grade(lambda c, ri: _paren(listener_kept(c, ri) or consumers_moved(c, ri) or secret_synced(c, ri)
                               or (None if looks_stateful(c.type) else type_migrated(c, ri))), Severity.MEDIUM),
    Grade(lambda c, _ri: _paren(allow_all_policy_deleted(c) or allow_all_rule_deleted(c)), Severity.MEDIUM),
    Grade(lambda c, ri: _paren(rerouted(c, ri)), Severity.MEDIUM),
    Grade(lambda c, ri: None if looks_stateful(c.type) else _paren(referrers_moved(c, ri) or superseded(c, ri)
                                                                   or rule_moved(c, ri)),
          Severity.MEDIUM),
    Grade(lambda c, ri: _paren(own_logs_retired(c, ri)), Severity.MEDIUM, True),
)
REPLACE_LADDER: tuple[Grade, ...] = (
    Grade(_when(lambda c: is_helper_type(c.type), "helper type, holds no infrastructure"), Severity.LOW),
    Grade(_when(lambda c: is_immutable_type(c.type), "immutable by design, replaced on deploys"), Severity.LOW),
    Grade(lambda c, _ri: _paren(rotation(c) or certificate_rotated(c)), Severity.MEDIUM),
    # replace_triggered_by on a run-once job is the configuration asking for a re-run on each change it names.
    Grade(_when(lambda c: _run_once(c) and c.action_reason == "replace_by_triggers",
                "a run-once job re-run by its replace_triggered_by, as configured"), Severity.MEDIUM),
    # A finished job holds no data; its replacement runs the work again with the new settings, like a new job.
    Grade(_when(lambda c: _run_once(c) and runs_to_completion(c), "a run-once job that runs to completion "
                "re-created: it runs its work again with the new settings; no data goes with the old one"),
          Severity.MEDIUM),
    Grade(_when(lambda c: bool(LINKS.search(c.type) or STORE_ITEMS.search(c.type)),
                "a link or an item in a store, re-made in the same apply"), Severity.MEDIUM),
    Grade(_when(k8s_stateless, "a stateless Kubernetes object: its pods are re-created, no data goes with them"),
          Severity.MEDIUM),
    Grade(lambda c, _ri: None if looks_stateful(c.type) else _paren(image_redeploy(c)), Severity.MEDIUM),
    Grade(lambda c, _ri: _paren(machine_rebuilt(c)), Severity.MEDIUM),
    Grade(lambda c, ri: _paren(compute_recreated(c) or self_stopping(c) or secondary_pool(c, ri)
                               or written_in_full(c, ri) or values_rotated(c)), Severity.MEDIUM),
    Grade(lambda c, ri: _paren(reclaimable_pool_replaced(c, ri)), Severity.MEDIUM),
    Grade(_when(lambda c: c.actions[:1] == ["create"] and not looks_stateful(c.type),
                "stateless, and the new one exists before the old one goes"), Severity.MEDIUM),
    Grade(_when(lambda c: c.actions[:1] == ["create"] and bool(AUDIT_DEVICES.search(c.type)),
                "an audit device re-made create-before-destroy: the new one records before the old one goes, "
                "and the trail already written stays"), Severity.MEDIUM),
    Grade(_when(lambda c: bool(ROUTES.search(c.type)) and not discards(c.after)
                and not lesser_destination(c.before, c.after),
                "it only routes logs or metrics elsewhere and holds no data; re-made in the same apply"),
          Severity.MEDIUM),
    Grade(lambda c, _ri: _paren(stricter(c, looks_stateful(c.type)) or secured(c)
                                or tightened(c, looks_stateful(c.type)) or selection_kept(c) or range_narrowed(c)
                                or sources_narrowed(c) or role_lowered(c)
                                or renamed_only(c, looks_stateful(c.type))),
          Severity.MEDIUM),
    Grade(lambda c, _ri: _paren(grant_handed_on(c) or reference_moved(c) or exceptions_trimmed(c)
                                or web_ports_added(c)), Severity.MEDIUM),
    Grade(lambda c, ri: _paren(rebuilt(c, ri, looks_stateful(c.type)) or restored_replace(c, ri)), Severity.MEDIUM),
    Grade(lambda c, ri: None if looks_stateful(c.type) else _paren(repointed(c, ri)), Severity.MEDIUM),
    Grade(lambda c, _ri: _paren(record_kept(c) or observer_kept(c)), Severity.MEDIUM),
    Grade(lambda c, ri: _paren(replica_with_primary(c, ri)), Severity.MEDIUM),
)


def grade(change: Change, ri: ReviewInput) -> tuple[str, Severity, bool]:
    """Walk the delete or replace ladder: the message suffix, the severity and whether something is lost."""
    graded: dict[int, tuple[str, Severity, bool]] = plan_view(ri).derived("lifecycle grades", lambda _: {})
    if id(change) not in graded:  # resource-delete/-replace and scale-deletes ask for the same changes
        graded[id(change)] = _climb(change, ri)
    return graded[id(change)]


def _climb(change: Change, ri: ReviewInput) -> tuple[str, Severity, bool]:
    ladder = DELETE_LADDER if change.action is Action.DELETE else REPLACE_LADDER
    for rung in ladder:
        if (suffix := rung.test(change, ri)) is not None:
            return suffix, rung.severity, rung.loses
    return loss(change.type), Severity.HIGH, True


def loses_something(change: Change, ri: ReviewInput) -> bool:
    """Whether a managed delete or replace loses something (graded by the ladders; not disposable, not re-made)."""
    return change.action in (Action.DELETE, Action.REPLACE) and grade(change, ri)[2]
