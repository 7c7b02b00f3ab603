"""`tfreview github comment`: the review as one pull-request comment plus a label."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tfreview.commands.options import model_options, pop_settings_flags
from tfreview.errors import ConfigError, PlanError

if TYPE_CHECKING:
    from tfreview.integrations.github_api import Published
    from tfreview.result import ReviewResult

EXIT_SAFE, EXIT_REVIEW = 0, 1


@click.group("github")
def github_group() -> None:
    """Publish a review on GitHub: one pull-request comment, kept up to date, and a label."""


@github_group.command("comment")
@click.argument("plan", required=False, metavar="[PLAN]")
@click.option("--review", "review_file", type=click.Path(dir_okay=False, path_type=Path),
              help="A JSON review written by `tfreview review --output json=FILE` (instead of PLAN).")
@click.option("--pr", type=int, help="Pull request number.  [default: from $GITHUB_EVENT_PATH]")
@click.option("--repo", help="owner/name.  [default: $GITHUB_REPOSITORY]")
@click.option("--comment/--no-comment", "comment", default=True, show_default=True,
              help="Create or update the PR comment.")
@click.option("--label/--no-label", "label", default=True, show_default=True,
              help="Set `tfreview: likely safe` or `tfreview: needs close review` and remove the other.")
@click.option("--comment-key", default="",
              help="Keep one comment per KEY (e.g. the workspace) instead of one per PR.")
@click.option("--comment-author", metavar="LOGIN",
              help="The login tfreview comments as; only its marker comment is updated.  "
                   "[default: GET /user, or github-actions[bot] for GITHUB_TOKEN]")
@click.option("--exit-zero", is_flag=True, help="Exit 0 for both labels.")
@model_options
def comment_command(plan: str | None, review_file: Path | None, pr: int | None, repo: str | None,
                    comment: bool, label: bool, comment_key: str, comment_author: str | None, exit_zero: bool,
                    **kwargs: Any) -> None:
    """Post the review of PLAN (or of --review FILE) on the pull request, then exit 0/1 by its label.

    Uses GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL and the PR number of the pull_request or
    pull_request_target event. Only a marker comment written by tfreview's identity is updated; one by
    anyone else is ignored. When GitHub refuses (read-only token, 403/404, rate limit, an edit of
    tfreview's comment refused) nothing new is posted, the label is still computed and the exit code still
    follows it: a warning is printed and the report goes to the step summary instead.

    \b
    Examples:
      tfreview review plan.json --output json=review.json --exit-zero
      tfreview github comment --review review.json
      tfreview github comment tfplan --backend none --pr 42
    """
    from tfreview.integrations.github_actions import append_to, warning
    from tfreview.integrations.github_api import GitHubError, Published, publish, pull_request_from_env
    from tfreview.render.github import marker_for, render_github

    result = _load_or_review(plan, review_file, pop_settings_flags(kwargs), kwargs.pop("config_path"))
    try:
        target = pull_request_from_env(os.environ, pr, repo)
        published = publish(result, target, comment=comment, label=label, marker=marker_for(comment_key),
                             author=comment_author.strip() if comment_author else None)
    except GitHubError as exc:
        published = Published(warnings=[str(exc)])
    for problem in published.warnings:
        click.echo(warning(problem, os.environ), err=True)
    if published.warnings:
        note = "> ⚠️ tfreview could not update the pull request; this summary is the report.\n\n"
        append_to(os.environ, "GITHUB_STEP_SUMMARY", note + render_github(result))
    _report(published)
    click.echo(result.label_text)
    sys.exit(EXIT_SAFE if exit_zero or not result.needs_review else EXIT_REVIEW)


def _load_or_review(plan: str | None, review_file: Path | None, flags: dict[str, Any],
                    config_path: Path | None) -> ReviewResult:
    if (plan is None) == (review_file is None):
        raise ConfigError("pass either a PLAN to review or --review FILE (a JSON review), not both or neither")
    if review_file is not None:
        return load_review(review_file)
    from tfreview.pipeline.review import review
    from tfreview.settings import resolve_settings

    assert plan is not None
    settings = resolve_settings(flags, os.environ, plan_source=plan, config_path=config_path)
    return review(plan, settings)


def load_review(path: Path) -> ReviewResult:
    """Read a JSON review written by `tfreview review --format json`."""
    from pydantic import ValidationError

    from tfreview.result import ReviewResult

    try:
        return ReviewResult.model_validate_json(path.read_bytes())
    except OSError as exc:
        raise PlanError(f"cannot read the review {path}: {exc.strerror}") from exc
    except ValidationError:
        raise PlanError(f"{path} is not a tfreview JSON review — write one with "
                        "`tfreview review PLAN --output json=review.json`") from None


def _report(published: Published) -> None:
    if published.comment_url:
        click.echo(f"tfreview: comment at {published.comment_url}", err=True)
    if published.label:
        click.echo(f"tfreview: label {published.label!r} set", err=True)
