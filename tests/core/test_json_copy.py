"""Copies of JSON documents share no dict or list with their source, and keep what is not JSON."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from loom_jobs_widget.core.json_copy import copy_document, copy_json


def _containers(value: Any) -> list[int]:
    if isinstance(value, dict):
        return [id(value), *(i for item in value.values() for i in _containers(item))]
    if isinstance(value, list):
        return [id(value), *(i for item in value for i in _containers(item))]
    return []


def test_a_copy_equals_its_source_and_shares_no_container_with_it() -> None:
    shared = [{"task_key": "a"}]
    document = {"name": "n", "tasks": shared, "again": shared, "n": 1, "f": 1.5, "x": None}
    copied = copy_document(document)
    assert copied == document and list(copied) == list(document)
    assert not set(_containers(copied)) & set(_containers(document))
    # A list that occurs twice in the source is two lists in the copy.
    assert copied["tasks"] is not copied["again"]
    copied["tasks"][0]["task_key"] = "b"
    assert document["tasks"][0]["task_key"] == "a" and copied["again"][0]["task_key"] == "a"


class _Odd:
    """Not JSON: marshal refuses it; the copy keeps it as it is."""


def test_what_marshal_cannot_copy_is_copied_container_by_container() -> None:
    odd = _Odd()
    document = OrderedDict(name="n", tags={"odd": odd}, tasks=[[1, 2], b"raw"])
    copied = copy_document(document)
    assert type(copied) is dict
    assert copied["tags"]["odd"] is odd
    assert copied["tasks"] == [[1, 2], b"raw"]
    assert copied["tasks"] is not document["tasks"]
    assert copy_json([1, {"a": odd}])[1]["a"] is odd
    assert copy_json("text") == "text"
