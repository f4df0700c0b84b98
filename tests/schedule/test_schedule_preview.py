"""The schedule form: simple mode ↔ Quartz, the fire-time preview (against the real Quartz's
vectors) with its daylight-saving warnings, and the Java time-zone picker."""

from __future__ import annotations

import json
import random
import time
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loom_jobs_widget.schedule import (
    MAX_PREVIEW_COUNT,
    SIMPLE_INTERVALS,
    WEEKDAYS,
    CronError,
    SimpleSchedule,
    describe,
    java_time_zones,
    next_fire_times,
    preview,
    resolve_zone,
    simple_of,
    time_zone_info,
)

from ..corpus import quartz_cases as vector_cases

UTC = timezone.utc
HYPOTHESIS_CHECKS = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]


# The vectors were made in 2026: every test here runs with the MAX_YEAR Quartz had then.
pytestmark = pytest.mark.usefixtures("quartz_max_year")


def sample() -> list[Any]:
    """Every documented-example and DST-window case of a few zones, and a seeded sample of the
    rest: about 600 cases, valid and invalid."""
    cases = vector_cases()
    rng = random.Random(20261128)
    chosen = [c for c in cases if c["category"] in ("doc-databricks", "edge-start")]
    dst = [c for c in cases if c["category"] == "dst"]
    chosen += rng.sample(dst, 250)
    rest = [c for c in cases if c["category"] not in ("doc-databricks", "edge-start", "dst")]
    chosen += rng.sample(rest, 250)
    return [pytest.param(c, id=f"{c['category']}-{i}") for i, c in enumerate(chosen)]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def zulu(text: str) -> str:
    return text[:-6] + "Z" if text.endswith("+00:00") else text


# --- agreement with Quartz 2.3.2 ----------------------------------------------------------------


@pytest.mark.parametrize("case", sample())
def test_preview_gives_the_vectors_fire_times(case: dict[str, Any]) -> None:
    result = preview(case["expression"], case["timezone"], count=5, start=utc(case["start"]))
    json.dumps(result)  # what the editor sends to the browser
    if "error" in case:
        assert not result["valid"] and result["fire_times"] == []
        assert any(p["severity"] == "error" for p in result["problems"]), case
        return
    assert result["valid"], result["problems"]
    assert [f["utc"] for f in result["fire_times"]] == case["next"]
    # The job-zone rendering is Java's too: same local time, same offset.
    assert [zulu(f["job_time"]) for f in result["fire_times"]] == case["next_local"]
    assert result["ends"] == (len(case["next"]) < 5)


def test_problems_are_the_validators() -> None:
    result = preview("*/5 * * * *", "UTC")
    assert not result["valid"] and result["fire_times"] == [] and result["description"] is None
    [problem] = result["problems"]
    assert problem["code"] == "invalid-cron-expression"
    assert problem["field"] == "schedule.quartz_cron_expression"
    assert "from_unix() gives '0 */5 * * * ?'" in str(problem["message"])
    [zone] = preview("0 0 9 * * ?", "America/new_york")["problems"]
    assert zone["code"] == "invalid-timezone" and "did you mean 'America/New_York'" in str(
        zone["message"])


def test_a_start_from_which_quartz_never_returns_is_a_problem() -> None:
    # Israel springs forward on a Friday at 02:00; LW at 02:xx on that Friday never returns
    # (test_schedule), whatever the validator found from now.
    result = preview("0 21/44 2 LW * ? 2027/3", "Asia/Jerusalem",
                     start=utc("2029-10-27T18:38:16Z"))
    assert not result["valid"]
    assert "never returns a fire time" in str(result["problems"][-1]["message"])


def test_job_and_viewer_times() -> None:
    result = preview("44 37 8 * * ?", "Europe/Amsterdam", count=2, viewer_timezone="Asia/Tokyo",
                     start=utc("2026-06-01T00:00:00Z"))
    assert result["description"] == "At 08:37:44 every day"
    assert result["viewer_timezone"] == "Asia/Tokyo"
    first = result["fire_times"][0]
    assert first == {"utc": "2026-06-01T06:37:44Z", "job_time": "2026-06-01T08:37:44+02:00",
                     "job_zone_name": "CEST", "viewer_time": "2026-06-01T15:37:44+09:00",
                     "viewer_zone_name": "JST", "dst": []}
    assert result["warnings"] == [] and result["skipped"] == []
    # The viewer may be in a Java legacy zone; default UTC; unknown: UTC with a warning.
    assert preview("0 0 12 * * ?", "UTC", count=1, viewer_timezone="PST", start=utc(
        "2026-01-01T00:00:00Z"))["fire_times"][0]["viewer_time"] == "2026-01-01T04:00:00-08:00"
    assert preview("0 0 12 * * ?", "UTC", count=1)["viewer_timezone"] == "UTC"
    odd = preview("0 0 12 * * ?", "UTC", count=1, viewer_timezone="Mars/Olympus")
    assert odd["viewer_timezone"] == "UTC"
    assert [w["kind"] for w in odd["warnings"]] == ["viewer_timezone"]


def test_count_start_and_end() -> None:
    assert len(preview("0 * * * * ?", "UTC")["fire_times"]) == 10
    with pytest.raises(ValueError, match="count"):
        preview("0 * * * * ?", "UTC", count=0)
    with pytest.raises(ValueError, match="count"):
        preview("0 * * * * ?", "UTC", count=MAX_PREVIEW_COUNT + 1)
    with pytest.raises(ValueError, match="timezone-aware"):
        preview("0 * * * * ?", "UTC", start=datetime(2026, 1, 1))
    never = preview("0 0 0 30 2 ?", "UTC")
    assert never["valid"] and never["fire_times"] == [] and never["ends"]
    some = preview("0 0 12 1 1 ? 2027,2028", "UTC", start=utc("2026-06-01T00:00:00Z"))
    assert len(some["fire_times"]) == 2 and some["ends"]


# --- daylight saving ----------------------------------------------------------------------------


def test_a_time_the_spring_gap_skips_is_named_not_moved() -> None:
    # New York, 2027-03-14: 02:00-02:59 does not exist. Quartz does not run 02:30 that day at all
    # (it does not move it to 03:30): the 13th, then the 15th.
    result = preview("0 30 2 * * ?", "America/New_York", count=3,
                     start=utc("2027-03-12T12:00:00Z"))
    times = [f["job_time"] for f in result["fire_times"]]
    assert times == ["2027-03-13T02:30:00-05:00", "2027-03-15T02:30:00-04:00",
                     "2027-03-16T02:30:00-04:00"]
    assert result["skipped"] == [{"wall_time": "2027-03-14T02:30:00", "reason": "nonexistent"}]
    [warning] = result["warnings"]
    assert warning["kind"] == "skipped" and warning["date"] == "2027-03-14"
    assert warning["message"] == (
        "On 2027-03-14 the 02:30 run is skipped: clocks go forward from 02:00 to 03:00 in "
        "America/New_York, and Quartz does not run a time that does not exist (it does not run "
        "it later instead).")
    assert [len(f["dst"]) for f in result["fire_times"]] == [0, 1, 0]
    assert result["fire_times"][1]["dst"][0]["kind"] == "after_skipped"


def test_a_skip_before_the_first_fire_time_is_named() -> None:
    # The start is on the morning of the gap: the first run is the next day's, and the preview
    # says why there is none that night.
    result = preview("0 30 2 * * ?", "America/New_York", count=1,
                     start=utc("2027-03-14T05:00:00Z"))
    assert [f["job_time"] for f in result["fire_times"]] == ["2027-03-15T02:30:00-04:00"]
    assert [s["wall_time"] for s in result["skipped"]] == ["2027-03-14T02:30:00"]


def test_hourly_and_quarter_hourly_skips() -> None:
    hourly = preview("0 0 * * * ?", "America/New_York", count=3,
                     start=utc("2026-03-08T05:30:00Z"))
    assert [f["job_time"] for f in hourly["fire_times"]] == [
        "2026-03-08T01:00:00-05:00", "2026-03-08T03:00:00-04:00", "2026-03-08T04:00:00-04:00"]
    assert "the 02:00 run is skipped" in hourly["warnings"][0]["message"]
    quarter = preview("0 0/15 * * * ?", "America/New_York", count=3,
                      start=utc("2026-03-08T06:50:00Z"))
    assert [s["wall_time"][11:16] for s in quarter["skipped"]] == [
        "02:00", "02:15", "02:30", "02:45"]
    assert "the 02:00, 02:15, 02:30 and 02:45 runs are skipped" in quarter["warnings"][0][
        "message"]
    every_minute = preview("0 * * * * ?", "America/New_York", count=2,
                           start=utc("2026-03-08T06:58:30Z"))
    assert "the 60 runs from 02:00 to 02:59 are skipped" in every_minute["warnings"][0]["message"]


def test_valid_times_quartz_jumps_past_after_a_gap() -> None:
    # Lord Howe, 2026-10-04: 02:00-02:29 does not exist, and Quartz's search also loses 02:35,
    # which does (test_schedule.test_half_hour_gap_moves_the_cursor_past_a_valid_time).
    result = preview("0 15,35 * * * ?", "Australia/Lord_Howe", count=5,
                     start=utc("2026-10-03T14:30:00Z"))
    assert result["skipped"] == [
        {"wall_time": "2026-10-04T02:15:00", "reason": "nonexistent"},
        {"wall_time": "2026-10-04T02:35:00", "reason": "quartz_gap_search"},
    ]
    assert "the 02:35 run is skipped too, although that time exists" in result["warnings"][1][
        "message"]
    # Nuuk: the gap is Saturday 23:00-23:59; Quartz's 'hour + 1' fix-up then loses all of
    # Sunday, 00:45 and 22:45, which both exist.
    nuuk = preview("0 45 22,0 ? * *", "America/Nuuk", count=5, start=utc("2029-03-23T15:02:53Z"))
    assert [(s["wall_time"], s["reason"]) for s in nuuk["skipped"]] == [
        ("2029-03-25T00:45:00", "quartz_gap_search"), ("2029-03-25T22:45:00", "quartz_gap_search")]
    assert "the 00:45 and 22:45 runs are skipped too" in nuuk["warnings"][0]["message"]


def test_a_midnight_gap_skips_the_day() -> None:
    result = preview("0 0 0 * * ?", "America/Sao_Paulo", count=2,
                     start=utc("2018-11-03T12:00:00Z"))
    assert result["skipped"] == [{"wall_time": "2018-11-04T00:00:00", "reason": "nonexistent"}]


def test_a_repeated_hour_runs_once_at_its_second_occurrence() -> None:
    result = preview("0 0/30 * * * ?", "America/New_York", count=6,
                     start=utc("2026-11-01T04:10:00Z"))
    times = [f["job_time"] for f in result["fire_times"]]
    assert times == ["2026-11-01T00:30:00-04:00", "2026-11-01T01:00:00-05:00",
                     "2026-11-01T01:30:00-05:00", "2026-11-01T02:00:00-05:00",
                     "2026-11-01T02:30:00-05:00", "2026-11-01T03:00:00-05:00"]
    assert [[n["kind"] for n in f["dst"]] for f in result["fire_times"]] == [
        [], ["repeated"], ["repeated"], [], [], []]
    assert result["fire_times"][2]["dst"][0]["message"] == (
        "01:30 happens twice on 2026-11-01 (clocks go back); Quartz runs once, at the second "
        "01:30 (UTC-05:00).")
    [warning] = result["warnings"]
    assert warning["kind"] == "repeated" and warning["message"] == (
        "On 2026-11-01 clocks go back from 02:00 to 01:00 in America/New_York, so that hour "
        "happens twice: the 01:00 and 01:30 runs happen only once each, at the second "
        "occurrence (UTC-05:00), not the first (UTC-04:00).")
    assert result["skipped"] == []


def test_no_warnings_without_clock_changes() -> None:
    for zone in ("UTC", "Asia/Kolkata", "GMT+05:30", "EST", "Etc/GMT+5"):
        result = preview("0 0/30 * * * ?", zone, count=200, start=utc("2026-03-07T00:00:00Z"))
        assert result["valid"] and result["warnings"] == [] and result["skipped"] == []
    # A daily run at 03:00 in New York is not touched by either change.
    year = preview("0 0 3 * * ?", "America/New_York", count=366, start=utc("2026-01-01T00:00Z"))
    assert year["warnings"] == [] and year["skipped"] == []


def test_an_every_second_schedule_across_a_gap_is_summarised() -> None:
    started = time.perf_counter()
    result = preview("* * * * * ?", "America/New_York", count=3,
                     start=utc("2026-03-08T06:59:58Z"))
    assert time.perf_counter() - started < 2
    assert [f["job_time"] for f in result["fire_times"]] == [
        "2026-03-08T01:59:59-05:00", "2026-03-08T03:00:00-04:00", "2026-03-08T03:00:01-04:00"]
    assert "at least 1000 runs from 02:00 on are skipped" in result["warnings"][0]["message"]


# --- simple mode --------------------------------------------------------------------------------


@pytest.mark.parametrize(("simple", "quartz"), [
    (SimpleSchedule(1, "minutes"), "0 * * * * ?"),
    (SimpleSchedule(15, "minutes"), "0 0/15 * * * ?"),
    (SimpleSchedule(15, "minutes", minute=5), "0 5/15 * * * ?"),
    (SimpleSchedule(1, "hours", minute=30), "0 30 * * * ?"),
    (SimpleSchedule(6, "hours", hour=2, minute=30), "0 30 2/6 * * ?"),
    (SimpleSchedule(1, "days", hour=8, minute=37), "0 37 8 * * ?"),
    (SimpleSchedule(1, "weeks", hour=9, weekdays=("MON", "TUE", "WED", "THU", "FRI")),
     "0 0 9 ? * MON-FRI"),
    (SimpleSchedule(1, "weeks", hour=9, weekdays=("SUN", "SAT")), "0 0 9 ? * SAT,SUN"),
    (SimpleSchedule(1, "weeks", weekdays=("FRI", "SAT", "SUN", "MON", "WED")),
     "0 0 0 ? * MON,WED,FRI,SAT,SUN"),
    (SimpleSchedule(1, "weeks", weekdays=WEEKDAYS), "0 0 0 ? * *"),
])
def test_simple_to_quartz_and_back(simple: SimpleSchedule, quartz: str) -> None:
    assert simple.to_quartz() == quartz
    assert simple_of(quartz) == simple
    assert SimpleSchedule.from_json(json.loads(json.dumps(simple.to_json()))) == simple


def test_simple_mode_normalises() -> None:
    assert SimpleSchedule(6, "hours", hour=14, minute=30) == SimpleSchedule(6, "hours", hour=2,
                                                                             minute=30)
    assert SimpleSchedule(15, "minutes", hour=9, minute=20).to_quartz() == "0 5/15 * * * ?"
    assert SimpleSchedule(1, "days", weekdays=("MON",)).weekdays == ()
    assert SimpleSchedule(1, "weeks", weekdays=("SUN", "MON", "MON")).weekdays == ("MON", "SUN")


@pytest.mark.parametrize(("expression", "simple"), [
    # Any spelling of the same fire times.
    ("0 */15 * * * ?", SimpleSchedule(15, "minutes")),
    ("0 0,15,30,45 * * * ? *", SimpleSchedule(15, "minutes")),
    ("0 0/15 * ? * *", SimpleSchedule(15, "minutes")),
    ("0 10-59/20 * * * ?", SimpleSchedule(20, "minutes", minute=10)),
    ("0 0 */2 * * ?", SimpleSchedule(2, "hours")),
    ("0 45 1,9,17 * * ?", SimpleSchedule(8, "hours", hour=1, minute=45)),
    ("0 0 12 ? * 2-6", SimpleSchedule(1, "weeks", hour=12, weekdays=(
        "MON", "TUE", "WED", "THU", "FRI"))),
    ("0 0 12 ? * fri-mon", SimpleSchedule(1, "weeks", hour=12, weekdays=(
        "MON", "FRI", "SAT", "SUN"))),
    ("0 0 12 1-31 * ?", SimpleSchedule(1, "days", hour=12)),
    ("0 0 12 * JAN-DEC ? 1970/1", SimpleSchedule(1, "days", hour=12)),
    # Not simple: seconds, windows, uneven steps, months, years, day rules, invalid.
    ("30 0 12 * * ?", None),
    ("0 0/45 * * * ?", None),  # :00 and :45 is no interval
    ("0 0/15 9-17 * * ?", None),
    ("0 0 0/5 * * ?", None),
    ("0 0,30 9 * * ?", None),
    ("0 0 12 1 * ?", None),
    ("0 0 12 L * ?", None),
    ("0 0 12 ? * 6L", None),
    ("0 0 12 ? * 2#1", None),
    ("0 0 12 * 1-6 ?", None),
    ("0 0 12 * * ? 2027", None),
    ("0 0 12 * * ? 2026-2126", None),
    ("0 0/15 * ? * MON-FRI", None),
    ("0 0 12 * * *", None),
    ("*/5 * * * *", None),
])
def test_simple_of(expression: str, simple: SimpleSchedule | None) -> None:
    assert simple_of(expression) == simple


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"every": 7, "unit": "minutes"}, "does not divide an hour evenly"),
    ({"every": 5, "unit": "hours"}, "does not divide a day evenly"),
    ({"every": 2, "unit": "days"}, "use a periodic trigger"),
    ({"every": 2, "unit": "weeks", "weekdays": ("MON",)}, "use a periodic trigger"),
    ({"every": 1, "unit": "weeks"}, "at least one weekday"),
    ({"every": 1, "unit": "months"}, "unit must be one of"),
    ({"every": 1, "unit": "days", "hour": 24}, "hour must be 0 to 23"),
    ({"every": 1, "unit": "days", "minute": -1}, "minute must be 0 to 59"),
    ({"every": True, "unit": "days"}, "every must be a whole number"),
    ({"every": 1, "unit": "weeks", "weekdays": ("MONDAY",)}, "unknown weekday 'MONDAY'"),
])
def test_simple_mode_errors(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SimpleSchedule(**kwargs)
    with pytest.raises(ValueError, match=message):
        SimpleSchedule.from_json({**kwargs, "weekdays": list(kwargs.get("weekdays", []))})


def test_simple_json_errors() -> None:
    with pytest.raises(ValueError, match="unknown simple-schedule field 'at'"):
        SimpleSchedule.from_json({"every": 1, "unit": "days", "at": "09:00"})
    with pytest.raises(ValueError, match="needs 'every' and 'unit'"):
        SimpleSchedule.from_json({"unit": "days"})
    with pytest.raises(ValueError, match="weekdays must be a list"):
        SimpleSchedule.from_json({"every": 1, "unit": "weeks", "weekdays": "MON"})


@st.composite
def simple_schedules(draw: st.DrawFn) -> SimpleSchedule:
    unit = draw(st.sampled_from(list(SIMPLE_INTERVALS)))
    days = draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=7))
    return SimpleSchedule(every=draw(st.sampled_from(SIMPLE_INTERVALS[unit])), unit=unit,
                          hour=draw(st.integers(0, 23)), minute=draw(st.integers(0, 59)),
                          weekdays=tuple(days) if unit == "weeks" else ())


@settings(max_examples=300, deadline=None, suppress_health_check=HYPOTHESIS_CHECKS)
@given(simple_schedules())
def test_every_simple_schedule_round_trips(simple: SimpleSchedule) -> None:
    expression = simple.to_quartz()
    assert simple_of(expression) == simple
    assert describe(expression)  # valid Quartz


def cron_field(lo: int, hi: int) -> st.SearchStrategy[str]:
    value = st.integers(lo, hi)
    return st.one_of(
        st.just("*"), value.map(str),
        st.tuples(value, st.integers(1, hi - lo)).map(lambda t: f"{t[0]}/{t[1]}"),
        st.lists(value, min_size=1, max_size=4, unique=True).map(
            lambda vs: ",".join(map(str, sorted(vs)))),
    )


@st.composite
def near_simple_expressions(draw: st.DrawFn) -> str:
    """Expressions close to simple mode, simple or not."""
    days = draw(st.sampled_from(["* * ?", "? * *", "? * MON-FRI", "? * 1,7", "1 * ?",
                                 "? * 2#1", "L * ?", "* 1-6 ?"]))
    second = draw(st.sampled_from(["0", "0", "0", "30"]))
    return f"{second} {draw(cron_field(0, 59))} {draw(cron_field(0, 23))} {days}"


@settings(max_examples=300, deadline=None, suppress_health_check=HYPOTHESIS_CHECKS)
@given(near_simple_expressions(), st.datetimes(min_value=datetime(2020, 1, 1),
                                               max_value=datetime(2030, 1, 1)))
def test_simple_of_keeps_the_fire_times(expression: str, start: datetime) -> None:
    simple = simple_of(expression)
    if simple is None:
        return
    after = start.replace(tzinfo=UTC)
    for zone in ("UTC", "America/New_York"):
        assert next_fire_times(simple.to_quartz(), zone, after, 30) == next_fire_times(
            expression, zone, after, 30)


# --- time zones ---------------------------------------------------------------------------------


def test_the_picker_offers_java_ids_with_their_offsets() -> None:
    at = utc("2026-07-01T12:00:00Z")
    zones = java_time_zones(at=at)
    by_id = {z["id"]: z for z in zones}
    assert by_id["America/New_York"] == {
        "id": "America/New_York", "offset": "-04:00", "offset_minutes": -240,
        "label": "(UTC-04:00) America/New_York", "alias_of": None, "note": None}
    assert by_id["Asia/Kolkata"]["label"] == "(UTC+05:30) Asia/Kolkata"
    assert by_id["Asia/Calcutta"]["alias_of"] == "Asia/Kolkata"
    assert by_id["US/Eastern"]["alias_of"] == "America/New_York"
    assert by_id["UTC"]["alias_of"] is None and by_id["GMT"]["alias_of"] is None
    assert "newer" not in str(by_id["Europe/London"]["note"])
    assert "2025b" in str(by_id["America/Coyhaique"]["note"])
    # Java misreads or lacks these (or they are ambiguous abbreviations): not offered.
    for absent in ("Factory", "ROC", "PST", "BST", "IST", "EST", "MST", "HST", "GMT+0",
                   "SystemV/EST5"):
        assert absent not in by_id
    assert len(zones) > 550
    assert zones == sorted(zones, key=lambda z: (z["offset_minutes"], z["id"]))
    for zone in zones:
        resolve_zone(zone["id"])  # each one is accepted by the schedule engine
    winter = {z["id"]: z for z in java_time_zones(at=utc("2026-01-15T12:00:00Z"))}
    assert winter["America/New_York"]["offset"] == "-05:00"
    assert winter["Australia/Lord_Howe"]["offset"] == "+11:00"


def test_the_picker_is_cached_and_returns_fresh_rows() -> None:
    at = utc("2026-07-01T12:00:30Z")
    java_time_zones(at=at)
    started = time.perf_counter()
    rows = java_time_zones(at=at.replace(second=59))  # same minute: cached
    assert time.perf_counter() - started < 0.05
    rows[0]["id"] = "changed"
    assert java_time_zones(at=at)[0]["id"] != "changed"


@pytest.mark.parametrize(("zone_id", "valid", "alias", "note"), [
    ("America/New_York", True, None, None),
    ("US/Pacific", True, "America/Los_Angeles", None),
    ("PST", True, "America/Los_Angeles", "legacy id for America/Los_Angeles"),
    ("BST", True, "Asia/Dhaka", "not British Summer Time"),
    ("IST", True, "Asia/Kolkata", "not Irish or Israel time"),
    ("EST", True, None, "fixed UTC-05:00 in Java, with no daylight saving"),
    ("GMT+05:30", True, None, "a fixed offset"),
    ("Etc/GMT+5", True, None, "Etc/GMT+5 is UTC-05:00"),
    ("Etc/GMT-14", True, None, "Etc/GMT-14 is UTC+14:00"),
    ("America/new_york", False, None, None),
    ("ROC", False, None, None),
    ("", False, None, None),
])
def test_time_zone_info(zone_id: str, valid: bool, alias: str | None, note: str | None) -> None:
    info = time_zone_info(zone_id, at=utc("2026-01-15T12:00:00Z"))
    assert info["valid"] is valid and info["alias_of"] == alias
    if note is None:
        assert info["note"] is None
    else:
        assert note in str(info["note"])
    if valid:
        assert info["error"] is None and info["offset"] is not None
    else:
        with pytest.raises(CronError) as raised:
            resolve_zone(zone_id)
        assert info["error"] == str(raised.value)


def test_time_zone_info_offsets() -> None:
    assert time_zone_info("Asia/Kathmandu", at=utc("2026-01-01T00:00:00Z"))["offset"] == "+05:45"
    assert time_zone_info("GMT-03:30", at=utc("2026-01-01T00:00:00Z"))["offset_minutes"] == -210
    assert time_zone_info("Pacific/Chatham", at=utc("2026-01-01T00:00:00Z"))[
        "offset"] == "+13:45"
    assert time_zone_info("EST", at=utc("2026-07-01T00:00:00Z"))["offset"] == "-05:00"


def test_preview_is_fast_enough_per_keystroke() -> None:
    start = utc("2026-03-01T12:00:00Z")
    preview("0 0/15 * * * ?", "America/Los_Angeles", start=start)
    timings = []
    for i in range(20):
        began = time.perf_counter()
        preview("0 0/15 * * * ?", "America/Los_Angeles", start=start + timedelta(days=i))
        timings.append(time.perf_counter() - began)
    assert sorted(timings)[10] < 0.05
