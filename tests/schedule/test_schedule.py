"""Quartz cron as Databricks runs it: agreement with the real Quartz 2.3.2, DST, zones, errors.

Expected instants without a source comment come from the vectors file or were computed with the real
Quartz 2.3.2 (Debian libquartz2-java 2.3.2-4 on OpenJDK 17.0.15), the same oracle as the vectors.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from croniter import CroniterBadDateError, croniter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loom_jobs_widget.schedule import (
    CronError,
    describe,
    fields,
    fire_times,
    from_unix,
    next_fire_times,
    zones,
)

from ..corpus import quartz_cases as vector_cases

# The categories that must agree completely; the rest must agree on 99 % of all cases.
STRICT_CATEGORIES = ("doc-quartz", "doc-quartz-year", "doc-databricks", "dst")
# Cases we are allowed to get wrong, with the reason. Empty: every vector agrees.
KNOWN_MISMATCHES: dict[tuple[str, str, str], str] = {}
# The quartz_max_year fixture only pins MAX_YEAR, which every example may share.
HYPOTHESIS_CHECKS = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
UTC = timezone.utc
DEFAULT_MAX_YEAR = fields.MAX_YEAR  # before the quartz_max_year fixture pins it


# The vectors were made in 2026: every test here runs with the MAX_YEAR Quartz had then.
pytestmark = pytest.mark.usefixtures("quartz_max_year")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def z(instants: list[datetime]) -> list[str]:
    return [t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") for t in instants]


def outcome(case: dict[str, Any]) -> tuple[str, list[str] | str]:
    """('next', instants), ('error', message) or ('zone', message) for a rejected time zone."""
    try:
        return "next", z(next_fire_times(case["expression"], case["timezone"],
                                         utc(case["start"]), 5))
    except CronError as error:
        return ("zone" if error.field == "timezone" else "error"), str(error)


def agrees(case: dict[str, Any]) -> bool:
    kind, value = outcome(case)
    if "error" in case:
        return kind == "error"
    return kind == "next" and value == case["next"]


def case_id(case: dict[str, Any]) -> str:
    return f"{case['expression']} | {case['timezone']} | {case['start']}"


def strict_params() -> list[Any]:
    cases = [c for c in vector_cases() if c["category"] in STRICT_CATEGORIES]
    return [pytest.param(c, id=f"{c['category']}-{i}") for i, c in enumerate(cases)]


# --- agreement with Quartz 2.3.2 ----------------------------------------------------------------


@pytest.mark.parametrize("case", strict_params())
def test_documented_and_dst_vectors_agree_exactly(case: dict[str, Any]) -> None:
    kind, value = outcome(case)
    if "error" in case:
        assert kind == "error", f"Quartz rejects {case_id(case)}: {case['error']}"
    else:
        assert (kind, value) == ("next", case["next"]), case_id(case)


def test_all_vectors_agree_on_at_least_99_percent() -> None:
    cases = vector_cases()
    by_category: Counter[str] = Counter()
    agreeing: Counter[str] = Counter()
    mismatches: list[str] = []
    # Java silently runs an unknown zone id in GMT where we reject it; counted apart, as agreement.
    zone_rejections = 0
    for case in cases:
        by_category[case["category"]] += 1
        kind, value = outcome(case)
        if kind == "zone":
            zone_rejections += 1
            agreeing[case["category"]] += 1
        elif agrees(case):
            agreeing[case["category"]] += 1
        else:
            expected = case.get("next", case.get("error"))
            mismatches.append(f"{case['category']}: {case_id(case)}\n  quartz {expected}\n"
                              f"  ours   {value}")
    total = sum(agreeing.values())
    print(f"\nagreement {total}/{len(cases)} = {100 * total / len(cases):.2f} %"
          f" (of which {zone_rejections} time-zone ids Java would run in GMT)")
    for category in sorted(by_category):
        print(f"  {category:<18} {agreeing[category]}/{by_category[category]}")
    print("\n".join(mismatches))
    assert len(cases) == 1908
    assert total >= 0.99 * len(cases)
    for category in STRICT_CATEGORIES:
        assert agreeing[category] == by_category[category], category


def test_no_vector_mismatch_beyond_the_known_ones() -> None:
    unexpected = [case_id(c) for c in vector_cases() if not agrees(c)
                  and (c["expression"], c["timezone"], c["start"]) not in KNOWN_MISMATCHES]
    assert unexpected == []


def test_every_invalid_vector_gets_a_message_naming_the_problem() -> None:
    invalid = [c for c in vector_cases() if "error" in c]
    assert len(invalid) == 138
    for case in invalid:
        with pytest.raises(CronError) as raised:
            next_fire_times(case["expression"], case["timezone"], utc(case["start"]))
        message = str(raised.value)
        assert raised.value.field is None or message.startswith(f"{raised.value.field} field ")


# --- strictly after, with milliseconds ----------------------------------------------------------


@pytest.mark.parametrize(("after", "first"), [
    (datetime(2026, 1, 1, 11, 59, 58, 999000, tzinfo=UTC), "2026-01-01T12:00:00Z"),
    (datetime(2026, 1, 1, 11, 59, 59, 999000, tzinfo=UTC), "2026-01-01T12:00:00Z"),
    (datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC), "2026-01-02T12:00:00Z"),
    (datetime(2026, 1, 1, 12, 0, 0, 1, tzinfo=UTC), "2026-01-02T12:00:00Z"),
    (datetime(2026, 1, 1, 13, 0, 0, tzinfo=timezone(timedelta(hours=1))), "2026-01-02T12:00:00Z"),
])
def test_fire_times_are_strictly_after_the_start(after: datetime, first: str) -> None:
    assert z(next_fire_times("0 0 12 * * ?", "UTC", after, 1)) == [first]


def test_every_second_counts_from_the_next_whole_second() -> None:
    after = datetime(2026, 1, 1, 0, 0, 0, 500000, tzinfo=UTC)
    assert z(next_fire_times("* * * * * ?", "UTC", after, 3)) == [
        "2026-01-01T00:00:01Z", "2026-01-01T00:00:02Z", "2026-01-01T00:00:03Z"]


def test_results_are_aware_datetimes_in_the_job_zone() -> None:
    fires = next_fire_times("44 37 8 * * ?", "Europe/Amsterdam", utc("2026-03-28T00:00:00Z"), 2)
    assert [f.isoformat() for f in fires] == ["2026-03-28T08:37:44+01:00",
                                              "2026-03-29T08:37:44+02:00"]
    assert str(fires[0].tzinfo) == "Europe/Amsterdam"


def test_count_and_naive_start() -> None:
    assert next_fire_times("0 0 12 * * ?", "UTC", utc("2026-01-01T00:00:00Z"), 0) == []
    assert len(next_fire_times("0 0 12 * * ?", "UTC", utc("2026-01-01T00:00:00Z"), 12)) == 12
    with pytest.raises(ValueError, match="timezone-aware"):
        next_fire_times("0 0 12 * * ?", "UTC", datetime(2026, 1, 1))


# --- daylight saving ----------------------------------------------------------------------------


def test_a_time_in_the_spring_gap_is_skipped() -> None:
    # New York, 2026-03-08: 02:00-02:59 does not exist.
    assert z(next_fire_times("0 30 2 * * ?", "America/New_York",
                             utc("2026-03-07T12:00:00Z"), 2)) == [
        "2026-03-09T06:30:00Z", "2026-03-10T06:30:00Z"]
    assert z(next_fire_times("0 0 * * * ?", "America/New_York",
                             utc("2026-03-08T05:30:00Z"), 2)) == [
        "2026-03-08T06:00:00Z", "2026-03-08T07:00:00Z"]  # 01:00 EST, then 03:00 EDT


def test_a_repeated_time_fires_once_at_its_later_occurrence() -> None:
    # New York, 2026-11-01: 01:00-01:59 happens twice; hourly fires 00:00 EDT then 01:00 EST.
    fires = next_fire_times("0 0 * * * ?", "America/New_York", utc("2026-11-01T03:30:00Z"), 3)
    assert z(fires) == ["2026-11-01T04:00:00Z", "2026-11-01T06:00:00Z", "2026-11-01T07:00:00Z"]
    assert fires[1].isoformat() == "2026-11-01T01:00:00-05:00"


def test_the_wall_clock_never_goes_back() -> None:
    # Starting at 01:30 EDT (the first 01:30), the next quarter hour is 01:45 EST, 75 min later.
    assert z(next_fire_times("0 0/15 * * * ?", "America/New_York",
                             utc("2026-11-01T05:30:00Z"), 2)) == [
        "2026-11-01T06:45:00Z", "2026-11-01T07:00:00Z"]
    assert z(next_fire_times("0 30 1 * * ?", "America/New_York",
                             utc("2026-11-01T05:30:00Z"), 1)) == ["2026-11-02T06:30:00Z"]


def test_midnight_gap_skips_the_day() -> None:
    # Sao Paulo, 2018-11-04 had no midnight.
    assert z(next_fire_times("0 0 0 * * ?", "America/Sao_Paulo",
                             utc("2018-11-03T12:00:00Z"), 2)) == [
        "2018-11-05T02:00:00Z", "2018-11-06T02:00:00Z"]


def test_half_hour_gap_moves_the_cursor_past_a_valid_time() -> None:
    # Lord Howe, 2026-10-04: 02:00-02:29 does not exist. Quartz asks for 02:15, Java lands on
    # 02:45, so 02:35, which exists, is skipped too: 01:15, 01:35, then 03:15 (local).
    assert z(next_fire_times("0 15,35 * * * ?", "Australia/Lord_Howe",
                             utc("2026-10-03T14:30:00Z"), 5)) == [
        "2026-10-03T14:45:00Z", "2026-10-03T15:05:00Z", "2026-10-03T16:15:00Z",
        "2026-10-03T16:35:00Z", "2026-10-03T17:15:00Z"]


def test_gaps_that_make_quartz_lose_more_than_the_gap() -> None:
    # Nuuk's gap is 23:00-23:59 on Saturday; Quartz's 'hour + 1' fix-up then skips Sunday 22:45.
    assert z(next_fire_times("0 45 22,0 ? * *", "America/Nuuk",
                             utc("2029-03-23T15:02:53Z"), 5)) == [
        "2029-03-24T00:45:00Z", "2029-03-24T02:45:00Z", "2029-03-25T00:45:00Z",
        "2029-03-26T01:45:00Z", "2029-03-26T23:45:00Z"]
    # Troll jumps two hours (01:00 -> 03:00); hourly then skips 03:00 as well.
    assert z(next_fire_times("0 0 * * * ?", "Antarctica/Troll",
                             utc("2026-03-28T23:30:00Z"), 3)) == [
        "2026-03-29T00:00:00Z", "2026-03-29T02:00:00Z", "2026-03-29T03:00:00Z"]


def test_a_nearest_weekday_inside_a_gap_makes_quartz_loop_forever() -> None:
    # Israel springs forward on a Friday at 02:00; LW at 02:xx on that Friday never returns.
    with pytest.raises(CronError, match=r"day-of-month field 'LW'.*daylight-saving gap") as raised:
        next_fire_times("0 21/44 2 LW * ? 2027/3", "Asia/Jerusalem", utc("2029-10-27T18:38:16Z"))
    assert raised.value.field == "day-of-month"


# --- day-of-month and day-of-week specials ------------------------------------------------------


@pytest.mark.parametrize(("expression", "start", "expected"), [
    ("0 0 12 15W * ?", "2026-02-01T00:00:00Z",  # 15 Feb 2026 is a Sunday
     ["2026-02-16T12:00:00Z", "2026-03-16T12:00:00Z", "2026-04-15T12:00:00Z"]),
    ("0 0 12 1W * ?", "2026-08-01T00:00:00Z",  # 1 Aug is a Saturday: Monday the 3rd
     ["2026-08-03T12:00:00Z", "2026-09-01T12:00:00Z", "2026-10-01T12:00:00Z"]),
    ("0 0 9 31W * ?", "2027-04-01T00:00:00Z",  # Quartz quirk: 1 May 2027 is a Saturday
     ["2027-04-30T09:00:00Z", "2027-05-31T09:00:00Z", "2027-07-30T09:00:00Z"]),
    ("0 0 12 LW * ?", "2026-01-01T00:00:00Z",
     ["2026-01-30T12:00:00Z", "2026-02-27T12:00:00Z", "2026-03-31T12:00:00Z"]),
    ("0 0 12 L-3 * ?", "2026-01-01T00:00:00Z",
     ["2026-01-28T12:00:00Z", "2026-02-25T12:00:00Z", "2026-03-28T12:00:00Z"]),
    ("0 0 12 L-2W * ?", "2026-01-01T00:00:00Z",
     ["2026-01-29T12:00:00Z", "2026-02-26T12:00:00Z", "2026-03-30T12:00:00Z"]),
    ("0 0 0 L-28 2 ?", "2026-01-01T00:00:00Z",  # only leap years have a Feb 1 = L-28
     ["2028-02-01T00:00:00Z", "2032-02-01T00:00:00Z", "2036-02-01T00:00:00Z"]),
    ("0 0 12 ? * 6L", "2026-01-01T00:00:00Z",
     ["2026-01-30T12:00:00Z", "2026-02-27T12:00:00Z", "2026-03-27T12:00:00Z"]),
    ("0 0 12 ? * 2#5", "2026-01-01T00:00:00Z",
     ["2026-03-30T12:00:00Z", "2026-06-29T12:00:00Z", "2026-08-31T12:00:00Z"]),
    ("0 0 12 ? * 1#1", "2026-01-01T00:00:00Z",  # 1 = Sunday in Quartz
     ["2026-01-04T12:00:00Z", "2026-02-01T12:00:00Z", "2026-03-01T12:00:00Z"]),
    ("0 0 12 ? * L", "2026-01-01T00:00:00Z",  # a bare L is Saturday
     ["2026-01-03T12:00:00Z", "2026-01-10T12:00:00Z", "2026-01-17T12:00:00Z"]),
    ("0 0 12 ? * 0#2", "2026-01-01T00:00:00Z",  # Quartz reads day 0 with '#' as Saturday
     ["2026-01-10T12:00:00Z", "2026-02-14T12:00:00Z", "2026-03-14T12:00:00Z"]),
])
def test_day_specials(expression: str, start: str, expected: list[str]) -> None:
    assert z(next_fire_times(expression, "UTC", utc(start), 3)) == expected


def test_l_28w_to_l_30w_can_loop_forever_in_quartz() -> None:
    # From 2031-01-20 Quartz never returns (TIMEOUT in the vectors); from 2027-02-01 it does.
    with pytest.raises(CronError, match=r"never returns.*'L-nW' with n of 28") as raised:
        next_fire_times("0 0 9 L-28W * ?", "UTC", utc("2031-01-20T00:00:00Z"))
    assert (raised.value.field, raised.value.position) == ("day-of-month", 6)
    assert z(next_fire_times("0 0 9 L-28W * ?", "UTC", utc("2027-02-01T00:00:00Z"), 3)) == [
        "2027-02-01T09:00:00Z", "2027-03-03T09:00:00Z", "2027-04-02T09:00:00Z"]


def test_schedules_that_end_return_fewer_times() -> None:
    start = utc("2026-01-01T00:00:00Z")
    assert next_fire_times("0 0 0 30 2 ?", "UTC", start) == []
    assert next_fire_times("0 0 0 1 1 ? 2199", "UTC", start) == []
    assert next_fire_times("0 0 12 ? * 9#2", "UTC", start) == []  # accepted, never fires
    assert z(next_fire_times("0 0 0 ? 2 7#5", "UTC", start)) == [
        "2048-02-29T00:00:00Z", "2076-02-29T00:00:00Z", "2116-02-29T00:00:00Z"]


# --- year ----------------------------------------------------------------------------------------


def test_years_fire_up_to_max_year() -> None:
    start = utc("2026-01-01T00:00:00Z")
    assert z(next_fire_times("0 0 12 1 1 ? 2100", "UTC", start)) == ["2100-01-01T12:00:00Z"]
    assert z(next_fire_times("0 0 12 1 1 ? 2125-2130", "UTC", start)) == [
        "2125-01-01T12:00:00Z", "2126-01-01T12:00:00Z"]
    assert z(next_fire_times("0 0 12 1 1 ? 2027/3", "UTC", start, 3)) == [
        "2027-01-01T12:00:00Z", "2030-01-01T12:00:00Z", "2033-01-01T12:00:00Z"]
    assert next_fire_times("0 0 12 1 1 ? 1969", "UTC", start) == []


def test_max_year_follows_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    assert DEFAULT_MAX_YEAR - 100 in (datetime.now().year, datetime.now().year - 1)
    monkeypatch.setattr(fields, "MAX_YEAR", 2130)
    assert z(next_fire_times("0 0 12 1 1 ? 2125-2130", "UTC", utc("2126-06-01T00:00:00Z"))) == [
        "2127-01-01T12:00:00Z", "2128-01-01T12:00:00Z", "2129-01-01T12:00:00Z",
        "2130-01-01T12:00:00Z"]


def test_pinning_max_year_reaches_every_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    # The quartz_max_year fixture pins fields.MAX_YEAR; a module holding its own copy would
    # ignore the pin, and the vectors would only notice once the clock moves past 2026.
    from loom_jobs_widget.schedule import SimpleSchedule, simple_of

    monkeypatch.setattr(fields, "MAX_YEAR", 2030)
    start = utc("2026-01-01T00:00:00Z")
    assert z(next_fire_times("0 0 12 1 1 ? *", "UTC", start, 9)) == [
        f"{year}-01-01T12:00:00Z" for year in range(2026, 2031)]
    assert z(next_fire_times("0 0 12 1 1 ? 2029,2030,2031", "UTC", start)) == [
        "2029-01-01T12:00:00Z", "2030-01-01T12:00:00Z"]
    assert describe("0 0 0 1 1 ? 2031").endswith("Quartz only fires from 1970 to 2030)")
    assert simple_of("0 0 12 * * ? 1970-2030") == SimpleSchedule(every=1, unit="days", hour=12)


# --- lenient syntax Quartz (and so Databricks) accepts --------------------------------------------


@pytest.mark.parametrize(("expression", "expected"), [
    ("0 0 12 ? JANUARY MON/2", ["2026-01-05T12:00:00Z", "2026-01-12T12:00:00Z"]),
    ("0 0 12 1, * ?", ["2026-01-01T12:00:00Z", "2026-02-01T12:00:00Z"]),
    ("0/0 0 12 1/0 * ? 2026 extra tokens", ["2026-01-01T12:00:00Z", "2026-02-01T12:00:00Z"]),
    ("1.5 0 12 * * ?", ["2026-01-01T12:00:01Z", "2026-01-02T12:00:01Z"]),
    ("0 45-15/10 9 * * ?", ["2026-01-01T09:05:00Z", "2026-01-01T09:15:00Z"]),
    ("0 0 22-2 ? * FRI-MON", ["2026-01-02T00:00:00Z", "2026-01-02T01:00:00Z"]),
    ("\t0  0 12 l * ?  ", ["2026-01-31T12:00:00Z", "2026-02-28T12:00:00Z"]),
    ("0 0 12 ? * MON-FRI#2", ["2026-01-01T12:00:00Z", "2026-01-02T12:00:00Z"]),
    ("*? 0 12 * * ?", ["2026-01-01T12:00:00Z", "2026-01-01T12:00:01Z"]),
])
def test_lenient_syntax(expression: str, expected: list[str]) -> None:
    assert z(next_fire_times(expression, "UTC", utc("2026-01-01T00:00:00Z"), 2)) == expected


# --- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("expression", "field", "position", "message"), [
    ("0 0 12 ? * MON#6", "day-of-week", 11,
     "day-of-week field 'MON#6': the number after '#' must be 1 to 5"),
    ("0 0 12 ? * 0", "day-of-week", 11,
     "day-of-week field '0': values must be 1 to 7 (1 = SUN, 7 = SAT) or SUN to SAT; unlike "
     "unix cron, Quartz has no day 0"),
    ("L 0 12 * * ?", "seconds", 0,
     "seconds field 'L': 'L' (last) is only allowed in the day-of-month and day-of-week fields"),
    ("0 60 12 * * ?", "minutes", 2, "minutes field '60': values must be 0 to 59"),
    ("0 0/60 12 * * ?", "minutes", 2,
     "minutes field '0/60': the step after '/' must be at most 59, not 60"),
    ("0 0 14,18,3-39 * * ?", "hours", 4,
     "hours field '14,18,3-39': values must be 0 to 23 (in '3-39')"),
    ("0 0 12 L-31 * ?", "day-of-month", 7,
     "day-of-month field 'L-31': the offset after 'L-' must be at most 30"),
    ("0 0 12 1,L * ?", "day-of-month", 7,
     "day-of-month field '1,L': 'L' cannot be combined with other days in a list"),
    ("0 0 12 ? foo MON", "month", 9,
     "month field 'foo': unknown month name 'FOO' (use JAN to DEC)"),
    ("0 0 12 ? 3-JUN MON", "month", 9,
     "month field '3-JUN': a range cannot mix a number and a name"),
    ("0 0 12 1 1 ? 2030-2026", "year", 13,
     "year field '2030-2026': the range start must not be after its end"),
    ("0 0 9 * * *", "day-of-week", 10,
     "day-of-week field '*': day-of-month is '*' and day-of-week is restricted too; Quartz "
     "needs '?' in exactly one of them (e.g. '0 0 9 * * ?' or '0 0 9 ? * MON')"),
    ("0 0 9 ? * ?", "day-of-week", 10,
     "day-of-week field '?': '?' may be used in day-of-month or in day-of-week, not in both"),
    ("0 0 12", None, None, "the cron expression has 3 fields; Quartz needs 6 or 7 (sec min hour "
     "day-of-month month day-of-week [year])"),
    ("", None, None,
     "the cron expression is empty; Quartz needs sec min hour day-of-month month day-of-week "
     "[year]"),
])
def test_errors_name_the_field(expression: str, field: str | None, position: int | None,
                               message: str) -> None:
    with pytest.raises(CronError) as raised:
        next_fire_times(expression, "UTC", utc("2026-01-01T00:00:00Z"))
    assert (str(raised.value), raised.value.field, raised.value.position) == (
        message, field, position)
    assert isinstance(raised.value, ValueError)


def test_a_unix_cron_is_rejected_with_its_quartz_equivalent() -> None:
    with pytest.raises(CronError) as raised:
        next_fire_times("*/5 9-17 * * 1-5", "UTC", utc("2026-01-01T00:00:00Z"))
    assert str(raised.value) == (
        "'*/5 9-17 * * 1-5' has 5 fields, like a unix cron; Quartz needs 6 or 7 (sec min hour "
        "day-of-month month day-of-week [year], seconds first): from_unix() gives "
        "'0 */5 9-17 ? * MON-FRI'")
    with pytest.raises(CronError, match=r"unix cron macro.*from_unix\(\) gives '0 0 \* \* \* \?'"):
        describe("@hourly")


# --- time zones ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("zone", "first"), [
    ("PST", "2026-07-01T19:00:00Z"),  # Los Angeles rules
    ("BST", "2026-07-01T06:00:00Z"),  # Bangladesh, not British Summer Time
    ("IST", "2026-07-01T06:30:00Z"),  # Kolkata
    ("CST", "2026-07-01T17:00:00Z"),  # Chicago
    ("EST", "2026-07-01T17:00:00Z"),  # a fixed -05:00, no summer time
    ("GMT+05:30", "2026-07-01T06:30:00Z"),
    ("GMT-8", "2026-07-01T20:00:00Z"),
    ("US/Eastern", "2026-07-01T16:00:00Z"),
    ("EST5EDT", "2026-07-01T16:00:00Z"),
    ("Asia/Calcutta", "2026-07-01T06:30:00Z"),
    ("SystemV/PST8", "2026-07-01T20:00:00Z"),
])
def test_java_zone_ids(zone: str, first: str) -> None:
    assert z(next_fire_times("0 0 12 * * ?", zone, utc("2026-07-01T00:00:00Z"), 1)) == [first]


@pytest.mark.parametrize(("zone", "message"), [
    ("utc", "unknown time-zone id 'utc' (ids are case-sensitive: did you mean 'UTC'?): Databricks "
            "would silently run the job in GMT; use an IANA id such as 'Europe/Amsterdam' or "
            "'UTC'"),
    ("America/new_york", "did you mean 'America/New_York'?"),
    ("UTC+05:30", "(Java only understands offsets as 'GMT+05:30')"),
    ("Mars/Olympus", "unknown time-zone id 'Mars/Olympus'"),
    ("GMT+24", "unknown time-zone id 'GMT+24'"),
    ("SystemV/EST5EDT", "1976 US daylight-saving rules"),
    ("ROC", "use 'Asia/Taipei'"),
    ("", "the time-zone id is empty"),
])
def test_unknown_zone_ids_are_errors_not_gmt(zone: str, message: str) -> None:
    with pytest.raises(CronError) as raised:
        next_fire_times("0 0 12 * * ?", zone, utc("2026-07-01T00:00:00Z"))
    assert raised.value.field == "timezone"
    assert message in str(raised.value)


# --- describe -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("expression", "text"), [
    ("0 15 10 ? * MON-FRI", "At 10:15, Monday through Friday"),
    ("0 0/5 * * * ?", "Every 5 minutes"),
    ("0 0 * * * ?", "Every hour"),
    ("* * * * * ?", "Every second"),
    ("*/10 * * * * ?", "Every 10 seconds"),
    ("0 37 8 * * ?", "At 08:37 every day"),
    ("44 37 8 * * ?", "At 08:37:44 every day"),
    ("20 30 * * * ?", "Every hour at minute 30, second 20"),
    ("0 0/5 14,18 * * ?", "Every 5 minutes, between 14:00 and 14:59 and between 18:00 and 18:59"),
    ("0 3/20 * * * ?", "Every 20 minutes, at minutes 3, 23 and 43 past the hour"),
    ("0 10,44 14 ? 3 WED", "At 14:10 and 14:44, on Wednesdays, only in March"),
    ("0 0 9-17 ? * MON-FRI", "Every hour from 09:00 through 17:00, Monday through Friday"),
    ("0 30 */2 * * ?", "Every 2 hours from 00:30 through 22:30"),
    ("0 0 0/6 * * ?", "At 00:00, 06:00, 12:00 and 18:00 every day"),
    ("0 0 12 ? * SAT,SUN", "At 12:00, on Saturday and Sunday"),
    ("0 0 12 ? * MON,WED,FRI", "At 12:00, on Monday, Wednesday and Friday"),
    ("0 0 12 15W * ?", "At 12:00, on the weekday nearest day 15 of the month"),
    ("0 0 9 LW * ?", "At 09:00, on the last weekday of the month"),
    ("0 0 12 L * ?", "At 12:00, on the last day of the month"),
    ("0 0 12 L-3 * ?", "At 12:00, 3 days before the last day of the month"),
    ("0 15 10 ? * 6L", "At 10:15, on the last Friday of the month"),
    ("0 0 12 ? * 2#1", "At 12:00, on the first Monday of the month"),
    ("0 0 12 1/5 * ?", "At 12:00, on days 1, 6, 11, 16, 21, 26 and 31 of the month"),
    ("0 11 11 11 11 ?", "At 11:11, on November 11"),
    ("0 0 0 ? NOV-FEB MON", "At 00:00, on Mondays, November through February"),
    ("0 15 10 ? * 6L 2002-2005",
     "At 10:15, on the last Friday of the month, from 2002 through 2005"),
    ("0 0 12 1 1 ? 2027/2", "At 12:00, on January 1, every 2 years from 2027"),
    ("0 0 0 29 2 ? 2199",
     "At 00:00, on February 29, in 2199 (never fires: Quartz only fires from 1970 to 2126)"),
    ("0-7 21-49 * ? * 5/3",
     "At seconds 0 through 7 past the minute, at minutes 21 through 49 past the hour, "
     "on Thursdays"),
])
def test_describe(expression: str, text: str) -> None:
    assert describe(expression) == text


def test_describe_names_the_zone_and_checks_it() -> None:
    assert describe("0 37 8 * * ?", "Europe/Amsterdam") == "At 08:37 every day (Europe/Amsterdam)"
    with pytest.raises(CronError) as raised:
        describe("0 37 8 * * ?", "Europe/amsterdam")
    assert raised.value.field == "timezone"
    with pytest.raises(CronError, match="day-of-week field 'MON#6'"):
        describe("0 0 12 ? * MON#6")


FIELD_VALUES = {
    "sec": st.sampled_from(["0", "30", "*", "*/15", "5/20", "10-20", "0,30", "50-10"]),
    "min": st.sampled_from(["0", "*", "0/5", "3/20", "10-40/10", "45-15/10", "0,15,30,45", "59"]),
    "hour": st.sampled_from(["*", "9", "0/6", "9-17", "22-2", "1,13", "*/5", "23"]),
    "dom": st.sampled_from(["*", "1", "L", "L-3", "LW", "15W", "1/5", "31", "29", "L-28W"]),
    "month": st.sampled_from(["*", "JAN", "2", "NOV-FEB", "1/3", "JANUARY", "6-8"]),
    "dow": st.sampled_from(["*", "MON-FRI", "1", "6L", "2#1", "L", "SAT,SUN", "5/3", "FRI-MON"]),
    "year": st.sampled_from(["", " *", " 2027", " 2026-2030", " 2027/2", " 2199"]),
}


@st.composite
def quartz_expressions(draw: st.DrawFn) -> str:
    day_of_month = draw(st.booleans())
    dom = draw(FIELD_VALUES["dom"]) if day_of_month else "?"
    dow = "?" if day_of_month else draw(FIELD_VALUES["dow"])
    return (f"{draw(FIELD_VALUES['sec'])} {draw(FIELD_VALUES['min'])} "
            f"{draw(FIELD_VALUES['hour'])} {dom} {draw(FIELD_VALUES['month'])} {dow}"
            f"{draw(FIELD_VALUES['year'])}")


@settings(max_examples=300, deadline=None, suppress_health_check=HYPOTHESIS_CHECKS)
@given(quartz_expressions())
def test_describe_never_raises_for_a_valid_expression(expression: str) -> None:
    text = describe(expression, "UTC")
    assert text.endswith(" (UTC)") and text[0].isupper()


# --- the croniter fast path against the port of Quartz's loop ------------------------------------


DST_ZONES = ("America/New_York", "Europe/London", "Australia/Lord_Howe", "America/Sao_Paulo",
             "America/Nuuk", "Antarctica/Troll", "Asia/Jerusalem", "Pacific/Chatham")


@settings(max_examples=150, deadline=None, suppress_health_check=HYPOTHESIS_CHECKS)
@given(quartz_expressions(), st.sampled_from(DST_ZONES),
       st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31)),
       st.sampled_from([0, 1, 5, 30, 61, 119, 180, 1440]))
def test_croniter_path_matches_quartz_loop_near_transitions(
        expression: str, zone_id: str, moment: datetime, minutes_before: int) -> None:
    """croniter does the calendar where it can; replaying Quartz's loop must give the same."""
    zone = zones.zone_of(zone_id)
    # Move the start to just before the next offset change, where the two could differ.
    start = moment.replace(tzinfo=UTC)
    offset = start.astimezone(zone).utcoffset()
    probe = start
    for _ in range(400):
        if (probe + timedelta(hours=12)).astimezone(zone).utcoffset() != offset:
            start = probe + timedelta(hours=12) - timedelta(minutes=minutes_before)
            break
        probe += timedelta(hours=12)
    try:
        fast: list[datetime] | str = next_fire_times(expression, zone_id, start, 4)
    except CronError as error:
        fast = str(error)

    def replay(self: fire_times.Search, wall: datetime, after: datetime) -> datetime | None:
        return None if self.never else self._quartz(wall, after)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fire_times.Search, "next_fire", replay)
        try:
            slow: list[datetime] | str = next_fire_times(expression, zone_id, start, 4)
        except CronError as error:
            slow = str(error)
    assert fast == slow


# --- from_unix ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("unix", "quartz"), [
    ("*/5 * * * *", "0 */5 * * * ?"),
    ("0 9 * * 1-5", "0 0 9 ? * MON-FRI"),
    ("30 2 * * 0", "0 30 2 ? * SUN"),
    ("30 2 * * 7", "0 30 2 ? * SUN"),
    ("0 0 * * 5-7", "0 0 0 ? * SUN,FRI-SAT"),
    ("0 0 * * sat,sun", "0 0 0 ? * SUN,SAT"),
    ("0 0 1,15 * *", "0 0 0 1,15 * ?"),
    ("15 14 1 * *", "0 15 14 1 * ?"),
    ("0 22 * * 1-5", "0 0 22 ? * MON-FRI"),
    ("23 0-20/2 * * *", "0 23 0-20/2 * * ?"),
    ("0 0 1 jan,jul *", "0 0 0 1 1,7 ?"),
    ("5 4 * * sun", "0 5 4 ? * SUN"),
    ("0 0 */3 * *", "0 0 0 */3 * ?"),
    ("0 12 * * MON/2", "0 0 12 ? * MON,WED,FRI"),
    ("0 21-21 * * *", "0 0 21 * * ?"),
    ("@daily", "0 0 0 * * ?"),
    ("@Weekly", "0 0 0 ? * SUN"),
    ("@yearly", "0 0 0 1 1 ?"),
    ("@hourly", "0 0 * * * ?"),
])
def test_from_unix(unix: str, quartz: str) -> None:
    assert from_unix(unix) == quartz
    next_fire_times(quartz, "UTC", utc("2026-01-01T00:00:00Z"))  # and Quartz accepts it


@pytest.mark.parametrize(("unix", "message"), [
    ("0 0 1 * 1", "day-of-week field '1': unix cron runs when day-of-month '1' OR day-of-week "
                  "'1' matches; Quartz cannot combine the two"),
    ("0 0 * *", "a unix cron has 5 fields (minute hour day-of-month month day-of-week), "
                "'0 0 * *' has 4"),
    ("0 0 0 * * ?", "'0 0 0 * * ?' has 6"),
    ("60 0 * * *", "unix minutes field '60': values must be 0 to 59"),
    ("0 0 * * 8", "unix day-of-week field '8': values must be 0 to 7"),
    ("0 5-2 * * *", "unix hours field '5-2': the range start must not be after its end"),
    ("0 0 L * *", "unix day-of-month field 'L': 'L' is not a number"),
    ("*/0 * * * *", "the step after '/' must be at least 1"),
    ("@reboot", "unix cron macro '@reboot' has no Quartz equivalent"),
])
def test_from_unix_errors(unix: str, message: str) -> None:
    with pytest.raises(CronError) as raised:
        from_unix(unix)
    assert message in str(raised.value)


def unix_field(lo: int, hi: int) -> st.SearchStrategy[str]:
    value = st.integers(lo, hi)
    # croniter reads a range whose ends are equal ('5-5') as '*'; unix cron reads it as 5.
    ranges = st.tuples(value, value).filter(lambda t: t[0] < t[1])
    item = st.one_of(
        value.map(str),
        ranges.map(lambda t: f"{t[0]}-{t[1]}"),
        st.tuples(ranges, st.integers(1, 6)).map(lambda t: f"{t[0][0]}-{t[0][1]}/{t[1]}"),
        st.integers(1, hi - lo).map(lambda n: f"*/{n}"),
    )
    return st.one_of(st.just("*"), st.lists(item, min_size=1, max_size=3).map(",".join))


@st.composite
def unix_expressions(draw: st.DrawFn) -> str:
    dom, dow = draw(unix_field(1, 31)), draw(unix_field(0, 6))
    if draw(st.booleans()):
        dom = "*"
    else:
        dow = "*"
    minute, hour, month = draw(unix_field(0, 59)), draw(unix_field(0, 23)), draw(unix_field(1, 12))
    return f"{minute} {hour} {dom} {month} {dow}"


@settings(max_examples=200, deadline=None, suppress_health_check=HYPOTHESIS_CHECKS)
@given(unix_expressions(), st.datetimes(min_value=datetime(2026, 1, 1),
                                        max_value=datetime(2030, 12, 31)))
def test_from_unix_fires_when_croniter_does(unix: str, start: datetime) -> None:
    start = start.replace(microsecond=0)
    expected = croniter(unix, start)
    try:
        want = [expected.get_next(datetime) for _ in range(5)]
    except CroniterBadDateError:  # e.g. 30 February
        want = []
    got = next_fire_times(from_unix(unix), "UTC", start.replace(tzinfo=UTC), 5)
    assert [t.replace(tzinfo=None) for t in got] == want
