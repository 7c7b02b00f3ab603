"""`tfreview github comment` end to end against a GitHub REST double: comment, labels, failures."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.comment_reader import named_addresses
from tests.github_double import PR, REPO, TOKEN, GitHubDouble, github_env
from tests.helpers import plan_path
from tests.plan_builder import big_plan
from tfreview.cli import main
from tfreview.commands.github import github_group
from tfreview.render.github import COMMENT_LIMIT, MARKER

main.add_command(github_group)  # cli.py registers it; repeated here so the tests do not depend on that edit
SAFE, REVIEW = "tfreview: likely safe", "tfreview: needs close review"
ISSUE = f"/repos/{REPO}/issues/{PR}"


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[GitHubDouble]:
    yield from github_env(monkeypatch, tmp_path)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def review_file(tmp_path: Path, plan: str) -> Path:
    out = tmp_path / f"{plan}.review.json"
    result = run("review", str(plan_path(plan)), "--backend", "none", "--output", f"json={out}", "-q", "--exit-zero")
    assert result.exit_code == 0, result.stderr
    return out


def test_second_run_updates_the_same_comment(github: GitHubDouble, tmp_path: Path) -> None:
    github.add_comment("LGTM")
    first = run("github", "comment", "--review", str(review_file(tmp_path, "create")))
    second = run("github", "comment", "--review", str(review_file(tmp_path, "create")))
    assert (first.exit_code, second.exit_code) == (0, 0)
    ours = [c for c in github.comments.values() if c["body"].startswith(MARKER)]
    assert len(ours) == 1 and len(github.comments) == 2
    assert [m.split()[0] for m in github.mutations() if "comments" in m] == ["POST", "PATCH"]
    assert "tfreview: likely safe" in ours[0]["body"] and first.stdout == "likely safe\n"


def test_labels_are_created_then_swapped(github: GitHubDouble, tmp_path: Path) -> None:
    safe = run("github", "comment", "--review", str(review_file(tmp_path, "create")))
    assert safe.exit_code == 0 and github.pr_labels == [SAFE]
    risky = run("github", "comment", "--review", str(review_file(tmp_path, "failing_check")))
    assert risky.exit_code == 1 and risky.stdout == "needs close review\n"
    assert github.pr_labels == [REVIEW] and github.repo_labels == {SAFE, REVIEW}
    assert f"DELETE {ISSUE}/labels/{SAFE}" in [m.replace("%3A", ":").replace("%20", " ") for m in github.mutations()]


def test_marker_found_on_a_later_page(github: GitHubDouble, tmp_path: Path) -> None:
    for n in range(130):
        github.add_comment(f"comment {n}")
    ours = github.add_comment(f"{MARKER}\nold report", "github-actions[bot]", "Bot")
    for n in range(40):
        github.add_comment(f"later {n}")
    result = run("github", "comment", "--review", str(review_file(tmp_path, "update")), "--no-label")
    assert result.exit_code == 0
    assert "old report" not in github.comments[ours]["body"] and len(github.comments) == 171
    pages = [p for m, p, _ in github.requests if m == "GET" and p.endswith("/comments")]
    assert len(pages) == 2, "followed the Link header to page 2"


def tfreview_comments(github: GitHubDouble) -> list[dict[str, object]]:
    return [c for c in github.by(github.author) if str(c["body"]).startswith(MARKER)]


def test_a_marker_comment_by_someone_else_is_never_edited(github: GitHubDouble, tmp_path: Path) -> None:
    forged = github.add_comment(f"{MARKER}\n## ✅ tfreview: likely safe", "mallory")
    review = str(review_file(tmp_path, "failing_check"))
    for _ in range(2):
        assert run("github", "comment", "--review", review, "--no-label").exit_code == 1
    assert github.comments[forged]["body"] == f"{MARKER}\n## ✅ tfreview: likely safe"
    assert len(tfreview_comments(github)) == 1 and len(github.comments) == 2
    assert f"PATCH /repos/{REPO}/issues/comments/{forged}" not in github.mutations()
    assert ("GET", "/user", None) in github.requests, "asked GitHub who it is"


def test_a_personal_token_is_known_by_its_login(github: GitHubDouble, tmp_path: Path) -> None:
    github.viewer = "octo-reviewer"
    bot = github.add_comment(f"{MARKER}\nold, by the Actions bot", "github-actions[bot]", "Bot")
    mine = github.add_comment(f"{MARKER}\nold, by me", "Octo-Reviewer")  # logins compare case-insensitively
    assert run("github", "comment", "--review", str(review_file(tmp_path, "create")), "--no-label").exit_code == 0
    assert "old" not in github.comments[mine]["body"] and github.comments[bot]["body"].endswith("Actions bot")
    assert len(github.comments) == 2


def test_comment_author_flag_names_a_github_app(github: GitHubDouble, tmp_path: Path) -> None:
    ours = github.add_comment(f"{MARKER}\nold", "tfreview-app[bot]", "Bot")
    github.add_comment(f"{MARKER}\nforged", "github-actions[bot]", "Bot")
    result = run("github", "comment", "--review", str(review_file(tmp_path, "create")), "--no-label",
                 "--comment-author", "tfreview-app[bot]")
    assert result.exit_code == 0 and github.comments[ours]["body"] != f"{MARKER}\nold"
    assert all(p != "/user" for _, p, _ in github.requests), "the flag replaces the /user call"
    assert [c["body"] for c in github.by("github-actions[bot]")] == [f"{MARKER}\nforged"]


@pytest.mark.parametrize("status", [403, 404, 422])
def test_a_refused_edit_never_becomes_a_new_comment(github: GitHubDouble, tmp_path: Path, status: int) -> None:
    ours = github.add_comment(f"{MARKER}\nold", "github-actions[bot]", "Bot")
    github.fail("PATCH", rf"/repos/{REPO}/issues/comments/{ours}", status, "Refused")
    review = str(review_file(tmp_path, "failing_check"))
    for _ in range(2):
        result = run("github", "comment", "--review", review, "--no-label")
        assert result.exit_code == 1 and "no new one was posted" in result.stderr
    assert len(tfreview_comments(github)) == 1 and github.comments[ours]["body"] == f"{MARKER}\nold"
    assert not any(m.startswith("POST") for m in github.mutations())
    assert "could not update the pull request" in (tmp_path / "summary.md").read_text()


def test_no_marker_comment_posts_without_asking_who_it_is(github: GitHubDouble, tmp_path: Path) -> None:
    assert run("github", "comment", "--review", str(review_file(tmp_path, "create")), "--no-label").exit_code == 0
    assert [p for _, p, _ in github.requests] == [f"{ISSUE}/comments", f"{ISSUE}/comments"]


FAILURES = {
    "read-only-403": [("POST", f"{ISSUE}/comments", 403, "Resource not accessible by integration", {}),
                      ("POST", f"{ISSUE}/labels", 403, "Resource not accessible by integration", {})],
    "not-found-404": [("GET", f"{ISSUE}/comments", 404, "Not Found", {}),
                      ("POST", f"{ISSUE}/labels", 404, "Not Found", {})],
    "primary-rate-limit": [("GET", f"{ISSUE}/comments", 403, "API rate limit exceeded",
                            {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1767225600"})],
    "secondary-rate-limit": [("GET", f"{ISSUE}/comments", 429, "You have exceeded a secondary rate limit",
                              {"retry-after": "60"})],
}
EXPECTED = {"read-only-403": "pull-requests: write", "not-found-404": "404",
            "primary-rate-limit": "rate limit exhausted", "secondary-rate-limit": "retry after 60 s"}


@pytest.mark.parametrize("scenario", list(FAILURES))
def test_github_refusals_warn_degrade_and_keep_the_label(github: GitHubDouble, tmp_path: Path, scenario: str) -> None:
    for method, path, status, message, headers in FAILURES[scenario]:
        github.fail(method, path, status, message, headers)
    result = run("github", "comment", "--review", str(review_file(tmp_path, "failing_check")))
    assert result.exit_code == 1 and result.stdout == "needs close review\n"
    warnings = [line for line in result.stderr.splitlines() if line.startswith("tfreview: warning:")]
    assert warnings and EXPECTED[scenario] in result.stderr
    summary = (tmp_path / "summary.md").read_text()
    assert "could not update the pull request" in summary and "needs close review" in summary
    assert TOKEN not in result.stderr + result.stdout + summary
    if "rate-limit" in scenario:
        assert len(github.requests) == 1, "no further calls once rate limited"


def test_not_a_pull_request_event_degrades(github: GitHubDouble, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    push = tmp_path / "push.json"
    push.write_text(json.dumps({"ref": "refs/heads/main"}))
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(push))
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = run("github", "comment", "--review", str(review_file(tmp_path, "create")))
    assert result.exit_code == 0 and github.requests == []
    assert "::warning title=tfreview::no pull request number" in result.stderr and "--pr NUMBER" in result.stderr


def test_pr_flag_overrides_the_event(github: GitHubDouble, tmp_path: Path) -> None:
    result = run("github", "comment", "--review", str(review_file(tmp_path, "create")), "--pr", "99", "--no-label")
    assert result.exit_code == 0 and "404" in result.stderr
    assert github.requests[0][1] == f"/repos/{REPO}/issues/99/comments"


def test_2000_change_plan_fits_and_names_every_delete(github: GitHubDouble, tmp_path: Path) -> None:
    plan = tmp_path / "big.json"
    deleted = big_plan(plan, {"delete": 600, "replace": 200, "update": 800, "create": 400})
    result = run("github", "comment", str(plan), "--backend", "none")
    assert result.exit_code == 1, result.stderr
    body = next(iter(github.comments.values()))["body"]
    assert len(body) < COMMENT_LIMIT and body.startswith(MARKER)
    assert "tfreview: needs close review" in body and "Shortened to fit" in body
    named = set(named_addresses(body))
    assert set(deleted) <= named
    assert all(f"module.fleet_eu_west_1.aws_instance.replace_worker_node[{i}]" in named for i in range(200))
    assert "`module.fleet_eu_west_1.aws_instance.delete_worker_node[0..599]` is destroyed because its block " \
           "was removed from the configuration" in body  # one line, the reason kept


def test_every_delete_named_when_all_2000_changes_are_deletes(github: GitHubDouble, tmp_path: Path) -> None:
    plan = tmp_path / "all-deletes.json"
    deleted = big_plan(plan, {"delete": 2000}, module="module.x")
    run("github", "comment", str(plan), "--backend", "none", "--no-label")
    body = next(iter(github.comments.values()))["body"]
    assert len(body) < COMMENT_LIMIT
    assert set(deleted) <= set(named_addresses(body))
    assert "`module.x.aws_instance.delete_worker_node[0..1999]`" in body  # one range, not 2,000 names


def test_comment_key_keeps_one_comment_per_workspace(github: GitHubDouble, tmp_path: Path) -> None:
    review = str(review_file(tmp_path, "create"))
    for key in ("prod", "staging", "prod"):
        run("github", "comment", "--review", review, "--comment-key", key, "--no-label")
    assert sorted(c["body"].splitlines()[0] for c in github.comments.values()) == [
        "<!-- tfreview:prod -->", "<!-- tfreview:staging -->"]


@pytest.mark.parametrize(("args", "message"), [
    (["github", "comment"], "pass either a PLAN"),
    (["github", "comment", "--review", "missing.json"], "cannot read the review missing.json"),
    (["github", "comment", "--review", str(plan_path("create"))], "is not a tfreview JSON review"),
], ids=["nothing", "missing", "a-plan-not-a-review"])
def test_bad_input_exits_2(github: GitHubDouble, args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2 and message in result.stderr and github.requests == []
