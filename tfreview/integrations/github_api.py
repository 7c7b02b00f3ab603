"""Post the review on a pull request: one comment found again by its hidden marker and author, and one label.

Only a comment that tfreview's own identity wrote is ever updated: anyone on a pull request can post a
comment that carries the marker, and a repository token may edit other people's comments. The identity
is `GET /user`'s login (a personal or fine-grained token), `github-actions[bot]` when `/user` answers
403 "Resource not accessible by integration" (as it does for the workflow's GITHUB_TOKEN), or the login
given with `--comment-author` (a GitHub App's `NAME[bot]`). When GitHub refuses to update tfreview's own
comment, the run reports it and posts nothing new, so repeated runs never pile up comments.

REST endpoints (https://docs.github.com/en/rest/issues): list issue comments (paginated, Link header),
create and update an issue comment, add labels to an issue, remove a label from an issue, create a
label. Pull requests are issues here. Rate limits answer 403 or 429 with `x-ratelimit-remaining: 0`
(primary) or a message and `retry-after` (secondary); tfreview does not retry, it reports and degrades.
Nothing here ever puts the token in a message.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

import httpx

from tfreview import __version__
from tfreview.errors import TfreviewError
from tfreview.labels import Label
from tfreview.render.github import MARKER, render_github
from tfreview.result import ReviewResult

DEFAULT_API_URL = "https://api.github.com"
ACTIONS_BOT = "github-actions[bot]"  # the author of comments made with a workflow's GITHUB_TOKEN
PR_LABELS = {Label.LIKELY_SAFE: "tfreview: likely safe", Label.NEEDS_CLOSE_REVIEW: "tfreview: needs close review"}
LABEL_COLORS = {Label.LIKELY_SAFE: "2da44e", Label.NEEDS_CLOSE_REVIEW: "d1242f"}
TIMEOUT_S = 30.0
READ_ONLY_HINT = ("the token may be read-only (pull_request runs from forks get one): give the job "
                  "`permissions: pull-requests: write`, or read the report in the step summary")


class GitHubError(TfreviewError):
    """A GitHub API call failed; the review's label stands and the report degrades to the step summary."""

    def __init__(self, message: str, *, status: int | None = None, rate_limited: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.rate_limited = rate_limited


@dataclass(frozen=True)
class PullRequest:
    """Where to publish: the API, the repository and the pull request, and the token to use."""

    api_url: str
    repository: str
    number: int
    token: str = field(repr=False)


@dataclass
class Published:
    """What publishing did, and what it could not do."""

    comment_url: str | None = None
    label: str | None = None
    warnings: list[str] = field(default_factory=list)


def pull_request_from_env(env: Mapping[str, str], pr: int | None = None, repository: str | None = None) -> PullRequest:
    """Read GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL and the PR number (--pr or the event payload)."""
    token = env.get("GITHUB_TOKEN") or env.get("GH_TOKEN")
    if not token:
        raise GitHubError("GITHUB_TOKEN is not set — pass `env: GITHUB_TOKEN: ${{ github.token }}` to the step")
    repository = repository or env.get("GITHUB_REPOSITORY")
    if not repository or repository.count("/") != 1:
        raise GitHubError("GITHUB_REPOSITORY is not set to owner/name — pass --repo owner/name")
    number = pr or _event_pr_number(env.get("GITHUB_EVENT_PATH"))
    if number is None:
        raise GitHubError("no pull request number: this is not a pull_request or pull_request_target event — "
                          "pass --pr NUMBER")
    api_url = (env.get("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/")
    return PullRequest(api_url=api_url, repository=repository, number=number, token=token)


def _event_pr_number(event_path: str | None) -> int | None:
    """`pull_request.number` from the webhook payload (same place for pull_request and pull_request_target)."""
    if not event_path:
        return None
    try:
        event = json.loads(Path(event_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    number = (event.get("pull_request") or {}).get("number") if isinstance(event, dict) else None
    return number if isinstance(number, int) else None


def publish(result: ReviewResult, target: PullRequest, *, comment: bool = True, label: bool = True,
            marker: str = MARKER, author: str | None = None,
            transport: httpx.BaseTransport | None = None) -> Published:
    """Create or update the comment and swap the label; failures become warnings, never exceptions.

    AUTHOR is the login whose marker comment is tfreview's own; None asks GitHub (`GET /user`).
    """
    published = Published()
    with GitHubClient(target, transport=transport) as client:
        steps = [("comment", comment), ("label", label)]
        for step, wanted in steps:
            if not wanted:
                continue
            try:
                if step == "comment":
                    published.comment_url = client.upsert_comment(render_github(result, marker=marker), marker,
                                                                  author)
                else:
                    published.label = client.swap_label(result.label)
            except GitHubError as exc:
                published.warnings.append(f"could not {'post the comment' if step == 'comment' else 'set the label'}"
                                          f": {_redact(str(exc), target.token)}")
                if exc.rate_limited:
                    break  # more calls would only extend the ban (GitHub's rate-limit docs)
    return published


class GitHubClient:
    """The few REST calls tfreview makes, with errors translated into GitHubError at one seam."""

    def __init__(self, target: PullRequest, transport: httpx.BaseTransport | None = None) -> None:
        self.target = target
        self.http = httpx.Client(base_url=target.api_url, transport=transport, timeout=TIMEOUT_S, headers={
            "Authorization": f"Bearer {target.token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            "User-Agent": f"tfreview/{__version__}",
        })
        self.issue = f"/repos/{target.repository}/issues/{target.number}"

    def __enter__(self) -> GitHubClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def identity(self) -> str:
        """The login comments made with this token are written by: `GET /user`, or the Actions bot on 403."""
        try:
            login = self._call("GET", "/user", "read the token's identity").json().get("login")
        except GitHubError as exc:
            if exc.status == 403 and not exc.rate_limited:  # GITHUB_TOKEN: "Resource not accessible by integration"
                return ACTIONS_BOT
            raise
        if not isinstance(login, str) or not login:
            raise GitHubError("GitHub's /user answer has no login — pass --comment-author LOGIN")
        return login

    def upsert_comment(self, body: str, marker: str, author: str | None = None) -> str:
        """Update AUTHOR's comment that starts with MARKER, or create one; return its URL.

        AUTHOR None: tfreview's identity, asked of GitHub only when some comment carries the marker.
        """
        candidates = self.marker_comments(marker)
        if candidates:
            login = (author or self.identity()).lower()
            existing = next((cid for cid, by in candidates if by.lower() == login), None)
        else:
            existing = None
        if existing is not None:
            try:
                return str(self._call("PATCH", f"/repos/{self.target.repository}/issues/comments/{existing}",
                                      "update tfreview's comment", json={"body": body}).json().get("html_url", ""))
            except GitHubError as exc:
                # Never a new comment instead: that would add one more on every run while the edit is refused.
                raise GitHubError(f"{exc} — comment {existing} was left as it is and no new one was posted",
                                  status=exc.status, rate_limited=exc.rate_limited) from None
        return str(self._call("POST", f"{self.issue}/comments", "create a comment", json={"body": body})
                   .json().get("html_url", ""))

    def marker_comments(self, marker: str) -> list[tuple[int, str]]:
        """(id, author login) of every comment on the PR whose body starts with MARKER, following every page."""
        found: list[tuple[int, str]] = []
        url: str | None = f"{self.issue}/comments?per_page=100"
        while url:
            response = self._call("GET", url, "list the PR's comments")
            found += [entry for item in response.json() if (entry := _marked(item, marker)) is not None]
            url = response.links.get("next", {}).get("url")
            if url and not url.startswith(self.target.api_url + "/"):
                raise GitHubError(f"GitHub's next-page link leaves {self.target.api_url}; not following it")
        return found

    def swap_label(self, label: Label) -> str:
        """Add the label for LABEL and remove the other tfreview label; return the label set."""
        wanted, other = PR_LABELS[label], PR_LABELS[_other(label)]
        if not self._add_label(wanted):
            self._create_label(wanted, LABEL_COLORS[label])
            if not self._add_label(wanted):
                raise GitHubError(f"GitHub did not apply the label {wanted!r}")
        try:
            self._call("DELETE", f"{self.issue}/labels/{quote(other, safe='')}", "remove the other label")
        except GitHubError as exc:
            if exc.status != 404:  # 404: the label was not on the PR
                raise
        return wanted

    def _add_label(self, name: str) -> bool:
        response = self._call("POST", f"{self.issue}/labels", "add a label", json={"labels": [name]})
        return any(isinstance(item, dict) and item.get("name") == name for item in response.json())

    def _create_label(self, name: str, color: str) -> None:
        try:
            self._call("POST", f"/repos/{self.target.repository}/labels", "create the label",
                       json={"name": name, "color": color, "description": "Set by tfreview from the plan review"})
        except GitHubError as exc:
            if exc.status != 422:  # 422: it exists already
                raise

    def _call(self, method: str, url: str, what: str, **kwargs: object) -> httpx.Response:
        try:
            response = self.http.request(method, url, **kwargs)  # type: ignore[arg-type]
        except httpx.HTTPError as exc:
            raise GitHubError(f"cannot reach the GitHub API at {self.target.api_url} to {what}: "
                              f"{type(exc).__name__} — check GITHUB_API_URL and the network") from None
        if response.status_code >= 400:
            raise _error(response, what, self.target)
        return response


def _error(response: httpx.Response, what: str, target: PullRequest) -> GitHubError:
    status = response.status_code
    message = _message(response)
    headers = response.headers
    if status in (403, 429) and headers.get("x-ratelimit-remaining") == "0":
        return GitHubError(f"GitHub API rate limit exhausted while trying to {what} (resets at "
                           f"{_reset_time(headers.get('x-ratelimit-reset'))}) — run again later",
                           status=status, rate_limited=True)
    if status == 429 or (status == 403 and ("retry-after" in headers or "rate limit" in message.lower())):
        wait = headers.get("retry-after", "60")
        return GitHubError(f"GitHub secondary rate limit hit while trying to {what} — retry after {wait} s",
                           status=status, rate_limited=True)
    if status in (401, 403):
        return GitHubError(f"GitHub refused to {what} ({status}: {message}) — {READ_ONLY_HINT}", status=status)
    if status == 404:
        return GitHubError(f"GitHub answered 404 when trying to {what} — check that {target.repository} "
                           f"PR #{target.number} exists and the token can see it", status=status)
    return GitHubError(f"GitHub answered {status} when trying to {what}: {message}", status=status)


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    return str(body.get("message", ""))[:200] if isinstance(body, dict) else ""


def _reset_time(epoch: str | None) -> str:
    try:
        return datetime.fromtimestamp(int(epoch or ""), tz=timezone.utc).strftime("%H:%M UTC")
    except ValueError:
        return "an unknown time"


def _marked(item: object, marker: str) -> tuple[int, str] | None:
    """(id, author login) of a listed comment whose body starts with MARKER (a deleted user has no login)."""
    if not isinstance(item, dict) or not isinstance(item.get("id"), int):
        return None
    user = item.get("user")
    login = user.get("login") if isinstance(user, dict) else None
    body = item.get("body")
    if isinstance(login, str) and isinstance(body, str) and body.startswith(marker):
        return item["id"], login
    return None


def _other(label: Label) -> Label:
    return Label.NEEDS_CLOSE_REVIEW if label is Label.LIKELY_SAFE else Label.LIKELY_SAFE


def _redact(text: str, token: str) -> str:
    return text.replace(token, "***") if token else text
