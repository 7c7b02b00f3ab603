"""Branch deployments of hosted apps (risk rules stage; feeds the delete grading of `resource-delete` in ladders.py):
an app host's deployment of one git branch (Amplify's `aws_amplify_branch`, any provider's) that is not the
production branch is rebuilt from git on the next push; deleting it loses no data. One that serves a custom domain,
or whose branch or stage says production, is not."""

from __future__ import annotations

import re

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.rules.common import as_dict

BRANCH_TYPE = lazy_compile(r"_branch$")
# What makes the object a build of an app, not a git branch or a database branch: the app it deploys and its build.
APP_KEYS = ("app_id", "site_id", "application_id")
BUILD_KEYS = ("framework", "enable_auto_build", "build_spec", "build_command", "stage")
PRODUCTION = lazy_compile(r"^(?:main|master|trunk|prod|production|live|release(?:[-/_].*)?|stable)$", re.IGNORECASE)
PRODUCTION_STAGE = lazy_compile(r"prod", re.IGNORECASE)


def feature_branch(change: Change) -> str | None:
    """Why deleting this branch deployment loses nothing, or None."""
    before = as_dict(change.before)
    if not BRANCH_TYPE.search(change.type) or not any(before.get(k) for k in APP_KEYS) \
            or not any(before.get(k) not in (None, "") for k in BUILD_KEYS):
        return None
    branch = before.get("branch_name") or before.get("branch")
    stage = str(before.get("stage") or "")
    if not isinstance(branch, str) or not branch or PRODUCTION.match(branch) or PRODUCTION_STAGE.search(stage) \
            or before.get("custom_domains") or before.get("domain") or before.get("domain_name"):
        return None
    return f"a deployment of git branch {branch!r} of a hosted app, not its production branch: rebuilt from git"
