"""Copies of JSON documents (dicts, lists, strings, numbers, booleans, None): every dict and list
new, none shared by two places, at C speed where it can be.

marshal copies plain JSON values at C speed; its format 2 writes a list or dict that occurs
twice as two (format 3 would load it back as one object, shared by two places). It refuses most
other types, but turns an object with a buffer (a numpy number) into bytes: the copy is used
only when it equals the input. (A bytearray equals its bytes; no job document holds one.)
Anything else is copied dict by dict and list by list, other values kept as they are.
"""

from __future__ import annotations

import marshal
from collections.abc import Mapping
from typing import Any

from loom_jobs_widget.core.gc_pause import collector_paused

__all__ = ["copy_document", "copy_json"]


def copy_json(value: Any) -> Any:
    """A copy of the JSON value `value`."""
    if type(value) is dict or type(value) is list:
        try:
            with collector_paused():  # every object made here is kept
                copied = marshal.loads(marshal.dumps(value, 2))
            if copied == value:
                return copied
        except Exception:  # a type marshal refuses, deep nesting, an odd __eq__
            pass
    return _copy(value)


def copy_document(document: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the JSON object `document`, as a dict."""
    copied: dict[str, Any] = copy_json(document if type(document) is dict else dict(document))
    return copied


def _copy(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value
