"""A job's settings as text a person reads, edits or pastes: JSON (the Jobs API's own form) and
YAML (as in a bundle's resource file), written keeping every field and the document's key order,
and read back by one parser for both formats that refuses, with the line and column, what is
not plain JSON data or is too big to read safely."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any, Literal

import yaml

from loom_jobs_widget.core.models import JobSettings

__all__ = [
    "MAX_DEPTH",
    "MAX_DOCUMENT_CHARS",
    "MAX_NODES",
    "DocumentError",
    "Format",
    "parse_document",
    "settings_text",
]

Format = Literal["json", "yaml"]

MAX_DOCUMENT_CHARS = 2_000_000
"""The longest text read: six times a job of 1000 tasks as JSON; the YAML reader, pure Python,
reads this much in about 12 s."""
MAX_DEPTH = 100
"""The deepest nesting read; a job's settings nest about 12 levels."""
MAX_NODES = 2_000_000
"""The most values a YAML text may stand for once its aliases are expanded."""


class DocumentError(ValueError):
    """Text that cannot be read as a document; ``line`` and ``column`` (1-based) say where,
    when the parser knows."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class _Dumper(yaml.SafeDumper):
    """Block style, multi-line strings (SQL, descriptions) as literal blocks."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def settings_text(settings: JobSettings | Mapping[str, Any], format: Format) -> str:
    """The settings as JSON (2-space indent) or YAML (block style, key order kept)."""
    document = settings.to_api() if isinstance(settings, JobSettings) else dict(settings)
    if format == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if format == "yaml":
        return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    raise ValueError(f"Unknown format {format!r}: use 'json' or 'yaml'.")


class _Loader(yaml.SafeLoader):
    """The safe loader (no Python tags) with the YAML 1.2 core schema's booleans: `yes`, `no`,
    `on` and `off` stay strings, as the Go YAML reader of the Databricks CLI reads them; and no
    timestamps, which JSON cannot hold (`2024-01-01` stays a string)."""


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def _compose_node(loader: _Loader, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
    """Composes as PyYAML does, refusing nesting past `MAX_DEPTH` before its recursion runs
    deep (it would spend seconds reaching Python's recursion limit)."""
    depth = getattr(loader, "_depth", 0) + 1
    if depth > MAX_DEPTH:
        mark = loader.peek_event().start_mark  # type: ignore[no-untyped-call]
        raise DocumentError(
            f"The YAML nests deeper than {MAX_DEPTH} levels at line {mark.line + 1}.",
            mark.line + 1,
            mark.column + 1,
        )
    loader._depth = depth  # type: ignore[attr-defined]
    try:
        return yaml.SafeLoader.compose_node(loader, parent, index)
    finally:
        loader._depth = depth - 1  # type: ignore[attr-defined]


def _fetch_flow_collection_start(loader: _Loader, token_class: Any) -> None:
    """Refuses `[[[[...` past `MAX_DEPTH` while scanning: PyYAML's scanner costs the square of
    the flow nesting, so a short line of brackets would keep it busy for hours."""
    if loader.flow_level >= MAX_DEPTH:
        mark = loader.get_mark()
        raise DocumentError(
            f"The YAML nests deeper than {MAX_DEPTH} levels at line {mark.line + 1}.",
            mark.line + 1,
            mark.column + 1,
        )
    yaml.SafeLoader.fetch_flow_collection_start(loader, token_class)


_Loader.compose_node = _compose_node  # type: ignore[assignment,method-assign]
_Loader.fetch_flow_collection_start = _fetch_flow_collection_start  # type: ignore[assignment,method-assign]


def parse_document(text: str, format: Format | None = None) -> Any:
    """The JSON data in ``text``, read as JSON or YAML (None: JSON when it starts with `{` or
    `[`). Raises `DocumentError` for malformed text (with its line and column), a tag that is
    not plain data (`!!python/object`), text longer than `MAX_DOCUMENT_CHARS`, nesting deeper
    than `MAX_DEPTH`, or aliases that expand to more than `MAX_NODES` values."""
    if len(text) > MAX_DOCUMENT_CHARS:
        raise DocumentError(
            f"The text is too long to read ({len(text):,} characters; at most "
            f"{MAX_DOCUMENT_CHARS:,})."
        )
    if not text.strip():
        raise DocumentError("The text is empty: paste a job as JSON or YAML.")
    if format is None:
        format = "json" if text.lstrip().startswith(("{", "[")) else "yaml"
    try:
        document = _parse_json(text) if format == "json" else _parse_yaml(text)
    except RecursionError:
        raise DocumentError(f"The text nests deeper than {MAX_DEPTH} levels.") from None
    _check_data(document)
    return document


def _parse_json(text: str) -> Any:
    def refuse_constant(name: str) -> Any:
        raise DocumentError(f"The JSON holds {name}, which is not a JSON number.")

    try:
        return json.loads(text, parse_constant=refuse_constant)
    except json.JSONDecodeError as error:
        raise DocumentError(
            f"The JSON is malformed at line {error.lineno}, column {error.colno}: {error.msg}.",
            error.lineno,
            error.colno,
        ) from None


def _parse_yaml(text: str) -> Any:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise DocumentError("The YAML holds no document: paste a job as JSON or YAML.")
        _check_nodes(node)
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "unreadable"
        if mark is None:
            raise DocumentError(f"The YAML is malformed: {problem}.") from None
        line, column = mark.line + 1, mark.column + 1
        what = "has a tag that is not plain data" if "constructor" in problem else "is malformed"
        raise DocumentError(
            f"The YAML {what} at line {line}, column {column}: {problem}.", line, column
        ) from None
    except yaml.YAMLError as error:
        raise DocumentError(f"The YAML is malformed: {error}.") from None
    finally:
        loader.dispose()


def _check_nodes(root: yaml.Node) -> None:
    """Refuses a node tree nesting too deep or whose aliases expand too far (an alias bomb:
    a few lines that stand for billions of values), before anything is built from it."""
    sizes: dict[int, int] = {}  # a node's expanded size, by id: an alias repeats its node
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, done = stack.pop()
        if id(node) in sizes:
            continue
        if depth > MAX_DEPTH:
            mark = node.start_mark
            raise DocumentError(
                f"The YAML nests deeper than {MAX_DEPTH} levels at line {mark.line + 1}.",
                mark.line + 1,
                mark.column + 1,
            )
        children = _children(node)
        if done or not children:
            size = 1 + sum(sizes.get(id(child), 1) for child in children)
            if size > MAX_NODES:
                mark = node.start_mark
                raise DocumentError(
                    f"The YAML's aliases expand to more than {MAX_NODES:,} values (from line "
                    f"{mark.line + 1}): refused, it would not fit in memory.",
                    mark.line + 1,
                    mark.column + 1,
                )
            sizes[id(node)] = size
            continue
        stack.append((node, depth, True))
        stack.extend((child, depth + 1, False) for child in children if id(child) not in sizes)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _check_data(document: Any) -> None:
    """Refuses what JSON cannot hold: keys that are not strings, non-finite numbers, and the
    other YAML types (binary, sets read as such)."""
    stack: list[tuple[Any, str, int]] = [(document, "", 1)]
    while stack:
        value, where, depth = stack.pop()
        if depth > MAX_DEPTH and isinstance(value, (dict, list)):
            raise DocumentError(f"The text nests deeper than {MAX_DEPTH} levels.")
        if isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    raise DocumentError(
                        f"The key {key!r} at {where or 'the top'} is not a string: quote it."
                    )
                stack.append((item, f"{where}.{key}" if where else key, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, f"{where}[{i}]", depth + 1) for i, item in enumerate(value))
        elif isinstance(value, float) and not math.isfinite(value):
            raise DocumentError(f"{where or 'The document'} is {value}, not a JSON number.")
        elif value is not None and not isinstance(value, (str, int, float, bool)):
            raise DocumentError(
                f"{where or 'The document'} is a {type(value).__name__}, not JSON data."
            )
