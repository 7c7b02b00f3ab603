"""Incidents corpus, kubernetes and helm."""

from __future__ import annotations

import copy
from typing import Any

from inc_lib import Plan, R, U, create, delete, scenario, update
from rtypes import k8s_meta


def service(name: str, ns: str, svc_type: str, port: int, annotations: dict[str, str] | None = None) -> dict[str, Any]:
    return {"id": f"{ns}/{name}", "metadata": k8s_meta(name, ns, annotations=annotations), "status": [{"load_balancer": [{"ingress": []}]}],
            "spec": [{"allocate_load_balancer_node_ports": True, "cluster_ip": "172.20.91.14", "cluster_ips": ["172.20.91.14"],
                      "external_ips": None, "external_name": "", "external_traffic_policy": "" if svc_type == "ClusterIP" else "Cluster",
                      "health_check_node_port": 0, "internal_traffic_policy": "Cluster", "ip_families": ["IPv4"],
                      "ip_family_policy": "SingleStack", "load_balancer_class": "", "load_balancer_ip": "",
                      "load_balancer_source_ranges": None, "port": [{"app_protocol": "", "name": "main", "node_port": 0,
                                                                     "port": port, "protocol": "TCP", "target_port": str(port)}],
                      "publish_not_ready_addresses": False, "selector": {"app": name}, "session_affinity": "None",
                      "session_affinity_config": [], "type": svc_type}],
            "timeouts": None, "wait_for_load_balancer": True}


def retype(v: dict[str, Any], svc_type: str) -> list[dict[str, Any]]:
    spec = copy.deepcopy(v["spec"])
    spec[0]["type"] = svc_type
    spec[0]["external_traffic_policy"] = "Cluster"
    return spec


@scenario("kubernetes/inc_service_postgres_loadbalancer.json", "exposure",
          "the orders Postgres service changes type ClusterIP -> LoadBalancer with no source ranges: the cloud "
          "provisions an internet-facing load balancer in front of the database")
def pg_lb() -> dict[str, Any]:
    p = Plan("2026-03-18T08:00:00Z")
    before = service("orders-postgres", "data", "ClusterIP", 5432)
    update(p, R("kubernetes_service", "orders_postgres", schema_version=1), before,
           {"spec": retype(before, "LoadBalancer"), "status": U})
    return p.build()


@scenario("kubernetes/inc_service_internal_loadbalancer.json", "benign-exposure",
          "the metrics gateway becomes a LoadBalancer annotated internal (aws-load-balancer-scheme: internal): "
          "reachable only inside the VPC")
def internal_lb() -> dict[str, Any]:
    p = Plan("2026-03-18T08:30:00Z")
    ann = {"service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
           "service.beta.kubernetes.io/aws-load-balancer-type": "external"}
    before = service("metrics-gateway", "observability", "ClusterIP", 9091)
    meta = k8s_meta("metrics-gateway", "observability", annotations=ann)
    update(p, R("kubernetes_service", "metrics_gateway", schema_version=1), before,
           {"metadata": meta, "spec": retype(before, "LoadBalancer"), "status": U})
    return p.build()


def deployment(name: str, ns: str, replicas: str, image: str) -> dict[str, Any]:
    return {"id": f"{ns}/{name}", "metadata": k8s_meta(name, ns),
            "spec": [{"min_ready_seconds": 0, "paused": False, "progress_deadline_seconds": 600, "replicas": replicas,
                      "revision_history_limit": 10, "selector": [{"match_expressions": [], "match_labels": {"app": name}}],
                      "strategy": [{"rolling_update": [{"max_surge": "25%", "max_unavailable": "25%"}], "type": "RollingUpdate"}],
                      "template": [{"metadata": [{"labels": {"app": name}}],
                                    "spec": [{"container": [{"image": image, "name": name,
                                                             "port": [{"container_port": 8080, "protocol": "TCP"}]}],
                                              "service_account_name": name}]}]}],
            "timeouts": None, "wait_for_rollout": True}


@scenario("kubernetes/inc_deployment_replicas_zero.json", "destruction",
          "the payments API deployment goes from 6 replicas to 0 (an HPA-managed value removed from code): the "
          "service stops serving")
def zero() -> dict[str, Any]:
    p = Plan("2026-03-18T09:00:00Z")
    before = deployment("payments-api", "payments", "6", "ghcr.io/acme-corp/payments-api:4.12.0")
    spec = copy.deepcopy(before["spec"])
    spec[0]["replicas"] = "0"
    update(p, R("kubernetes_deployment_v1", "payments_api", schema_version=1), before, {"spec": spec})
    return p.build()


@scenario("kubernetes/inc_deployment_scale_up_image.json", "benign-destruction",
          "the payments API deployment scales 6 -> 9 replicas and bumps its image tag")
def scale_up() -> dict[str, Any]:
    p = Plan("2026-03-18T09:30:00Z")
    before = deployment("payments-api", "payments", "6", "ghcr.io/acme-corp/payments-api:4.12.0")
    spec = copy.deepcopy(before["spec"])
    spec[0]["replicas"] = "9"
    spec[0]["template"][0]["spec"][0]["container"][0]["image"] = "ghcr.io/acme-corp/payments-api:4.12.1"
    update(p, R("kubernetes_deployment_v1", "payments_api", schema_version=1), before, {"spec": spec})
    return p.build()


@scenario("kubernetes/inc_namespace_psa_privileged.json", "downgrade",
          "the payments namespace's Pod Security admission label goes enforce=restricted -> enforce=privileged: "
          "privileged and host-network pods are admitted")
def psa() -> dict[str, Any]:
    p = Plan("2026-03-18T10:00:00Z")
    before = {"id": "payments", "metadata": k8s_meta("payments", None, labels={
        "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "latest"}),
        "timeouts": None, "wait_for_default_service_account": False}
    meta = k8s_meta("payments", None, labels={"pod-security.kubernetes.io/enforce": "privileged",
                                               "pod-security.kubernetes.io/enforce-version": "latest"})
    update(p, R("kubernetes_namespace_v1", "payments"), before, {"metadata": meta})
    return p.build()


@scenario("kubernetes/inc_default_deny_policy_deleted.json", "exposure",
          "the default-deny ingress NetworkPolicy of the payments namespace is deleted: every pod accepts traffic "
          "from every other namespace")
def deny_deleted() -> dict[str, Any]:
    p = Plan("2026-03-18T10:30:00Z")
    before = {"id": "payments/default-deny-ingress", "metadata": k8s_meta("default-deny-ingress", "payments"),
              "spec": [{"egress": [], "ingress": [], "pod_selector": [{"match_expressions": [], "match_labels": None}],
                        "policy_types": ["Ingress"]}]}
    delete(p, R("kubernetes_network_policy_v1", "default_deny"), before)
    return p.build()


@scenario("kubernetes/inc_configmap_slack_user_token.json", "credentials",
          "a Slack user token (xoxp-…) for the incident bot is put in a ConfigMap, readable by anyone with "
          "configmap read in the namespace and printed in the plan")
def cm_token() -> dict[str, Any]:
    p = Plan("2026-03-18T11:00:00Z")
    create(p, R("kubernetes_config_map_v1", "incident_bot"), {
        "binary_data": None, "data": {"SLACK_CHANNEL": "#incidents",
                                      "SLACK_TOKEN": "xoxp-4820193746-5829301847-6918273645012-8f3e1a7c9b2d4e6f0a1b3c5d7e9f2a4b"},
        "immutable": False, "metadata": [{"annotations": None, "generate_name": None, "labels": {"app": "incident-bot"},
                                           "name": "incident-bot", "namespace": "ops"}]},
        {"id": U}, config=None)
    return p.build()


@scenario("kubernetes/inc_external_secret_reference.json", "benign-credentials",
          "an ExternalSecret manifest that points at a Secrets Manager key path; the secret value never enters the plan")
def external_secret() -> dict[str, Any]:
    p = Plan("2026-03-18T11:30:00Z")
    manifest = {"apiVersion": "external-secrets.io/v1", "kind": "ExternalSecret",
                "metadata": {"name": "orders-db", "namespace": "orders"},
                "spec": {"refreshInterval": "1h", "secretStoreRef": {"kind": "ClusterSecretStore", "name": "aws-secrets-manager"},
                         "target": {"name": "orders-db"},
                         "data": [{"secretKey": "password", "remoteRef": {"key": "orders/db-password", "property": "password"}}]}}
    create(p, R("kubernetes_manifest", "orders_db_secret", schema_version=1),
           {"computed_fields": None, "field_manager": [], "manifest": manifest, "object": U, "timeouts": [], "wait": []},
           {"object": U})
    return p.build()


# ------------------------------------------------------------------------------------------ helm
def release(name: str, chart: str, version: str, values: str, sets: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"atomic": False, "chart": chart, "cleanup_on_fail": False, "create_namespace": False, "dependency_update": False,
            "description": None, "devel": None, "disable_crd_hooks": False, "disable_openapi_validation": False,
            "disable_webhooks": False, "force_update": False, "id": name, "keyring": None, "lint": False, "max_history": 10,
            "metadata": {"app_version": version, "chart": chart, "name": name, "namespace": "ops", "revision": 7,
                         "values": "{}", "version": version}, "name": name, "namespace": "ops", "pass_credentials": False,
            "postrender": None, "recreate_pods": False, "render_subchart_notes": True, "replace": False,
            "repository": "https://grafana.github.io/helm-charts", "repository_ca_file": None,
            "repository_cert_file": None, "repository_key_file": None, "repository_password": None,
            "repository_username": None, "reset_values": False, "reuse_values": False, "set": sets, "set_list": None,
            "set_sensitive": None, "skip_crds": False, "status": "deployed", "timeout": 300, "upgrade_install": None,
            "values": [values], "verify": False, "version": version, "wait": True, "wait_for_jobs": False}


HELM_SENSITIVE = {"repository_password"}
GRAFANA_CLUSTER = "service:\n  type: ClusterIP\n  port: 80\ningress:\n  enabled: false\n"
GRAFANA_PUBLIC = ("service:\n  type: LoadBalancer\n  port: 80\n  annotations:\n"
                  "    service.beta.kubernetes.io/aws-load-balancer-scheme: internet-facing\n"
                  "    service.beta.kubernetes.io/aws-load-balancer-type: external\ningress:\n  enabled: false\n")


@scenario("helm/inc_grafana_internet_facing_lb.json", "exposure",
          "the Grafana release's values switch its service to type LoadBalancer with scheme internet-facing: the "
          "dashboards (and their data-source credentials) go on the internet")
def grafana_public() -> dict[str, Any]:
    p = Plan("2026-03-19T08:00:00Z")
    update(p, R("helm_release", "grafana", schema_version=1, sensitive=HELM_SENSITIVE),
           release("grafana", "grafana", "8.5.1", GRAFANA_CLUSTER), {"values": [GRAFANA_PUBLIC], "metadata": U})
    return p.build()


@scenario("helm/inc_grafana_chart_bump.json", "benign-exposure",
          "the Grafana chart is bumped 8.5.1 -> 8.5.4 with the same ClusterIP values")
def grafana_bump() -> dict[str, Any]:
    p = Plan("2026-03-19T08:30:00Z")
    update(p, R("helm_release", "grafana", schema_version=1, sensitive=HELM_SENSITIVE),
           release("grafana", "grafana", "8.5.1", GRAFANA_CLUSTER), {"version": "8.5.4", "metadata": U})
    return p.build()


@scenario("helm/inc_ingress_controller_replicas_zero.json", "destruction",
          "a `set` block sets controller.replicaCount = 0 on the ingress-nginx release: all ingress traffic stops")
def nginx_zero() -> dict[str, Any]:
    p = Plan("2026-03-19T09:00:00Z")
    before = release("ingress-nginx", "ingress-nginx", "4.12.1", "controller:\n  service:\n    type: LoadBalancer\n",
                     [{"name": "controller.replicaCount", "type": None, "value": "3"}])
    before["repository"] = "https://kubernetes.github.io/ingress-nginx"
    update(p, R("helm_release", "ingress_nginx", schema_version=1, sensitive=HELM_SENSITIVE), before,
           {"set": [{"name": "controller.replicaCount", "type": None, "value": "0"}], "metadata": U})
    return p.build()


@scenario("helm/inc_values_tls_private_key.json", "credentials",
          "the release's values embed the wildcard certificate's PEM private key (tls.key) in plain YAML instead "
          "of set_sensitive or a Secret reference")
def helm_pem() -> dict[str, Any]:
    p = Plan("2026-03-19T09:30:00Z")
    vals = ("tls:\n  crt: |\n    -----BEGIN CERTIFICATE-----\n    MIIDdzCCAl+gAwIBAgIUQ3R0\n    -----END CERTIFICATE-----\n"
            "  key: |\n    -----BEGIN EC PRIVATE KEY-----\n    MHcCAQEEIN7kq2b8VxPz4mLr0cTd9sWe3YhJf6uGaQ1oK5iBn2RtoAoGCCqGSM49\n"
            "    AwEHoUQDQgAE4x9Rm2Lq8TzVb3Nc7Wd1Ke5Yf0Hg6Pj2As4Qu8Iv9Xr3Bt7Cw1Dy\n    -----END EC PRIVATE KEY-----\n")
    create(p, R("helm_release", "edge_proxy", schema_version=1, sensitive=HELM_SENSITIVE),
           {**{k: v for k, v in release("edge-proxy", "oci://ghcr.io/acme-corp/charts/edge-proxy", "1.4.0", vals).items()
               if k not in ("id", "metadata", "status")}, "repository": None},
           {"id": U, "metadata": U, "status": U})
    return p.build()
