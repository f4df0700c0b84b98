"""YAML for `documents`: written in block style keeping key order, read by a safe loader with
JSON's booleans and no timestamps, refusing deep nesting and alias bombs. PyYAML loads only when
a YAML text is written or read."""

from __future__ import annotations

import re
from typing import Any

import yaml

from loom_jobs_widget.core.documents import MAX_DEPTH, MAX_NODES, DocumentError

__all__ = ["parse_yaml", "yaml_text"]


class _Dumper(yaml.SafeDumper):
    """Block style, multi-line strings (SQL, descriptions) as literal blocks."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def yaml_text(document: Any) -> str:
    """A document as YAML: block style, key order kept, multi-line strings as literal blocks."""
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


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


def parse_yaml(text: str) -> Any:
    """The data in a YAML text, or `DocumentError` (see `documents.parse_document`)."""
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
