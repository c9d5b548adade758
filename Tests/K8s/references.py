"""Cross-checks between manifests: every ConfigMap, Secret, key, volume, port and selector a
workload, Service or PodDisruptionBudget names exists, and every pod runs under the restricted
Pod Security Standard with resources set."""

import base64

from manifests import Finding
from workloads import pod_templates, selects

NAMESPACED_EXEMPT = ("Namespace", "PersistentVolume", "StorageClass", "ClusterRole", "ClusterRoleBinding")


class Index:
    def __init__(self, resources):
        self.resources = resources
        self.by_key = {}
        for resource in resources:
            self.by_key.setdefault((resource.kind, resource.namespace, resource.name), resource)
        self.templates = list(pod_templates(resources))

    def find(self, kind, namespace, name):
        return self.by_key.get((kind, namespace, name))

    def keys_of(self, resource):
        """The keys of a ConfigMap or Secret, with their values as text."""
        values = {key: str(value) for key, value in (resource.body.get("data") or {}).items()}
        if resource.kind == "Secret":
            values = {key: base64.b64decode(value).decode(errors="replace") for key, value in values.items()}
            values.update({key: str(value) for key, value in (resource.body.get("stringData") or {}).items()})
        else:
            values.update({key: "" for key in (resource.body.get("binaryData") or {})})
        return values


def check(resources):
    index = Index(resources)
    findings = _duplicates_and_namespaces(index)
    for template in index.templates:
        findings += _template(index, template)
    for resource in resources:
        if resource.kind == "Service":
            findings += _service(index, resource)
        elif resource.kind == "PodDisruptionBudget":
            selector = resource.body.get("spec", {}).get("selector")
            if not _matching(index, resource.namespace, selector):
                findings.append(Finding(resource, ["spec", "selector"], "selects no pod of any workload here"))
    return findings


def _duplicates_and_namespaces(index):
    findings, seen = [], set()
    namespaces = {r.name for r in index.resources if r.kind == "Namespace"}
    for resource in index.resources:
        key = (resource.kind, resource.namespace, resource.name)
        if key in seen:
            findings.append(Finding(resource, ["metadata", "name"], "defined twice"))
        seen.add(key)
        if resource.kind not in NAMESPACED_EXEMPT and resource.namespace not in namespaces:
            findings.append(Finding(resource, ["metadata", "namespace"], f"namespace {resource.namespace!r} has no Namespace manifest here"))
    return findings


def _matching(index, namespace, selector):
    return [(t, labels) for t in index.templates if t.resource.namespace == namespace
            for labels in t.generated_labels() if selects(selector, labels)]


def _template(index, template):
    resource, spec, findings = template.resource, template.spec, []
    selector = resource.body.get("spec", {}).get("selector")
    if selector is not None and not selects(selector, template.labels):
        findings.append(Finding(resource, ["spec", "selector"], "does not match the pod template's labels"))
    if resource.kind == "StatefulSet":
        governing = resource.body.get("spec", {}).get("serviceName")
        service = index.find("Service", resource.namespace, governing) if governing else None
        if service is None or service.body.get("spec", {}).get("clusterIP") != "None":
            findings.append(Finding(resource, ["spec", "serviceName"], f"{governing!r} is not a headless Service here"))
    for index_, volume in enumerate(spec.get("volumes") or []):
        findings += _volume(index, template, template.path + ["volumes", index_], volume)
    for path, container in template.containers():
        findings += _container(index, template, path, container)
    return findings


def _source(index, resource, kind, namespace, name, keys, path, optional):
    """Findings for a reference to ConfigMap/Secret `name` and its `keys` (key, path of the key)."""
    if optional:
        return []
    target = index.find(kind, namespace, name)
    if target is None:
        return [Finding(resource, path, f"{kind} {name!r} is not defined here")]
    present = index.keys_of(target)
    return [Finding(resource, key_path, f"{kind} {name!r} has no key {key!r} (it has {', '.join(sorted(present)) or 'none'})")
            for key, key_path in keys if key not in present]


def _volume(index, template, path, volume):
    resource, namespace = template.resource, template.resource.namespace
    for field, kind, name_field in (("configMap", "ConfigMap", "name"), ("secret", "Secret", "secretName")):
        source = volume.get(field)
        if source is None:
            continue
        keys = [(item.get("key"), path + [field, "items", i, "key"]) for i, item in enumerate(source.get("items") or [])]
        return _source(index, resource, kind, namespace, source.get(name_field), keys, path + [field, name_field], source.get("optional"))
    return []


def _container(index, template, path, container):
    resource, namespace, findings = template.resource, template.resource.namespace, []
    for i, variable in enumerate(container.get("env") or []):
        source = variable.get("valueFrom") or {}
        for field, kind in (("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")):
            if field in source:
                ref, ref_path = source[field], path + ["env", i, "valueFrom", field]
                findings += _source(index, resource, kind, namespace, ref.get("name"), [(ref.get("key"), ref_path + ["key"])],
                                    ref_path + ["name"], ref.get("optional"))
    for i, mount in enumerate(container.get("volumeMounts") or []):
        if template.volume(mount.get("name"))[1] is None:
            findings.append(Finding(resource, path + ["volumeMounts", i, "name"], f"no volume or volumeClaimTemplate named {mount.get('name')!r}"))
    ports = container.get("ports") or []
    names = {p.get("name") for p in ports if p.get("name")}
    numbers = {p.get("containerPort") for p in ports}
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        for handler in ("httpGet", "tcpSocket", "grpc"):
            port = ((container.get(probe) or {}).get(handler) or {}).get("port")
            if port is not None and port not in names and port not in numbers:
                findings.append(Finding(resource, path + [probe, handler, "port"], f"port {port!r} is not one of the container's ports"))
    return findings + _restricted(template, path, container)


def _restricted(template, path, container):
    """The restricted Pod Security Standard, plus resources, for one container."""
    resource, findings = template.resource, []
    pod = template.spec.get("securityContext") or {}
    own = container.get("securityContext") or {}
    merged = {**pod, **own}
    context = path + ["securityContext"]
    if merged.get("runAsNonRoot") is not True:
        findings.append(Finding(resource, context + ["runAsNonRoot"], "must be true (here or in the pod's securityContext)"))
    if merged.get("runAsUser") == 0:
        findings.append(Finding(resource, context + ["runAsUser"], "must not be 0"))
    if own.get("allowPrivilegeEscalation") is not False:
        findings.append(Finding(resource, context + ["allowPrivilegeEscalation"], "must be false"))
    if own.get("readOnlyRootFilesystem") is not True:
        findings.append(Finding(resource, context + ["readOnlyRootFilesystem"], "must be true"))
    capabilities = own.get("capabilities") or {}
    if "ALL" not in (capabilities.get("drop") or []):
        findings.append(Finding(resource, context + ["capabilities", "drop"], "must drop ALL"))
    added = capabilities.get("add") or []
    if set(added) - {"NET_BIND_SERVICE"}:
        findings.append(Finding(resource, context + ["capabilities", "add"], "may add only NET_BIND_SERVICE"))
    if (merged.get("seccompProfile") or {}).get("type") not in ("RuntimeDefault", "Localhost"):
        findings.append(Finding(resource, context + ["seccompProfile"], "must be RuntimeDefault or Localhost"))
    resources = container.get("resources") or {}
    for bound in ("requests", "limits"):
        for what in ("cpu", "memory"):
            if what not in (resources.get(bound) or {}):
                findings.append(Finding(resource, path + ["resources", bound], f"sets no {what}"))
    findings += _privileged_ports(template, path, container, "NET_BIND_SERVICE" in added)
    return findings


def _privileged_ports(template, path, container, can_bind):
    """A non-root process binds a port below 1024 only with the sysctl or the capability."""
    sysctls = {s.get("name"): s.get("value") for s in (template.spec.get("securityContext") or {}).get("sysctls") or []}
    start = int(sysctls.get("net.ipv4.ip_unprivileged_port_start", 1024))
    findings = []
    for i, port in enumerate(container.get("ports") or []):
        number = port.get("containerPort", 0)
        if number < start and not can_bind:
            findings.append(Finding(template.resource, path + ["ports", i, "containerPort"],
                                    f"{number} is below net.ipv4.ip_unprivileged_port_start ({start}) and the container cannot add NET_BIND_SERVICE"))
    return findings


def _service(index, service):
    spec = service.body.get("spec") or {}
    selector = spec.get("selector")
    if not selector:
        return []
    matched = _matching(index, service.namespace, selector)
    if not matched:
        return [Finding(service, ["spec", "selector"], "selects no pod of any workload here")]
    findings = []
    for i, port in enumerate(spec.get("ports") or []):
        target = port.get("targetPort", port.get("port"))
        protocol = port.get("protocol", "TCP")
        offered = [(p.get("name"), p.get("containerPort"), p.get("protocol", "TCP"))
                   for template, _ in matched for _, c in template.containers() for p in c.get("ports") or []]
        if not any(target in (name, number) and protocol == proto for name, number, proto in offered):
            findings.append(Finding(service, ["spec", "ports", i, "targetPort"], f"no selected container has a {protocol} port {target!r}"))
    return findings
