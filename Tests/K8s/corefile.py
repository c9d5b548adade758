"""The Corefile a zoneregistry container would read: found through its `-conf` argument, its
volume mount and the ConfigMap behind it; run through `zoneregistry -validate` with the
container's environment and volumes laid out as the kubelet would (once per pod of a
StatefulSet, so `{$POD_NAME}` takes each ordinal's value); and checked against the pod spec
(probe ports and paths, DNS ports, lameduck against the termination grace period, the files it
names against the mounts)."""

import os
import pathlib
import re
import subprocess
import tempfile

from manifests import Finding
from workloads import pod_templates

FILE_OPTIONS = ("token_file", "state_file", "secrets", "tls_ca")
WRITTEN_FILES = ("state_file",)


class Located:
    """A file's text from a ConfigMap or Secret key, and where its line 1 is in the manifest."""

    def __init__(self, resource, key, text, first_line, field="data"):
        self.resource, self.key, self.text, self.first_line, self.field = resource, key, text, first_line, field

    def _identity(self):
        return (self.resource.file, self.resource.title, self.field, self.key, self.first_line)

    def __eq__(self, other):
        return isinstance(other, Located) and self._identity() == other._identity()

    def __hash__(self):
        return hash(self._identity())

    def finding(self, line, column, message):
        where = f"line {line}" + (f" column {column}" if column else "")
        return Finding(self.resource, [self.field, self.key], f"{where}: {message}", line=self.first_line + line - 1)


def check(resources, index, binary):
    findings = []
    for template in pod_templates(resources):
        for path, container in template.containers():
            if "zoneregistry" in str(container.get("image", "")):
                findings += _container(index, template, path, container, binary)
    return findings


def _container(index, template, path, container, binary):
    args = [str(a) for a in (container.get("command") or [])[1:] + (container.get("args") or [])]
    if "-conf" not in args or args.index("-conf") + 1 >= len(args):
        return [Finding(template.resource, path + ["args"], "zoneregistry needs -conf FILE (its Corefile from a ConfigMap)")]
    conf = args[args.index("-conf") + 1]
    corefile, problem = _corefile(index, template, container, conf)
    if corefile is None:
        return [Finding(template.resource, path + ["args"], problem)]
    parsed = parse(corefile.text)
    findings = _against_pod(template, path, container, corefile, parsed, args)
    findings += _files(index, template, path, container, corefile, parsed)
    if binary:
        findings += _validate(index, template, container, corefile, conf, binary)
    return findings


def _mount_for(template, container, file):
    """(mount, volume) whose mountPath holds `file`, the longest one."""
    best = None
    for mount in container.get("volumeMounts") or []:
        prefix = mount.get("mountPath", "").rstrip("/") + "/"
        if file.startswith(prefix) and (best is None or len(prefix) > len(best[0].get("mountPath", ""))):
            best = (mount, template.volume(mount.get("name"))[1])
    return best


def _volume_files(index, template, volume):
    """({relative path: text}, the ConfigMap or Secret, its kind, {relative path: key}) for a
    configMap or secret volume; (None, None, None, {}) for other volumes."""
    for field, kind, name_field in (("configMap", "ConfigMap", "name"), ("secret", "Secret", "secretName")):
        source = (volume or {}).get(field)
        if source is None:
            continue
        target = index.find(kind, template.resource.namespace, source.get(name_field))
        keys = index.keys_of(target) if target else {}
        items = source.get("items")
        if items is None:
            return dict(keys), target, kind, {key: key for key in keys}
        paths = {item.get("path"): item.get("key") for item in items if item.get("key") in keys}
        return {path: keys[key] for path, key in paths.items()}, target, kind, paths
    return None, None, None, {}


def _corefile(index, template, container, conf):
    found = _mount_for(template, container, conf)
    if found is None:
        return None, f"-conf {conf}: no volume of the container is mounted there"
    mount, volume = found
    files, configmap, kind, _ = _volume_files(index, template, volume)
    relative = conf[len(mount["mountPath"].rstrip("/")) + 1:]
    if kind != "ConfigMap" or configmap is None:
        return None, f"-conf {conf}: volume {mount.get('name')!r} is not a ConfigMap defined here"
    if relative not in files:
        return None, f"-conf {conf}: ConfigMap {configmap.name!r} does not provide {relative!r} (through volume {mount.get('name')!r})"
    key = next((item.get("key") for item in (volume["configMap"].get("items") or []) if item.get("path") == relative), relative)
    value_line = configmap.body["data"].value_lines[key]
    text = configmap.path.read_text().splitlines()[value_line - 1]
    first = value_line + 1 if re.search(r":\s*[|>][-+0-9]*\s*(#.*)?$", text) else value_line
    return Located(configmap, key, files[relative], first), None


class Parsed:
    def __init__(self):
        self.keys, self.directives = [], []  # (line, column, words); directives: (line, words, depth, parent)


def parse(text):
    """Server keys and directives with their lines: enough to compare a Corefile with a pod spec
    (the daemon itself is the parser that decides what is valid)."""
    parsed, depth, stack = Parsed(), 0, []
    for number, line in enumerate(text.splitlines(), start=1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        if words == ["}"]:
            depth, stack = depth - 1, stack[:-1]
            continue
        opens = words[-1] == "{"
        words = words[:-1] if opens else words
        if depth == 0:
            parsed.keys.append((number, [w.rstrip(",") for w in words]))
        else:
            parsed.directives.append((number, words, depth, stack[-1] if stack else None))
        if opens:
            depth, stack = depth + 1, stack + [words[0] if words else ""]
    return parsed


def http_port(words, default):
    """The port of `health [ADDR]` / `ready [ADDR]` / `prometheus [ADDR]`."""
    if len(words) < 2:
        return default, None
    match = re.search(r":(\d+)$", words[1])
    return (int(match.group(1)) if match else default), words[1].rsplit(":", 1)[0].strip("[]")


def duration_seconds(text):
    total, position = 0.0, 0
    units = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}
    for match in re.finditer(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)", text):
        if match.start() != position:
            return None
        total, position = total + float(match.group(1)) * units[match.group(2)], match.end()
    return total if position == len(text) and text else None


def _port_number(container, port):
    for declared in container.get("ports") or []:
        if port in (declared.get("name"), declared.get("containerPort")):
            return declared.get("containerPort")
    return port


def _against_pod(template, path, container, corefile, parsed, args):
    resource, findings = template.resource, []
    server = {words[0]: (line, words) for line, words, depth, _ in parsed.directives if depth == 1}
    endpoints = {"health": ("livenessProbe", "/health", 8080), "ready": ("readinessProbe", "/ready", 8181)}
    for directive, (probe, want_path, default) in endpoints.items():
        http = (container.get(probe) or {}).get("httpGet")
        if http is None:
            continue
        if directive not in server:
            findings.append(corefile.finding(1, 0, f"has no `{directive}` directive, but {probe} asks {want_path}"))
            continue
        line, words = server[directive]
        port, _ = http_port(words, default)
        if http.get("path") != want_path:
            findings.append(Finding(resource, path + [probe, "httpGet", "path"], f"must be {want_path} (the `{directive}` endpoint)"))
        if _port_number(container, http.get("port")) != port:
            findings.append(Finding(resource, path + [probe, "httpGet", "port"],
                                    f"is {http.get('port')!r}, but the Corefile's `{directive}` (data.{corefile.key} line {line}) listens on {port}"))
    dns_port = int(args[args.index("-dns.port") + 1]) if "-dns.port" in args else 53
    declared = {(p.get("containerPort"), p.get("protocol", "TCP")) for p in container.get("ports") or []}
    for line, keys in parsed.keys:
        for key in keys:
            match = re.search(r":(\d+)$", key)
            port = int(match.group(1)) if match else dns_port
            for protocol in ("UDP", "TCP"):
                if (port, protocol) not in declared:
                    findings.append(Finding(resource, path + ["ports"], f"declares no {protocol} port {port}, which the Corefile's `{key}` (data.{corefile.key} line {line}) serves"))
    grace = template.spec.get("terminationGracePeriodSeconds", 30)
    for line, words, _, parent in parsed.directives:
        if parent == "health" and words[0] == "lameduck" and len(words) > 1:
            seconds = duration_seconds(words[1])
            if seconds is not None and seconds >= grace:
                findings.append(Finding(resource, template.path + ["terminationGracePeriodSeconds"],
                                        f"{grace} s is not above `lameduck {words[1]}` (data.{corefile.key} line {line}): the kubelet would kill the daemon mid-lameduck"))
    if "prometheus" in server and any(p.get("name") == "metrics" for p in container.get("ports") or []):
        line, words = server["prometheus"]
        _, host = http_port(words, 9153)
        if host in (None, "localhost", "127.0.0.1", "::1"):
            findings.append(corefile.finding(line, 0, "`prometheus` listens on localhost only, but the container publishes a metrics port: use `prometheus :9153`"))
    return findings


def _files(index, template, path, container, corefile, parsed):
    """Every file the Corefile names is on a volume of the container; files it writes on a writable one."""
    findings = []
    for line, words, _, _ in parsed.directives:
        if words[0] not in FILE_OPTIONS or len(words) < 2 or "{$" in words[1]:
            continue
        file, found = words[1], _mount_for(template, container, words[1])
        if found is None:
            findings.append(corefile.finding(line, 0, f"`{words[0]} {file}`: no volume of the container is mounted there"))
            continue
        mount, volume = found
        files, source, kind, _ = _volume_files(index, template, volume)
        relative = file[len(mount["mountPath"].rstrip("/")) + 1:]
        if words[0] in WRITTEN_FILES:
            if mount.get("readOnly") or files is not None:
                findings.append(corefile.finding(line, 0, f"`{words[0]} {file}`: volume {mount.get('name')!r} is read-only; the daemon writes this file"))
        elif files is not None and relative not in files:
            named = f"{kind} {source.name!r}" if source else f"volume {mount.get('name')!r}"
            findings.append(corefile.finding(line, 0, f"`{words[0]} {file}`: {named} does not provide {relative!r} (through volume {mount.get('name')!r})"))
    return findings


def environments(index, template, container):
    """The container's environment in each pod the workload creates."""
    result = []
    for pod, labels in zip(template.pod_names(), template.generated_labels()):
        env, fields = {}, {"metadata.name": pod, "metadata.namespace": template.resource.namespace,
                           "status.podIP": "10.0.0.10", "status.hostIP": "10.0.1.10", "spec.nodeName": "node-1",
                           "spec.serviceAccountName": template.spec.get("serviceAccountName", "default")}
        for variable in container.get("env") or []:
            source = variable.get("valueFrom") or {}
            if "value" in variable:
                env[variable["name"]] = str(variable["value"])
            elif "fieldRef" in source:
                field = source["fieldRef"].get("fieldPath", "")
                label = re.fullmatch(r"metadata\.labels\['(.+)'\]", field)
                env[variable["name"]] = labels.get(label.group(1), "") if label else fields.get(field, "")
            else:
                for ref, kind in (("secretKeyRef", "Secret"), ("configMapKeyRef", "ConfigMap")):
                    if ref in source:
                        target = index.find(kind, template.resource.namespace, source[ref].get("name"))
                        value = index.keys_of(target).get(source[ref].get("key")) if target else None
                        if value is not None:
                            env[variable["name"]] = value
        result.append((pod, env))
    return result


def _validate(index, template, container, corefile, conf, binary):
    """`zoneregistry -validate` in each pod's environment; one finding per error, naming the pods.
    An error in a file from a Secret or ConfigMap volume (a key file) is reported at that key."""
    pods_by_error = {}
    for pod, env in environments(index, template, container):
        for error in _validate_in_pod(index, template, container, corefile, binary, env):
            pods_by_error.setdefault(error, []).append(pod)
    findings = []
    for (source, line, column, message), pods in pods_by_error.items():
        shown = f"pod {pods[0]}" if len(pods) == 1 else f"pods {', '.join(pods)}"
        located = corefile if source is None else source
        findings.append(located.finding(line, column, f"{message} (zoneregistry -validate, {shown})"))
    return findings


def _validate_in_pod(index, template, container, corefile, binary, env):
    """(Located or None for the Corefile, line, column, message) for each error."""
    with tempfile.TemporaryDirectory(prefix="k8s-check-") as scratch:
        scratch = pathlib.Path(scratch)
        mounts, sources = _lay_out(index, template, container, scratch)
        text = corefile.text
        for mount_path in sorted(mounts, key=len, reverse=True):
            text = re.sub(r"(?<![\w/])" + re.escape(mount_path) + r"(?=/|\s|$)", str(scratch) + mount_path, text)
        conf_file = scratch / "Corefile.checked"
        conf_file.write_text(text)
        run = subprocess.run([binary, "-validate", "-conf", str(conf_file)], capture_output=True, text=True,
                             env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env}, timeout=30)
        if run.returncode == 0:
            return []
        errors = []
        for line in (run.stdout + run.stderr).replace(str(scratch), "").splitlines():
            match = re.match(r"(\S+?):(\d+):(\d+): (.*)", line)
            if match and match.group(1).endswith("Corefile.checked"):
                errors.append((None, int(match.group(2)), int(match.group(3)), match.group(4)))
            elif match and match.group(1) in sources:
                errors.append((sources[match.group(1)], int(match.group(2)), int(match.group(3)), match.group(4)))
            elif line.strip():
                errors.append((None, 1, 0, line.strip()))
        return errors or [(None, 1, 0, f"zoneregistry -validate exited {run.returncode}")]


def _lay_out(index, template, container, scratch):
    """Writes each mounted ConfigMap and Secret under `scratch` at its mountPath; empty
    directories for the others. Returns the mount paths, and {file in the pod: Located key}."""
    paths, sources = [], {}
    for mount in container.get("volumeMounts") or []:
        mount_path = mount.get("mountPath", "").rstrip("/")
        directory = scratch / mount_path.lstrip("/")
        directory.mkdir(parents=True, exist_ok=True)
        files, source, _, keys = _volume_files(index, template, template.volume(mount.get("name"))[1])
        for relative, value in (files or {}).items():
            (directory / relative).parent.mkdir(parents=True, exist_ok=True)
            (directory / relative).write_text(value)
            sources[f"{mount_path}/{relative}"] = _located_key(source, keys[relative], value)
        paths.append(mount_path)
    return paths, sources


def _located_key(resource, key, value):
    """Where line 1 of a ConfigMap's or Secret's key is in its manifest."""
    for field in ("stringData", "data"):
        values = resource.body.get(field)
        if isinstance(values, dict) and key in values:
            line = getattr(values, "value_lines", {}).get(key, resource.line)
            text = resource.path.read_text().splitlines()
            block = line <= len(text) and re.search(r":\s*[|>][-+0-9]*\s*(#.*)?$", text[line - 1])
            return Located(resource, key, value, line + 1 if block else line, field)
    return Located(resource, key, value, resource.line)
