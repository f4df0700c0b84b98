"""diff(): structured, readable changes between job settings; merge(): three-way, by unit."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loom_jobs_widget.core.changes import ABSENT, Change, changed_units, diff, merge, summary
from loom_jobs_widget.core.models import JobSettings

from ..corpus import corpus_files, corpus_settings

BASE: dict[str, Any] = {
    "name": "nightly",
    "tags": {"team": "data"},
    "tasks": [
        {"task_key": "ingest", "notebook_task": {"notebook_path": "/etl/ingest"}},
        {
            "task_key": "transform",
            "depends_on": [{"task_key": "ingest"}],
            "spark_python_task": {"python_file": "etl/t.py", "parameters": ["a"]},
            "timeout_seconds": 0,
        },
        {"task_key": "publish", "depends_on": [{"task_key": "transform"}], "sql_task": {}},
    ],
    "job_clusters": [{"job_cluster_key": "c", "new_cluster": {"num_workers": 2}}],
    "parameters": [{"name": "day", "default": "today"}],
}


def edited(**changes: Any) -> dict[str, Any]:
    out = copy.deepcopy(BASE)
    out.update(changes)
    return out


def task(doc: dict[str, Any], key: str) -> dict[str, Any]:
    return next(t for t in doc["tasks"] if t["task_key"] == key)


# --- diff ----------------------------------------------------------------------------------------


def test_no_changes() -> None:
    assert diff(BASE, copy.deepcopy(BASE)) == []
    assert summary([]) == "No changes."


def test_top_level_field_changed_added_removed() -> None:
    after = edited(name="hourly", timeout_seconds=3600)
    del after["tags"]
    changes = diff(BASE, after)
    assert changes == [
        Change("changed", "name", "nightly", "hourly", field="name"),
        Change("added", "timeout_seconds", after=3600, field="timeout_seconds"),
        Change("removed", "tags", before={"team": "data"}, field="tags"),
    ]
    assert [str(c) for c in changes] == [
        'name changed from "nightly" to "hourly"',
        "timeout_seconds added: 3600",
        'tags removed (was {"team": "data"})',
    ]


def test_task_field_change_names_task_and_field() -> None:
    after = copy.deepcopy(BASE)
    task(after, "transform")["timeout_seconds"] = 600
    task(after, "transform")["spark_python_task"]["parameters"] = ["a", "b"]
    changes = diff(BASE, after)
    assert [(c.kind, c.path, c.task_key, c.field) for c in changes] == [
        (
            "changed",
            "tasks[transform].spark_python_task.parameters",
            "transform",
            "spark_python_task.parameters",
        ),
        ("changed", "tasks[transform].timeout_seconds", "transform", "timeout_seconds"),
    ]
    assert changes[1].describe() == 'Task "transform": timeout_seconds changed from 0 to 600'
    assert changes[0].top_level == "tasks"


def test_tasks_match_by_key_not_position() -> None:
    after = copy.deepcopy(BASE)
    del after["tasks"][0]  # the first task goes: one change, not a shift of the others
    after["tasks"].append({"task_key": "notify", "condition_task": {"op": "EQUAL_TO"}})
    changes = diff(BASE, after)
    assert [(c.kind, c.path) for c in changes] == [
        ("added", "tasks[notify]"),
        ("removed", "tasks[ingest]"),
    ]
    assert [str(c) for c in changes] == ['Task "notify" added', 'Task "ingest" removed']
    assert changes[1].before == BASE["tasks"][0]
    assert changes[1].task_key == "ingest" and changes[1].after is ABSENT


def test_reordered_tasks() -> None:
    after = copy.deepcopy(BASE)
    after["tasks"].reverse()
    (change,) = diff(BASE, after)
    assert change.kind == "reordered" and change.path == "tasks"
    assert change.before == ["ingest", "transform", "publish"]
    assert str(change) == "tasks reordered: ingest, transform, publish → publish, transform, ingest"


def test_keyed_lists_job_clusters_parameters() -> None:
    after = copy.deepcopy(BASE)
    after["job_clusters"][0]["new_cluster"]["num_workers"] = 8
    after["parameters"][0]["default"] = "yesterday"
    changes = diff(BASE, after)
    assert [str(c) for c in changes] == [
        'Job cluster "c": new_cluster.num_workers changed from 2 to 8',
        'Parameter "day": default changed from "today" to "yesterday"',
    ]
    assert all(c.task_key is None for c in changes)


def test_unkeyable_list_is_one_value() -> None:
    before = {"tasks": [{"task_key": "a"}, {"task_key": "a"}]}  # duplicate keys
    after = {"tasks": [{"task_key": "a"}, {"task_key": "b"}]}
    (change,) = diff(before, after)
    assert change.path == "tasks" and change.kind == "changed"


def test_other_lists_are_values_and_odd_keys_are_quoted() -> None:
    before: dict[str, Any] = {
        "tasks": [{"task_key": "t", "new_cluster": {"spark_conf": {"spark.master": "a"}}}]
    }
    after = copy.deepcopy(before)
    after["tasks"][0]["new_cluster"]["spark_conf"]["spark.master"] = "b"
    after["tasks"][0]["libraries"] = [{"pypi": {"package": "x"}}]
    paths = [c.path for c in diff(before, after)]
    assert paths == [
        'tasks[t].new_cluster.spark_conf["spark.master"]',
        "tasks[t].libraries",
    ]


def test_json_types_matter_null_is_not_absent() -> None:
    changes = diff({"a": 1, "b": None, "c": True}, {"a": 1.0, "c": 1, "d": None})
    assert [(c.kind, c.path) for c in changes] == [
        ("changed", "a"),
        ("changed", "c"),
        ("added", "d"),
        ("removed", "b"),
    ]
    assert changes[2].after is None and changes[3].before is None


def test_models_and_dicts_alike_and_inputs_untouched() -> None:
    after = edited(name="x")
    frozen = json.dumps([BASE, after])
    assert diff(JobSettings.from_api(BASE), JobSettings.from_api(after)) == diff(BASE, after)
    assert json.dumps([BASE, after]) == frozen


def test_to_dict_is_json() -> None:
    after = copy.deepcopy(BASE)
    task(after, "ingest")["notebook_task"]["notebook_path"] = "/etl/ingest2"
    del after["tags"]
    out = [c.to_dict() for c in diff(BASE, after)]
    assert json.loads(json.dumps(out)) == out
    assert out[0] == {
        "kind": "changed",
        "path": "tasks[ingest].notebook_task.notebook_path",
        "before": "/etl/ingest",
        "after": "/etl/ingest2",
        "task_key": "ingest",
        "field": "notebook_task.notebook_path",
        "text": 'Task "ingest": notebook_task.notebook_path changed from "/etl/ingest" to '
        '"/etl/ingest2"',
    }
    assert "after" not in out[1]


def test_long_values_are_shortened_in_text() -> None:
    (change,) = diff({"description": "a"}, {"description": "x" * 500})
    assert len(str(change)) < 200 and change.after == "x" * 500


@pytest.mark.parametrize("name", corpus_files())
def test_corpus_against_itself_and_empty(name: str) -> None:
    settings_ = corpus_settings(name)
    assert diff(settings_, corpus_settings(name)) == []
    assert len(diff({}, settings_)) == len(settings_)


# --- merge ---------------------------------------------------------------------------------------


def test_merge_non_overlapping() -> None:
    ours = edited(name="ours")
    task(ours, "ingest")["timeout_seconds"] = 60
    theirs = copy.deepcopy(BASE)
    task(theirs, "publish")["disabled"] = True
    theirs["tags"] = {"team": "ops"}
    result = merge(BASE, ours, theirs)
    assert result.clean
    expected = copy.deepcopy(theirs)
    expected["name"] = "ours"
    task(expected, "ingest")["timeout_seconds"] = 60
    assert result.settings == expected


def test_merge_same_task_overlaps_and_remote_wins_there() -> None:
    ours = copy.deepcopy(BASE)
    task(ours, "transform")["timeout_seconds"] = 1
    theirs = copy.deepcopy(BASE)
    task(theirs, "transform")["max_retries"] = 3
    result = merge(BASE, ours, theirs)
    assert result.overlaps == ["tasks[transform]"]
    assert result.settings == theirs


def test_merge_same_change_on_both_sides_is_no_conflict() -> None:
    ours = edited(name="same")
    theirs = edited(name="same", description="theirs")
    result = merge(BASE, ours, theirs)
    assert result.clean and result.settings == theirs


def test_merge_added_and_removed_tasks() -> None:
    ours = copy.deepcopy(BASE)
    ours["tasks"].insert(1, {"task_key": "check", "condition_task": {}})
    theirs = copy.deepcopy(BASE)
    del theirs["tasks"][2]
    theirs["job_clusters"].append({"job_cluster_key": "d"})
    result = merge(BASE, ours, theirs)
    assert result.clean
    assert [t["task_key"] for t in result.settings["tasks"]] == ["ingest", "check", "transform"]
    assert [c["job_cluster_key"] for c in result.settings["job_clusters"]] == ["c", "d"]


def test_merge_removed_here_changed_there_overlaps() -> None:
    ours = copy.deepcopy(BASE)
    del ours["tasks"][0]
    theirs = copy.deepcopy(BASE)
    task(theirs, "ingest")["disabled"] = True
    assert merge(BASE, ours, theirs).overlaps == ["tasks[ingest]"]


def test_merge_reorder_is_whole_list() -> None:
    ours = copy.deepcopy(BASE)
    ours["tasks"].reverse()
    theirs = copy.deepcopy(BASE)
    task(theirs, "ingest")["disabled"] = True
    assert merge(BASE, ours, theirs).overlaps == ["tasks"]
    assert changed_units(BASE, ours) == {("tasks", None): ours["tasks"]}


def test_merge_top_level_removal() -> None:
    ours = copy.deepcopy(BASE)
    del ours["tags"]
    theirs = edited(name="x")
    result = merge(BASE, ours, theirs)
    assert result.clean and "tags" not in result.settings and result.settings["name"] == "x"


# --- properties ----------------------------------------------------------------------------------

_scalars = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from(["a", "b"]))
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from("xyz"), inner, max_size=3)
    ),
    max_leaves=6,
)
_task: st.SearchStrategy[dict[str, Any]] = st.fixed_dictionaries(
    {"task_key": st.sampled_from(["a", "b", "c", "d", "e"])},
    optional={"timeout_seconds": st.integers(0, 3), "x": _values},
)
_settings: st.SearchStrategy[dict[str, Any]] = st.fixed_dictionaries(
    {},
    optional={
        "name": st.sampled_from(["n", "m"]),
        "tags": st.dictionaries(st.sampled_from("pq"), st.sampled_from(["1", "2"]), max_size=2),
        "tasks": st.lists(_task, max_size=4, unique_by=lambda t: t["task_key"]),
        "job_clusters": st.lists(
            st.fixed_dictionaries(
                {"job_cluster_key": st.sampled_from("kl")}, optional={"n": _values}
            ),
            max_size=2,
            unique_by=lambda c: c["job_cluster_key"],
        ),
        "odd": _values,
    },
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_settings, _settings)
def test_property_diff_is_empty_exactly_when_equal(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert (diff(a, b) == []) == (json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_settings, _settings)
def test_property_merge_with_one_side_unchanged(
    base: dict[str, Any], other: dict[str, Any]
) -> None:
    # Only we changed: the merge is our version. Only they changed: it is theirs.
    assert merge(base, other, base).settings == other
    result = merge(base, base, other)
    assert result.clean and result.settings == other
