"""Risk inside YAML documents and Kubernetes objects, whichever attribute carries them (kubectl_manifest's marked
yaml_body, kubernetes_manifest, a chart's values, a monitor's JSON): the same object means the same thing. Each
risky case comes with a second of another shape and a benign look-alike that stays likely safe."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.pipeline.decoding import unfolded, yaml_document
from tfreview.pipeline.findings import Severity


def change(address: str, before: dict[str, Any] | None, after: dict[str, Any], *,
           sensitive: dict[str, Any] | None = None, unknown: dict[str, Any] | None = None) -> dict[str, Any]:
    """One create (BEFORE None) or update entry of `terraform show -json`."""
    kind, name = address.split(".")[-2:]
    marks = sensitive or {}
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.example.com/acme/acme",
            "change": {"actions": ["create"] if before is None else ["update"], "before": before, "after": after,
                       "after_unknown": unknown or {}, "before_sensitive": {} if before is None else marks,
                       "after_sensitive": marks}}


def kubectl(address: str, before: str | None, after: str) -> dict[str, Any]:
    """A kubectl_manifest as the provider plans it: yaml_body marked sensitive, yaml_body_parsed its copy."""
    def side(body: str) -> dict[str, Any]:
        return {"yaml_body": body, "yaml_body_parsed": body, "kind": "x", "wait_for_rollout": True}
    return change(address, None if before is None else side(before), side(after), sensitive={"yaml_body": True})


def helm(address: str, before: str | None, after: str) -> dict[str, Any]:
    return change(address, None if before is None else {"name": "x", "values": [before]},
                  {"name": "x", "values": [after]})


def label(tmp_path: Path, *changes: dict[str, Any]) -> tuple[str, dict[str, Severity]]:
    result = review_rules_alone(tmp_path, list(changes))
    return result.label.value, worst_by_rule(result)


RISKY, SAFE = "needs_close_review", "likely_safe"


def test_yaml_document_and_unfolded() -> None:
    assert yaml_document("a:\n  b: [1]\n") == {"a": {"b": [1]}}
    assert yaml_document("#!/bin/sh\necho hi: there") is None
    assert yaml_document('{"a": 1}') is None
    assert unfolded({"v": ["x:\n  y: |\n    - rule: a\n      enabled: false\n"]}) == {
        "v": [{"x": {"y": [{"rule": "a", "enabled": False}]}}]}


# --- a provider's own rendering of a document it marks whole is no leaked copy ----------------------------------
NAMESPACE = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: growth\n"


def test_mirror_of_marked_yaml_body_is_not_a_leak(tmp_path: Path) -> None:
    assert label(tmp_path, kubectl("kubectl_manifest.ns", None, NAMESPACE)) == (SAFE, {})


def test_mirror_of_marked_template_content_is_not_a_leak(tmp_path: Path) -> None:
    text = "[server]\nport = 8080\nlog_level = info\n"
    after = {"content": text, "rendered": text}
    assert label(tmp_path, change("acme_template.app", None, after, sensitive={"content": True}))[0] == SAFE


def test_marked_password_copied_into_the_same_resource_still_leaks(tmp_path: Path) -> None:
    after = {"password": "Hunter2-correct-horse", "description": "Hunter2-correct-horse"}
    found = label(tmp_path, change("acme_database_user.app", None, after, sensitive={"password": True}))
    assert found[1].get("sensitive-copy") == Severity.HIGH


# --- Kubernetes objects read whichever attribute holds them -------------------------------------------------------
POLICY = ("apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: verify\nspec:\n"
          "  validationFailureAction: {mode}\n  rules:\n    - name: cosign\n      verifyImages:\n"
          "        - imageReferences: [\"{registry}\"]\n")


def test_admission_policy_to_audit_in_yaml_body(tmp_path: Path) -> None:
    before = POLICY.format(mode="Enforce", registry="r.acme.io/*")
    after = POLICY.format(mode="Audit", registry="r.acme.io/*")
    found = label(tmp_path, kubectl("kubectl_manifest.verify", before, after))
    assert found[0] == RISKY and found[1].get("admission-fail-open") == Severity.HIGH


def test_admission_policy_to_warn_in_chart_values(tmp_path: Path) -> None:
    before, after = "policy:\n  enforcementAction: deny\n  name: x\n", "policy:\n  enforcementAction: warn\n  name: x\n"
    found = label(tmp_path, helm("helm_release.constraints", before, after))
    assert found[1].get("admission-fail-open") == Severity.HIGH


def test_admission_policy_kept_enforcing_with_a_new_registry_is_safe(tmp_path: Path) -> None:
    before = POLICY.format(mode="Enforce", registry="r.acme.io/*")
    after = POLICY.format(mode="Enforce", registry="r2.acme.io/*")
    assert label(tmp_path, kubectl("kubectl_manifest.verify", before, after))[0] == SAFE


CERT = ("apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: api\nspec:\n  secretName: api-tls\n"
        "  privateKey:\n    algorithm: {alg}\n    size: {size}\n")


def test_certificate_key_cut_to_rsa_1024_in_yaml_body(tmp_path: Path) -> None:
    before, after = CERT.format(alg="RSA", size=2048), CERT.format(alg="RSA", size=1024)
    assert label(tmp_path, kubectl("kubectl_manifest.cert", before, after))[1].get("weak-key") == Severity.HIGH


def test_key_cut_in_a_json_profile_of_an_unknown_provider(tmp_path: Path) -> None:
    def side(bits: int) -> dict[str, Any]:
        return {"profile": json.dumps({"key": {"algorithm": "RSA", "size": bits}})}
    found = label(tmp_path, change("acme_tls_profile.edge", side(2048), side(1024)))
    assert found[1].get("weak-key") == Severity.HIGH


def test_certificate_moved_to_ecdsa_p256_is_safe(tmp_path: Path) -> None:
    before, after = CERT.format(alg="RSA", size=2048), CERT.format(alg="ECDSA", size=256)
    assert label(tmp_path, kubectl("kubectl_manifest.cert", before, after))[0] == SAFE


PROJECT = ("apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata:\n  name: team\nspec:\n"
           "  sourceRepos: ['{repo}']\n  destinations:\n    - server: '{server}'\n      namespace: '{ns}'\n"
           "  clusterResourceWhitelist:\n    - group: '{group}'\n      kind: '{kind}'\n")


def test_tenancy_object_with_wildcards_in_yaml_body(tmp_path: Path) -> None:
    body = PROJECT.format(repo="*", server="*", ns="*", group="*", kind="*")
    found = label(tmp_path, kubectl("kubectl_manifest.project", None, body))
    assert found[1].get("policy-allows-anyone") == Severity.HIGH


def test_tenancy_object_with_wildcards_in_chart_values(tmp_path: Path) -> None:
    body = PROJECT.format(repo="*", server="*", ns="*", group="*", kind="*")
    values = "extraObjects:\n" + "".join(f"    {line}\n" if i else f"  - {line}\n"
                                         for i, line in enumerate(body.splitlines()))
    assert label(tmp_path, helm("helm_release.argocd", None, values))[1].get("policy-allows-anyone") == Severity.HIGH


def test_scoped_tenancy_object_is_safe(tmp_path: Path) -> None:
    body = PROJECT.format(repo="https://git.acme.io/team/deploy.git", server="https://kubernetes.default.svc",
                          ns="team", group="", kind="Namespace")
    assert label(tmp_path, kubectl("kubectl_manifest.project", None, body)) == (SAFE, {})


# --- backups that expire at once ----------------------------------------------------------------------------------
SCHEDULE = ("apiVersion: velero.io/v1\nkind: Schedule\nmetadata:\n  name: nightly\nspec:\n  schedule: '{cron}'\n"
            "  template:\n    snapshotVolumes: true\n    ttl: {ttl}\n")


def test_backup_lifetime_cut_to_an_hour_in_yaml_body(tmp_path: Path) -> None:
    before, after = SCHEDULE.format(cron="0 2 * * *", ttl="720h0m0s"), SCHEDULE.format(cron="0 2 * * *", ttl="1h0m0s")
    assert label(tmp_path, kubectl("kubectl_manifest.nightly", before, after))[1].get("backup-reduced") == Severity.HIGH


def test_snapshot_lifetime_cut_on_an_unknown_provider(tmp_path: Path) -> None:
    found = label(tmp_path, change("acme_snapshot_schedule.db", {"expire_after": "30d"}, {"expire_after": "12h"}))
    assert found[1].get("backup-reduced") == Severity.HIGH


def test_backup_moved_an_hour_and_dns_ttl_cut_are_safe(tmp_path: Path) -> None:
    before, after = SCHEDULE.format(cron="0 2 * * *", ttl="720h0m0s"), SCHEDULE.format(cron="0 3 * * *", ttl="720h0m0s")
    assert label(tmp_path, kubectl("kubectl_manifest.nightly", before, after))[0] == SAFE
    assert label(tmp_path, change("acme_dns_record.www", {"ttl": "1h"}, {"ttl": "1m"}))[0] == SAFE


# --- blinding by override -------------------------------------------------------------------------------------------
GATE = ("apiVersion: config.gatekeeper.sh/v1alpha1\nkind: Config\nmetadata:\n  name: config\nspec:\n  match:\n"
        "    - excludedNamespaces: {namespaces}\n      processes: ['*']\n")


def test_exemption_list_given_a_wildcard_in_yaml_body(tmp_path: Path) -> None:
    before, after = GATE.format(namespaces="['kube-system']"), GATE.format(namespaces="['kube-system', '*']")
    found = label(tmp_path, kubectl("kubectl_manifest.gatekeeper", before, after))
    assert found[1].get("detection-disabled") == Severity.HIGH


def test_scanner_exclusions_given_a_wildcard(tmp_path: Path) -> None:
    found = label(tmp_path, change("acme_scanner_policy.repo", {"exclude_paths": ["vendor/"]},
                                   {"exclude_paths": ["vendor/", "*"]}))
    assert found[1].get("detection-disabled") == Severity.HIGH


def test_exemption_of_named_namespaces_is_safe(tmp_path: Path) -> None:
    before = GATE.format(namespaces="['kube-system']")
    after = GATE.format(namespaces="['kube-system', 'gatekeeper-system', 'kube-node-lease']")
    assert label(tmp_path, kubectl("kubectl_manifest.gatekeeper", before, after))[0] == SAFE


RULES = "customRules:\n  overrides.yaml: |-\n{rules}"


def test_detection_rules_disabled_in_chart_values(tmp_path: Path) -> None:
    rules = "    - rule: Terminal shell in container\n      enabled: false\n"
    found = label(tmp_path, helm("helm_release.falco", "driver:\n  kind: ebpf\n", RULES.format(rules=rules)))
    assert found[1].get("detection-disabled") == Severity.HIGH


def test_detection_rule_disabled_in_json_overrides(tmp_path: Path) -> None:
    after = {"overrides": json.dumps([{"rule_name": "SSH brute force", "disabled": True}])}
    found = label(tmp_path, change("acme_ids_config.edge", {"overrides": "[]"}, after))
    assert found[1].get("detection-disabled") == Severity.HIGH


def test_detection_rule_added_is_safe(tmp_path: Path) -> None:
    rules = "    - rule: Exec into payments pod\n      condition: spawned_process\n      priority: WARNING\n"
    assert label(tmp_path, helm("helm_release.falco", "driver:\n  kind: ebpf\n", RULES.format(rules=rules)))[0] == SAFE


OUTPUTS = "config:\n  outputs: |\n    [OUTPUT]\n        Name   {name}\n        Match  {match}\n"


def test_audit_records_routed_to_a_null_output(tmp_path: Path) -> None:
    before, after = OUTPUTS.format(name="s3", match="kube.audit.*"), OUTPUTS.format(name="null", match="kube.audit.*")
    assert label(tmp_path, helm("helm_release.fluent_bit", before, after))[1].get("detection-disabled") == Severity.HIGH


def test_fluentd_match_all_to_null_in_a_config_map(tmp_path: Path) -> None:
    conf = "<match **>\n  @type {kind}\n</match>\n"
    found = label(tmp_path, change("acme_config_map.fluentd", {"data": {"fluent.conf": conf.format(kind="forward")}},
                                   {"data": {"fluent.conf": conf.format(kind="null")}}))
    assert found[1].get("detection-disabled") == Severity.HIGH


@pytest.mark.parametrize("sink", ["drop", "nop"])
def test_audit_records_routed_to_any_discarding_output(tmp_path: Path, sink: str) -> None:
    before, after = OUTPUTS.format(name="s3", match="kube.audit.*"), OUTPUTS.format(name=sink, match="kube.audit.*")
    assert label(tmp_path, helm("helm_release.fluent_bit", before, after))[1].get("detection-disabled") == Severity.HIGH


@pytest.mark.parametrize("blank", [" ", "\t", "\n", "\r", "\f", "\v"])
@pytest.mark.parametrize("sink", ["null", "Null", "/dev/null", "devnull", "blackhole", "discard", "noop"])
def test_a_discarding_output_is_read_whatever_blank_precedes_its_name(tmp_path: Path, sink: str, blank: str) -> None:
    # The check runs only on changes whose text holds its words (wordgate.py): each blank serialises differently.
    conf = "[OUTPUT]\n    Name{blank}{name}\n    Match kube.audit.*\n"
    before = {"data": {"shipper.conf": conf.format(blank=" ", name="s3")}}
    found = label(tmp_path, change("acme_config_map.shipper", before,
                                   {"data": {"shipper.conf": conf.format(blank=blank, name=sink)}}))
    assert found[1].get("detection-disabled") == Severity.HIGH


@pytest.mark.parametrize("name", ['"null"', "'null'", "null"])
def test_a_discarding_output_named_in_an_object(tmp_path: Path, name: str) -> None:
    values = "outputs:\n  - name: {name}\n    match: '*'\n"
    before, after = values.format(name="s3"), values.format(name=name)
    found = label(tmp_path, helm("helm_release.shipper", before, after))
    # YAML's bare null is no name: no plugin is named, nothing is discarded.
    assert (found[1].get("detection-disabled") == Severity.HIGH) is (name != "null")


def test_debug_noise_to_a_null_output_is_not_high(tmp_path: Path) -> None:
    before, after = OUTPUTS.format(name="s3", match="kube.audit.*"), OUTPUTS.format(name="s3", match="kube.audit.*")
    after += "    [OUTPUT]\n        Name   null\n        Match  app.debug.*\n"
    found = label(tmp_path, helm("helm_release.fluent_bit", before, after))
    assert found[0] == SAFE and found[1].get("detection-disabled") == Severity.MEDIUM


def test_monitor_definition_silenced_on_every_scope(tmp_path: Path) -> None:
    def side(options: dict[str, Any]) -> dict[str, Any]:
        return {"monitor": json.dumps({"name": "root login", "options": options})}
    found = label(tmp_path, change("acme_monitor_json.root", side({"renotify": 0}),
                                   side({"renotify": 0, "silenced": {"*": None}})))
    assert found[1].get("monitoring-muted") == Severity.HIGH


def test_alert_definition_snoozed_on_every_scope_in_yaml(tmp_path: Path) -> None:
    found = label(tmp_path, change("acme_alert_rule.cpu", {"spec": "name: cpu\noptions:\n  threshold: 90\n"},
                                   {"spec": "name: cpu\noptions:\n  threshold: 90\n  snoozed:\n    '*': 0\n"}))
    assert found[1].get("monitoring-muted") == Severity.HIGH


def test_monitor_given_a_second_handle_is_safe(tmp_path: Path) -> None:
    def side(message: str) -> dict[str, Any]:
        return {"monitor": json.dumps({"name": "root login", "message": message, "options": {"renotify": 60}})}
    assert label(tmp_path, change("acme_monitor_json.root", side("@pd"), side("@pd @slack")))[0] == SAFE


# --- a block under an attribute known only after apply is not removed ----------------------------------------------
INGRESS = {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "argocd"},
           "spec": {"rules": [{"host": "argocd.acme.io"}], "tls": [{"hosts": ["argocd.acme.io"], "secretName": "t"}]}}


def test_read_back_object_unknown_is_not_tls_removed(tmp_path: Path) -> None:
    before = {"manifest": INGRESS, "object": INGRESS}
    after = {"manifest": {**INGRESS, "metadata": {"name": "argocd", "labels": {"a": "b"}}}, "object": None}
    found = label(tmp_path, change("kubernetes_manifest.ingress", before, after, unknown={"object": True}))
    assert "tls-removed" not in found[1] and found[0] == SAFE


def test_manifest_tls_dropped_stays_high(tmp_path: Path) -> None:
    plain = {**INGRESS, "spec": {"rules": [{"host": "argocd.acme.io"}]}}
    before = {"manifest": INGRESS, "object": INGRESS}
    found = label(tmp_path, change("kubernetes_manifest.ingress", before, {"manifest": plain, "object": None},
                                   unknown={"object": True}))
    assert found[1].get("tls-removed") == Severity.HIGH


# --- a credential in an object that is no Secret -----------------------------------------------------------------
CONFIG_MAP = ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: crm\ndata:\n  LOG_LEVEL: info\n"
              "  DATABASE_URL: \"{url}\"\n  DATABASE_PASSWORD_SECRET: crm-db-app\n")


def test_connection_string_with_password_in_a_marked_config_map(tmp_path: Path) -> None:
    before = CONFIG_MAP.format(url="postgresql://crm-db:5432/crm")
    after = CONFIG_MAP.format(url="postgresql://crm_app:kYtDDHbt7bo8Ko11kcSB@crm-db:5432/crm")
    found = label(tmp_path, kubectl("kubectl_manifest.crm", before, after))
    assert found[1].get("credential-in-plan") == Severity.HIGH


def test_token_in_a_deployment_env_of_a_manifest(tmp_path: Path) -> None:
    env = [{"name": "REDIS_URL", "value": "redis://default:Zq8vW2mN4xP7rT1k@redis:6379/0"}]
    manifest = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api"},
                "spec": {"template": {"spec": {"containers": [{"name": "api", "image": "api:1", "env": env}]}}}}
    found = label(tmp_path, change("kubernetes_manifest.api", None, {"manifest": manifest}))
    assert found[1].get("credential-in-plan") == Severity.HIGH


def test_config_map_url_without_credentials_is_safe(tmp_path: Path) -> None:
    before = CONFIG_MAP.format(url="postgresql://crm-db:5432/crm")
    after = CONFIG_MAP.format(url="postgresql://crm-db.crm.svc:5432/crm?sslmode=require")
    assert label(tmp_path, kubectl("kubectl_manifest.crm", before, after)) == (SAFE, {})


# --- what is applied downloaded from a moving branch ---------------------------------------------------------------
def _fetched(tmp_path: Path, data_type: str, url: str, consumer: str, key: str) -> tuple[str, dict[str, Severity]]:
    data = f"data.{data_type}.bundle"
    read = {"address": data, "mode": "data", "type": data_type, "name": "bundle",
            "provider_name": "registry.example.com/acme/acme",
            "change": {"actions": ["read"], "before": None, "after": {"url": url}, "after_unknown": {"body": True},
                       "before_sensitive": False, "after_sensitive": {}}}
    made = change(consumer, None, {"name": "x"}, unknown={key: True})
    configuration = {"root_module": {"resources": [
        {"address": data, "mode": "data", "type": data_type, "name": "bundle",
         "expressions": {"url": {"constant_value": url}}},
        {"address": consumer, "mode": "managed", "type": consumer.split(".")[0], "name": consumer.split(".")[1],
         "expressions": {key: {"references": [f"{data}.body", data]}}}]}}
    result = review_rules_alone(tmp_path, [read, made], configuration=configuration)
    return result.label.value, worst_by_rule(result)


def test_manifest_from_a_third_party_main_branch(tmp_path: Path) -> None:
    found = _fetched(tmp_path, "http", "https://raw.githubusercontent.com/labs/operator/main/deploy/bundle.yaml",
                     "kubectl_manifest.operator", "yaml_body")
    assert found[1].get("source-unpinned") == Severity.HIGH


def test_spec_from_a_gitlab_branch_on_an_unknown_provider(tmp_path: Path) -> None:
    found = _fetched(tmp_path, "acme_fetch", "https://gitlab.com/labs/specs/-/raw/develop/app.json",
                     "acme_deployment_spec.app", "spec")
    assert found[1].get("source-unpinned") == Severity.HIGH


def test_manifest_from_a_tag_is_safe(tmp_path: Path) -> None:
    found = _fetched(tmp_path, "http", "https://raw.githubusercontent.com/labs/operator/v1.4.2/deploy/bundle.yaml",
                     "kubectl_manifest.operator", "yaml_body")
    assert "source-unpinned" not in found[1]


# --- a policy clause that lets the submitter opt out -------------------------------------------------------------
REGO = ("package allowedrepos\n\nviolation[{{\"msg\": msg}}] {{\n  c := input.review.object.spec.containers[_]\n"
        "  not startswith(c.image, \"r.acme.io/\")\n{extra}  msg := \"not allowed\"\n}}\n")


def _template(extra: str) -> dict[str, Any]:
    return {"manifest": {"apiVersion": "templates.gatekeeper.sh/v1", "kind": "ConstraintTemplate",
                         "metadata": {"name": "allowedrepos"},
                         "spec": {"targets": [{"target": "admission.k8s.gatekeeper.sh",
                                               "rego": REGO.format(extra=extra)}]}}}


def test_rego_clause_skipping_by_the_objects_own_label(tmp_path: Path) -> None:
    after = _template("  not input.review.object.metadata.labels[\"acme.io/bypass\"]\n")
    found = label(tmp_path, change("kubernetes_manifest.repos", _template(""), after))
    assert found[1].get("admission-fail-open") == Severity.HIGH


def test_cel_expression_skipping_by_an_annotation(tmp_path: Path) -> None:
    def side(expression: str) -> dict[str, Any]:
        return {"policy": json.dumps({"validations": [{"expression": expression}]})}
    found = label(tmp_path, change("acme_admission_policy.images", side("object.spec.image.startsWith('r.acme.io/')"),
                                   side("!has(object.metadata.annotations.skip) && "
                                        "object.spec.image.startsWith('r.acme.io/')")))
    assert found[1].get("admission-fail-open") == Severity.HIGH


def test_rego_clause_allowing_a_second_registry_is_safe(tmp_path: Path) -> None:
    after = _template("  not startswith(c.image, \"r2.acme.io/\")\n")
    assert label(tmp_path, change("kubernetes_manifest.repos", _template(""), after))[0] == SAFE
