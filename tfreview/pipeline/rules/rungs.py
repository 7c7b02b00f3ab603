"""What a rung of the delete and replace ladders is (ladders.py walks them; deleteladder.py and replaceladder.py
hold them), and the small graders both ladders share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.findings import ReviewInput, Severity
from tfreview.pipeline.rules.jobs import standing
from tfreview.pipeline.rules.kinds import RUN_ONCE, RUN_ONCE_EXCEPT
from tfreview.pipeline.rules.narrowing import CREDENTIAL_TYPES, KEY_STORES, issued_token, pushed_secret, user_password

# A build definition (a CodeBuild project, a Cloud Build trigger, a DevOps build definition): the recipe of a build,
# holding no data; its runs' logs and artifacts live in stores of their own, which a plan deletes separately.
BUILD_DEFINITIONS = lazy_compile(r"(?:^|_)(?:codebuild|cloudbuild|build)_(?:project|trigger|definition|pipeline"
                                 r"|job|plan|config|configuration)s?$")

# A grader says why a delete or replace is graded below the default (a suffix for the message), or None.
Grader = Callable[[Change, ReviewInput], "str | None"]


@dataclass(frozen=True)
class Grade:
    """One rung of a ladder: when `test` answers, the change is graded `severity`; `loses` says whether what goes
    is lost (counted by scale-deletes) or comes back or was disposable."""

    test: Grader
    severity: Severity
    loses: bool = False


def when(predicate: Callable[[Change], bool], why: str) -> Grader:
    """A grader that gives WHY whenever PREDICATE holds."""
    return lambda change, _ri: f" ({why})" if predicate(change) else None


def paren(why: str | None) -> str | None:
    """' (WHY)', or None."""
    return None if why is None else f" ({why})"


def run_once(change: Change) -> bool:
    """Whether a type is a run-once job (not a schedule, definition or dataset)."""
    return bool(RUN_ONCE.search(change.type)) and not RUN_ONCE_EXCEPT.search(change.type) and not standing(change)


def is_credential(change: Change) -> bool:
    """Whether a type is a credential itself (not a key vault or crypto key), a pushed copy of a secret, or one
    user's password."""
    return (bool(CREDENTIAL_TYPES.search(change.type)) and not KEY_STORES.search(change.type)) \
        or pushed_secret(change) or user_password(change) or issued_token(change)


def build_definition(change: Change) -> bool:
    """Whether a type is the definition of a build (not a store of its reports, caches or artifacts)."""
    return bool(BUILD_DEFINITIONS.search(change.type))
