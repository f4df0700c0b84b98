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
from loom_jobs_widget.core.server_defaults import (
    JOB_DEFAULTS,
    same_up_to_server_defaults,
    with_server_defaults,
)

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
    # Every field is added, except a job-level one at its server default (a read-back has it
    # whether or not it was written).
    at_default = {
        n for n, v in JOB_DEFAULTS.items() if json.dumps(settings_.get(n)) == json.dumps(v)
    }
    assert [c.path for c in diff({}, settings_)] == [n for n in settings_ if n not in at_default]
    # The job as a workspace returns it is the same job; what it does not return is no change
    # from what was written, but a change to send when it was not written yet.
    assert diff(settings_, with_server_defaults(settings_)) == []
    assert diff(with_server_defaults(settings_, drop_write_only=False), settings_) == []
    assert {
        c.path.rsplit(".", 1)[-1] for c in diff(with_server_defaults(settings_), settings_)
    } <= {"apply_policy_default_values"}


# --- what the server fills in ---------------------------------------------------------------------

# BASE as a workspace returns it: its defaults filled, depends_on in its own order.
FILLED: dict[str, Any] = {
    **copy.deepcopy(BASE),
    "email_notifications": {},
    "webhook_notifications": {},
    "timeout_seconds": 0,
    "format": "MULTI_TASK",
}
for _entry in FILLED["tasks"]:
    _entry.update(run_if="ALL_SUCCESS", timeout_seconds=0, email_notifications={})
FILLED["tasks"][0]["notebook_task"]["source"] = "WORKSPACE"
FILLED["tasks"][2]["depends_on"] = [{"task_key": "ingest"}, {"task_key": "transform"}]
BASE_TWO_UPSTREAM = copy.deepcopy(BASE)
BASE_TWO_UPSTREAM["tasks"][2]["depends_on"] = [{"task_key": "transform"}, {"task_key": "ingest"}]


def test_server_defaults_and_depends_on_order_are_no_change() -> None:
    assert diff(BASE_TWO_UPSTREAM, FILLED) == []
    assert diff(FILLED, BASE_TWO_UPSTREAM) == []
    assert changed_units(FILLED, BASE_TWO_UPSTREAM) == {}
    # null is what the server fills too.
    assert diff({"timeout_seconds": None}, {"timeout_seconds": 0}) == []
    # A notebook task's source defaults to GIT in a job with a git_source.
    git: dict[str, Any] = {
        "git_source": {"git_url": "u", "git_provider": "gitHub"},
        "tasks": [copy.deepcopy(BASE["tasks"][0])],
    }
    git_filled = copy.deepcopy(git)
    git_filled["tasks"][0]["notebook_task"]["source"] = "GIT"
    assert diff(git, git_filled) == []
    git_filled["tasks"][0]["notebook_task"]["source"] = "WORKSPACE"
    assert [c.path for c in diff(git, git_filled)] == ["tasks[ingest].notebook_task.source"]


def test_a_change_to_or_from_a_default_value_is_a_change() -> None:
    before = copy.deepcopy(FILLED)
    task(before, "publish")["run_if"] = "AT_LEAST_ONE_SUCCESS"
    after = copy.deepcopy(FILLED)
    (change,) = diff(before, after)
    assert (change.path, change.before, change.after) == (
        "tasks[publish].run_if",
        "AT_LEAST_ONE_SUCCESS",
        "ALL_SUCCESS",
    )
    # Removing it in the editor (the user's version has no defaults) is the same change.
    user = copy.deepcopy(BASE_TWO_UPSTREAM)
    (change,) = diff(before, user)
    assert (change.kind, change.path) == ("removed", "tasks[publish].run_if")
    assert [
        (c.kind, c.path) for c in diff(FILLED, {**BASE_TWO_UPSTREAM, "timeout_seconds": 60})
    ] == [("changed", "timeout_seconds")]
    assert [(c.kind, c.path) for c in diff(edited(format="SINGLE_TASK"), BASE)] == [
        ("removed", "format")
    ]


def test_depends_on_entries_added_or_removed_are_a_change() -> None:
    after = copy.deepcopy(FILLED)
    task(after, "publish")["depends_on"] = [{"task_key": "transform"}]
    (change,) = diff(BASE_TWO_UPSTREAM, after)
    assert change.path == "tasks[publish].depends_on" and change.kind == "changed"
    after["tasks"][2]["depends_on"].append({"task_key": "ingest", "outcome": "true"})
    assert [c.path for c in diff(BASE_TWO_UPSTREAM, after)] == ["tasks[publish].depends_on"]


def test_apply_policy_default_values_is_write_only() -> None:
    written = copy.deepcopy(BASE)
    written["job_clusters"][0]["new_cluster"]["apply_policy_default_values"] = True
    task(written, "ingest")["new_cluster"] = {"num_workers": 1, "apply_policy_default_values": True}
    read = with_server_defaults(written)  # as a workspace returns it: without the field
    assert "apply_policy_default_values" not in json.dumps(read)
    # The server consumed it: the read-back is no change from what was written...
    assert diff(written, read) == []
    assert changed_units(written, read) == {}
    # ... but set by the user on a job read back, it shows, and a save sends it.
    assert [c.path for c in diff(read, written)] == [
        "tasks[ingest].new_cluster.apply_policy_default_values",
        "job_clusters[c].new_cluster.apply_policy_default_values",
    ]
    assert set(changed_units(read, written)) == {("tasks", "ingest"), ("job_clusters", "c")}


def test_merge_is_not_a_conflict_because_the_server_filled_defaults() -> None:
    # Loaded without defaults (an older store), remote now has them and one real change.
    theirs = copy.deepcopy(FILLED)
    task(theirs, "publish")["disabled"] = True
    ours = copy.deepcopy(BASE)
    task(ours, "transform")["max_retries"] = 2
    task(ours, "publish")["depends_on"].append({"task_key": "ingest"})
    ours["tasks"][0]["run_if"] = "ALL_SUCCESS"
    assert set(changed_units(BASE, theirs)) == {("tasks", "publish")}
    assert set(changed_units(BASE, ours)) == {("tasks", "transform"), ("tasks", "publish")}
    assert merge(BASE, ours, theirs).overlaps == ["tasks[publish]"]
    del task(ours, "publish")["depends_on"][1]
    result = merge(BASE, ours, theirs)
    assert result.clean
    assert task(result.settings, "transform")["max_retries"] == 2
    assert task(result.settings, "publish")["disabled"] is True
    # The same edit on both sides, one of them with the server's defaults, is no conflict.
    both = copy.deepcopy(FILLED)
    task(both, "transform")["max_retries"] = 2
    assert merge(BASE, ours, both).clean


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
    del theirs["tags"]  # removed on both sides: the same change
    assert merge(BASE, ours, theirs).clean


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
    optional={
        "timeout_seconds": st.integers(0, 3),
        "run_if": st.sampled_from(["ALL_SUCCESS", "ALL_DONE"]),
        "depends_on": st.lists(
            st.fixed_dictionaries({"task_key": st.sampled_from("abcde")}),
            max_size=3,
            unique_by=lambda d: d["task_key"],
        ),
        "x": _values,
    },
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
        "timeout_seconds": st.sampled_from([0, 60]),
        "odd": _values,
    },
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_settings, _settings)
def test_property_diff_is_empty_exactly_when_equal(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert (diff(a, b) == []) == same_up_to_server_defaults(a, b)
    assert diff(a, with_server_defaults(a)) == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_settings, _settings)
def test_property_merge_with_one_side_unchanged(
    base: dict[str, Any], other: dict[str, Any]
) -> None:
    # Only we changed: the merge is our version. Only they changed: it is theirs.
    assert same_up_to_server_defaults(merge(base, other, base).settings, other)
    result = merge(base, base, other)
    assert result.clean and result.settings == other
    # A remote side that only gained the server's defaults changed nothing.
    filled = with_server_defaults(base)
    assert changed_units(base, filled) == {}
    merged = merge(base, other, filled)
    assert merged.clean and same_up_to_server_defaults(merged.settings, other)
