"""A pytest-httpserver double of the GitHub REST endpoints `tfreview github comment` uses.

It keeps state like GitHub: comments on one pull request (listed 100 per page with a Link header),
repository labels and the labels on the PR. Adding a label that does not exist in the repository is
ignored (the response lists only applied labels), so the client must create it. Any route can be
made to fail with `fail(...)`, e.g. a read-only token's 403 or a rate limit.

Identity as GitHub has it: `GET /user` answers 403 "Resource not accessible by integration" for the
workflow's GITHUB_TOKEN (the default here, `viewer=None`), whose comments are by `github-actions[bot]`;
set `viewer` to act as a personal token's user. As with a token that has write access, any comment can
be edited, whoever wrote it: only the client's own check keeps it off other people's comments.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

TOKEN = "ghs_test-token-0123456789abcdef"
REPO = "acme/infra"
PR = 7
PER_PAGE_MAX = 100
# Set on real runners (this project's own CI runs on GitHub Actions); tests choose them explicitly.
ACTIONS_VARIABLES = ("GITHUB_ACTIONS", "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "RUNNER_TEMP", "GH_TOKEN")


@dataclass
class GitHubDouble:
    """GitHub's state for one repository and one pull request, plus everything the client sent."""

    server: HTTPServer
    comments: dict[int, dict[str, Any]] = field(default_factory=dict)
    repo_labels: set[str] = field(default_factory=set)
    pr_labels: list[str] = field(default_factory=list)
    requests: list[tuple[str, str, Any]] = field(default_factory=list)
    viewer: str | None = None  # GET /user's login; None: a GITHUB_TOKEN, for which /user answers 403
    failures: list[tuple[str, str, int, dict[str, str], str]] = field(default_factory=list)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1001))

    @property
    def url(self) -> str:
        """The API base URL (GITHUB_API_URL)."""
        return f"http://{self.server.host}:{self.server.port}"

    def fail(self, method: str, path_pattern: str, status: int, message: str = "Forbidden",
             headers: dict[str, str] | None = None) -> None:
        """Answer METHOD requests whose path matches PATH_PATTERN with STATUS."""
        self.failures.append((method, path_pattern, status, headers or {}, message))

    def add_comment(self, body: str, login: str = "someone", kind: str = "User") -> int:
        """A comment already on the PR."""
        comment_id = next(self._ids)
        self.comments[comment_id] = {"id": comment_id, "body": body, "user": {"login": login, "type": kind},
                                     "html_url": f"https://github.test/{REPO}/pull/{PR}#issuecomment-{comment_id}"}
        return comment_id

    @property
    def author(self) -> str:
        """Who comments made through the API are by."""
        return self.viewer or "github-actions[bot]"

    def by(self, login: str) -> list[dict[str, Any]]:
        """The comments LOGIN wrote."""
        return [c for c in self.comments.values() if c["user"]["login"] == login]

    def mutations(self) -> list[str]:
        """'METHOD path' of every non-GET request, in order."""
        return [f"{m} {p}" for m, p, _ in self.requests if m != "GET"]

    def handle(self, request: Request) -> Response:
        body = json.loads(request.get_data() or b"null")
        self.requests.append((request.method, request.path, body))
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return _json({"message": "Bad credentials"}, 401)
        for method, pattern, status, headers, message in self.failures:
            if method == request.method and re.fullmatch(pattern, unquote(request.path)):
                return _json({"message": message}, status, headers)
        return self._route(request, body)

    def _route(self, request: Request, body: Any) -> Response:
        issue = f"/repos/{REPO}/issues/{PR}"
        path, method = unquote(request.path), request.method
        if path == f"{issue}/comments" and method == "GET":
            return self._list(request)
        if path == "/user" and method == "GET":
            if self.viewer is None:
                return _json({"message": "Resource not accessible by integration",
                              "documentation_url": "https://docs.github.com/rest/users/users#get-the-authenticated-user",
                              "status": "403"}, 403)
            return _json({"login": self.viewer, "id": 1, "type": "User"})
        if path == f"{issue}/comments" and method == "POST":
            comment_id = self.add_comment(body["body"], self.author, "User" if self.viewer else "Bot")
            return _json(self.comments[comment_id], 201)
        match = re.fullmatch(rf"/repos/{REPO}/issues/comments/(\d+)", path)
        if match and method == "PATCH" and int(match[1]) in self.comments:
            self.comments[int(match[1])]["body"] = body["body"]
            return _json(self.comments[int(match[1])])
        if path == f"{issue}/labels" and method == "POST":
            self.pr_labels += [n for n in body["labels"] if n in self.repo_labels and n not in self.pr_labels]
            return _json([{"name": n} for n in self.pr_labels])
        if path.startswith(f"{issue}/labels/") and method == "DELETE":
            name = path.removeprefix(f"{issue}/labels/")
            if name not in self.pr_labels:
                return _json({"message": "Label does not exist"}, 404)
            self.pr_labels.remove(name)
            return _json([{"name": n} for n in self.pr_labels])
        if path == f"/repos/{REPO}/labels" and method == "POST":
            if body["name"] in self.repo_labels:
                return _json({"message": "Validation Failed", "errors": [{"code": "already_exists"}]}, 422)
            self.repo_labels.add(body["name"])
            return _json({"name": body["name"], "color": body["color"]}, 201)
        return _json({"message": "Not Found"}, 404)

    def _list(self, request: Request) -> Response:
        per_page = min(int(request.args.get("per_page", 30)), PER_PAGE_MAX)
        page = int(request.args.get("page", 1))
        items = list(self.comments.values())
        chunk = items[(page - 1) * per_page: page * per_page]
        headers = {}
        if page * per_page < len(items):
            base = f"{self.url}{request.path}"
            headers["Link"] = f'<{base}?per_page={per_page}&page={page + 1}>; rel="next"'
        return _json(chunk, 200, headers)


def _json(obj: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(obj), status=status, headers=headers or {}, content_type="application/json")


@functools.cache
def _server() -> HTTPServer:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    return server


def github_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[GitHubDouble]:
    """A fresh GitHub double and the environment of an Actions step on a pull_request event (for a fixture)."""
    server = _server()
    server.clear()
    double = GitHubDouble(server)
    server.expect_request(re.compile(".*")).respond_with_handler(double.handle)
    for name in ACTIONS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"action": "synchronize", "pull_request": {"number": PR}}))
    for name, value in {"GITHUB_TOKEN": TOKEN, "GITHUB_REPOSITORY": REPO, "GITHUB_API_URL": double.url,
                        "GITHUB_EVENT_PATH": str(event), "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")}.items():
        monkeypatch.setenv(name, value)
    yield double
    try:
        server.check_handler_errors()
    finally:
        server.clear()
