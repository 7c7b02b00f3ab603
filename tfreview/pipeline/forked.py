"""Two pieces of one stage side by side: on a large plan, the rules stage runs its plan-wide rules in a forked copy of
the process while the per-change checks run here, so a machine with a second core pays for the slower of the two,
not their sum (a CI runner has two or more).

Only where it is safe and worth it: Linux (fork is the platform's own start method there), a single thread (a
batch's pool or the run-task server's workers: forking a threaded process can copy a held lock), a second core,
and enough work to pay for the fork. Anything that goes wrong in the copy — an exception, a crash, an answer that
does not read back — is answered by running the piece again here, so the result is the serial one in every case
(an exception it raises is raised here, as it always was). TFREVIEW_SERIAL=1 turns it off.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
from collections.abc import Callable
from typing import TypeVar, cast

First = TypeVar("First")
Second = TypeVar("Second")


def side_by_side(forked: Callable[[], First], here: Callable[[], Second], worth_it: bool) -> tuple[First, Second]:
    """FORKED() and HERE(), the first in a forked child when WORTH_IT and the machine allows it."""
    if not (worth_it and _can_fork()):
        return forked(), here()
    try:
        reader, writer = os.pipe()
        pid = os.fork()
    except OSError:
        return forked(), here()
    if pid == 0:  # the copy: answer through the pipe and leave without running anything of the parent's
        os.close(reader)
        _answer(writer, forked)
    os.close(writer)
    second = here()
    first = _collected(reader, pid)
    return (forked() if first is None else cast(First, first[0])), second


def _can_fork() -> bool:
    return sys.platform == "linux" and threading.active_count() == 1 and (os.cpu_count() or 1) > 1 \
        and os.environ.get("TFREVIEW_SERIAL", "") in ("", "0")


def _answer(writer: int, work: Callable[[], object]) -> None:
    status = 1
    try:
        data = pickle.dumps((work(),), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(writer, "wb") as pipe:
            pipe.write(data)
        status = 0
    except BaseException:  # any failure: the parent runs the work itself
        pass
    finally:
        os._exit(status)


def _collected(reader: int, pid: int) -> tuple[object] | None:
    """The child's answer, or None when it failed or gave none (the parent then runs the work itself)."""
    with os.fdopen(reader, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0 or not data:
        return None
    try:
        answer = pickle.loads(data)  # written by this process's own fork, through its own pipe
    except Exception:
        return None
    return answer if isinstance(answer, tuple) and len(answer) == 1 else None
