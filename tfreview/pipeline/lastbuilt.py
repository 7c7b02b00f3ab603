"""A one-slot memo shared by the stages of one review (rules stage): the value built for the most recent key —
a plan, a review input — kept per thread and keyed weakly, so rules that ask for the same index in the same review
share one build and nothing outlives the review's objects."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class LastBuilt(Generic[K, V]):
    """BUILD(key) for the key last asked for on this thread, rebuilt when another key is asked for."""

    def __init__(self, build: Callable[[K], V]) -> None:
        self._build = build
        self._slot = threading.local()

    def __call__(self, key: K) -> V:
        held = getattr(self._slot, "key", None)
        if held is not None and held() is key:
            value: V = self._slot.value
            return value
        value = self._build(key)
        self._slot.key, self._slot.value = weakref.ref(key), value  # a weak key: the key is not kept alive
        return value
