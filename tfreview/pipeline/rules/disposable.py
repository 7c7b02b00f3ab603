"""Risk rules, lifecycle helper: whether a deleted object says by its own attributes that it is disposable
(a teardown), or is an item inside a store; ladders.py grades deletes with it (`resource-delete`,
`resource-replace`). What labels say about an environment is environments.py's, preview environments are
previews.py's, destroys that leave the object in place are abandoned.py's."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.common import string_leaves
from tfreview.pipeline.rules.environments import (
    MODULE_ENVS,
    NON_PRODUCTION_ENVS,
    PRODUCTION_TOKENS,
    TOKEN,
    env_words,
    label_pairs,
    label_tokens,
    labelled_disposable,
    module_words,
    non_production_env,
)
from tfreview.pipeline.rules.expired import mentioned_by_kept
from tfreview.pipeline.rules.expiry import expired_on, plan_time
from tfreview.pipeline.rules.planview import PlanView, kept_modules, plan_view
from tfreview.pipeline.rules.previews import KEYED, preview_key, preview_namespace
from tfreview.pipeline.rules.synthetic import real_data, synthetic_data
from tfreview.pipeline.rules.teardowns import lifetime_labels
from tfreview.pipeline.rules.units import instant

# Words anywhere in a monitor's labels that say it watches nothing any more.
RETIRED_TOKENS = frozenset({"retired", "deprecated", "decommissioned", "obsolete"})
# Attributes that attach extra disks to a machine: what they hold is judged with them, not by the machine's tags.
EXTRA_DISKS = lazy_compile(r"ebs_block_device|attached_disk|data_disk|storage_data_disk|additional_disk|volume_ids?$")
# Settings on a machine's disks that keep the disk after the machine is destroyed.
DISK_KEPT = ("delete_on_termination", "auto_delete", "delete_os_disk_on_deletion", "delete_data_disks_on_deletion")
# Monitoring objects: one already paused or disabled watches nothing, so deleting it loses no coverage.
MONITORS = lazy_compile(r"(?:^|_)(?:monitor|synthetics?|synthetics_test|check|probe|uptime|alert|alarm|test)(?:_|$)")
# Providers whose every resource is monitoring, alerting or incident routing.
MONITORING_PROVIDERS = (r"^(?:datadog|pagerduty|opsgenie|newrelic|grafana|splunk|sumologic|victorops|sentry|dynatrace"
                        r"|signalfx|honeycombio|logzio|statuscake|uptimerobot|checkly|betteruptime|lightstep"
                        r"|chronosphere)_")
# Objects that only run something (a schedule, trigger, job, a replication or transfer task): one whose own settings
# say inactive or stopped runs nothing. A task queue holds its tasks: not a runner.
RUNNERS = lazy_compile(r"(?:^|_)(?:schedule|scheduler|trigger|cron|cronjob|job|webhook|hook|task)s?(?:_|$)")
NOT_RUNNERS = lazy_compile(r"tasks?_queue")
# Sign-in objects (an OAuth, OIDC or SAML app or client of any identity provider): one its own status says is
# inactive lets no one sign in, so deleting it removes no access anyone still has. They hold no data.
SIGN_IN_APPS = lazy_compile(r"(?:^|_)(?:app|apps|application|client|oauth|oidc|saml|sso|openid)(?:_|$)")
# Environment words a monitor's own name may carry to say it watches a non-production system ("sandbox-test").
# Bare "test" and "dev" are left out: a synthetic test or a developers' on-call service is production monitoring.
NAMED_ENVS = frozenset({"sandbox", "staging", "qa", "development"})
# A log store that keeps at most this many days loses only that window of logs with its service.
SHORT_RETENTION_DAYS = 7
# Counts of what a store holds, as providers report them: at 0 the store is empty and its delete loses nothing.
# A workspace or stack reports how many resources it manages: at 0 it manages nothing.
CONTENT_COUNTS = lazy_compile(r"^(?:object|item|file|blob|message|document|record|row|key|entry|entries|image"
                              r"|artifact|resource)s?_count$|^(?:size|used|stored)_(?:bytes|size)$|^(?:size|usage)_bytes$")
# Compute, not a store: labels alone may say it is disposable (a CI runner VM). Stores need attributes.
COMPUTE = lazy_compile(r"(?:^|_)(?:instance|server|vm|virtual_machine|runner)$")
# Settings only a machine has (its CPUs and memory): a `libvirt_domain` or any provider's guest is compute too.
MACHINE_KEYS = frozenset({"vcpu", "vcpus", "cpus", "cores", "memory", "memory_mb"})
# Words in a machine's own name that say it is thrown away (`ci-ephemeral-2`); a production word wins.
NAMED_DISPOSABLE = frozenset({"ephemeral", "temporary", "preview", "disposable", "throwaway"})
# A disk made as a copy-on-write layer over a base image: it holds only its machine's scratch changes.
OVERLAY_KEYS = lazy_compile(r"^(?:base_volume_id|base_image_id|backing_(?:store|file)|parent_disk_id)$")
# Compute clusters (Kubernetes and other container clusters of any provider): their nodes keep no data of their
# own; volumes and databases are separate objects, judged on their own.
COMPUTE_CLUSTERS = lazy_compile(r"(?:^|_)(?:kubernetes|kube|k8s|container|eks|aks|gke|lke|doks)(?:_engine)?_cluster$")
# Query compute of a data platform (a Snowflake or Databricks warehouse, any compute pool): it runs queries over
# data kept in the platform's databases and holds none itself.
QUERY_COMPUTE = lazy_compile(r"^(?:snowflake|databricks)_(?:\w+_)?(?:warehouse|endpoint)$|(?:^|_)compute_pool$")
# Data-processing clusters (Spark, Hadoop, Dataproc, EMR, Databricks): they compute over data kept in object
# storage; one labelled ephemeral is a batch run's workers.
PROCESSING = lazy_compile(r"(?:^|_)(?:dataproc|emr|spark|hadoop|hdinsight|databricks|dask|ray|flink)(?:_[a-z]+)?"
                          r"_(?:cluster|pool)$")
# Containers of other objects (a namespace, project, resource group): labelled disposable, they say what is
# inside is (a preview environment's namespace); their contents are judged by teardown_member.
# Settings that protect an object from deletion while switched on: an object they guard is not torn down by a plan.
PROTECTION = lazy_compile(r"^(?:deletion_protection\w*|delete_protection|termination_protection|prevent_destroy"
                          r"|disable_api_termination|purge_protection\w*)$")
CONTAINERS = lazy_compile(r"(?:^|_)(?:namespace|project|resource_group)(?:_v\d+)?$")
DATA_ENGINES = lazy_compile(r"(?:^|_)(?:db|database|sql|mysql|postgres|postgresql|mongo|mongodb|redis|cache|memcached"
                            r"|elasticsearch|opensearch|search|kafka|broker|spanner|bigtable|filestore)(?:_|$)")
# A block-storage volume or disk of any provider, and the settings that name the machine it is attached to
# (`linode_id`, `server_id`, `droplet_ids`, `attached_to`): all empty, no machine uses it.
VOLUMES = lazy_compile(r"(?:^|_)(?:volume|disk|block_storage)$")
ATTACHMENT_KEYS = lazy_compile(r"^(?:\w+_)?(?:linode|server|instance|droplet|machine|vm|node)_ids?$|^attach(?:ed_to"
                               r"|ments?)$")
# An item inside a store (an object, blob or file in a bucket or share): the store itself keeps the rest.
STORE_ITEMS = lazy_compile(r"_(?:object|blob|file)$")


# Attributes that name the scope an object lives in (a GCP project, a workspace, an environment, a Kubernetes
# namespace).
SCOPE_KEYS = ("project", "project_id", "workspace", "environment", "namespace")


def non_production_scope(change: Change) -> str | None:
    """The scope (project, workspace, environment, namespace) a deleted object lived in when its words say
    non-production (`acme-dev-sandbox`), neither it nor the object's name says production, and the object runs no
    data engine (a release of postgresql in `staging` still holds data); else None."""
    attrs = change.before if isinstance(change.before, dict) else {}
    scopes = [str(attrs[k]) for k in SCOPE_KEYS if isinstance(attrs.get(k), str) and attrs[k]]
    every = {w for scope in scopes for w in TOKEN.findall(scope.lower())}  # a project and its environment
    name = set(TOKEN.findall(str(attrs.get("name") or "").lower()))
    if (every | name | label_tokens(attrs)) & PRODUCTION_TOKENS or _runs_data_engine(attrs):
        return None
    return next((s for s in scopes if set(TOKEN.findall(s.lower())) & NON_PRODUCTION_ENVS), None)


def non_production_module(change: Change, ri: ReviewInput) -> str | None:
    """The module a deleted object that holds no data lived in, when the module's own name says non-production
    (`module.dev_addons`, `module.sandbox_tools`), neither its labels, its own name nor any module name says
    production, and the plan keeps nothing in that module (what stays may still use what goes); an object with its
    own environment label is judged by that label instead."""
    attrs = change.before if isinstance(change.before, dict) else {}
    words = module_words(change.module)
    named = {w for key in ("name", "display_name", "identifier", "namespace") if isinstance(attrs.get(key), str)
             for w in TOKEN.findall(str(attrs[key]).lower())}
    if not words & MODULE_ENVS or words & PRODUCTION_TOKENS or env_words(attrs) \
            or (label_tokens(attrs) | named) & PRODUCTION_TOKENS or _runs_data_engine(attrs):
        return None
    return None if change.module in kept_modules(plan_view(ri)) else change.module


def protected(attrs: dict[str, object]) -> bool:
    """Whether an object's own settings refuse its deletion (a PROTECTION switch on)."""
    return any(PROTECTION.match(key) and value is True for key, value in attrs.items())


def labelled_non_production(change: Change) -> str | None:
    """Why a deleted object only stops a non-production environment's service, or None: its own environment tag or
    bare tag names one (`env = staging`, `["sandbox"]`) and nothing in its labels or name says production; its
    deletion protection is not on (a replaced store is asked the same, through non_production_store). deleteladder.py
    asks it of what holds no data (machines, networks, services): a store, a secret or a key is judged by what it
    keeps, whatever its tag. A namespace, project or resource group holds everything inside it: a label alone does
    not say what lives there, so its own name must say a non-production environment too (`countdown-staging`
    labelled `env = staging`, `sandbox-jlee` labelled `dev`)."""
    attrs = change.before if isinstance(change.before, dict) else {}
    if change.action not in (Action.DELETE, Action.REPLACE) or protected(attrs):
        return None
    env = non_production_env(attrs)
    if env is not None and CONTAINERS.search(change.type):
        named = sorted(_container_name_words(attrs) & NON_PRODUCTION_ENVS)
        return None if not named else f"its own label says {env}, its name says {named[0]}, and nothing in its " \
            "name or labels says production"
    return None if env is None else f"its own tag says {env}, and nothing in its name or labels says production"


def _container_name_words(attrs: dict[str, object]) -> set[str]:
    """The words of a namespace's, project's or resource group's own name."""
    metadata = attrs.get("metadata")
    first = metadata[0] if isinstance(metadata, list) and metadata and isinstance(metadata[0], dict) else {}
    return set(TOKEN.findall(str(attrs.get("name") or attrs.get("project_id") or first.get("name") or "").lower()))


def non_production_store(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted store only held a non-production environment's data, or None. Its own environment tag says so
    (`labelled_non_production`: no production word in its name or labels, deletion protection off), and nothing
    beside the tag says otherwise: neither its own name nor the scope it lives in says production, no
    data-classification label says customer or regulated data, no lifetime label still runs past the plan, and
    nothing the plan keeps still names it (a kept policy, machine or record pointing at it is a partial teardown:
    its user loses the data)."""
    why = labelled_non_production(change)
    attrs = change.before if isinstance(change.before, dict) else {}
    if why is None or real_data(label_pairs(attrs)) or _scope_says_production(attrs) or _lives_on(attrs, ri):
        return None
    if change.action is Action.REPLACE:  # re-made under the same name: what names it finds the new one
        return f"{why}: the data of a non-production environment, re-made"
    if mentioned_by_kept(attrs, ri) is not None:
        return None
    return f"{why}; nothing the plan keeps names it: the data of a non-production environment"


# Settings that name a store (its bucket, instance or dataset) or the scope it lives in.
STORE_NAMES = ("bucket", "identifier", "cluster_identifier", "dataset_id", "db_name", "display_name")


def non_production_key(change: Change, ri: ReviewInput, stateful: Callable[[str], bool]) -> str | None:
    """Why a deleted key or secret only served a non-production environment's data, or None: it is judged like a
    store by its own tag (`non_production_store`), and the data it encrypted goes in the same plan: a store the plan
    deletes names it (a sandbox's database with its `kms_key_id`). A key deleted alone may still be the only way to
    read copies kept elsewhere."""
    why = non_production_store(change, ri)
    attrs = change.before if isinstance(change.before, dict) else {}
    own = {v for key in ("id", "arn", "key_id", "name") if isinstance(v := attrs.get(key), str) and len(v) >= 6}
    if why is None or not own:
        return None
    store = next((other for other in plan_view(ri).of(Action.DELETE) if other is not change
                  and stateful(other.type) and own & set(string_leaves(other.before))), None)
    return None if store is None else f"{why}; what it encrypted, {store.address}, goes in this plan too"


def _scope_says_production(attrs: dict[str, object]) -> bool:
    """Whether the store's own name or the scope it lives in (`acme-prod`) says production."""
    return any(set(TOKEN.findall(str(attrs[key]).lower())) & PRODUCTION_TOKENS
               for key in (*SCOPE_KEYS, *STORE_NAMES) if isinstance(attrs.get(key), str))


def _lives_on(attrs: dict[str, object], ri: ReviewInput) -> bool:
    """Whether the store's own lifetime label (`expires = 2031-01-01`) names a moment after the plan was made."""
    planned = plan_time(ri)
    return planned is not None and any((end := instant(value)) is not None and end > planned
                                       for _, value in lifetime_labels(attrs))


def _unattached_volume(resource_type: str, attrs: dict[str, object]) -> bool:
    """Whether a volume says which machine it is attached to, and that is none (every attachment setting empty)."""
    attached = [value for key, value in attrs.items() if ATTACHMENT_KEYS.match(key)]
    return bool(VOLUMES.search(resource_type)) and bool(attached) and all(v in (None, "", [], 0) for v in attached)


def disks_kept(value: object) -> bool:
    """Whether any disk setting, at any depth, keeps a disk after its machine is destroyed."""
    if isinstance(value, dict):
        return any(value.get(key) is False for key in DISK_KEPT) or any(disks_kept(v) for v in value.values())
    if isinstance(value, list):
        return any(disks_kept(v) for v in value)
    return False


def _runs_data_engine(attrs: dict[str, object]) -> bool:
    """Whether a release or workload runs a data engine (chart, image or name says postgresql, redis, kafka…)."""
    text = " ".join(str(attrs.get(key) or "") for key in ("chart", "name", "repository", "image"))
    return any(DATA_ENGINES.search(word) for word in TOKEN.findall(text.lower()))


def _own_words(attrs: dict[str, object], *keys: str) -> set[str]:
    """The words of an object's own top-level string settings KEYS."""
    return {w for key in keys if isinstance(value := attrs.get(key), str) for w in TOKEN.findall(value.lower())}


def attributes_disposable(change: Change) -> str | None:
    """Why the object's own settings say it holds nothing lasting (non-durable, auto-deleted, paused, short
    retention), or None. Labels do not count here: they are judged by `self_disposable`."""
    attrs = change.before if isinstance(change.before, dict) else {}
    if attrs.get("durable") is False or attrs.get("auto_delete") is True:
        return "it is non-durable or auto-deleted by design"
    if attrs.get("ephemeral") is True or attrs.get("temporary") is True:
        return "it is marked ephemeral"
    if any(attrs.get(key) not in (None, "", 0, "0") for key in EXPIRY_SETTINGS):
        return "its own settings give it an expiry time: it was made to be deleted"
    status = str(attrs.get("status") or attrs.get("state") or "").lower()
    if MONITORS.search(change.type) and (status in ("paused", "disabled") or attrs.get("enabled") is False
                                         or attrs.get("paused") is True):
        return "a monitor already paused or disabled: no coverage is lost"
    if RUNNERS.search(change.type) and not NOT_RUNNERS.search(change.type) \
            and (status in ("paused", "disabled", "inactive", "stopped") or attrs.get("active") is False
                 or attrs.get("enabled") is False or attrs.get("paused") is True):
        return "its own settings say it is inactive: it runs nothing"
    if SIGN_IN_APPS.search(change.type) and (status in ("inactive", "disabled", "suspended")
                                             or attrs.get("enabled") is False or attrs.get("active") is False):
        return "a sign-in app its own status says is inactive: no one signs in through it"
    tokens = label_tokens(attrs)
    name = set(TOKEN.findall(str(attrs.get("name") or "").lower()))
    # A monitor's own environment or project setting (Sentry's `environment = "dev"`, `project = "sandbox-x"`).
    envs = env_words(attrs) | _own_words(attrs, "environment", "env")
    name |= _own_words(attrs, "project")
    if (MONITORS.search(change.type) or re.match(MONITORING_PROVIDERS, change.type)) \
            and ((tokens | name | _own_words(attrs, "description", "comment")) & RETIRED_TOKENS
                 or envs & NON_PRODUCTION_ENVS or name & NAMED_ENVS) \
            and not (tokens | name) & PRODUCTION_TOKENS:
        return "a monitor whose own tags or name say it watches non-production or is retired"
    counts = [value for key, value in attrs.items() if CONTENT_COUNTS.match(key)]
    if counts and all(isinstance(value, int) and not isinstance(value, bool) and value == 0 for value in counts):
        return "the store reports itself empty"
    days = attrs.get("retention_in_days")
    if "log" in change.type and isinstance(days, int) and 0 < days <= SHORT_RETENTION_DAYS:
        return f"a log store keeping only {days} days"
    return None


# An object's own expiry time (a BigQuery table's `expiration_time`): set, it deletes itself.
EXPIRY_SETTINGS = ("expiration_time", "expire_time", "expires_at_time")
# Words of a container's own name that agree with a disposable label (`pr-412`, `preview-checkout`, `tmp-load`).
DISPOSABLE_NAME_WORDS = NAMED_DISPOSABLE | NON_PRODUCTION_ENVS | {"tmp", "temp", "pr", "mr", "review", "feature",
                                                                 "ci", "scratch", "e2e", "demo", "poc", "spike",
                                                                 "hackweek", "hackathon", "workshop", "training",
                                                                 "trial", "experiment"}


def _named_like_its_labels(attrs: dict[str, object]) -> bool:
    """Whether a container's own name agrees with its disposable label: a disposable or non-production word, or a
    number. A namespace, project or resource group holds everything inside it: a label alone (`lifecycle = tmp` on
    the `payments` namespace) is one line anyone can set, and a name that only says what lives there outweighs it."""
    words = _container_name_words(attrs)
    # a dated or numbered instance (`hackweek-2026`, `load-7`) is one of a series made for a while
    return bool(words & DISPOSABLE_NAME_WORDS) or any(word.isdigit() for word in words)


def self_disposable(change: Change, stateful: bool) -> str | None:
    """Why the object says it is disposable, or None; a store (stateful, not compute) needs attributes, not labels."""
    why = attributes_disposable(change)
    if why is not None:
        return why
    attrs = change.before if isinstance(change.before, dict) else {}
    compute = bool(COMPUTE.search(change.type) or PROCESSING.search(change.type) or MACHINE_KEYS & attrs.keys()) \
        and not DATA_ENGINES.search(change.type)
    if compute and (disks_kept(attrs) or any(EXTRA_DISKS.search(key) and value not in (None, [], {}, "")
                                              for key, value in attrs.items())):
        return None
    if labelled_disposable(attrs) and (not stateful or compute or (CONTAINERS.search(change.type)
                                                                   and _named_like_its_labels(attrs))):
        return "labelled ephemeral, temporary, preview, CI or test fixture"
    if change.action is Action.DELETE and labelled_disposable(attrs) and _unattached_volume(change.type, attrs):
        return "a volume attached to no machine, labelled ephemeral, temporary, CI or test fixture: scratch space"
    if change.action is Action.DELETE and synthetic_data(label_pairs(attrs)) and (env := non_production_env(attrs)):
        return f"a {env} store its own labels say holds synthetic data"
    name = set(TOKEN.findall(str(attrs.get("name") or "").lower()))
    if compute and name & NAMED_DISPOSABLE and not (name | label_tokens(attrs)) & PRODUCTION_TOKENS \
            and change.action is Action.DELETE:
        return "a machine its own name says is ephemeral, with no disk of its own kept"
    if (env := non_production_env(attrs)) and (compute or COMPUTE_CLUSTERS.search(change.type)) \
            and change.action is Action.DELETE and not DATA_ENGINES.search(change.type):
        return f"{env} compute whose disks go with it: it keeps no data of its own"
    if QUERY_COMPUTE.search(change.type) and change.action is Action.DELETE:
        words = _own_words(attrs, "name", "comment", "description") | env_words(attrs)
        if (envs := sorted(words & NON_PRODUCTION_ENVS)) and not (words | label_tokens(attrs)) & PRODUCTION_TOKENS:
            return f"{envs[0]} query compute: it runs queries and holds no data"
    key = preview_key(change) or preview_namespace(attrs)
    if key is not None and (not stateful or CONTAINERS.search(change.type)) and not _runs_data_engine(attrs):
        return f"its for_each key, module or namespace {key} names a preview environment that is gone"
    if key is not None and _named_for(attrs, key):
        if kept := _keeps_no_copy(attrs):
            return (f"a store of the gone preview environment {key}, named for it, whose own settings keep no copy "
                    f"({kept})")
        if IN_FLIGHT.search(change.type):
            return f"a queue or instance of the gone preview environment {key}, named for it: nothing it holds lasts"
        if ABOUT_ITS_ENVIRONMENT.search(change.type):
            return (f"the logs or a setting of the gone preview environment {key}, named for it: what it holds was "
                    "about that environment alone")
    return None


# Stores that hold only what is passing through (a queue's or topic's messages) or nothing of their own (a database
# cluster's instance: the data lives in the cluster's volume).
IN_FLIGHT = lazy_compile(r"queue|topic|subscription|cluster_instance")


# Stores whose content is only about the environment they serve: its log output, its configuration and the
# credentials its own parts use. Once the environment is gone, none of it is anyone's data.
ABOUT_ITS_ENVIRONMENT = lazy_compile(r"log_group|log_stream|logs?$|ssm_parameter|(?:^|_)(?:parameter|config_?map|"
                                     r"secret)$")


# Settings by which a store says no copy of it is kept once it goes: no final snapshot, no automated backups, a
# secret deleted with no recovery window, a bucket its owner lets Terraform empty.
NO_COPY = (("skip_final_snapshot", True), ("backup_retention_period", 0), ("recovery_window_in_days", 0),
           ("snapshot_retention_limit", 0), ("force_destroy", True))


def _keeps_no_copy(attrs: dict[str, object]) -> str | None:
    said = [f"{key} = {str(value).lower()}" for key, value in NO_COPY
            if key in attrs and attrs[key] == value and type(attrs[key]) is type(value)]
    return ", ".join(said) or None


def _named_for(attrs: dict[str, object], key: str) -> bool:
    """Whether the object's own name or identifier carries the preview key (`storefront-pr-1432` for `pr-1432`)."""
    names = [attrs.get(k) for k in ("identifier", "name", "cluster_identifier", "replication_group_id", "bucket")]
    return any(isinstance(n, str) and key.lower() in n.lower() for n in names)


def teardown(change: Change, ri: ReviewInput, stateful: Callable[[str], bool]) -> str | None:
    """Why a delete is a disposable teardown, or None: the object says so itself, or its module instance goes
    whole (key gone) with a member that says so and no store that does not, or it is a stateless object named
    for the disposable members of its module that go with it (their security group)."""
    keeps_data = stateful(change.type)
    why = self_disposable(change, keeps_data) or _overlay_of_disposable(change, ri, stateful) \
        or _past_its_end(change, ri, keeps_data)
    if why is not None or change.module is None:
        return why
    group = _module_teardown(ri, change.module, stateful)
    if group is None:
        return None
    text = json.dumps(change.before) if group.by_preview else ""
    members = [c for c in group.everywhere if c is not change]
    members += [c for preview, held in group.by_preview.items() if preview in text for c in held if c is not change]
    if members and change.action_reason in KEYED:
        return "its whole module instance goes, with members marked disposable"
    if members and not stateful(change.type) and _names(change) & {w for c in members for w in _names(c)}:
        return "it served the disposable objects of its module that go with it"
    return None


def _past_its_end(change: Change, ri: ReviewInput, stateful: bool) -> str | None:
    """Why an object whose own label says it expired before this plan was written is disposable: it was made to
    be gone by then. A store needs more than a label (self_disposable); a container its own name as well."""
    attrs = change.before if isinstance(change.before, dict) else {}
    now = plan_time(ri)
    if now is None or change.action is not Action.DELETE or (label_tokens(attrs) & PRODUCTION_TOKENS):
        return None
    if stateful and not (CONTAINERS.search(change.type) and _named_like_its_labels(attrs)):
        return None
    end = expired_on(attrs, now)
    return None if end is None else f"its own label says it expires on {end}, before this plan was written"


@dataclass(frozen=True)
class _Teardown:
    """The deletes of one module instance that say they are disposable: those that vouch for every other delete
    of the instance, and those that vouch only for deletes naming their preview namespace (_preview_of)."""

    everywhere: list[Change]
    by_preview: dict[str, list[Change]]


def _module_teardown(ri: ReviewInput, module: str, stateful: Callable[[str], bool]) -> _Teardown | None:
    """The disposable members of MODULE's deletes, read once per plan (not once per delete: a teardown of
    thousands of objects in one module stays linear); None when a store among them does not say it is disposable."""
    def read(view: PlanView) -> _Teardown | None:
        group = view.deletes_by_module.get(module, [])
        if any(stateful(c.type) and self_disposable(c, True) is None for c in group):
            return None
        everywhere: list[Change] = []
        by_preview: dict[str, list[Change]] = {}
        for member in (c for c in group if self_disposable(c, stateful(c.type))):
            preview = _preview_of(member)
            if preview is None:
                everywhere.append(member)
            else:
                by_preview.setdefault(preview, []).append(member)
        return _Teardown(everywhere, by_preview)
    return plan_view(ri).derived(f"teardown:{module}:{stateful.__module__}.{stateful.__qualname__}", read)


def _preview_of(member: Change) -> str | None:
    """The preview namespace a member is disposable by, when that is what vouches for it (its for_each key or module
    does not): it vouches only for deletes that name that preview too (a cluster-wide release in its own namespace
    is no part of a pull request's preview)."""
    attrs = member.before if isinstance(member.before, dict) else {}
    return None if preview_key(member) is not None else preview_namespace(attrs)


def _overlay_of_disposable(change: Change, ri: ReviewInput, stateful: Callable[[str], bool]) -> str | None:
    """Why a copy-on-write disk over a base image goes with its machine: the machine is deleted too and says
    it is disposable; else None."""
    attrs = change.before if isinstance(change.before, dict) else {}
    ident = attrs.get("id")
    if change.action is not Action.DELETE or not isinstance(ident, str) or len(ident) < 8 \
            or not any(OVERLAY_KEYS.match(k) and v for k, v in attrs.items()):
        return None
    for other in plan_view(ri).deletes_by_module.get(change.module, []):
        if other is not change and ident in repr(other.before) and self_disposable(other, stateful(other.type)):
            return f"a copy-on-write disk of {other.address}, a disposable machine deleted with it"
    return None


def _names(change: Change) -> set[str]:
    """The words (three letters or more, not numbers) of an object's name and Name tag."""
    attrs = change.before if isinstance(change.before, dict) else {}
    tags = attrs.get("tags")
    text = f"{attrs.get('name') or ''} {tags.get('Name') or '' if isinstance(tags, dict) else ''}"
    return {w for w in TOKEN.findall(text.lower()) if len(w) >= 3 and not w.isdigit()}


