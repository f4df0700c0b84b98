"""Every task type's fields against the installed databricks-sdk's `jobs` dataclasses: the table
core/task_types.py keeps (TASK_FIELDS, named under the JSON box of a type without a form) and the
fields each form of js/src/editor/forms/spec.ts edits. Run with `-s` to print the fields that
still have no form field."""

from __future__ import annotations

import dataclasses
import re
import typing
from pathlib import Path
from typing import Any

import pytest
from databricks.sdk.service import jobs
from databricks.sdk.version import __version__ as sdk_version

from loom_jobs_widget.core.task_types import TASK_FIELDS, TASK_TYPES

TABLE_SDK_VERSION = "0.167.0"
"""The databricks-sdk version core/task_types.py's TASK_FIELDS names every field of."""
SPEC_TS = Path(__file__).resolve().parents[2] / "js" / "src" / "editor" / "forms" / "spec.ts"

# Fields a form edits outside the type's own sub-form.
_EDITED_ELSEWHERE = {("for_each_task", "task"): "the panel's Nested task sections"}


def _dataclass_of(annotation: Any) -> type | None:
    """The dataclass inside Optional[...] / List[...]; None for str, Dict[str, str], enums."""
    if dataclasses.is_dataclass(annotation) and isinstance(annotation, type):
        return annotation
    for arg in typing.get_args(annotation):
        found = _dataclass_of(arg)
        if found is not None:
            return found
    return None


def _sdk_type(task_type: str) -> type:
    found = _dataclass_of(typing.get_type_hints(jobs.Task)[task_type])
    assert found is not None, task_type
    return found


def _has_path(cls: type, path: tuple[str, ...]) -> bool:
    """Whether the SDK dataclass has the field path (`subscription`, `subscribers`)."""
    hints = typing.get_type_hints(cls)
    head, rest = path[0], path[1:]
    if head not in {f.name for f in dataclasses.fields(cls)}:
        return False
    if not rest:
        return True
    inner = _dataclass_of(hints[head])
    return inner is not None and _has_path(inner, rest)


def _form_paths() -> dict[str, set[tuple[str, ...]]]:
    """The paths each `case "<type>":` of spec.ts's typeFields edits (its `at(...)` calls)."""
    text = SPEC_TS.read_text(encoding="utf-8")
    start = text.index("function typeFields(")
    body = text[start : text.index("    default:", start)]
    chunks = re.split(r'^\s*case "(\w+)":', body, flags=re.MULTILINE)
    forms: dict[str, set[tuple[str, ...]]] = {}
    for key, chunk in zip(chunks[1::2], chunks[2::2], strict=True):
        calls = re.findall(r"\bat\(([^()]*)\)", chunk)
        forms[key] = {tuple(re.findall(r'"([^"]+)"', call)) for call in calls if call.strip()}
    return forms


FORMS = _form_paths()
SDK_TASK_TYPES = sorted(f.name for f in dataclasses.fields(jobs.Task) if f.name.endswith("_task"))


def test_every_task_type_of_the_sdk_is_declared_with_its_fields() -> None:
    assert sorted(t.key for t in TASK_TYPES) == SDK_TASK_TYPES
    assert sorted(TASK_FIELDS) == SDK_TASK_TYPES


@pytest.mark.parametrize("task_type", SDK_TASK_TYPES)
def test_the_table_names_only_sdk_fields_in_its_order(task_type: str) -> None:
    sdk = [f.name for f in dataclasses.fields(_sdk_type(task_type))]
    names = [f.name for f in TASK_FIELDS[task_type]]
    assert [n for n in sdk if n in names] == names, "fields the SDK does not have, or reordered"
    assert all(f.doc and "\n" not in f.doc for f in TASK_FIELDS[task_type])


def test_the_table_names_every_field_of_its_sdk_version() -> None:
    # The table is written for one SDK version; a newer SDK's new fields are listed, not failed.
    missing = [
        f"{task_type}.{f.name}"
        for task_type in SDK_TASK_TYPES
        for f in dataclasses.fields(_sdk_type(task_type))
        if f.name not in {t.name for t in TASK_FIELDS[task_type]}
    ]
    if sdk_version != TABLE_SDK_VERSION:
        print(f"\ndatabricks-sdk {sdk_version}: fields not in the table: {missing}")
        pytest.skip(f"TASK_FIELDS is written for databricks-sdk {TABLE_SDK_VERSION}")
    assert missing == []


def test_the_types_with_a_form_are_the_forms_of_spec_ts() -> None:
    assert set(FORMS) == {t.key for t in TASK_TYPES if t.form is not None}


@pytest.mark.parametrize("task_type", sorted(FORMS))
def test_a_form_edits_only_fields_the_sdk_has(task_type: str) -> None:
    sdk = _sdk_type(task_type)
    unknown = sorted(".".join(p) for p in FORMS[task_type] if not _has_path(sdk, p))
    assert unknown == [], f"{task_type}'s form edits fields databricks-sdk does not have"


def test_the_dashboard_form_edits_every_field_of_a_dashboard_task() -> None:
    assert FORMS["dashboard_task"] >= {
        ("dashboard_id",),
        ("warehouse_id",),
        ("filters",),
        ("subscription", "subscribers"),
        ("subscription", "custom_subject"),
        ("subscription", "paused"),
    }


def _lacking() -> list[tuple[str, str, str]]:
    """(type, field, how it is edited) for each SDK field no form field edits."""
    rows: list[tuple[str, str, str]] = []
    for task_type in SDK_TASK_TYPES:
        paths = FORMS.get(task_type, set())
        sdk = _sdk_type(task_type)
        hints = typing.get_type_hints(sdk)
        for field in dataclasses.fields(sdk):
            if (task_type, field.name) in _EDITED_ELSEWHERE or (field.name,) in paths:
                continue
            inner = {p[1] for p in paths if len(p) > 1 and p[0] == field.name}
            nested = _dataclass_of(hints[field.name])
            if inner and nested is not None:
                # An object the form edits field by field: name the fields it leaves out.
                rows.extend(
                    (task_type, f"{field.name}.{f.name}", "kept, not shown")
                    for f in dataclasses.fields(nested)
                    if f.name not in inner
                )
                continue
            how = "JSON (no form)" if task_type not in FORMS else "kept, not shown"
            rows.append((task_type, field.name, how))
    return rows


def test_print_the_fields_without_a_form_field() -> None:
    rows = _lacking()
    width = max(len(f"{t}.{f}") for t, f, _ in rows)
    print(f"\n{len(rows)} SDK task fields without a form field:")
    for task_type, name, how in rows:
        print(f"  {f'{task_type}.{name}':<{width}}  {how}")
    # Every field with a form is in the table: only fields of types with a form are "kept".
    assert all(how == "JSON (no form)" or t in FORMS for t, _, how in rows)
