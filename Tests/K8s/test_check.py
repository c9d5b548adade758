"""`make k8s-check` breaks the manifests on purpose, one way at a time, in a copy, and expects
check.py to fail naming the file, the line's field and the cause. Run:
`.build-k8s/venv/bin/python -m unittest discover -s Tests/K8s`."""

import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import check  # noqa: E402

ROOT = check.ROOT
BINARY = os.environ.get("ZR_BINARY", str(ROOT / ".build" / "debug" / "zoneregistry"))


class BrokenManifests(unittest.TestCase):
    def setUp(self):
        self.scratch = pathlib.Path(tempfile.mkdtemp(prefix="k8s-broken-"))
        shutil.copytree(ROOT / "deploy" / "kubernetes", self.scratch / "deploy" / "kubernetes")

    def tearDown(self):
        shutil.rmtree(self.scratch)

    def edit(self, relative, old, new):
        path = self.scratch / "deploy" / "kubernetes" / relative
        text = path.read_text()
        self.assertIn(old, text, f"{relative} no longer contains {old!r}: update the test")
        path.write_text(text.replace(old, new, 1))

    def line_of(self, relative, text):
        """The 1-based line of the first line of `relative` containing `text`."""
        lines = (self.scratch / "deploy" / "kubernetes" / relative).read_text().splitlines()
        return next(number for number, line in enumerate(lines, start=1) if text in line)

    def findings(self):
        lines, _ = check.run([self.scratch / "deploy" / "kubernetes"], BINARY, root=self.scratch)
        return lines

    def assertFinding(self, *parts):
        lines = self.findings()
        self.assertTrue(any(all(part in line for part in parts) for line in lines),
                        f"no finding with {parts} in:\n" + "\n".join(lines))

    def test_pristine_manifests_pass(self):
        self.assertEqual(self.findings(), [])

    def test_a_missing_required_field_names_file_line_and_field(self):
        self.edit("masters/statefulset.yaml", "  selector:\n    matchLabels:\n      app.kubernetes.io/name: zoneregistry\n      app.kubernetes.io/component: master\n", "")
        self.assertFinding("deploy/kubernetes/masters/statefulset.yaml:12:", "StatefulSet/zoneregistry: spec:",
                           "'selector' is a required property", "Kubernetes 1.30")

    def test_a_misspelt_field_is_an_error_not_ignored(self):
        self.edit("masters/statefulset.yaml", "        readinessProbe:", "        readinesProbe:")
        self.assertFinding("masters/statefulset.yaml:", "spec.template.spec.containers[0]:", "'readinesProbe' was unexpected")

    def test_a_wrong_type_is_named_at_its_field(self):
        self.edit("gateway/service.yaml", "    port: 8080", "    port: eighty")
        self.assertFinding("gateway/service.yaml:", "Service/zoneregistry-gateway: spec.ports[2].port:", "'eighty' is not of type 'integer'")

    def test_a_secret_key_the_statefulset_mounts_must_exist(self):
        self.edit("masters/secret.yaml.example", "  control-token:", "  token:")
        self.assertFinding("masters/statefulset.yaml:", "spec.template.spec.volumes[1].secret.items[1].key:",
                           "Secret 'zoneregistry' has no key 'control-token'")

    def test_a_file_the_corefile_names_must_come_from_a_mounted_key(self):
        self.edit("masters/statefulset.yaml", "          - key: tsig.key\n            path: tsig.key\n", "")
        self.assertFinding("masters/configmap.yaml:", "data.Corefile: line", "`secrets /etc/zoneregistry/secrets/tsig.key`: Secret 'zoneregistry' does not provide 'tsig.key'")

    def test_an_error_in_a_key_file_is_reported_at_the_secrets_key(self):
        self.edit("masters/secret.yaml.example", "algorithm hmac-sha256;", "algorithm hmac-md5;")
        line = self.line_of("masters/secret.yaml.example", "algorithm hmac-md5;")
        self.assertFinding(f"masters/secret.yaml.example:{line}:", "Secret/zoneregistry: stringData.tsig.key: line 2 column 12:",
                           'unknown TSIG algorithm "hmac-md5"', "pods zoneregistry-0, zoneregistry-1, zoneregistry-2")

    def test_the_state_file_must_be_on_a_writable_volume(self):
        self.edit("masters/configmap.yaml", "state_file /var/lib/zoneregistry/", "state_file /etc/zoneregistry/secrets/")
        self.assertFinding("masters/configmap.yaml:", "`state_file /etc/zoneregistry/secrets/overrides.json`: volume 'secrets' is read-only")

    def test_a_short_control_token_fails_validation_at_the_token_file_line(self):
        self.edit("masters/secret.yaml.example", '"example-only-generate-a-fresh-token"', '"short"')
        self.assertFinding("masters/configmap.yaml:", "data.Corefile: line", "is shorter than 16 bytes", "zoneregistry -validate")

    def test_a_configmap_the_statefulset_mounts_must_exist(self):
        self.edit("masters/statefulset.yaml", "          name: zoneregistry\n          items:", "          name: zoneregistry-config\n          items:")
        self.assertFinding("masters/statefulset.yaml:", "spec.template.spec.volumes[0].configMap.name:", "ConfigMap 'zoneregistry-config' is not defined")

    def test_the_corefile_in_the_configmap_goes_through_zoneregistry_validate(self):
        self.edit("masters/configmap.yaml", "ttl 30", "ttl 99999")
        line = self.line_of("masters/configmap.yaml", "ttl 99999")
        in_corefile = line - self.line_of("masters/configmap.yaml", "Corefile: |")
        self.assertFinding(f"masters/configmap.yaml:{line}:", f"ConfigMap/zoneregistry: data.Corefile: line {in_corefile} column 13:",
                           'TTL "99999" is out of range', "zoneregistry -validate")

    def test_an_environment_variable_the_corefile_uses_must_be_set_by_the_pod(self):
        self.edit("masters/configmap.yaml", "        errors\n", "        errors\n        bind {$POD_IP}\n")
        self.assertFinding("masters/configmap.yaml:", "data.Corefile: line 3", 'environment variable "POD_IP" is not set')

    def test_lameduck_must_end_before_the_kubelet_kills_the_pod(self):
        self.edit("masters/configmap.yaml", "lameduck 10s", "lameduck 45s")
        self.assertFinding("masters/statefulset.yaml:", "spec.template.spec.terminationGracePeriodSeconds:", "not above `lameduck 45s`")

    def test_probe_ports_must_be_the_corefiles_endpoints(self):
        self.edit("masters/configmap.yaml", "ready :8181", "ready :8282")
        self.assertFinding("masters/statefulset.yaml:", "containers[0].readinessProbe.httpGet.port:", "listens on 8282")

    def test_a_service_port_must_reach_a_container_port(self):
        self.edit("gateway/service.yaml", "targetPort: ingress-health", "targetPort: health-sidecar")
        self.assertFinding("gateway/service.yaml:", "spec.ports[2].targetPort:", "no selected container has a TCP port 'health-sidecar'")

    def test_port_53_needs_the_sysctl_when_no_capability_is_added(self):
        self.edit("masters/statefulset.yaml", "        sysctls:\n        - name: net.ipv4.ip_unprivileged_port_start\n          value: \"53\"\n", "")
        self.assertFinding("masters/statefulset.yaml:", "containers[0].ports[0].containerPort:", "below net.ipv4.ip_unprivileged_port_start")

    def test_a_writable_root_filesystem_breaks_the_restricted_standard(self):
        self.edit("gateway/deployment.yaml", "readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false")
        self.assertFinding("gateway/deployment.yaml:", "containers[0].securityContext.readOnlyRootFilesystem:", "must be true")

    def test_the_command_line_exits_non_zero_and_prints_the_file(self):
        self.edit("masters/pdb.yaml", "  maxUnavailable: 1", "  maxUnavailable: 1\n  minReplicas: 2")
        run = subprocess.run([sys.executable, str(ROOT / "Tests" / "K8s" / "check.py"), "--binary", BINARY,
                              str(self.scratch / "deploy" / "kubernetes")], capture_output=True, text=True, cwd=self.scratch)
        self.assertEqual(run.returncode, 1, run.stdout + run.stderr)
        self.assertIn("masters/pdb.yaml:", run.stderr)
        self.assertIn("PodDisruptionBudget/zoneregistry: spec: Additional properties are not allowed ('minReplicas' was unexpected)", run.stderr)


if __name__ == "__main__":
    unittest.main()
