"""The one-slot memo shared by the stages of one review: one build per key, rebuilt for another key."""

from __future__ import annotations

from tfreview.pipeline.lastbuilt import LastBuilt


class Key:
    """A weak-referenceable key."""


def test_one_build_for_the_same_key_and_a_new_one_for_another() -> None:
    builds: list[Key] = []
    memo: LastBuilt[Key, int] = LastBuilt(lambda key: builds.append(key) or len(builds))
    first, second = Key(), Key()
    assert memo(first) == memo(first) == 1
    assert memo(second) == 2
    assert memo(first) == 3  # one slot: the last key only
    assert builds == [first, second, first]
