"""The delete ladder (risk rules stage): its rungs in order, the first that answers grades a deleted resource
(ladders.py walks it). Each rung asks one question of the change through a helper in its own module."""

from __future__ import annotations

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput, Severity, is_helper_type
from tfreview.pipeline.rules.abandoned import dependents_kept, deposed_leftover, left_in_place
from tfreview.pipeline.rules.acltext import allow_only_policy_deleted
from tfreview.pipeline.rules.aliases import alias_renamed
from tfreview.pipeline.rules.allowall import allow_all_policy_deleted, allow_all_rule_deleted
from tfreview.pipeline.rules.allowgone import allow_removed
from tfreview.pipeline.rules.backupcover import backup_handed_on
from tfreview.pipeline.rules.branches import feature_branch
from tfreview.pipeline.rules.common import as_list
from tfreview.pipeline.rules.crossings import segments_parted
from tfreview.pipeline.rules.cutoff import workload_cut_off
from tfreview.pipeline.rules.cutover import cut_over
from tfreview.pipeline.rules.decommission import service_retired
from tfreview.pipeline.rules.disposable import (
    STORE_ITEMS,
    labelled_non_production,
    non_production_key,
    non_production_module,
    non_production_scope,
    non_production_store,
    teardown,
)
from tfreview.pipeline.rules.duplicates import kept_twin
from tfreview.pipeline.rules.envteardown import environment_teardown
from tfreview.pipeline.rules.ephemeral import brief_messages, made_for_container, preview_instance, with_container
from tfreview.pipeline.rules.expiration import transient_store
from tfreview.pipeline.rules.expired import expired, stale_test_run, unused_since
from tfreview.pipeline.rules.fleet import scaled_in
from tfreview.pipeline.rules.guarded import guarded_delete
from tfreview.pipeline.rules.guardrails import relaxation_removed
from tfreview.pipeline.rules.idle import scaled_to_zero, short_lived, volatile_cache
from tfreview.pipeline.rules.kinds import (
    SILENCERS,
    is_immutable_type,
    looks_stateful,
)
from tfreview.pipeline.rules.kubernetes import k8s_app_config, k8s_class, k8s_stateless_workload
from tfreview.pipeline.rules.leftovers import chart_still_running, idle_address, unused_recipe
from tfreview.pipeline.rules.migrated import sign_in_moved
from tfreview.pipeline.rules.narrowed import (
    consumers_moved,
    listener_kept,
    private_acl_removed,
    public_acl_removed,
    secret_synced,
    successor_kind,
    type_migrated,
)
from tfreview.pipeline.rules.narrowing import (
    allow_only_documents,
    allow_only_group_deleted,
    entry_swapped,
    narrowing,
    world_entry_removed,
)
from tfreview.pipeline.rules.parents import (
    authenticator_of_deleted,
    database_group,
    guard_of_deleted,
    login_role_retired,
    used_only_by_deleted,
    with_parent,
)
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.pools import node_pool_kept_cluster, serving_fleet
from tfreview.pipeline.rules.pruned import copies_pruned
from tfreview.pipeline.rules.purposes import purpose_gone
from tfreview.pipeline.rules.reattached import reattached_at_root
from tfreview.pipeline.rules.rebound import rebound
from tfreview.pipeline.rules.rebuilds import alerting_retired
from tfreview.pipeline.rules.recipients import replaced_alerting
from tfreview.pipeline.rules.records import mail_policy, record_name
from tfreview.pipeline.rules.recoverable import disabled_recoverable, recoverable_secret
from tfreview.pipeline.rules.referrers import referrers_dropped, referrers_moved, referrers_renamed
from tfreview.pipeline.rules.regrant import granted_again
from tfreview.pipeline.rules.relinked import remade_live
from tfreview.pipeline.rules.replicas import replica_with_primary
from tfreview.pipeline.rules.reroutes import rerouted
from tfreview.pipeline.rules.restored import restored_successor
from tfreview.pipeline.rules.retired import already_off, retired_store, retired_with_names, sandbox_only, taken_over
from tfreview.pipeline.rules.retiring import retired_version, retired_with_copy
from tfreview.pipeline.rules.rotated import key_rotated
from tfreview.pipeline.rules.rotations_kept import rotated_out
from tfreview.pipeline.rules.rulesets import rule_moved
from tfreview.pipeline.rules.rungs import Grade, build_definition, is_credential, paren, run_once, when
from tfreview.pipeline.rules.samegrant import mapping_regranted
from tfreview.pipeline.rules.shifts import container_renamed, holds_content, renamed, shifted_definition
from tfreview.pipeline.rules.sinks import sink_succeeded
from tfreview.pipeline.rules.stores import disposable_store, goes_with_store
from tfreview.pipeline.rules.successors import cache_handed_over, folded_into, handed_over, selected_instead, successor
from tfreview.pipeline.rules.sunset import channel_sunset, watcher_sunset
from tfreview.pipeline.rules.superseded import own_logs_retired, superseded
from tfreview.pipeline.rules.takeover import rebuilt
from tfreview.pipeline.rules.teardowns import nothing_lasting
from tfreview.pipeline.rules.trimmed import member_trimmed, plain_setting
from tfreview.pipeline.rules.unreferenced import retired_unreferenced
from tfreview.pipeline.rules.views import saved_query
from tfreview.pipeline.rules.wayback import (
    branch_of_parent,
    final_copy,
    migrated_with_backup,
    preview_member,
    preview_table,
    reader_of_cluster,
)
from tfreview.pipeline.rules.waysin import way_in_replaced
from tfreview.pipeline.rules.websites import site_moved, website_closed
from tfreview.pipeline.rules.wiring import unwired
from tfreview.pipeline.rules.workloadid import credential_federated

# Types that hold key material or secrets: a non-production tag on them says nothing of who still uses them.
KEY_MATERIAL = lazy_compile(r"(?:^|_)(?:secret|secrets|key|keys|credential|credentials|certificate|password)(?:_|$)")


def blackhole_removed(change: Change) -> bool:
    """Whether a deleted route dropped what it matched (`blackhole = true`, a `blackhole` or `null` next hop): a
    quarantine, not a path."""
    before = change.before if isinstance(change.before, dict) else {}
    return "route" in change.type and (before.get("blackhole") is True or str(
        before.get("next_hop_type") or before.get("state") or "").strip().lower() in ("blackhole", "null", "none"))


def _rename(change: Change, ri: ReviewInput) -> str | None:
    """' and re-created as …' when a stateless object is re-created with the same name, or None (not for containers:
    a project, workspace or release re-created empty loses its content)."""
    other = None if looks_stateful(change.type) or holds_content(change.type) else renamed(change, ri)
    return None if other is None else (f" and re-created as {other.address} with the same name (a rename: add a "
                                         "moved block to keep it)")


def _fleet_renamed(change: Change, ri: ReviewInput) -> str | None:
    """Why a running fleet's delete is an outage: re-created under another address with the same name (a refactor
    without a `moved` block), the new group can only be made once the old one and its machines are gone."""
    other = renamed(change, ri) if serving_fleet(change) else None
    return None if other is None else (f" and re-created as {other.address} with the same name: its running "
                                         "machines go before the new group can exist (add a moved block to keep it)")


# Names only one object may hold at a time, the provider refusing a second claim (a CDN distribution's aliases).
# A platform's custom domain may move between two services, as a successor takes it over (successors.py).
UNIQUE_CLAIMS = ("aliases",)


def _claims_remade(change: Change, ri: ReviewInput) -> str | None:
    """Why a delete is an outage: another address of its type is created claiming the same aliases or domains,
    which it can only take once this one is gone (a refactor without a `moved` block)."""
    before = change.before if isinstance(change.before, dict) else {}
    held = {key: set(map(str, as_list(before.get(key)))) for key in UNIQUE_CLAIMS if as_list(before.get(key))}
    if not held:
        return None
    for other in plan_view(ri).of(Action.CREATE):
        after = other.after if isinstance(other.after, dict) else {}
        for key, names in held.items():
            if other.type == change.type and (shared := names & set(map(str, as_list(after.get(key))))):
                return (f" and {other.address} is created claiming the same {key} ({sorted(shared)[0]}): it can only "
                        "take them once this one is gone, so they are down in between (add a moved block to keep it)")
    return None


def _kept_types(view: PlanView) -> frozenset[str]:
    """The types with an object the plan keeps or creates (any action but a delete)."""
    return frozenset(c.type for c in view.changes if c.action is not Action.DELETE)


DELETE_LADDER: tuple[Grade, ...] = (
    Grade(when(lambda c: is_helper_type(c.type), "helper type, holds no infrastructure"), Severity.LOW),
    Grade(when(lambda c: bool(SILENCERS.search(c.type)), "it silenced alerts: they resume"), Severity.LOW),
    Grade(when(lambda c: is_immutable_type(c.type), "immutable by design, replaced on deploys"), Severity.LOW),
    Grade(lambda c, _ri: paren(saved_query(c)), Severity.MEDIUM),
    Grade(lambda c, ri: paren(scaled_in(c, ri)), Severity.MEDIUM),
    Grade(when(run_once, "a run-once job: its work is done, no data goes with it"), Severity.LOW),
    Grade(when(left_in_place, "its own settings leave the object in place: Terraform only stops managing it, "
               "like a forget"), Severity.MEDIUM),
    Grade(lambda c, ri: paren(deposed_leftover(c, ri)), Severity.MEDIUM),
    Grade(when(dependents_kept, "its cascade is off: what it deployed is orphaned and keeps running, only the "
               "deployer's record goes; check something still manages it"), Severity.MEDIUM),
    Grade(when(is_credential, "a credential: access is revoked; check nothing still uses it"), Severity.MEDIUM, True),
    Grade(when(build_definition, "a build definition: it holds no data, its runs' logs and artifacts live in their "
               "own stores; check no pipeline still starts it"), Severity.MEDIUM),
    Grade(lambda c, _ri: paren(recoverable_secret(c) or disabled_recoverable(c)), Severity.MEDIUM),
    Grade(lambda c, ri: paren(retired_unreferenced(c, ri)), Severity.MEDIUM),
    Grade(lambda c, ri: paren(kept_twin(c, ri)), Severity.MEDIUM),
    Grade(lambda c, ri: paren(sign_in_moved(c, ri)), Severity.MEDIUM),
    Grade(when(blackhole_removed, "a blackhole route: it dropped traffic to its range, which now flows wherever the "
               "table's other routes send it"), Severity.HIGH),
    Grade(lambda c, ri: paren(workload_cut_off(c, ri)), Severity.HIGH, True),
    Grade(_fleet_renamed, Severity.HIGH, True),
    Grade(_claims_remade, Severity.HIGH, True),
    Grade(lambda c, ri: paren(remade_live(c, ri)), Severity.HIGH, True),
    Grade(lambda c, ri: paren(idle_address(c) or unused_recipe(c, ri) or chart_still_running(c, ri)), Severity.MEDIUM),
    Grade(lambda c, ri: paren(node_pool_kept_cluster(c, ri)), Severity.MEDIUM),
    Grade(when(k8s_stateless_workload, "a stateless workload with no volumes: its pods stop, no data goes with "
               "them; check nothing still routes to it"), Severity.MEDIUM),
    Grade(when(k8s_app_config, "an application's ConfigMap: settings, no data; check no pod still mounts it"),
          Severity.MEDIUM),
    Grade(when(k8s_class, "a Kubernetes class (StorageClass, IngressClass…): it says how new objects are made, the "
               "volumes and objects made from it keep their own settings; check new claims still find a class"),
          Severity.MEDIUM),
    Grade(when(plain_setting, "a plain parameter, not a secure one: a setting whose whole value the plan shows, no "
               "secret or data; check nothing still reads it"), Severity.MEDIUM),
    Grade(lambda c, ri: paren(narrowing(c, plan_view(ri).derived("allow-only policies",
                                                                 lambda view: allow_only_documents(view.changes)))),
          Severity.MEDIUM),
    Grade(lambda c, _ri: paren(world_entry_removed(c) or allow_only_group_deleted(c)), Severity.MEDIUM),
    Grade(lambda c, ri: paren(entry_swapped(c, plan_view(ri).derived("kept types", _kept_types))), Severity.MEDIUM),
    Grade(lambda c, _ri: paren(allow_only_policy_deleted(c)), Severity.MEDIUM),
    Grade(lambda c, _ri: paren(relaxation_removed(c)), Severity.MEDIUM),
    Grade(lambda c, _ri: paren(public_acl_removed(c) or private_acl_removed(c)), Severity.MEDIUM),
    Grade(lambda c, _ri: paren(allow_removed(c) or segments_parted(c)), Severity.MEDIUM),
    Grade(when(lambda c: bool(STORE_ITEMS.search(c.type)), "an item inside a store; the store keeps the rest"),
          Severity.MEDIUM, True),
    Grade(lambda c, ri: paren(alerting_retired(c) or channel_sunset(c, ri) or watcher_sunset(c, ri)), Severity.MEDIUM),
    Grade(lambda c, ri: paren(environment_teardown(c, ri)), Severity.MEDIUM),
    Grade(lambda c, ri: paren(None if (why := teardown(c, ri, looks_stateful)) is None
                              else f"a disposable object: {why}") or paren(nothing_lasting(c, ri)), Severity.MEDIUM),
    Grade(lambda c, ri: paren(brief_messages(c) or with_container(c, ri, looks_stateful)
                              or made_for_container(c, ri, looks_stateful) or preview_instance(c, ri)
                              or feature_branch(c)),
          Severity.MEDIUM),
    Grade(lambda c, ri: paren(key_rotated(c, ri) or granted_again(c, ri) or mapping_regranted(c, ri)
                              or reattached_at_root(c, ri)
                              or sink_succeeded(c, ri) or backup_handed_on(c, ri)
                              or way_in_replaced(c, ri) or website_closed(c, ri)
                              or site_moved(c, ri)
                              or credential_federated(c, ri)),
          Severity.MEDIUM),
    Grade(when(mail_policy, "the domain's SPF or DMARC policy: anyone can send mail as the domain"),
          Severity.HIGH, True),
    Grade(lambda c, ri: None if container_renamed(c, ri) else paren(service_retired(c, ri, looks_stateful)),
          Severity.MEDIUM),
    Grade(lambda c, ri: paren(alias_renamed(c, ri)), Severity.MEDIUM),
    Grade(lambda c, _ri: paren(None if (dns := record_name(c)) is None
                               else f"DNS record {dns}: the name stops resolving"), Severity.MEDIUM, True),
    Grade(lambda c, ri: None if looks_stateful(c.type) else container_renamed(c, ri), Severity.HIGH, True),
    Grade(_rename, Severity.MEDIUM),
    Grade(lambda c, ri: None if looks_stateful(c.type) else paren(shifted_definition(c, ri)), Severity.MEDIUM),
    Grade(lambda c, ri: paren(cache_handed_over(c, ri)) if looks_stateful(c.type)
          else paren(successor(c, ri) or handed_over(c, ri) or retired_version(c, ri) or folded_into(c, ri)
                     or selected_instead(c, ri)),
          Severity.MEDIUM),
    Grade(lambda c, ri: paren(non_production_key(c, ri, looks_stateful) if KEY_MATERIAL.search(c.type)
                              else non_production_store(c, ri) if looks_stateful(c.type)
                              else labelled_non_production(c)), Severity.MEDIUM),
    Grade(lambda c, _ri: None if looks_stateful(c.type) or (scope := non_production_scope(c)) is None
          else f" (it lived in non-production scope {scope})", Severity.MEDIUM),
    Grade(lambda c, ri: None if looks_stateful(c.type) or (module := non_production_module(c, ri)) is None
          else f" (it lived in {module}, named for a non-production environment)", Severity.MEDIUM),
    Grade(lambda c, ri: paren(retired_store(c, ri) if looks_stateful(c.type) else retired_with_names(c, ri)),
          Severity.MEDIUM, True),
    Grade(lambda c, ri: None if looks_stateful(c.type) else paren(taken_over(c, ri)), Severity.MEDIUM),
    Grade(lambda c, ri: None if looks_stateful(c.type) else paren(sandbox_only(c, ri)), Severity.MEDIUM),
    Grade(lambda c, ri: paren(expired(c, ri) or unused_since(c, ri) or stale_test_run(c, ri) or (
        None if looks_stateful(c.type) else already_off(c) or scaled_to_zero(c))), Severity.MEDIUM),
    Grade(lambda c, ri: paren(rebuilt(c, ri, looks_stateful(c.type)) or disposable_store(c) or volatile_cache(c)
                              or transient_store(c, ri)
                              or short_lived(c)), Severity.MEDIUM),
    Grade(lambda c, ri: None if looks_stateful(c.type) else paren(replaced_alerting(c, ri)), Severity.MEDIUM),
    Grade(lambda c, ri: paren(replica_with_primary(c, ri) or reader_of_cluster(c, ri)
                              or member_trimmed(c, ri)), Severity.MEDIUM),
    Grade(lambda c, ri: paren(final_copy(c) or retired_with_copy(c, ri) or migrated_with_backup(c, ri)
                              or restored_successor(c, ri)
                              or rebound(c, ri) or branch_of_parent(c, ri)
                              or preview_table(c)), Severity.MEDIUM),
    Grade(lambda c, ri: paren(guarded_delete(c, ri)), Severity.MEDIUM),
    Grade(lambda c, ri: paren(cut_over(c, ri, looks_stateful(c.type)) or preview_member(c, ri)), Severity.MEDIUM),
    Grade(lambda c, ri: paren(with_parent(c, ri, looks_stateful) or authenticator_of_deleted(c, ri)
                              or login_role_retired(c, ri)
                              or guard_of_deleted(c, ri)
                              or database_group(c)
                              or used_only_by_deleted(c, ri, looks_stateful)
                              or (None if looks_stateful(c.type) else purpose_gone(c, ri))), Severity.MEDIUM),
    Grade(lambda c, ri: paren(goes_with_store(c, ri, looks_stateful) or copies_pruned(c, ri)
                              or rotated_out(c, ri)), Severity.MEDIUM),
    Grade(lambda c, ri: None if looks_stateful(c.type) else paren(unwired(c, ri)), Severity.MEDIUM),
    Grade(lambda c, ri: paren(listener_kept(c, ri) or consumers_moved(c, ri) or secret_synced(c, ri)
                              or successor_kind(c, ri)
                              or (None if looks_stateful(c.type) else type_migrated(c, ri))), Severity.MEDIUM),
    Grade(lambda c, _ri: paren(allow_all_policy_deleted(c) or allow_all_rule_deleted(c)), Severity.MEDIUM),
    Grade(lambda c, ri: paren(rerouted(c, ri)), Severity.MEDIUM),
    Grade(lambda c, ri: None if looks_stateful(c.type) else paren(referrers_moved(c, ri) or superseded(c, ri)
                                                                  or rule_moved(c, ri) or referrers_dropped(c, ri)
                                                                  or (None if holds_content(c.type)
                                                                      else referrers_renamed(c, ri))),
          Severity.MEDIUM),
    Grade(lambda c, ri: paren(own_logs_retired(c, ri)), Severity.MEDIUM, True),
)
