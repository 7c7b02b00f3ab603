"""The replace ladder (risk rules stage): its rungs in order, the first that answers grades a replaced resource
(ladders.py walks it). Each rung asks one question of the change through a helper in its own module."""

from __future__ import annotations

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.findings import Severity, is_helper_type
from tfreview.pipeline.rules.abandoned import left_in_place
from tfreview.pipeline.rules.carried import discards, lesser_destination
from tfreview.pipeline.rules.certificates import certificate_rotated
from tfreview.pipeline.rules.disposable import STORE_ITEMS, non_production_store
from tfreview.pipeline.rules.grantswap import grant_handed_on
from tfreview.pipeline.rules.idle import short_lived
from tfreview.pipeline.rules.jobs import runs_to_completion
from tfreview.pipeline.rules.keptsettings import exceptions_trimmed, reference_moved, web_ports_added
from tfreview.pipeline.rules.kinds import (
    AUDIT_DEVICES,
    LINKS,
    is_immutable_type,
    looks_stateful,
    push_subscription,
)
from tfreview.pipeline.rules.kubernetes import k8s_class, k8s_stateless
from tfreview.pipeline.rules.narrowed import listener_remade
from tfreview.pipeline.rules.narrowing import (
    rotation,
    secured,
    stricter,
)
from tfreview.pipeline.rules.observers import observer_kept
from tfreview.pipeline.rules.pools import image_redeploy, reclaimable_pool_replaced
from tfreview.pipeline.rules.portsets import sources_narrowed
from tfreview.pipeline.rules.rebuilds import machine_rebuilt, rebuilt_keeping_volume
from tfreview.pipeline.rules.records import record_kept
from tfreview.pipeline.rules.recreated import (
    compute_recreated,
    secondary_pool,
    self_stopping,
    tainted_as_it_was,
    values_rotated,
    written_in_full,
)
from tfreview.pipeline.rules.redundancy import inspected_hop, redundant_leg
from tfreview.pipeline.rules.relabelled import renamed_only
from tfreview.pipeline.rules.replicas import ROUTES, replica_with_primary
from tfreview.pipeline.rules.restored import restored_replace
from tfreview.pipeline.rules.rolerank import role_lowered
from tfreview.pipeline.rules.routes import same_kind_of_hop
from tfreview.pipeline.rules.rungs import Grade, paren, run_once, when
from tfreview.pipeline.rules.subranges import range_narrowed
from tfreview.pipeline.rules.takeover import rebuilt, repointed
from tfreview.pipeline.rules.tightened import selection_followed, selection_kept, tightened
from tfreview.pipeline.rules.trimmed import member_replaced
from tfreview.pipeline.rules.views import derived_rows, saved_query

# Streams that only carry records to a destination (Firehose, a log delivery stream): what they hold is a buffer.
DELIVERY_STREAMS = lazy_compile(r"firehose|delivery_stream")


REPLACE_LADDER: tuple[Grade, ...] = (
    Grade(when(lambda c: is_helper_type(c.type), "helper type, holds no infrastructure"), Severity.LOW),
    Grade(when(lambda c: is_immutable_type(c.type), "immutable by design, replaced on deploys"), Severity.LOW),
    Grade(lambda c, _ri: paren(saved_query(c) or derived_rows(c)), Severity.MEDIUM),
    Grade(lambda c, ri: paren(redundant_leg(c, ri) or inspected_hop(c, ri)), Severity.MEDIUM),
    Grade(lambda c, _ri: paren(rotation(c) or certificate_rotated(c)), Severity.MEDIUM),
    # A replace whose destroy half leaves the old object in place (`skip_destroy = true`, an abandon policy) loses
    # nothing: the old one stays beside the new one, as the delete ladder grades the same settings.
    Grade(when(left_in_place, "its own settings leave the old object in place beside the new one: nothing is "
               "destroyed"), Severity.MEDIUM),
    # replace_triggered_by on a run-once job is the configuration asking for a re-run on each change it names.
    Grade(when(lambda c: run_once(c) and c.action_reason == "replace_by_triggers",
               "a run-once job re-run by its replace_triggered_by, as configured"), Severity.MEDIUM),
    # A finished job holds no data; its replacement runs the work again with the new settings, like a new job.
    Grade(when(lambda c: run_once(c) and runs_to_completion(c), "a run-once job that runs to completion "
               "re-created: it runs its work again with the new settings; no data goes with the old one"),
          Severity.MEDIUM),
    Grade(when(lambda c: bool(LINKS.search(c.type) or STORE_ITEMS.search(c.type)),
               "a link or an item in a store, re-made in the same apply"), Severity.MEDIUM),
    Grade(when(k8s_class, "a Kubernetes class (StorageClass, IngressClass…) re-made: it says how new objects are "
               "made, the volumes and objects made from it keep their own settings"), Severity.MEDIUM),
    Grade(when(k8s_stateless, "a stateless Kubernetes object: its pods are re-created, no data goes with them"),
          Severity.MEDIUM),
    Grade(when(push_subscription, "a push subscription re-made: it forwards each message as it is published and "
               "holds none"), Severity.MEDIUM),
    Grade(lambda c, _ri: None if looks_stateful(c.type) else paren(image_redeploy(c)), Severity.MEDIUM),
    Grade(lambda c, ri: paren(machine_rebuilt(c) or rebuilt_keeping_volume(c, ri)), Severity.MEDIUM),
    Grade(lambda c, ri: paren(compute_recreated(c) or self_stopping(c) or secondary_pool(c, ri)
                              or written_in_full(c, ri) or values_rotated(c)), Severity.MEDIUM),
    Grade(lambda c, ri: paren(reclaimable_pool_replaced(c, ri)), Severity.MEDIUM),
    Grade(lambda c, _ri: paren(tainted_as_it_was(c)), Severity.MEDIUM),
    Grade(when(lambda c: c.actions[:1] == ["create"] and not looks_stateful(c.type),
               "stateless, and the new one exists before the old one goes"), Severity.MEDIUM),
    Grade(when(lambda c: c.actions[:1] == ["create"] and bool(DELIVERY_STREAMS.search(c.type)),
               "a delivery stream re-made create-before-destroy: it only buffers on the way to its destination, "
               "and the new one delivers before the old one goes"), Severity.MEDIUM),
    Grade(when(lambda c: c.actions[:1] == ["create"] and bool(AUDIT_DEVICES.search(c.type)),
               "an audit device re-made create-before-destroy: the new one records before the old one goes, "
               "and the trail already written stays"), Severity.MEDIUM),
    Grade(when(lambda c: bool(ROUTES.search(c.type)) and not discards(c.after)
               and not lesser_destination(c.before, c.after),
               "it only routes logs or metrics elsewhere and holds no data; re-made in the same apply"),
          Severity.MEDIUM),
    Grade(lambda c, ri: paren(selection_followed(c, ri)), Severity.MEDIUM),
    Grade(lambda c, _ri: paren(stricter(c, looks_stateful(c.type)) or secured(c)
                               or tightened(c, looks_stateful(c.type)) or selection_kept(c) or range_narrowed(c)
                               or sources_narrowed(c) or role_lowered(c)
                               or renamed_only(c, looks_stateful(c.type))),
          Severity.MEDIUM),
    Grade(lambda c, _ri: paren(grant_handed_on(c) or reference_moved(c) or exceptions_trimmed(c)
                               or web_ports_added(c)), Severity.MEDIUM),
    Grade(lambda c, ri: paren(rebuilt(c, ri, looks_stateful(c.type)) or restored_replace(c, ri)), Severity.MEDIUM),
    Grade(lambda c, ri: None if looks_stateful(c.type) else paren(repointed(c, ri)), Severity.MEDIUM),
    Grade(lambda c, _ri: paren(record_kept(c) or observer_kept(c) or same_kind_of_hop(c)), Severity.MEDIUM),
    Grade(lambda c, ri: paren(replica_with_primary(c, ri) or member_replaced(c, ri) or listener_remade(c, ri)),
          Severity.MEDIUM),
    Grade(lambda c, _ri: paren(short_lived(c)), Severity.MEDIUM),
    # A store its own tag says non-production, re-made (an engine's major upgrade): judged as its delete would be.
    Grade(lambda c, ri: paren(non_production_store(c, ri)) if looks_stateful(c.type) else None, Severity.MEDIUM),
)
