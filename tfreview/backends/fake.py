"""A backend that replays canned replies: the test double shipped next to the real thing."""

from __future__ import annotations

from tfreview.backends.base import BackendSettings, ModelReply
from tfreview.errors import BackendError


class FakeBackend:
    """Record every prompt and answer with queued replies, repeating the last one."""

    name = "fake"

    def __init__(self, *replies: ModelReply | BackendError) -> None:
        self._queue: list[ModelReply | BackendError] = list(replies)
        self._last: ModelReply | BackendError | None = None
        self.prompts: list[str] = []
        self.settings: list[BackendSettings] = []
        # What identity() reports: set it to a BackendError to play a server whose model cannot be read.
        self.weights: str | BackendError = "fake-weights"

    @classmethod
    def always(cls, reply: ModelReply | BackendError) -> FakeBackend:
        """A fake that gives the same reply (or raises the same error) on every call."""
        return cls(reply)

    def enqueue(self, reply: ModelReply | BackendError) -> None:
        """Queue a reply to return, or a BackendError to raise, on a later call."""
        self._queue.append(reply)

    def chat(self, prompt: str, settings: BackendSettings) -> ModelReply:
        """Record the prompt, then return or raise the next queued reply."""
        self.prompts.append(prompt)
        self.settings.append(settings)
        if self._queue:
            self._last = self._queue.pop(0)
        if self._last is None:
            raise LookupError("FakeBackend has no reply: call enqueue() or FakeBackend.always()")
        if isinstance(self._last, BackendError):
            raise self._last
        return self._last

    def identity(self, settings: BackendSettings) -> str:
        """The fake's weights identity, or raise the BackendError set in `weights`."""
        if isinstance(self.weights, BackendError):
            raise self.weights
        return f"fake:{self.weights}"
