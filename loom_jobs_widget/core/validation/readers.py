"""Reading models and dicts alike, and showing what was read in a message.

The settings come from the lossless model of `models.py`, so any field may hold a value of another
type than the declared one, and a list with a single odd entry stays a plain list of dicts. Every
rule therefore reads through `field_value` (models) and the readers here, which treat models and
dicts alike, and checks the type of what it reads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from loom_jobs_widget.core.models import ApiObject

__all__ = [
    "characters_outside",
    "conjunction",
    "fields_of",
    "in_document_order",
    "is_interpolation",
    "is_object",
    "items",
    "key_order",
    "missing",
    "quote",
]


def is_object(value: Any) -> bool:
    return isinstance(value, (ApiObject, dict))


def items(obj: Any) -> list[tuple[str, Any]]:
    """The (API name, value) pairs an object holds, in document order; [] for a non-object."""
    if isinstance(obj, dict):
        return list(obj.items())
    if isinstance(obj, ApiObject):
        return list(obj.api_fields().items())
    return []


def fields_of(obj: Any) -> Mapping[str, Any]:
    """An object's fields by API name; [] for a non-object."""
    if isinstance(obj, dict):
        return obj
    if isinstance(obj, ApiObject):
        return obj.api_fields()
    return {}


def in_document_order(obj: Any, names: Sequence[str]) -> list[str]:
    return [key for key, _ in items(obj) if key in names]


def key_order(obj: ApiObject) -> list[str]:
    return [key for key, _ in items(obj)]


def is_interpolation(value: Any) -> bool:
    """A bundle `${...}` reference, resolved by the Databricks CLI before the API sees it."""
    return isinstance(value, str) and "${" in value


def missing(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def quote(value: Any, limit: int = 60) -> str:
    """A value as a message shows it: 'text', or JSON; cut short when long."""
    text = f"'{value}'" if isinstance(value, str) else json.dumps(value, default=repr)
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def conjunction(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def characters_outside(text: str, allowed: re.Pattern[str]) -> str:
    bad = sorted({char for char in text if not allowed.fullmatch(char)})
    return ", ".join(repr(char) for char in bad)
