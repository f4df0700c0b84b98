"""A JSON value checked against a protocol type at run time (TypedDicts, lists, dicts, unions,
Literals), for the tests that compare what the sessions send with `protocol`."""

from __future__ import annotations

import types
from typing import Any, Literal, Union, get_args, get_origin

from typing_extensions import NotRequired, get_type_hints, is_typeddict


def kinds(union: Any) -> dict[str, type]:
    """``kind`` -> the TypedDict of that kind, of each member of a union of messages (several
    members with one kind, as the edit ops have, map to the first)."""
    found: dict[str, type] = {}
    for member in members(union):
        (kind,) = get_args(get_type_hints(member)["kind"])
        found.setdefault(kind, member)
    return found


def members(union: Any) -> list[type]:
    """The TypedDicts of a union (or the one TypedDict given), unions inside it flattened."""
    if is_typeddict(union):
        return [union]
    return [member for arg in get_args(union) for member in members(arg)]


def mismatches(value: Any, expected: Any, where: str = "message") -> list[str]:
    """Where ``value`` is not what ``expected`` says (empty: it is)."""
    origin, args = get_origin(expected), get_args(expected)
    if expected is Any:
        return []
    if expected is None or expected is type(None):
        return [] if value is None else [f"{where}: {value!r} is not null"]
    if origin is NotRequired:
        return mismatches(value, args[0], where)
    if origin is Literal:
        return [] if value in args else [f"{where}: {value!r} is not one of {args}"]
    if origin in (Union, types.UnionType):
        tries = [mismatches(value, arg, where) for arg in args]
        return [] if any(not found for found in tries) else min(tries, key=len)
    if origin is list:
        if not isinstance(value, list):
            return [f"{where}: {value!r} is not a list"]
        return [found for i, item in enumerate(value)
                for found in mismatches(item, args[0], f"{where}[{i}]")]  # fmt: skip
    if origin is dict:
        if not isinstance(value, dict):
            return [f"{where}: {value!r} is not an object"]
        return [m for key, item in value.items()
                for m in ([] if isinstance(key, str) else [f"{where}: key {key!r}"])
                + mismatches(item, args[1], f"{where}[{key!r}]")]  # fmt: skip
    if is_typeddict(expected):
        return _typed_dict(value, expected, where)
    if expected is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif expected is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, expected)
    return [] if ok else [f"{where}: {value!r} is not a {expected.__name__}"]


def _typed_dict(value: Any, expected: Any, where: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{where}: {value!r} is not a {expected.__name__}"]
    hints = get_type_hints(expected, include_extras=True)
    required = {name for name, hint in hints.items() if get_origin(hint) is not NotRequired}
    found = [f"{where}: {expected.__name__} has no {key!r}" for key in value if key not in hints]
    found += [f"{where}: {expected.__name__} needs {key!r}" for key in required - set(value)]
    for key, item in value.items():
        if key in hints:
            found += mismatches(item, hints[key], f"{where}.{key}")
    return found
