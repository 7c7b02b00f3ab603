"""Risk rules helper (delete ladder): an object deleted into its own recovery window (a secret's
`recovery_window_in_days`, any store's soft-delete days) that nothing the plan keeps refers to — no other resource
of the prior state or the plan holds its id, ARN or name. It can be restored until the window ends, and no kept
resource loses what it reads. A window of zero, a plan that shows no state to look in, or any kept resource naming
it leaves the delete graded as before; so does a key, whose ciphertexts may live anywhere, outside the state too."""

from __future__ import annotations

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.lastbuilt import LastBuilt
from tfreview.pipeline.rules.common import sides, state_resources, string_leaves
from tfreview.pipeline.rules.narrowing import KEY_STORES

WINDOW = lazy_compile(r"(?:recovery|deletion|pending)_window\w*|soft_delete\w*days|\w*recovery_period\w*(?:days)?")
IDENTIFYING = ("id", "arn", "key_id", "name", "secret_id", "self_link")
MIN_IDENTIFIER = 8


def _kept(ri: ReviewInput) -> dict[str, str]:
    """Address → every string its values hold (joined), for what the prior state and the plan keep."""
    changes = ri.changeset.changes
    deleted = {c.address for c in changes if c.action is Action.DELETE}
    texts: dict[str, str] = {}
    for resource in state_resources(ri.plan.prior_state):
        address = str(resource.get("address"))
        if address not in deleted:
            texts[address] = "\n".join(string_leaves(resource.get("values")))
    for change in changes:
        if change.address not in deleted and change.after is not None:
            texts[change.address] = texts.get(change.address, "") + "\n" + "\n".join(string_leaves(change.after))
    return texts


_kept_texts: LastBuilt[ReviewInput, dict[str, str]] = LastBuilt(_kept)


def retired_unreferenced(change: Change, ri: ReviewInput) -> str | None:
    """Why deleting this object loses nothing yet, or None: its own recovery window is above zero days, the prior
    state shows other resources, and none of them (nor anything the plan keeps) names it."""
    if change.action is not Action.DELETE or KEY_STORES.search(change.type) or "key" in change.type.split("_"):
        return None  # what a key encrypted may live anywhere, outside the state too
    before, _ = sides(change)
    windows = [v for k, v in before.items() if WINDOW.fullmatch(k) and isinstance(v, int) and not isinstance(v, bool)]
    if not windows or min(windows) <= 0:
        return None
    names = _names(change)
    others = [text for address, text in _kept_texts(ri).items() if address != change.address]
    if not names or not others or not any(True for _ in state_resources(ri.plan.prior_state)):
        return None
    if any(name in text for name in names for text in others):
        return None
    return (f"nothing the state or the plan keeps refers to it, and its {min(windows)}-day recovery window lets it "
            "be restored until then")


def _names(change: Change) -> set[str]:
    """The identifiers by which other resources would name the deleted object."""
    before, _ = sides(change)
    return {v for k in IDENTIFYING if isinstance(v := before.get(k), str) and len(v) >= MIN_IDENTIFIER}
