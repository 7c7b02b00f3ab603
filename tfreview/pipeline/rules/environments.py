"""What an object's own labels and tags say about its environment (risk rules stage; feeds the delete and
replace grading of `resource-delete`/`resource-replace` through disposable.py, and the rules that read
non-production: purposes.py, stores.py, wayback.py, rotated.py and others).

Labels, tags, annotations (maps or `key:value` lists, Cloud SQL's `settings[0].user_labels`) are read as
words; an environment word counts only under an environment key (`env:staging`, not `owner:qa`); a production
word anywhere wins over every disposable or non-production word.
"""

from __future__ import annotations

import re

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change

# Label or tag values (or keys set to true) that mark an object as made to be thrown away.
DISPOSABLE_WORDS = lazy_compile(r"^(?:ephemeral|temporary|temp|tmp|preview|ci|ci[-_ ]runner|disposable|throwaway)$",
                                re.IGNORECASE)
# Words inside a label value (`ci-fixture`, `env=test`) that mark a test or CI object; a production word anywhere in
# its labels wins over them.
DISPOSABLE_TOKENS = frozenset({"ephemeral", "temporary", "temp", "tmp", "preview", "ci", "fixture", "fixtures",
                               "disposable", "throwaway"})
PRODUCTION_TOKENS = frozenset({"prod", "production", "prd", "live"})
# Environment words, read only from an environment key's value (`env:staging`, not `owner:qa`).
ENV_KEYS = frozenset({"env", "environment", "stage", "tier"})
TEST_ENVS = frozenset({"test", "testing", "ci"})
# A preview (pull-request) or ephemeral environment is non-production too: it is made to be torn down.
NON_PRODUCTION_ENVS = frozenset({"staging", "stage", "dev", "development", "test", "testing", "qa", "sandbox",
                                 "preview", "ephemeral", "loadtest", "perf", "perftest", "benchmark"})
TOKEN = lazy_compile(r"[a-z0-9]+")
LABEL_FIELDS = ("labels", "tags", "tags_all", "metadata", "annotations", "meta",  # meta: Nomad/Consul labels
                "user_labels",  # Cloud SQL's labels, inside its one `settings` block
                "resource_labels", "freeform_tags",  # a GKE cluster's own labels; Oracle Cloud's tags
                "tag")  # an auto scaling group's `tag` blocks: {key, value, propagate_at_launch}
# The one settings block some types keep their own labels in (Cloud SQL's `settings[0].user_labels`).
SETTINGS_BLOCKS = ("settings",)
TRUE = ("true", "yes", "1")


def label_pairs(attrs: dict[str, object]) -> list[tuple[str, str]]:
    """The (key, value) pairs of an object's labels, tags or annotations (maps, or 'key:value' lists)."""
    pairs: list[tuple[str, str]] = []
    blocks = [b[0] for b in (attrs.get(k) for k in SETTINGS_BLOCKS) if isinstance(b, list) and len(b) == 1
              and isinstance(b[0], dict)]
    for field, value in ((f, place.get(f)) for place in (attrs, *blocks) for f in LABEL_FIELDS):
        if field == "metadata" and isinstance(value, list) and value and isinstance(value[0], dict):
            value = value[0].get("labels")
        if isinstance(value, dict):
            pairs += [(str(k), str(v)) for k, v in value.items()]
        elif isinstance(value, list):
            pairs += [(str(item["key"]), str(item.get("value", ""))) if isinstance(item, dict) and "key" in item
                      else tuple(str(item).partition(":")[::2]) for item in value]  # type: ignore[misc]
    return pairs


def label_tokens(attrs: dict[str, object]) -> set[str]:
    """The words of an object's label values (and of keys set to true or listed alone). A value that is a path or
    a link (`Repository = "acme/infrastructure-live"`, a URL) names where something lives, not what it is."""
    words: set[str] = set()
    for key, val in label_pairs(attrs):
        if "/" not in val:
            words |= set(TOKEN.findall(val.lower()))
        if not val.strip() or val.strip().lower() in TRUE:
            words |= set(TOKEN.findall(key.lower()))
    return words


def env_words(attrs: dict[str, object]) -> set[str]:
    """The words of the values of environment keys (env, environment, stage, tier) in labels or tags, a key under
    a domain prefix included (Kubernetes' `acme.io/env`)."""
    return {word for key, val in label_pairs(attrs) if key.strip().lower().rpartition("/")[2] in ENV_KEYS
            for word in TOKEN.findall(val.lower())}


# Environment words a module's own name or instance key may carry (`module.staging`, `module.sandbox_mlopez`,
# `module.app["dev"]`). Bare "test" and "ci" are left out: a prod module of synthetic tests or CI runners says so.
MODULE_ENVS = frozenset({"staging", "dev", "development", "sandbox", "sbx", "preview", "ephemeral", "loadtest", "qa"})


def non_production(change: Change) -> bool:
    """Whether the object's own environment tags or bare tags say non-production (`env = dev`, `["sandbox"]`), or,
    where it has none, the module it lives in is named for one (`module.staging`); and no label or module word says
    production."""
    attrs = change.after if isinstance(change.after, dict) else change.before if isinstance(change.before, dict) else {}
    module = module_words(change.module)
    if _says_production(attrs) or module & PRODUCTION_TOKENS:
        return False
    return bool((env_words(attrs) | bare_tags(attrs)) & NON_PRODUCTION_ENVS
                or (not env_words(attrs) and module & MODULE_ENVS))


def _says_production(attrs: dict[str, object]) -> bool:
    """Whether an object's labels say production. An environment tag that names a non-production environment
    decides, unless the object's own name label says production: a team or owner called `live-ops` or
    `prod-support` runs more than one environment."""
    env = env_words(attrs)
    if env & NON_PRODUCTION_ENVS and not env & PRODUCTION_TOKENS:
        return any(word in PRODUCTION_TOKENS for key, val in label_pairs(attrs) if key.strip().lower() == "name"
                   for word in TOKEN.findall(val.lower()))
    return bool(label_tokens(attrs) & PRODUCTION_TOKENS)


def module_words(module: str | None) -> frozenset[str]:
    """The words of a module path's names and instance keys (`module.sandbox_mlopez` → sandbox, mlopez)."""
    return frozenset(TOKEN.findall(module.lower())) - {"module"} if module else frozenset()


def labelled_disposable(attrs: dict[str, object]) -> bool:
    """Whether labels or tags mark the object ephemeral, temporary, preview, CI or a test fixture (a whole value,
    or a word of one), and none says production."""
    tokens = label_tokens(attrs)
    if tokens & PRODUCTION_TOKENS:
        return False
    for key, val in label_pairs(attrs):
        if DISPOSABLE_WORDS.match(val.strip()) or (DISPOSABLE_WORDS.match(key.strip())
                                                   and val.strip().lower() in TRUE):
            return True
    return bool(tokens & DISPOSABLE_TOKENS or env_words(attrs) & TEST_ENVS)


def bare_tags(attrs: dict[str, object]) -> set[str]:
    """The words of tags that are a word alone (DigitalOcean's and Google's tag lists: `["sandbox", "loadtest"]`)."""
    return {word for key, val in label_pairs(attrs) if not val.strip() for word in TOKEN.findall(key.lower())}


def non_production_env(attrs: dict[str, object]) -> str | None:
    """The non-production environment an object's own environment tag or bare tag names (`env: sandbox`, a tag
    `staging`), when nothing in its labels or name says production; else None."""
    bare = bare_tags(attrs)
    words = (env_words(attrs) | bare) & NON_PRODUCTION_ENVS
    name = set(TOKEN.findall(str(attrs.get("name") or "").lower()))
    if not words or (label_tokens(attrs) | bare | name) & PRODUCTION_TOKENS:
        return None
    return sorted(words)[0]
