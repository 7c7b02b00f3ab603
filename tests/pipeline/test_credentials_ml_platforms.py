"""AI and ML platforms' API keys in plain values (Helm values, env, variables) are credentials; ids and plain words
under a key's name are not."""

from __future__ import annotations

import copy

import orjson
import pytest

from tests.pipeline.test_credentials import plan
from tfreview.pipeline.credential_mask import CredentialHit
from tfreview.pipeline.credentials import probe
from tfreview.pipeline.mask import mask_document

KEYS = {
    "hugging-face": "hf_aQ7rT2mZ9xKpLw3nBv5cYd8eFg1hJk4sUo",
    "hugging-face-org": "api_org_aQ7rT2mZ9xKpLw3nBv5cYd8eFg1hJk4sUo",
    "replicate": "r8_Zk39xQ0pLm2nWv7bT4yR1uE8iO5aS6dFgHjKl",
    "openai-project": "sk-proj-Zk39xQ0pLm2nWv7bT4yR1uE8iO5aS6dFgHjKlQwErTy",
    "openai-legacy": "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",
    "anthropic": "sk-ant-api03-Zk39xQ0pLm2nWv7bT4yR1uE8iO5aS6dFgHjKlQwErTyUi",
    "groq": "gsk_Zk39xQ0pLm2nWv7bT4yR1uE8iO5aS6dFgHjKlQwErTyUiOp12",
    "gemini": "AIzaSyZk39xQ0pLm2nWv7bT4yR1uE8iO5aS6dFg",
}


@pytest.mark.parametrize("case", list(KEYS))
def test_an_ml_platform_key_in_helm_values_is_found_and_masked(case: str) -> None:
    key = KEYS[case]
    values = f"model:\n  id: meta-llama/Llama-3.1-8B\nenv:\n  - name: MODEL_ACCESS\n    value: {key}\n"
    document = plan({"values": [values]}, "helm_release.tgi", "helm_release")
    assert probe(orjson.dumps(document)), "the probe must never miss what the walk finds"
    report = mask_document(document)
    assert key not in orjson.dumps(document).decode()
    assert report.credentials == [CredentialHit("ml-platform-key", "helm_release.tgi", "values[0]")]


@pytest.mark.parametrize("text", [
    "4821:OPENAI_API_KEY:production", "OPENAI_API_KEY:staging", "hf_transfer enabled", "use hf_hub_download",
    "sk-proj-short", "api_token=read-only", "r8_models", "AIzaShort",
])
def test_ids_scopes_and_short_words_are_left_alone(text: str) -> None:
    document = plan({"id": text, "description": text})
    before = copy.deepcopy(document)
    report = mask_document(document)
    assert (report.credentials, document) == ([], before)


@pytest.mark.parametrize("text", ["db_password=hunter", "client_secret: letmein", "api_key=Zk39xQ0pLm2n"])
def test_a_chosen_secret_or_a_generated_key_under_its_name_is_still_found(text: str) -> None:
    report = mask_document(plan({"user_data": text}))
    assert len(report.credentials) == 1


@pytest.mark.parametrize(("name", "value"), [
    ("COHERE_API_KEY", "Zk39xQ0pLm2nWv7bT4yR1uE8iO5aS6dFgHjKlQwE"),
    ("WANDB_API_KEY", '"0123456789abcdef0123456789abcdef01234567"'),
    ("LANGCHAIN_TOKEN", "'lsv2-9f8e7d6c5b4a3f2e1d0c'"),
])
def test_a_key_in_a_yaml_env_list_is_found_by_its_name(name: str, value: str) -> None:
    values = f"env:\n  - name: {name}\n    value: {value}\n  - name: LOG_LEVEL\n    value: info\n"
    document = plan({"values": [values]}, "helm_release.tgi", "helm_release")
    assert probe(orjson.dumps(document)), "the probe must never miss what the walk finds"
    report = mask_document(document)
    assert value.strip("\"'") not in orjson.dumps(document).decode()
    assert [h.attribute for h in report.credentials] == ["values[0]"]


@pytest.mark.parametrize("values", [
    "env:\n- name: HF_TOKEN\n  valueFrom:\n    secretKeyRef:\n      name: hf\n      key: token\n",
    "env:\n- name: API_TOKEN_FILE\n  value: /run/secrets/token\n",
    'env:\n- name: TOKEN_TTL\n  value: "3600"\n',
    "env:\n- name: OPENAI_API_KEY\n  value: ${OPENAI_API_KEY}\n",
])
def test_a_reference_a_path_or_a_number_in_a_yaml_env_list_is_left_alone(values: str) -> None:
    document = plan({"values": [values]}, "helm_release.tgi", "helm_release")
    assert mask_document(document).credentials == []
