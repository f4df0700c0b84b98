"""The Schedules & triggers tab's union: which kind a job has, switching kinds, pausing."""

from __future__ import annotations

import copy
import json
import uuid
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loom_jobs_widget.client import Workspace
from loom_jobs_widget.core.models import JobSettings
from loom_jobs_widget.core.validation import validate
from loom_jobs_widget.schedule import (
    EDITABLE_KINDS,
    EditableTriggerKind,
    pause_status,
    set_pause_status,
    set_trigger_kind,
    trigger_kind,
    trigger_view,
)

SCHEDULE = {"quartz_cron_expression": "0 15 10 ? * MON-FRI", "timezone_id": "Europe/London",
            "pause_status": "UNPAUSED"}
EXAMPLES: dict[str, dict[str, Any]] = {
    "none": {},
    "scheduled": {"schedule": SCHEDULE},
    "periodic": {"trigger": {"pause_status": "UNPAUSED",
                             "periodic": {"interval": 4, "unit": "HOURS"}}},
    "continuous": {"continuous": {"pause_status": "PAUSED", "task_retry_mode": "ON_FAILURE"}},
    "file_arrival": {"trigger": {"file_arrival": {"url": "/Volumes/main/raw/in/",
                                                  "min_time_between_triggers_seconds": 60}}},
    "table_update": {"trigger": {"table_update": {"table_names": ["main.sales.orders"],
                                                  "condition": "ALL_UPDATED"}}},
}


def job(trigger: dict[str, Any]) -> dict[str, Any]:
    # Trigger fields between others, to check that key order survives.
    return {"name": "nightly", **trigger, "tags": {"team": "data"}, "max_concurrent_runs": 1}


@pytest.mark.parametrize(("settings_json", "kind"), [
    *[(job(t), k) for k, t in EXAMPLES.items()],
    ({"trigger": {"table": {"table_names": ["a.b.c"]}}}, "table_update"),  # legacy key
    ({"schedule": None, "triggers": [], "continuous": None}, "none"),  # as validation counts
    ({"trigger": {"model": {"condition": "MODEL_CREATED"}}}, "other"),
    ({"trigger": {"job_completion": {"jobs": []}}}, "other"),
    ({"trigger": {"pause_status": "PAUSED"}}, "other"),
    ({"trigger": {"periodic": {"interval": 1, "unit": "DAYS"}, "file_arrival": {"url": "x"}}},
     "other"),
    ({"triggers": [{"periodic": {"interval": 1, "unit": "DAYS"}}]}, "other"),
    ({"schedule": SCHEDULE, "continuous": {}}, "other"),
    ({"schedule": "0 0 0 * * ?"}, "other"),
])
def test_trigger_kind(settings_json: dict[str, Any], kind: str) -> None:
    assert trigger_kind(settings_json) == kind
    view = trigger_view(settings_json)
    assert view["kind"] == kind
    assert (view["note"] is not None) == (kind == "other")
    json.dumps(view)


def test_trigger_view_gives_the_sub_form_object() -> None:
    view = trigger_view(job(EXAMPLES["periodic"]))
    assert view == {"kind": "periodic", "pause_status": "UNPAUSED",
                    "spec": {"interval": 4, "unit": "HOURS"}, "note": None}
    assert trigger_view({"trigger": {"table": {"table_names": ["a.b.c"]}}})["spec"] == {
        "table_names": ["a.b.c"]}
    assert trigger_view(job(EXAMPLES["scheduled"]))["spec"] == SCHEDULE
    assert trigger_view({})["spec"] is None and trigger_view({})["pause_status"] is None
    # A copy: changing it changes nothing in the settings.
    given_settings = job(EXAMPLES["continuous"])
    spec = trigger_view(given_settings)["spec"]
    assert spec is not None
    spec["pause_status"] = "UNPAUSED"
    assert given_settings["continuous"]["pause_status"] == "PAUSED"
    assert "model trigger" in str(trigger_view({"trigger": {"model": {}}})["note"])
    assert "only one may be set" in str(trigger_view({"schedule": SCHEDULE,
                                                      "continuous": {}})["note"])


@pytest.mark.parametrize("kind", EDITABLE_KINDS)
def test_skeletons(kind: EditableTriggerKind) -> None:
    result = set_trigger_kind(job({}), kind, timezone_id="America/New_York")
    assert trigger_kind(result) == kind
    # A new file arrival or table update trigger waits for what to watch: the tab shows where.
    asked = {"file_arrival": ["trigger.file_arrival.url"],
             "table_update": ["trigger.table_update.table_names"]}.get(kind, [])  # fmt: skip
    assert [p.field for p in validate(result) if p.severity == "error"] == asked
    assert JobSettings.from_api(result).to_api() == result  # the lossless model takes it
    expected = {
        "none": {},
        "scheduled": {"schedule": {"quartz_cron_expression": "0 0 0 * * ?",
                                   "timezone_id": "America/New_York",
                                   "pause_status": "UNPAUSED"}},
        "periodic": {"trigger": {"pause_status": "UNPAUSED",
                                 "periodic": {"interval": 1, "unit": "DAYS"}}},
        "continuous": {"continuous": {"pause_status": "UNPAUSED"}},
        "file_arrival": {"trigger": {"pause_status": "UNPAUSED", "file_arrival": {"url": ""}}},
        "table_update": {"trigger": {"pause_status": "UNPAUSED",
                                     "table_update": {"table_names": []}}},
    }[kind]
    assert result == {"name": "nightly", "tags": {"team": "data"}, "max_concurrent_runs": 1,
                      **expected}


def test_the_new_trigger_takes_the_old_ones_place() -> None:
    result = set_trigger_kind(job(EXAMPLES["scheduled"]), "continuous")
    assert list(result) == ["name", "continuous", "tags", "max_concurrent_runs"]
    cleared = set_trigger_kind({"schedule": SCHEDULE, "name": "x", "continuous": {}}, "none")
    assert cleared == {"name": "x"}


def test_keeping_the_kind_keeps_every_field() -> None:
    settings_json = job({"schedule": {**SCHEDULE, "sql_condition": {"x": 1}, "future": [1]}})
    result = set_trigger_kind(settings_json, "scheduled")
    assert result == settings_json and result is not settings_json
    legacy = {"trigger": {"table": {"table_names": ["a.b.c"]}, "future": True}}
    assert set_trigger_kind(legacy, "table_update") == legacy


def test_switching_within_trigger_keeps_its_own_fields() -> None:
    settings_json = {"trigger": {"pause_status": "PAUSED", "sql_condition": {"q": "1"},
                                 "periodic": {"interval": 2, "unit": "HOURS"}}}
    result = set_trigger_kind(settings_json, "file_arrival")
    assert result == {"trigger": {"pause_status": "PAUSED", "sql_condition": {"q": "1"},
                                  "file_arrival": {"url": ""}}}
    assert result["trigger"]["sql_condition"] is not settings_json["trigger"]["sql_condition"]


def test_switching_from_several_replaces_them_all() -> None:
    messy = {"schedule": SCHEDULE, "trigger": EXAMPLES["periodic"]["trigger"],
             "triggers": [{"periodic": {"interval": 1, "unit": "DAYS"}}], "continuous": {}}
    assert [p.code for p in validate(messy)].count("conflicting-triggers") == 1
    result = set_trigger_kind(messy, "periodic")
    assert result == {"trigger": {"pause_status": "UNPAUSED",
                                  "periodic": {"interval": 1, "unit": "DAYS"}}}
    assert "conflicting-triggers" not in [p.code for p in validate(result)]


def test_a_paused_job_stays_paused_across_kinds() -> None:
    paused = job({"schedule": {**SCHEDULE, "pause_status": "PAUSED"}})
    for kind in EDITABLE_KINDS[1:]:
        assert pause_status(set_trigger_kind(paused, kind)) == "PAUSED"


def test_unknown_kind() -> None:
    with pytest.raises(ValueError, match="unknown trigger kind 'model'"):
        set_trigger_kind({}, "model")  # type: ignore[arg-type]


@pytest.mark.parametrize(("settings_json", "status"), [
    ({}, None),
    ({"schedule": SCHEDULE}, "UNPAUSED"),
    ({"schedule": {"quartz_cron_expression": "0 0 0 * * ?", "timezone_id": "UTC"}},
     "UNPAUSED"),  # the API's default
    (EXAMPLES["continuous"], "PAUSED"),
    ({"trigger": {"pause_status": "PAUSED", "model": {}}}, "PAUSED"),
    ({"triggers": [{"pause_status": "PAUSED"}, {"pause_status": "UNPAUSED"}]}, "UNPAUSED"),
    ({"triggers": [{"pause_status": "PAUSED"}, {"pause_status": "PAUSED"}]}, "PAUSED"),
    ({"schedule": {**SCHEDULE, "pause_status": "PAUSED"}, "continuous": {}}, "UNPAUSED"),
    ({"schedule": {**SCHEDULE, "pause_status": "SOMETIMES"}}, "UNPAUSED"),
])
def test_pause_status(settings_json: dict[str, Any], status: str | None) -> None:
    assert pause_status(settings_json) == status


def test_pause_and_unpause_every_kind() -> None:
    for kind, trigger in EXAMPLES.items():
        settings_json = job(trigger)
        before = copy.deepcopy(settings_json)
        if kind == "none":
            with pytest.raises(ValueError, match="no schedule, trigger or continuous"):
                set_pause_status(settings_json, "PAUSED")
            continue
        paused = set_pause_status(settings_json, "PAUSED")
        assert pause_status(paused) == "PAUSED" and trigger_kind(paused) == kind
        assert pause_status(set_pause_status(paused, "UNPAUSED")) == "UNPAUSED"
        assert settings_json == before  # never changed in place
        assert list(paused) == list(settings_json)
    listed = {"triggers": [{"periodic": {}}, "junk", {"pause_status": "UNPAUSED"}]}
    paused = set_pause_status(listed, "PAUSED")
    assert paused["triggers"] == [{"periodic": {}, "pause_status": "PAUSED"}, "junk",
                                  {"pause_status": "PAUSED"}]
    assert listed["triggers"][0] == {"periodic": {}}
    with pytest.raises(ValueError, match="PAUSED or UNPAUSED"):
        set_pause_status({"schedule": SCHEDULE}, "STOPPED")  # type: ignore[arg-type]


trigger_settings = st.fixed_dictionaries(
    {},
    optional={
        "schedule": st.sampled_from([SCHEDULE, {"quartz_cron_expression": "0 0 0 * * ?"}]),
        "trigger": st.sampled_from([t["trigger"] for t in EXAMPLES.values() if "trigger" in t]
                                   + [{"model": {}}, {"pause_status": "PAUSED"}]),
        "continuous": st.sampled_from([{}, {"pause_status": "PAUSED"}]),
        "triggers": st.sampled_from([[], [{"periodic": {"interval": 1, "unit": "DAYS"}}]]),
        "name": st.just("n"),
        "tasks": st.just([{"task_key": "a", "notebook_task": {"notebook_path": "/x"}}]),
    },
)


@settings(max_examples=300, deadline=None)
@given(trigger_settings, st.sampled_from(EDITABLE_KINDS))
def test_set_trigger_kind_properties(settings_json: dict[str, Any],
                                     kind: EditableTriggerKind) -> None:
    before = copy.deepcopy(settings_json)
    result = set_trigger_kind(settings_json, kind)
    assert settings_json == before
    assert trigger_kind(result) == kind
    assert "conflicting-triggers" not in [p.code for p in validate(result)]
    # Everything else is untouched and in its order.
    others = [k for k in settings_json if k not in ("schedule", "trigger", "triggers",
                                                    "continuous")]
    assert [k for k in result if k in others] == others
    assert all(result[k] is settings_json[k] for k in others)
    old = pause_status(settings_json)
    if kind != "none" and trigger_kind(settings_json) != kind:
        assert pause_status(result) == (old or "UNPAUSED")
    assert set_trigger_kind(result, kind) == result  # idempotent


# --- through the local workspace ----------------------------------------------------------------


def test_each_kind_survives_a_save(ws: Workspace) -> None:
    for kind in EDITABLE_KINDS:
        settings_json = set_trigger_kind({"name": f"trigger-{kind}-{uuid.uuid4().hex[:8]}"},
                                         kind)
        if kind != "none":
            # Paused: the local workspace's scheduler must not start runs of it.
            settings_json = set_pause_status(settings_json, "PAUSED")
        if kind == "file_arrival":
            settings_json["trigger"]["file_arrival"]["url"] = "/Volumes/main/raw/landing/"
        if kind == "table_update":
            settings_json["trigger"]["table_update"]["table_names"] = ["main.sales.orders"]
        created = ws.jobs.create(settings_json)
        assert created.job_id is not None
        loaded = ws.jobs.get(created.job_id).settings.to_api()
        assert trigger_kind(loaded) == kind
        assert pause_status(loaded) == (None if kind == "none" else "PAUSED")
        for name in ("schedule", "trigger", "continuous"):
            assert loaded.get(name) == settings_json.get(name)
