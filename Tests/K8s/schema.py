"""Offline validation against the Kubernetes OpenAPI schemas that kubernetes-validate ships as
JSON files, strict (an unknown field is an error: a misspelt `readinesProbe` is not ignored).
Schemas are loaded once per version and kind, so a run over every manifest takes about a second."""

import functools
import json
import re

import importlib_resources
import jsonschema
import referencing
import referencing.jsonschema

from manifests import Finding

PACKAGE = importlib_resources.files("kubernetes_validate") / "kubernetes-json-schema"


def bundled_versions():
    found = []
    for entry in PACKAGE.iterdir():
        match = re.fullmatch(r"v(\d+)\.(\d+)\.(\d+)-local-strict", entry.name)
        if match:
            found.append(tuple(int(part) for part in match.groups()))
    return sorted(found)


def version_dir(version):
    """The schemas for `version` ("1.30"): the newest bundled release of that minor."""
    wanted = tuple(int(part) for part in version.split(".")[:2])
    candidates = [v for v in bundled_versions() if v[:2] == wanted]
    if not candidates:
        shipped = ", ".join(f"{v[0]}.{v[1]}" for v in bundled_versions())
        raise SystemExit(f"kubernetes-validate ships no schemas for Kubernetes {version} (it has {shipped})")
    major, minor, patch = candidates[-1]
    return f"v{major}.{minor}.{patch}-local-strict"


@functools.lru_cache(maxsize=None)
def _json(directory, name):
    path = PACKAGE / directory / name
    if not path.is_file():
        return None
    return json.loads(path.read_text())


@functools.lru_cache(maxsize=None)
def _validator(directory, kind, api_version):
    group_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    schema = _json(directory, f"{kind.lower()}-{group_version}.json")
    if schema is None:
        return None
    definitions = _json(directory, "_definitions.json")
    # Both files carry a `$id` (https://kubernetes.io/api/...): the registry resolves the
    # kind's `$ref`s into the definitions by it, never over the network.
    registry = referencing.Resource.from_contents(definitions) @ referencing.Registry()
    registry = referencing.Resource.from_contents(schema) @ registry
    return jsonschema.Draft202012Validator(schema, registry=registry)


def validate(resource, version):
    """Findings for `resource` against Kubernetes `version`'s schema."""
    body = resource.body
    if "apiVersion" not in body or "kind" not in body:
        return [Finding(resource, [], "apiVersion and kind are required")]
    validator = _validator(version_dir(version), body["kind"], body["apiVersion"])
    if validator is None:
        return [Finding(resource, ["apiVersion"], f"Kubernetes {version} has no {body['kind']} in {body['apiVersion']}")]
    findings = []
    for error in sorted(validator.iter_errors(body), key=lambda e: list(map(str, e.absolute_path))):
        findings.append(Finding(resource, list(error.absolute_path), f"{_message(error)} (Kubernetes {version} schema)"))
    return findings


def _message(error):
    # `anyOf`/`oneOf` failures hide the useful part in their context.
    if error.context:
        best = jsonschema.exceptions.best_match(error.context)
        if best is not None:
            return best.message
    return error.message
