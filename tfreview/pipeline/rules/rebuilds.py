"""Risk rules, lifecycle helpers: which replaces and deletes are routine rebuilds and retirements (ladders.py grades
with them): a machine rebuilt from a new boot image that keeps no data of its own, and alerting that its own name
marks as retired (a monitor re-made as it was: observers.py).

Both are judged by what the object is and holds, in any provider: a virtual machine of any cloud, a monitor, alarm
or check of any monitoring tool. Names count only where the plan cannot forge them: a deleted object's address and
tags were written before this change (renaming it would show as a move or a create).
"""

from __future__ import annotations

import re
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.diff import UNKNOWN
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.values import leaves, pairs

# Virtual machines of any provider (aws_instance, google_compute_instance, azurerm_linux_virtual_machine,
# hcloud_server, digitalocean_droplet, linode_instance, openstack_compute_instance_v2, vsphere_virtual_machine…).
MACHINES = lazy_compile(r"(?:^|_)(?:instance|compute_instance|server|droplet|virtual_machine|vm|machine|qemu)"
                        r"(?:_v\d+)?$")
# A type that names data beside the machine word is a managed database, cache, broker or notebook, not a machine
# (read after the provider's prefix: aws_rds_cluster_instance, azurerm_mssql_server, google_notebooks_instance).
DATA_TYPES = lazy_compile(r"db|sql|redis|cache|search|kafka|mq|broker|spanner|bigtable|file|notebook|workbench|cluster"
                          r"|database|dms|replication|mongo|cassandra|neptune|redshift|elastic|nfs|netapp|storage|vault"
                          r"|backup|ledger|warehouse|hana")
# What may force a rebuild without touching data: the boot image, and the boot script it runs once.
BOOT_PATHS = lazy_compile(r"(?:^|\.)(?:ami|image|image_id|image_name|source_image|source_image_id"
                          r"|source_image_reference|storage_image_reference|template|clone|user_data|user_data_base64|custom_data|cloud_init"
                          r"|metadata_startup_script|launch_template)(?:\.|$)")
# Where a machine runs: moving it re-makes its boot disk from the image like an image change does.
PLACEMENT = lazy_compile(r"^(?:zone|availability_zone|placement_zone|location)$")
# Disks and volumes beside the boot disk: data that a rebuild takes with it or has to re-attach.
DATA_DISKS = lazy_compile(r"(?:^|\.)(?:ebs_block_device|attached_disk|data_disk|data_disks|storage_data_disk|volume"
                          r"|volumes|volume_ids|disk|disks|scratch_disk|local_ssd|ephemeral_block_device|mount|mounts)"
                          r"(?:[.\[]|$)")
# Roles that keep state on their own disk, as a machine's name or tags say it.
STATEFUL_ROLES = lazy_compile(r"(?:^|[^a-z0-9])(?:db\d*|database|sql|mysql|mariadb|postgres|postgresql|pg|mongo|mongodb"
                              r"|redis|cassandra|kafka|zookeeper|zk|etcd|elastic|elasticsearch|opensearch|solr|broker"
                              r"|rabbit|rabbitmq|nfs|fileserver|storage|minio|ceph|gluster|vault|consul|nomad_server"
                              r"|primary|replica|master|ledger|backup|git|gitlab|jenkins|ldap|dc|ad|domain_controller"
                              r"|data|warehouse|stateful|persistent)(?:[^a-z]|$)")
ROLE_TAGS = ("name", "role", "service", "app", "component", "purpose", "tier", "function", "hostname")


def machine_rebuilt(change: Change) -> str | None:
    """Why replacing a machine loses nothing, or None: only its boot image or boot script forces the replace, it has
    no disk besides its boot disk, and neither its name nor its role tags say it keeps state (a database, a broker,
    a primary)."""
    if change.action is not Action.REPLACE or not MACHINES.search(change.type) \
            or DATA_TYPES.search(change.type.partition("_")[2]):
        return None
    # Without replace_paths (older plans, hand-made ones), what changed says what forced the replace; a move to
    # another zone re-makes the boot disk the same way. A value known only after apply that is no boot path (the
    # id, the ARN, the addresses) is what any re-created machine is assigned anew: the replace's effect, not its cause.
    if not _boot_forced(change):
        return None
    before = change.before if isinstance(change.before, dict) else {}
    if any(DATA_DISKS.search(path.lower()) and value not in (None, "", [], {}, False, 0)
           for path, value in leaves(before)):
        return None
    if STATEFUL_ROLES.search(_role_text(change, before)):
        return None
    return "a machine rebuilt from a new boot image: no disk besides its boot disk, and nothing says it keeps state"


def _boot_forced(change: Change) -> bool:
    """Whether only a machine's boot image or boot script (or its placement) forces its replace."""
    # Without replace_paths (older plans, hand-made ones), what changed says what forced the replace; a move to
    # another zone re-makes the boot disk the same way. A value known only after apply that is no boot path (the
    # id, the ARN, the addresses) is what any re-created machine is assigned anew: the replace's effect, not its cause.
    forced = change.replace_paths or [path for path, _old, new in pairs(change)
                                      if new is not UNKNOWN or BOOT_PATHS.search(_plain(path))]
    paths = [_plain(p) for p in forced]
    return any(BOOT_PATHS.search(p) for p in paths) and all(BOOT_PATHS.search(p) or PLACEMENT.search(p) for p in paths)


# An attachment of a separate volume or disk to a machine (`hcloud_volume_attachment`, `aws_volume_attachment`).
VOLUME_ATTACHMENTS = lazy_compile(r"(?:volume|disk)_attachment")
VOLUME_REF = lazy_compile(r"^(?:volume_id|volume|disk_id|disk|managed_disk_id)$")
MACHINE_REF = lazy_compile(r"^(?:server_id|instance_id|server|instance|virtual_machine_id|droplet_id|machine_id)$")


def rebuilt_keeping_volume(change: Change, ri: ReviewInput) -> str | None:
    """Why replacing a machine whose name says it keeps state loses nothing, or None: only its boot image forces
    the replace, it has no disk of its own but its boot disk, and its data lives on a separate volume that the plan
    keeps and attaches to the new machine (the attachment re-made, the volume neither deleted nor replaced)."""
    if change.action is not Action.REPLACE or not MACHINES.search(change.type) or not _boot_forced(change):
        return None
    before = change.before if isinstance(change.before, dict) else {}
    if any(DATA_DISKS.search(path.lower()) and value not in (None, "", [], {}, False, 0)
           for path, value in leaves(before)):
        return None
    reattached = plan_view(ri).derived("volumes re-attached, by machine", _reattached)
    for key in ("id", "name"):
        if (value := before.get(key)) not in (None, "") and (found := reattached.get(str(value))) is not None:
            volume, attachment = found
            return (f"a machine rebuilt from a new boot image: its data lives on volume {volume}, which this plan "
                    f"keeps and attaches to the new machine ({attachment.address})")
    return None


def _reattached(view: PlanView) -> dict[str, tuple[str, Change]]:
    """Machine id → (volume, attachment) for each volume attachment the plan re-makes whose volume it neither
    deletes nor replaces (once per plan)."""
    gone = {str(v) for c in view.of(Action.DELETE, Action.REPLACE)
            if isinstance(c.before, dict) and not VOLUME_ATTACHMENTS.search(c.type)
            for k, v in c.before.items() if k in ("id", "name")}
    found: dict[str, tuple[str, Change]] = {}
    for attachment in view.of(Action.REPLACE):
        old = attachment.before if isinstance(attachment.before, dict) else {}
        if not VOLUME_ATTACHMENTS.search(attachment.type):
            continue
        volume = next((str(v) for k, v in old.items() if VOLUME_REF.match(k) and v not in (None, "")), None)
        if volume is not None and volume not in gone:
            found.update((str(v), (volume, attachment)) for k, v in old.items() if MACHINE_REF.match(k))
    return found


def _plain(path: str) -> str:
    """The path without its indexes, lower-cased (`disk[0].size` as `disk.size`)."""
    return re.sub(r"\[[^]]*\]", "", path).lower()


def _role_text(change: Change, values: dict[str, Any]) -> str:
    """The machine's name, address and role tags as one lower-case text to read its role from."""
    words = [change.address, str(values.get("name") or ""), str(values.get("hostname") or "")]
    for key in ("tags", "labels", "freeform_tags"):
        tags = values.get(key)
        if isinstance(tags, dict):
            words += [str(v) for k, v in tags.items() if str(k).lower() in ROLE_TAGS]
    return " ".join(words).lower().replace("-", "_")


# Alerting objects of any monitoring tool: a monitor, alarm, alert condition or policy, a check, a synthetic test.
ALERTING = lazy_compile(r"(?:^|_)(?:monitor|alarm|alert|alert_condition|alert_policy|nrql_alert_condition|check"
                        r"|synthetics_test|synthetic|uptime_check_config|heartbeat)s?(?:_|$)")
# Names that mark an object as being retired.
RETIRED = lazy_compile(r"(?:^|[^a-z0-9])(?:legacy|deprecated|retired|retiring|decommissioned|decom|obsolete|old|unused"
                       r"|sunset|sunsetted|defunct|dead)(?:[^a-z0-9]|$)")


def alerting_retired(change: Change) -> str | None:
    """Why deleting a monitor or alarm loses nothing that matters, or None: its own name, written before this
    change, marks what it watched as retired (legacy, deprecated, decommissioned)."""
    if change.action is not Action.DELETE or not ALERTING.search(change.type) or change.moved:
        return None
    before = change.before if isinstance(change.before, dict) else {}
    named = f"{change.address} {before.get('name') or ''}".lower().replace("-", "_")
    match = RETIRED.search(named)
    if match is None:
        return None
    word = re.sub(r"[^a-z]", "", match.group(0))
    return f"an alert on something its name marks as retired ({word}): what it watched is going away"

