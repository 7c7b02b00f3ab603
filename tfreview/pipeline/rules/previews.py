"""Preview (pull-request) environments by key, module or namespace (risk rules stage; feeds the delete grading
of `resource-delete` through disposable.py, and ephemeral.py).

A for_each key (`pr-1811`, `preview-x`), a module call or key (`preview_pr_412`, `mr_7`) or a namespace
(`preview/pr-42`) names one pull request's preview environment; an object deleted because that key or module
instance is gone is that environment's teardown.
"""

from __future__ import annotations

import re

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change

# A for_each key that names a preview or pull-request environment (pr-1811, preview-x, review-app-3, mr-12).
PREVIEW_KEY = lazy_compile(r"^(?:(?:pr|mr)[-_]?\d+|(?:preview|review)(?:[-_].+)?)$", re.IGNORECASE)
_KEY = lazy_compile(r'\["([^"]*)"\]$')
# Teardown by key: the object went because its for_each key or module instance is gone.
KEYED = frozenset({"delete_because_each_key", "delete_because_no_module", "delete_because_count_index"})
# A module call or module key that names one pull request's preview environment (preview_pr_412, pr-88, mr_7):
# bare `review…` names are left out here (a product's reviews service is no preview).
PREVIEW_MODULE = lazy_compile(r"^(?:preview(?:[-_].+)?|(?:.+[-_])?(?:pr|mr)[-_]?\d+)$", re.IGNORECASE)
_MODULE_STEP = lazy_compile(r'module\.([\w-]+)(?:\["([^"]*)"\]|\[\d+\])?')


def preview_key(change: Change) -> str | None:
    """The for_each key of an object deleted because its key is gone, or the module (its call name or key) of one
    deleted with its module instance or count, when it names a preview or PR environment."""
    match = _KEY.search(change.address)
    if change.action_reason == "delete_because_each_key" and match is not None and PREVIEW_KEY.match(match[1]):
        return match[1]
    if change.action_reason not in KEYED or not change.module:
        return None
    for name, key in _MODULE_STEP.findall(change.module):
        for word in (key, name):
            if word and PREVIEW_MODULE.match(word):
                return str(word)
    return None


def preview_namespace(attrs: dict[str, object]) -> str | None:
    """The namespace, name or path of an object (top level or in its Kubernetes metadata), or one step of it,
    when it names one pull request's preview environment (`preview-pr-1841`, `review-pr-88`, `preview/pr-42`)."""
    metadata = attrs.get("metadata")
    block = metadata[0] if isinstance(metadata, list) and metadata else metadata
    own = [block.get(key) for key in ("namespace", "name")] if isinstance(block, dict) else []
    values = [*own, *(attrs.get(key) for key in ("namespace", "name", "path"))]
    return next((step for value in values if isinstance(value, str) for step in (value, *value.split("/"))
                 if step and PREVIEW_MODULE.match(step)), None)


# One pull request's number as the last step of an object's own name (`acme-web-preview-pr-4821`, `docs-mr_77`).
PULL_REQUEST_NAME = lazy_compile(r"(?:^|[-_.])(?:pr|mr)[-_]?\d+$", re.IGNORECASE)
# The settings that hold an object's own name, whatever the provider calls it.
OWN_NAMES = ("name", "bucket", "identifier", "label", "title")


def preview_named(change: Change) -> str | None:
    """The object's own name, when the object goes because its module instance or key is gone and that name ends
    in one pull request's number (`acme-web-preview-pr-4821`): it was made for that pull request; else None."""
    attrs = change.before if isinstance(change.before, dict) else {}
    if change.action_reason not in KEYED:
        return None
    return next((str(attrs[key]) for key in OWN_NAMES
                 if isinstance(attrs.get(key), str) and PULL_REQUEST_NAME.search(attrs[key])), None)

