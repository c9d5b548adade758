"""The pods that workloads (StatefulSet, Deployment, DaemonSet) would create, as the checks see
them: labels, the pod spec and where in the manifest it sits."""

import dataclasses

WORKLOAD_KINDS = ("StatefulSet", "Deployment", "DaemonSet")


@dataclasses.dataclass
class PodTemplate:
    resource: object
    spec: dict
    labels: dict
    path: list  # of the pod spec inside the resource

    @property
    def replicas(self):
        return self.resource.body.get("spec", {}).get("replicas", 1)

    def pod_names(self):
        """What `metadata.name` is in each pod: ordinals for a StatefulSet, a sample otherwise."""
        name = self.resource.name
        if self.resource.kind == "StatefulSet":
            return [f"{name}-{ordinal}" for ordinal in range(self.replicas)]
        return [f"{name}-7d9f8b6c5d-x2x4q"]

    def generated_labels(self):
        """Labels the controller adds to each pod, by pod name."""
        if self.resource.kind != "StatefulSet":
            return [dict(self.labels)]
        return [dict(self.labels, **{"statefulset.kubernetes.io/pod-name": pod, "apps.kubernetes.io/pod-index": str(i)})
                for i, pod in enumerate(self.pod_names())]

    def containers(self):
        """(path, container) for every container and init container."""
        for field in ("initContainers", "containers"):
            for index, container in enumerate(self.spec.get(field) or []):
                yield self.path + [field, index], container

    def volume(self, name):
        for index, volume in enumerate(self.spec.get("volumes") or []):
            if volume.get("name") == name:
                return self.path + ["volumes", index], volume
        for index, claim in enumerate(self.resource.body.get("spec", {}).get("volumeClaimTemplates") or []):
            if (claim.get("metadata") or {}).get("name") == name:
                return ["spec", "volumeClaimTemplates", index], {"name": name, "persistentVolumeClaim": {}}
        return None, None


def pod_templates(resources):
    for resource in resources:
        if resource.kind in WORKLOAD_KINDS:
            template = resource.body.get("spec", {}).get("template") or {}
            labels = (template.get("metadata") or {}).get("labels") or {}
            yield PodTemplate(resource, template.get("spec") or {}, labels, ["spec", "template", "spec"])


def selects(selector, labels):
    """A label selector ({matchLabels, matchExpressions} or a Service's plain map) against labels."""
    if not selector:
        return False
    plain = selector.get("matchLabels", selector if "matchExpressions" not in selector else {})
    if any(labels.get(key) != value for key, value in plain.items() if key != "matchExpressions"):
        return False
    for expression in selector.get("matchExpressions") or []:
        key, operator, values = expression.get("key"), expression.get("operator"), expression.get("values") or []
        if operator == "In" and labels.get(key) not in values:
            return False
        if operator == "NotIn" and labels.get(key) in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
    return True
