"""Risk held inside documents and scripts (boot scripts, JSON in strings, OpenAPI bodies, workflow definitions, edge
programs, job specifications): each principle with two risky shapes of different providers and a benign look-alike
that stays likely safe."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity


def entry(address: str, before: Any, after: Any, actions: list[str] | None = None) -> dict[str, Any]:
    """One resource change by an invented provider (the address's type is the resource type)."""
    kind, name = address.split(".")
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.terraform.io/acme/acme",
            "change": {"actions": actions or (["create"] if before is None else ["update"]), "before": before,
                       "after": after, "after_unknown": {}, "after_sensitive": {}}}


def judged(tmp_path: Path, address: str, before: Any, after: Any,
           actions: list[str] | None = None) -> tuple[Label, dict[str, Severity]]:
    result = review_rules_alone(tmp_path, [entry(address, before, after, actions)])
    return result.label, worst_by_rule(result)


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


# --- boot scripts: agents removed, the host's own record off, the crypto floor lowered, the engine API opened -------
BOOT = "#cloud-config\npackages:\n  - chrony\nruncmd:\n  - systemctl enable --now chronyd\n"
BOOT_RISKY = {
    "argv-agent-stopped-and-removed": BOOT + "  - [systemctl, disable, --now, auditd]\n"
                                             "  - [apt-get, purge, -y, mdatp]\n",
    "yum-erase-edr": "#!/bin/bash\nyum -y erase falcon-sensor\n",
    "journald-keeps-nothing": "#cloud-config\nwrite_files:\n  - path: /etc/systemd/journald.conf.d/x.conf\n"
                              "    content: |\n      [Journal]\n      Storage=none\n",
    "audit-off-by-auditctl": "#!/bin/sh\nauditctl -e 0\n",
    "k8s-audit-policy-logs-nothing": "#cloud-config\nwrite_files:\n  - path: /etc/k8s/audit.yaml\n    content: |\n"
                                     "      kind: Policy\n      rules:\n        - level: None\n"
                                     "        - level: Metadata\n",
    "crypto-legacy": BOOT + "  - update-crypto-policies --set LEGACY\n",
    "openssl-seclevel-0": "#!/bin/bash\nsed -i 's/^CipherString.*/CipherString = DEFAULT@SECLEVEL=0/' /etc/ssl/x.cnf\n",
    "docker-api-on-tcp": '#!/bin/bash\necho \'{"hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2375"]}\''
                         " > /etc/docker/daemon.json\n",
    "dockerd-flag": "#!/bin/bash\ndockerd -H tcp://10.0.0.5:2375 &\n",
}
BOOT_BENIGN = {
    "auditd-enabled": BOOT + "  - [systemctl, enable, --now, auditd]\n  - [apt-get, install, -y, auditd]\n",
    "journald-persistent": "#cloud-config\nwrite_files:\n  - path: /etc/systemd/journald.conf.d/x.conf\n"
                           "    content: |\n      [Journal]\n      Storage=persistent\n      SystemMaxUse=2G\n",
    "k8s-audit-policy-skips-noise": "#cloud-config\nwrite_files:\n  - path: /etc/k8s/audit.yaml\n    content: |\n"
                                    "      kind: Policy\n      rules:\n        - level: None\n"
                                    "          users: [\"system:kube-proxy\"]\n        - level: Metadata\n",
    "crypto-default": BOOT + "  - update-crypto-policies --set DEFAULT\n",
    "docker-unix-only": '#!/bin/bash\necho \'{"hosts": ["unix:///var/run/docker.sock"]}\' > /etc/docker/daemon.json\n',
    "docker-tcp-with-tls": "#!/bin/bash\ndockerd --tlsverify --tlscacert=/etc/ca.pem -H tcp://0.0.0.0:2376 &\n",
    "remove-unrelated-package": "#!/bin/bash\napt-get purge -y nano\n",
}


@pytest.mark.parametrize("script", BOOT_RISKY.values(), ids=BOOT_RISKY.keys())
@pytest.mark.parametrize("encode", [False, True], ids=["plain", "base64"])
def test_boot_script_that_blinds_or_opens_the_host_is_high(tmp_path: Path, script: str, encode: bool) -> None:
    label, worst = judged(tmp_path, "nimbus_vm_template.web", {"user_data": b64(BOOT)},
                          {"user_data": b64(script) if encode else script})
    assert worst.get("boot-script-weakens") is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


@pytest.mark.parametrize("script", BOOT_BENIGN.values(), ids=BOOT_BENIGN.keys())
def test_boot_script_that_keeps_the_host_watched_stays_safe(tmp_path: Path, script: str) -> None:
    label, worst = judged(tmp_path, "stratus_instance.web", {"custom_data": b64(BOOT)}, {"custom_data": b64(script)})
    assert "boot-script-weakens" not in worst and label is Label.LIKELY_SAFE
