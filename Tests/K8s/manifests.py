"""Kubernetes manifests as loaded from YAML, each value remembering the line it was written on,
so every finding can name the file, the line and the field."""

import dataclasses
import pathlib

import yaml


class LocatedDict(dict):
    """A mapping that knows the line (1-based) of each of its keys."""
    lines: dict


class LocatedList(list):
    """A sequence that knows the line of each of its items."""
    lines: list


class _LineLoader(yaml.SafeLoader):
    def construct_mapping(self, node, deep=False):
        mapping = LocatedDict(super().construct_mapping(node, deep=True))
        keys = [(self.construct_object(key, deep=True), key, value) for key, value in node.value]
        mapping.lines = {name: key.start_mark.line + 1 for name, key, _ in keys}
        mapping.value_lines = {name: value.start_mark.line + 1 for name, _, value in keys}
        return mapping

    def construct_sequence(self, node, deep=False):
        sequence = LocatedList(super().construct_sequence(node, deep=True))
        sequence.lines = [item.start_mark.line + 1 for item in node.value]
        return sequence


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _LineLoader.construct_sequence)


@dataclasses.dataclass
class Resource:
    """One document of a manifest file."""
    file: str  # as shown in findings (relative to the repository when inside it)
    body: dict
    line: int
    path: pathlib.Path = None  # the file itself

    @property
    def kind(self):
        return self.body.get("kind", "?")

    @property
    def name(self):
        return (self.body.get("metadata") or {}).get("name", "?")

    @property
    def namespace(self):
        return (self.body.get("metadata") or {}).get("namespace", "default")

    @property
    def title(self):
        return f"{self.kind}/{self.name}"

    def line_of(self, path):
        """The line of the deepest key or item of `path` (keys and indices) that exists."""
        node, line = self.body, self.line
        for step in path:
            lines = getattr(node, "lines", None)
            try:
                if isinstance(node, dict) and step in node:
                    line, node = lines[step] if lines else line, node[step]
                elif isinstance(node, list) and isinstance(step, int) and step < len(node):
                    line, node = lines[step] if lines else line, node[step]
                else:
                    break
            except (KeyError, IndexError, TypeError):
                break
        return line


def field_path(path):
    """`spec.template.spec.containers[0].image` from ["spec", ..., "containers", 0, "image"]."""
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text or "(document)"


@dataclasses.dataclass
class Finding:
    """A problem in a manifest: printed as FILE:LINE: KIND/NAME: FIELD: message."""
    resource: Resource
    path: list
    message: str
    line: int = 0

    def __str__(self):
        line = self.line or self.resource.line_of(self.path)
        return f"{self.resource.file}:{line}: {self.resource.title}: {field_path(self.path)}: {self.message}"


MANIFEST_SUFFIXES = (".yaml", ".yml", ".yaml.example")


def manifest_files(roots):
    files = []
    for root in roots:
        root = pathlib.Path(root)
        if root.is_file():
            files.append(root)
            continue
        files += sorted(p for p in root.rglob("*") if p.is_file() and p.name.endswith(MANIFEST_SUFFIXES))
    return files


def load(roots, relative_to):
    """Every document of every manifest under `roots`; a file that is not YAML raises ValueError."""
    resources = []
    for path in manifest_files(roots):
        shown = str(path.resolve().relative_to(relative_to)) if path.resolve().is_relative_to(relative_to) else str(path)
        text = path.read_text()
        loader = _LineLoader(text)
        try:
            while loader.check_node():
                node = loader.get_node()
                body = loader.construct_document(node)
                if body is None:
                    continue
                if not isinstance(body, dict):
                    raise ValueError(f"{shown}:{node.start_mark.line + 1}: a manifest document must be a mapping")
                resources.append(Resource(shown, body, node.start_mark.line + 1, path.resolve()))
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = mark.line + 1 if mark else 1
            raise ValueError(f"{shown}:{line}: not valid YAML: {getattr(error, 'problem', error)}")
        finally:
            loader.dispose()
    return resources
