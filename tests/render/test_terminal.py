"""The text report in a real terminal (tmux): escape sequences from the plan are shown, never acted on."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.helpers import ROOT
from tests.render.hostile import hostile_plan

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
PATIENCE_S = 120  # a bound on waiting for a busy machine, not an assertion about speed


def test_ansi_escapes_in_a_plan_do_not_act_in_a_terminal(tmp_path: Path) -> None:
    plan = hostile_plan(tmp_path / "plan.json")
    socket = f"tfreview-test-{uuid.uuid4().hex[:8]}"
    tmux = ["tmux", "-L", socket]
    command = (f"cd {shlex.quote(str(ROOT))} && PYTHONPATH=. {shlex.quote(sys.executable)} -c "
               f"'from tfreview.cli import main; main()' review {shlex.quote(str(plan))} --backend none; "
               "echo tfreview-exit-$?")
    env = {**os.environ, "TERM": "xterm-256color"}
    subprocess.run([*tmux, "new-session", "-d", "-x", "200", "-y", "50", "bash", "--norc", "--noprofile"],
                   check=True, env=env)
    try:
        subprocess.run([*tmux, "send-keys", command, "Enter"], check=True)
        screen = ""
        deadline = time.monotonic() + PATIENCE_S
        while "tfreview-exit-1" not in screen and time.monotonic() < deadline:
            time.sleep(0.5)
            screen = subprocess.run([*tmux, "capture-pane", "-p", "-S", "-"], check=True, capture_output=True,
                                    text=True).stdout
        coloured = subprocess.run([*tmux, "capture-pane", "-p", "-e", "-S", "-"], check=True, capture_output=True,
                                  text=True).stdout
    finally:
        subprocess.run([*tmux, "kill-server"], check=False)
    assert "tfreview-exit-1" in screen, screen[-2000:]
    # \x1b[2J would have cleared the screen: the label printed before it is still there.
    assert "NEEDS CLOSE REVIEW (decided by rules)" in screen
    assert '["\\e[2J\\e[31mred"]' in screen and "::warning::x" in screen
    # \x1b[31m would have turned what follows red: the plan's own text is never red on screen.
    assert "\x1b[31mred" not in coloured
    row = next(line for line in coloured.splitlines() if "2J" in line and "resource-delete:" in line)
    assert "\x1b[31m" not in row.split("resource-delete:", 1)[1]  # tfreview colours only the severity
