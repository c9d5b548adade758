#!/usr/bin/env python3
"""`make k8s-check`: every manifest under the given folders validated against the Kubernetes
OpenAPI schemas (offline, kubernetes-validate's files, strict), cross-checked (ConfigMap and
Secret names and keys, volumes, ports, selectors, the restricted Pod Security Standard), and
each zoneregistry container's Corefile run through `zoneregistry -validate`. Prints one line
per problem, FILE:LINE: KIND/NAME: FIELD: message, and exits 1 if there is any."""

import argparse
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import corefile  # noqa: E402
import manifests  # noqa: E402
import references  # noqa: E402
import schema  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
VERSIONS = ["1.30", "1.37"]


def run(folders, binary, versions=VERSIONS, root=ROOT):
    """Every finding, as text, for the manifests under `folders`, and how many resources there were."""
    try:
        resources = manifests.load(folders, root)
    except ValueError as error:
        return [str(error)], 0
    findings = []
    for version in versions:
        for resource in resources:
            findings += schema.validate(resource, version)
    index = references.Index(resources)
    findings += references.check(resources)
    findings += corefile.check(resources, index, binary)
    lines = []
    for finding in findings:
        if str(finding) not in lines:
            lines.append(str(finding))
    return lines, len(resources)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", default=[str(ROOT / "deploy" / "kubernetes")])
    parser.add_argument("--binary", default=str(ROOT / ".build" / "debug" / "zoneregistry"),
                        help="zoneregistry to run -validate with")
    parser.add_argument("--kubernetes", default=",".join(VERSIONS), help="versions whose schemas to check against")
    arguments = parser.parse_args(argv)
    if not pathlib.Path(arguments.binary).is_file():
        print(f"k8s-check: {arguments.binary} not found (swift build first)", file=sys.stderr)
        return 2
    lines, count = run(arguments.folders, arguments.binary, arguments.kubernetes.split(","))
    for line in lines:
        print(line, file=sys.stderr)
    if lines:
        print(f"k8s-check: {len(lines)} problem(s) in {count} resource(s)", file=sys.stderr)
        return 1
    print(f"k8s-check: {count} resources valid against Kubernetes {', '.join(arguments.kubernetes.split(','))}, "
          "references consistent, Corefiles pass zoneregistry -validate")
    return 0


if __name__ == "__main__":
    sys.exit(main())
