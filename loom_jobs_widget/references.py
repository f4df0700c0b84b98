"""The grammar of dynamic value references (`{{job.run_id}}`, ``{{job.parameters.`my-name`}}``):
finding them in a string and splitting one into its names. Pure parsing, shared by the validator
(which checks references against its rules) and the local workspace (which resolves them).

- A reference is `{{ ... }}`.
- Its names are dotted; a name with characters other than letters, digits and `_` is quoted in
  backticks.
- Text in no namespace the API knows (`{{my.value}}`, `{{CATALOG}}`, legacy `{{job_id}}`) is
  literal text, left alone.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

__all__ = ["NAMESPACES", "REFERENCE", "TIME_ARGUMENTS", "parse"]

# What `finditer`/`sub` find: group(0) the whole reference, group(1) the text between the braces.
REFERENCE: Final = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
NAMESPACES: Final = frozenset({"job", "task", "tasks", "workspace", "input"})
# The arguments of `{{job.start_time.<argument>}}` and `{{job.trigger.time.<argument>}}`.
TIME_ARGUMENTS: Final = (
    "iso_date",
    "iso_datetime",
    "iso_weekday",
    "is_weekday",
    "year",
    "month",
    "day",
    "hour",
    "minute",
    "second",
    "timestamp_ms",
)

_IDENTIFIER: Final = re.compile(r"[A-Za-z0-9_]+")
_NAMESPACE: Final = re.compile(r"\s*([A-Za-z0-9_]+)\s*(?:\.|$)")


@lru_cache(maxsize=4096)
def parse(inner: str) -> tuple[str, ...] | None:
    """The dotted names between `{{` and `}}`: () when they are in no namespace the API knows
    (the text is left alone), None when they are in one but malformed (an error). Cached: jobs
    repeat their references."""
    namespace = _NAMESPACE.match(inner)
    if namespace is None or namespace.group(1) not in NAMESPACES:
        return ()
    segments = _split(inner.strip())
    return None if segments is None else tuple(segments)


def _split(text: str) -> list[str] | None:
    """The dotted names of a reference (backticks quote a name); None when it is malformed."""
    segments: list[str] = []
    position = 0
    while True:
        if text.startswith("`", position):
            end = text.find("`", position + 1)
            if end < 0:
                return None
            segments.append(text[position + 1 : end])
            position = end + 1
        else:
            name = _IDENTIFIER.match(text, position)
            if name is None:
                return None
            segments.append(name.group())
            position = name.end()
        if position == len(text):
            return segments
        if text[position] != ".":
            return None
        position += 1
