"""A job's settings as text a person reads, edits or pastes: JSON (the Jobs API's own form) and
YAML (as in a bundle's resource file), written keeping every field and the document's key order,
and read back by one parser for both formats that refuses, with the line and column, what is
not plain JSON data or is too big to read safely."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any, Literal

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


def settings_text(settings: JobSettings | Mapping[str, Any], format: Format) -> str:
    """The settings as JSON (2-space indent) or YAML (block style, key order kept)."""
    document = settings.to_api() if isinstance(settings, JobSettings) else dict(settings)
    if format == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if format == "yaml":
        from loom_jobs_widget.core.yaml_text import yaml_text

        return yaml_text(document)
    raise ValueError(f"Unknown format {format!r}: use 'json' or 'yaml'.")


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
        if format == "json":
            document = _parse_json(text)
        else:
            from loom_jobs_widget.core.yaml_text import parse_yaml

            document = parse_yaml(text)
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
