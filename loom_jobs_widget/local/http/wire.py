"""The JSON types the Jobs API's request parser demands of the settings' known fields.

A workspace parses a request into its schema before anything else, so `"tasks": {}` or
`"max_retries": [1]` is a 400 MALFORMED_REQUEST ("Could not parse request object: Expected array
for field tasks, found OBJECT"), not a validation error. The lossless models keep such values as
they came (the editor must show them), so this check reads the types the models *declare*:
`Loose[int]` means an int on the wire. Keys the models do not declare, and nulls, pass: the
parser ignores unknown fields and reads null as "not set".

Leniencies of the real parser that are kept: an int may come as a decimal string (proto3 JSON's
int64), and a string field takes a number or a boolean as its text. An int must fit in 64 bits,
as an int64 field does.
"""

from __future__ import annotations

import types
import typing
from functools import cache
from typing import Any, Union

from loom_jobs_widget.core.models import ApiObject, JobSettings, built
from loom_jobs_widget.local.http.messages import ApiError
from loom_jobs_widget.local.http.params import is_int64, json_type, parse_int64

__all__ = ["check_settings"]


def check_settings(settings: dict[str, Any]) -> None:
    """Raises the MALFORMED_REQUEST a workspace answers when a known field of the settings has
    the wrong JSON type."""
    fault = _check_object(settings, JobSettings, "")
    if fault is not None:
        raise ApiError.malformed(f"Could not parse request object: {fault}")


def _declared(annotation: Any) -> Any:
    """T of `Loose[T] | None`: drops Optional, Annotated and the `Any` fallback."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin is Union or origin is types.UnionType:
            options = [
                arg
                for arg in typing.get_args(annotation)
                if arg is not type(None) and arg is not Any
            ]
            if len(options) != 1:
                return Any
            annotation = options[0]
        else:
            return annotation


@cache
def _fields(model: type[ApiObject]) -> tuple[tuple[str, Any], ...]:
    fields = built(model).model_fields.items()  # `for_each_task.task` names Task once built
    return tuple((info.alias or name, _declared(info.annotation)) for name, info in fields)


def _check_object(value: dict[str, Any], model: type[ApiObject], path: str) -> str | None:
    for name, declared in _fields(model):
        item = value.get(name)
        if item is None:
            continue
        fault = _check(item, declared, f"{path}.{name}" if path else name, name)
        if fault is not None:
            return fault
    return None


def _check(value: Any, declared: Any, path: str, name: str) -> str | None:
    if value is None or declared is Any:
        return None
    origin = typing.get_origin(declared)
    if isinstance(declared, type) and issubclass(declared, ApiObject):
        if not isinstance(value, dict):
            return _expected("object", name, value, path)
        return _check_object(value, declared, path)
    if origin is list:
        if not isinstance(value, list):
            return _expected("array", name, value, path)
        (item_type,) = typing.get_args(declared)
        inner = _declared(item_type)
        for index, item in enumerate(value):
            fault = _check(item, inner, f"{path}[{index}]", name)
            if fault is not None:
                return fault
        return None
    if origin is dict:
        if not isinstance(value, dict):
            return _expected("object", name, value, path)
        for key, item in value.items():
            if isinstance(item, (dict, list)):
                return _expected("string", name, item, f"{path}.{key}")
        return None
    if declared is bool:
        return None if isinstance(value, bool) else _expected("boolean", name, value, path)
    if declared is int:
        if is_int64(value) or (isinstance(value, str) and parse_int64(value) is not None):
            return None
        if isinstance(value, (int, str)) and not isinstance(value, bool):
            where = f" (at {path})" if path != name else ""
            return f"Expected a 64-bit integer for field {name}, found {str(value)[:100]}{where}"
        return _expected("integer", name, value, path)
    if declared is str:
        ok = not isinstance(value, (dict, list))
        return None if ok else _expected("string", name, value, path)
    return None


def _expected(kind: str, name: str, value: Any, path: str) -> str:
    where = f" (at {path})" if path != name else ""
    return f"Expected {kind} for field {name}, found {json_type(value)}{where}"
