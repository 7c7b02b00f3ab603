"""Review many workspaces at once: find their plans, prepare each, ask the model once per distinct change-set.

Plans are prepared on a small thread pool; model calls run on a pool of `concurrency` threads. The main
thread hands each prepared plan to the model pool only when its change-set key (cache_key.py) is new,
so identical change-sets are asked once per batch even on a cold cache, and then decides every
workspace with its own findings. A workspace that cannot be read or prepared is labelled needs close
review with the reason; it never stops the batch.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tfreview.backends import get_backend
from tfreview.backends.base import Backend, BackendSettings, ModelReply
from tfreview.errors import TfreviewError
from tfreview.labels import DecidedBy, Label
from tfreview.pipeline.prepared import Prepared
from tfreview.pipeline.review import ModelOutcome, ask_cached, decide, prepare
from tfreview.result import ReviewResult
from tfreview.settings import Settings
from tfreview.workflows.cache_key import cache_key
from tfreview.workflows.discover import Workspace
from tfreview.workflows.record import record_review
from tfreview.workflows.rollup import BatchReport, VerdictSource, WorkspaceResult

PREPARE_WORKERS = max(1, min(4, os.cpu_count() or 1))
SWITCH_INTERVAL_S = 0.0005

SettingsFor = Callable[[Path], Settings]
Progress = Callable[[WorkspaceResult], None]


@dataclass
class _Group:
    """Workspaces waiting for the answer to one change-set."""

    members: list[tuple[Workspace, Prepared, Settings]] = field(default_factory=list)
    outcome: ModelOutcome | None = None


class _Run:
    """The state of one batch run: prepared plans grouped by change-set key, and what finished."""

    def __init__(self, settings_for: SettingsFor, backend: Backend | None, concurrency: int,
                 progress: Progress | None) -> None:
        self.settings_for, self.progress = settings_for, progress
        self.given = _RunBackend(backend) if backend else None  # a backend passed in serves every workspace
        self.backends: dict[str, _RunBackend] = {}
        self.backends_lock = threading.Lock()
        self.concurrency = concurrency
        self.groups: dict[str, _Group] = {}
        self.results: list[WorkspaceResult] = []

    def run(self, workspaces: Iterable[Workspace]) -> list[WorkspaceResult]:
        """Prepare every workspace, ask once per key, decide all; results in completion order."""
        # Finished futures queue up here, so the main thread handles each once (wait() on hundreds of
        # futures per step would cost quadratic time).
        self.finished: queue.SimpleQueue[tuple[Future[Any], Workspace | str]] = queue.SimpleQueue()
        with ThreadPoolExecutor(PREPARE_WORKERS, "tfreview-prepare") as preparing, \
                ThreadPoolExecutor(self.concurrency, "tfreview-model") as self.asking:
            outstanding = 0
            for workspace in workspaces:
                self._track(preparing.submit(self._prepare, workspace), workspace)
                outstanding += 1
            while outstanding:
                future, tag = self.finished.get()
                outstanding -= 1
                if isinstance(tag, Workspace):
                    outstanding += self._prepared(tag, future)
                else:
                    self._answered(tag, future)
        return self.results

    def _track(self, future: Future[Any], tag: Workspace | str) -> None:
        future.add_done_callback(lambda done: self.finished.put((done, tag)))

    def _prepare(self, workspace: Workspace) -> tuple[Prepared, Settings, Backend, str | None]:
        """The deterministic stage and the change-set key, on a preparing thread."""
        settings = self.settings_for(workspace.path)
        prepared = prepare(workspace.path, settings)
        backend = self._backend(settings.backend)
        key = cache_key(prepared, settings, backend.name) if prepared.needs_model else None
        return prepared, settings, backend, key

    def _backend(self, name: str) -> Backend:
        """One backend per name for the whole run, or the one given for all."""
        if self.given is not None:
            return self.given
        with self.backends_lock:
            if name not in self.backends:
                self.backends[name] = _RunBackend(get_backend(name))
            return self.backends[name]

    def _prepared(self, workspace: Workspace, future: Future[Any]) -> int:
        """Decide, wait for the change-set's answer, or ask for it; return how many calls were started."""
        try:
            prepared, settings, backend, key = future.result()
        except Exception as exc:  # one bad workspace never stops the batch
            self._finish(failed(workspace, _reason(exc)))
            return 0
        if key is None:
            self._decide(workspace, prepared, settings, None, None)
            return 0
        group = self.groups.setdefault(key, _Group())
        if group.outcome is not None:  # the change-set was answered already in this batch
            self._decide(workspace, prepared, settings, replace(group.outcome, cached=True), "batch")
            return 0
        group.members.append((workspace, prepared, settings))
        if len(group.members) > 1:
            return 0
        self._track(self.asking.submit(_ask, prepared, settings, backend, key), key)
        return 1

    def _answered(self, key: str, future: Future[Any]) -> None:
        group = self.groups[key]
        group.outcome = future.result()
        first: VerdictSource = "cache" if group.outcome.cached else "model"
        for index, (workspace, prepared, settings) in enumerate(group.members):
            outcome = group.outcome if index == 0 else replace(group.outcome, cached=True)
            self._decide(workspace, prepared, settings, outcome, first if index == 0 else "batch")
        group.members.clear()  # let the prepared plans go

    def _decide(self, workspace: Workspace, prepared: Prepared, settings: Settings, outcome: ModelOutcome | None,
                source: VerdictSource) -> None:
        try:
            result = decide(prepared, settings, outcome)
            if settings.record_dir is not None:
                record_review(settings.record_dir, workspace.path, prepared, result)
        except Exception as exc:
            self._finish(failed(workspace, _reason(exc)))
            return
        self._finish(from_result(workspace, result, source))

    def _finish(self, result: WorkspaceResult) -> None:
        self.results.append(result)
        if self.progress is not None:
            self.progress(result)


def run_batch(workspaces: list[Workspace], settings_for: SettingsFor, *, concurrency: int = 1,
              backend: Backend | None = None, progress: Progress | None = None,
              skipped: list[str] | None = None) -> BatchReport:
    """Review every workspace; SETTINGS_FOR gives each plan its settings (config found near the plan)."""
    started = time.monotonic()
    # Preparing threads hold the GIL for the default 5 ms at a time; a model thread reading a stream
    # needs it for every line, so a short interval keeps model calls from waiting behind preparation.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    try:
        results = _Run(settings_for, backend, concurrency, progress).run(workspaces)
    finally:
        sys.setswitchinterval(interval)
    return BatchReport.build(results, wall_s=time.monotonic() - started, concurrency=concurrency,
                             skipped=skipped or [])


class _RunBackend:
    """A batch run's backend: the model's identity is read once per settings for the whole run, not once per
    workspace (650 reads of /api/tags cost more than the warm run itself); a failed read is not remembered."""

    def __init__(self, inner: Backend) -> None:
        self.inner, self.name = inner, inner.name
        self._identities: dict[str, str] = {}
        self._lock = threading.Lock()

    def chat(self, prompt: str, settings: BackendSettings) -> ModelReply:
        return self.inner.chat(prompt, settings)

    def identity(self, settings: BackendSettings) -> str:
        key = settings.model_dump_json()
        with self._lock:
            if key not in self._identities:
                self._identities[key] = self.inner.identity(settings)
            return self._identities[key]


def _ask(prepared: Prepared, settings: Settings, backend: Backend, key: str) -> ModelOutcome:
    try:
        return ask_cached(prepared, settings, backend, key=key)
    except Exception as exc:  # a bug in a backend fails this change-set closed, not the batch
        return ModelOutcome(error=f"the model call failed unexpectedly: {_reason(exc)}")


def from_result(workspace: Workspace, result: ReviewResult, source: VerdictSource = None) -> WorkspaceResult:
    """The roll-up's view of one finished review; SOURCE says where its model verdict came from."""
    return WorkspaceResult(
        name=workspace.name, path=str(workspace.path), label=result.label, decided_by=result.decided_by,
        findings=[f for f in result.findings if f.severity.value in ("high", "medium")],
        errors=result.errors, verdict_source=source, model_s=result.model.duration_s,
        counts=result.summary.model_dump(by_alias=True),
    )


def failed(workspace: Workspace, reason: str) -> WorkspaceResult:
    """A workspace that could not be reviewed: fail closed with the reason."""
    return WorkspaceResult(name=workspace.name, path=str(workspace.path), label=Label.NEEDS_CLOSE_REVIEW,
                           decided_by=DecidedBy.ERROR, errors=[reason])


def _reason(exc: BaseException) -> str:
    if isinstance(exc, TfreviewError):
        return str(exc)
    return f"internal error ({type(exc).__name__}: {exc}) — please report it"
