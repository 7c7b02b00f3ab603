"""Services made internet-facing (risk rules stage): a Kubernetes Service turned LoadBalancer or NodePort, load
balancer annotations flipped from internal, Helm `set` blocks and `values` that do the same, for any chart.

Ports are judged like exposure.py's: 80/443 alone on a new load balancer is the benign look-alike; an
internal load balancer made internet-facing is reported whatever it serves.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.decoding import text_document
from tfreview.pipeline.findings import Finding, Severity, declare, finding, on_change
from tfreview.pipeline.rules.common import as_list, sides
from tfreview.pipeline.rules.ports import WEB_PORTS, port_text
from tfreview.pipeline.rules.values import leaves, plain, with_settings, world_sources
from tfreview.pipeline.rules.watch import is_on

PUBLIC_SERVICE = declare(
    "public-service", Severity.HIGH,
    "A Kubernetes Service or Helm release becomes an internet-facing load balancer (type LoadBalancer, "
    "load-balancer annotations, Helm set/values) on ports beyond 80/443, or on any port when it serves an "
    "administration console (Argo CD, Jenkins, the Kubernetes dashboard, Kibana, …).")
OPEN_RELEASE = declare(
    "release-no-auth", Severity.HIGH,
    "A Helm release is created with sign-in switched off in its values (an auth or security block disabled) and "
    "an ingress or load balancer that is not internal.")
# A values path that switches sign-in on or off: auth.enabled, xpack.security.enabled, authentication.required…
AUTH_SWITCH = lazy_compile(r"(?:^|\.)(?:auth|authentication|security|\w+_auth)\.(?:enabled|required|enforced)$"
                           r"|(?:^|\.)(?:auth_enabled|authentication_enabled|require_authentication)$", re.IGNORECASE)
INGRESS_ON = lazy_compile(r"(?:^|\.)ingress\.enabled$", re.IGNORECASE)
PRIVATE_CLASS = lazy_compile(r"internal|private", re.IGNORECASE)
EXPOSED_TYPES = {"loadbalancer": "LoadBalancer", "nodeport": "NodePort"}
# Annotation keys and values that keep a load balancer inside the network.
INTERNAL_MARKS = lazy_compile(r"internal|scheme|load-balancer-type", re.IGNORECASE)
INGRESS_CHARTS = lazy_compile(r"ingress|gateway|traefik|nginx|istio|envoy|contour|kong|haproxy|caddy", re.IGNORECASE)
# Administration consoles and control planes: whoever reaches one can deploy to, read or run the systems behind it
# (Argo CD and Jenkins hold cluster and cloud credentials; the Kubernetes dashboard, Rancher and Portainer drive
# clusters; Kibana, Prometheus and pgAdmin read data). Meant for operators on the internal network, never for the
# internet, whatever port they answer on. Matched as whole words of a service's, app's or chart's name.
CONSOLES = lazy_compile(r"(?:^|[^a-z0-9])(argo-?cd(?:-server)?|argo-?workflows|kubernetes-dashboard|k8s-dashboard"
                        r"|kube-dashboard|jenkins|rancher|portainer|spinnaker|tekton-dashboard|kibana|prometheus"
                        r"|alertmanager|pgadmin4?|phpmyadmin|adminer|mongo-express|redis-commander|airflow(?:-web)?"
                        r"|jupyter(?:hub)?|kubeflow|weave-scope|consul(?:-ui)?|nomad|rabbitmq-management|minio-console"
                        r"|flower)(?:[^a-z0-9]|$)")
HELM_TYPE = lazy_compile(r"^\s*(?:type|service_?type):\s*[\"']?(LoadBalancer|NodePort)\b", re.IGNORECASE | re.MULTILINE)
HELM_PORT = lazy_compile(r"^\s*(?:port|http|https|nodePort|servicePort)s?:\s*[\"']?(\d+)", re.IGNORECASE | re.MULTILINE)


def annotation_facing(annotations: dict[str, Any]) -> str | None:
    """'internal' or 'internet-facing' when load-balancer annotations say so; None when they are silent."""
    verdict = None
    for key, value in annotations.items():
        if not INTERNAL_MARKS.search(str(key)) or not isinstance(value, str):
            continue
        text, name = value.strip().lower(), str(key).lower()
        if text in ("internet-facing", "external", "public") or (name.endswith("internal") and text == "false"):
            verdict = "internet-facing"
        elif text in ("internal", "true", "0.0.0.0/0") and (name.endswith("internal") or text == "internal"):
            return "internal"
    return verdict


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


# Types that apply a Kubernetes manifest written as text (kubectl's `kubectl_manifest`, any provider's).
MANIFEST_TYPES = lazy_compile(r"(?<!kubernetes)_manifest$")
# Settings that hold a whole Kubernetes manifest as YAML or JSON text (kubectl's `yaml_body`, any provider's).
MANIFEST_TEXT = ("yaml_body", "manifest", "body", "content", "yaml", "json_body")


def _manifest(values: dict[str, Any]) -> dict[str, Any] | None:
    """The Kubernetes object a resource holds: its `manifest` object, or one held as YAML or JSON text."""
    manifest = values.get("manifest")
    if isinstance(manifest, dict):
        return manifest
    for key in MANIFEST_TEXT:
        text = values.get(key)
        document = text_document(text) if isinstance(text, str) and len(text) >= 8 else None
        if isinstance(document, dict) and document.get("kind"):
            return document
    return None


def _service(values: dict[str, Any]) -> tuple[str | None, str | None, list[int]]:
    """(service type, annotation facing, ports) of a kubernetes_service(_v1) or a Service held as a manifest."""
    manifest = _manifest(values)
    if manifest is not None:
        spec, meta = _object(manifest.get("spec")), _object(manifest.get("metadata"))
        ports = [p.get("port") for p in as_list(spec.get("ports")) if isinstance(p, dict)]
        ranges = spec.get("loadBalancerSourceRanges")
    else:
        spec = _object(next(iter(as_list(values.get("spec"))), None))
        meta = _object(next(iter(as_list(values.get("metadata"))), None))
        ports = [p.get("port") for p in as_list(spec.get("port")) if isinstance(p, dict)]
        ranges = spec.get("load_balancer_source_ranges")
    kind = EXPOSED_TYPES.get(str(spec.get("type", "")).lower())
    facing = annotation_facing(_object(meta.get("annotations")))
    if as_list(ranges) and not world_sources(ranges, words=True):
        facing = "internal"
    return kind, facing, [int(p) for p in ports if isinstance(p, int) or (isinstance(p, str) and p.isdigit())]


def _helm(values: dict[str, Any]) -> tuple[str | None, str | None, list[int]]:
    """(service type, annotation facing, ports) that a helm_release's set blocks and values give its services."""
    chart = f"{values.get('chart', '')} {values.get('name', '')}"
    sets = [s for key in ("set", "set_string") for s in as_list(values.get(key)) if isinstance(s, dict)]
    kind, annotations, ports = None, {}, []
    for item in sets:
        name, value = str(item.get("name", "")).replace("\\", ""), str(item.get("value", ""))
        if name.lower().endswith("type") and value.lower() in EXPOSED_TYPES:
            kind = EXPOSED_TYPES[value.lower()]
        elif "annotations" in name.lower():
            annotations[name] = value
        elif re.search(r"ports?(\.\w+)?$", name, re.IGNORECASE) and value.isdigit():
            ports.append(int(value))
    for text in (v for v in as_list(values.get("values")) if isinstance(v, str)):
        match = HELM_TYPE.search(text)
        kind = EXPOSED_TYPES[match.group(1).lower()] if match else kind
        ports += [int(p) for p in HELM_PORT.findall(text)]
        if re.search(r"(?:scheme|type)[\"']?:\s*[\"']?internal\b|internal[\"']?:\s*[\"']?true", text, re.IGNORECASE):
            annotations["internal"] = "true"
    if kind and not ports and INGRESS_CHARTS.search(chart):
        ports = sorted(WEB_PORTS)  # an ingress controller or gateway serves HTTP(S)
    return kind, annotation_facing(annotations), ports


def _front_door(change: Change, values: dict[str, Any]) -> bool:
    """Whether the service is an ingress controller or gateway (by chart, release or service name, or the resource's
    own name: not a module's, which names a group of resources, not what this one serves)."""
    meta = _object(values.get("metadata"))
    names = f"{values.get('chart', '')} {values.get('name', '')} {meta.get('name', '')} {change.name}"
    return bool(INGRESS_CHARTS.search(names))


@on_change(types=("kubernetes_service", "kubernetes_service_v1", "kubernetes_manifest", "helm_release"))
@on_change(type_pattern=MANIFEST_TYPES, words=(b"loadbalancer", b"nodeport"))
def _public_service(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    read = _helm if change.type == "helm_release" else _service
    old_kind, old_facing, _ = read(before) if before else (None, None, [])
    kind, facing, ports = read(after)
    if kind is None or facing == "internal":
        return
    if old_kind is not None and old_facing != "internal":
        return  # it was already exposed
    flipped = old_kind is not None  # an internal load balancer made internet-facing
    web = bool(ports) and all(p in WEB_PORTS for p in ports)
    # A new web service, or an ingress controller or gateway, is meant to face the internet on 80/443; an
    # existing internal service (ClusterIP) switched to a public load balancer is exposure on any port.
    console = _console(change, after)
    if web and not flipped and not console and (change.action is Action.CREATE or _front_door(change, after)):
        return
    what = port_text([(p, p) for p in ports]) if ports else "its ports"
    severity = Severity.MEDIUM if kind == "NodePort" else None
    served = f" (it serves {console}, an administration console)" if console else ""
    yield finding(PUBLIC_SERVICE, change.address,
                  f"{change.address}: becomes a {kind} service open to the internet on {what}{served}", severity)


def web_ports_only(change: Change) -> bool:
    """Whether the service or release now serves web ports only (80/443) and no administration console."""
    _, after = sides(change)
    read = _helm if change.type == "helm_release" else _service
    kind, _, ports = read(after)
    return kind is not None and bool(ports) and all(p in WEB_PORTS for p in ports) and not _console(change, after)


def _console(change: Change, values: dict[str, Any]) -> str | None:
    """The administration console a service serves, by its own name, its app labels and selector, or its chart."""
    meta = _object(next(iter(as_list(values.get("metadata"))), None))
    spec = _object(next(iter(as_list(values.get("spec"))), None))
    manifest = _object(values.get("manifest"))
    names = [values.get("chart"), values.get("name"), meta.get("name"), change.name,
             *_object(meta.get("labels")).values(), *_object(spec.get("selector")).values(),
             *_object(_object(manifest.get("metadata")).get("labels")).values(),
             *_object(_object(manifest.get("spec")).get("selector")).values(),
             _object(manifest.get("metadata")).get("name")]
    for name in names:
        found = CONSOLES.search(name.lower()) if isinstance(name, str) else None
        if found:
            return found.group(1)
    return None


@on_change(types=("helm_release",), actions=(Action.CREATE,))
def _created_open(change: Change) -> Iterator[Finding]:
    """A new release whose values turn sign-in off and put an ingress or load balancer in front of it."""
    _, after = sides(change)
    values = leaves(with_settings(after))
    found = [(plain(path), value) for path, value in values]
    off = [path for path, value in found if AUTH_SWITCH.search(path) and isinstance(value, (str, bool))
           and not is_on(value) and str(value).strip().lower() in ("false", "no", "off", "0", "disabled")]
    ingress = any(INGRESS_ON.search(path) and is_on(value) for path, value in found)
    private = any(path.lower().endswith(("classname", "class", "ingressclassname")) and isinstance(value, str)
                  and PRIVATE_CLASS.search(value) for path, value in found)
    kind, facing, _ = _helm(after)
    if off and ((ingress and not private) or (kind == "LoadBalancer" and facing != "internal")):
        door = "an ingress" if ingress else "a load balancer"
        yield finding(OPEN_RELEASE, change.address,
                      f"{change.address} is created with {off[0]} off and {door} in front of it: anyone who reaches "
                      "it needs no sign-in")
