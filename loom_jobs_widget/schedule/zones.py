"""Java's time-zone ids as Databricks reads a job's `timezone_id`: how each id resolves, a zone's
clock changes, and the ids the editor's picker offers.

Java 17 (tzdb 2025a, the Quartz oracle's runtime) and Python's tzdata (2026f here) differ as
follows (measured with `TimeZone.getAvailableIDs()` against `tzdata`'s list; the offsets of every
shared id agree for 2026 and 2027):

* Java only: the legacy three-letter ids (ACT, AET, ..., PST, VST: `_JAVA_OLD_IDS`, note BST =
  Dhaka and IST = Kolkata) and SystemV/*. They are accepted and explained, not offered.
* EST, MST and HST are fixed offsets in Java (no daylight saving) but links to zones with history
  in tzdata; they are explained ("EST has no summer time") and not offered.
* Python only: Factory and ROC (Java would silently use GMT: refused by `resolve_zone`), GMT+0 and
  GMT-0 (Java reads them as the custom offset GMT+00:00: valid, not offered) and zones newer than
  the Java runtime's data (America/Coyhaique, tzdata 2025b: offered with a warning, since a JVM
  with older data would run the job in GMT).
"""

from __future__ import annotations

import functools
import importlib.resources
import zoneinfo
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Final, TypedDict

from loom_jobs_widget.schedule.fields import CronError

__all__ = [
    "TimeZoneInfo",
    "TimeZoneOption",
    "java_time_zones",
    "options_at",
    "resolve_zone",
    "time_zone_info",
    "transitions",
    "utc_offset",
    "zone_of",
]

_UTC: Final = timezone.utc

# --- resolving an id ------------------------------------------------------------------------------

# Java's TimeZone knows these three-letter ids (sun.util.calendar.ZoneInfoFile.oldMappings);
# Python's zoneinfo does not. Note BST: Bangladesh, not British Summer Time.
_JAVA_OLD_IDS = {
    "ACT": "Australia/Darwin", "AET": "Australia/Sydney",
    "AGT": "America/Argentina/Buenos_Aires", "ART": "Africa/Cairo", "AST": "America/Anchorage",
    "BET": "America/Sao_Paulo", "BST": "Asia/Dhaka", "CAT": "Africa/Harare",
    "CNT": "America/St_Johns", "CST": "America/Chicago", "CTT": "Asia/Shanghai",
    "EAT": "Africa/Addis_Ababa", "ECT": "Europe/Paris", "IET": "America/Indiana/Indianapolis",
    "IST": "Asia/Kolkata", "JST": "Asia/Tokyo", "MIT": "Pacific/Apia", "NET": "Asia/Yerevan",
    "NST": "Pacific/Auckland", "PLT": "Asia/Karachi", "PNT": "America/Phoenix",
    "PRT": "America/Puerto_Rico", "PST": "America/Los_Angeles", "SST": "Pacific/Guadalcanal",
    "VST": "Asia/Ho_Chi_Minh",
}
# Java makes these fixed offsets, while tzdata (2024b and later) links EST, MST and HST to zones
# with history.
_JAVA_FIXED_IDS = {
    "EST": "Etc/GMT+5", "MST": "Etc/GMT+7", "HST": "Etc/GMT+10",
    "SystemV/AST4": "Etc/GMT+4", "SystemV/EST5": "Etc/GMT+5", "SystemV/CST6": "Etc/GMT+6",
    "SystemV/MST7": "Etc/GMT+7", "SystemV/PST8": "Etc/GMT+8", "SystemV/YST9": "Etc/GMT+9",
    "SystemV/HST10": "Etc/GMT+10",
}
# Ids that Java resolves differently from every IANA zone, or not at all (then it silently uses
# GMT): rejected with the reason.
_JAVA_UNSUPPORTED = {
    **{f"SystemV/{name}": "it follows the 1976 US daylight-saving rules (last Sunday of April to "
       "last Sunday of October), which no IANA zone has; use a zone such as "
       "'America/New_York'" for name in ("AST4ADT", "EST5EDT", "CST6CDT", "MST7MDT", "PST8PDT",
                                        "YST9YDT")},
    "ROC": "Java does not know it and would silently run the job in GMT; use 'Asia/Taipei'",
    "Factory": "Java does not know it and would silently run the job in GMT; use 'UTC'",
}


@functools.cache
def _known_zone_ids() -> frozenset[str]:
    # The tzdata package lists its keys; reading that list takes a few ms, where
    # zoneinfo.available_timezones() walks the file system (over 100 ms).
    try:
        text = importlib.resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return frozenset(zoneinfo.available_timezones())
    return frozenset(text.split())


def _java_custom_zone(zone_id: str) -> tzinfo | None:
    """Java's TimeZone.parseCustomTimeZone: GMT+h, GMT+hh, GMT+hhmm, GMT+hh:mm (and minus)."""
    if len(zone_id) < 5 or not zone_id.startswith("GMT") or zone_id[3] not in "+-":
        return None
    hours = num = delimiters = length = 0
    for ch in zone_id[4:]:
        if ch == ":":
            if delimiters or length > 2:
                return None
            hours, num, length, delimiters = num, 0, 0, 1
            continue
        if not "0" <= ch <= "9":
            return None
        num = num * 10 + ord(ch) - 48
        length += 1
    if delimiters == 0:
        hours, num = (num, 0) if length <= 2 else (num // 100, num % 100)
    elif length != 2:
        return None
    if hours > 23 or num > 59:
        return None
    if hours == num == 0:
        return zoneinfo.ZoneInfo("GMT")
    sign = -1 if zone_id[3] == "-" else 1
    name = f"GMT{zone_id[3]}{hours:02d}:{num:02d}"
    return timezone(sign * timedelta(hours=hours, minutes=num), name)


@functools.lru_cache(maxsize=256)
def zone_of(zone_id: str) -> tzinfo:
    """`resolve_zone` for an id known to be a non-empty string; cached."""
    if zone_id in _JAVA_UNSUPPORTED:
        raise CronError(f"time-zone id {zone_id!r} is not supported: {_JAVA_UNSUPPORTED[zone_id]}",
                        field="timezone")
    if zone_id in _JAVA_FIXED_IDS:
        return zoneinfo.ZoneInfo(_JAVA_FIXED_IDS[zone_id])
    if zone_id in _JAVA_OLD_IDS:
        return zoneinfo.ZoneInfo(_JAVA_OLD_IDS[zone_id])
    if zone_id in _known_zone_ids():
        return zoneinfo.ZoneInfo(zone_id)
    custom = _java_custom_zone(zone_id)
    if custom is not None:
        return custom
    # Java would silently use GMT here; a silent GMT schedule is the bug we want to catch.
    hint = ""
    lowered = {z.lower(): z for z in (*_known_zone_ids(), *_JAVA_OLD_IDS, *_JAVA_FIXED_IDS)}
    if zone_id.lower() in lowered:
        hint = f" (ids are case-sensitive: did you mean {lowered[zone_id.lower()]!r}?)"
    elif zone_id.upper().startswith("UTC") and len(zone_id) > 3:
        hint = f" (Java only understands offsets as 'GMT{zone_id[3:]}')"
    raise CronError(
        f"unknown time-zone id {zone_id!r}{hint}: Databricks would silently run the job in GMT; "
        "use an IANA id such as 'Europe/Amsterdam' or 'UTC'", field="timezone")


def _zone(timezone_id: str) -> tzinfo:
    if not isinstance(timezone_id, str) or not timezone_id:
        raise CronError("the time-zone id is empty; use an IANA id such as 'UTC'",
                        field="timezone")
    return zone_of(timezone_id)


def resolve_zone(timezone_id: str) -> tzinfo:
    """The zone Databricks (Java's ``TimeZone``) evaluates a schedule in, for a ``timezone_id``.

    Java's legacy ids resolve as Java resolves them ('PST' is Los Angeles, 'BST' Dhaka, 'EST' a
    fixed UTC-5), 'GMT+05:30' is a fixed offset. Raises CronError (``field="timezone"``) where
    Java would silently fall back to GMT, so that no schedule quietly runs in the wrong zone.
    """
    return _zone(timezone_id)


# --- clock changes --------------------------------------------------------------------------------


def transitions(zone: tzinfo, lo: datetime, hi: datetime
                ) -> list[tuple[datetime, timedelta, timedelta]]:
    """(instant, offset before, offset after) of each offset change in (lo, hi], found by weekly
    samples (no zone changes twice within a week) and bisection to the second."""

    def offset(t: int) -> timedelta:
        value = datetime.fromtimestamp(t, _UTC).astimezone(zone).utcoffset()
        assert value is not None
        return value

    week = 7 * 86400
    t, stop = int(lo.timestamp()), int(hi.timestamp())
    before = offset(t)
    found = []
    while t < stop:
        t_next = min(t + week, stop)
        after = offset(t_next)
        if after != before:
            a, b = t, t_next  # the offset changes in (a, b]
            while b - a > 1:
                mid = (a + b) // 2
                a, b = (a, mid) if offset(mid) != before else (mid, b)
            found.append((datetime.fromtimestamp(b, _UTC), before, offset(b)))
        t, before = t_next, after
    return found


def utc_offset(offset: timedelta) -> str:
    """'UTC+05:30', 'UTC-04:00'."""
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


# --- the picker -----------------------------------------------------------------------------------


class TimeZoneOption(TypedDict):
    """A time zone the picker offers."""

    id: str
    offset: str  # the current UTC offset: '+05:30'
    offset_minutes: int
    label: str  # '(UTC+05:30) Asia/Kolkata'
    alias_of: str | None  # the zone a link names: 'US/Eastern' -> 'America/New_York'
    note: str | None


class TimeZoneInfo(TypedDict):
    id: str
    valid: bool
    offset: str | None
    offset_minutes: int | None
    alias_of: str | None
    note: str | None
    error: str | None  # why Databricks cannot use it (schedule.CronError's message)


# Ids tzdata has that the picker does not offer: Java does not know them (it would silently use
# GMT) or reads them differently; and the legacy ones Java reads as fixed offsets.
_NOT_OFFERED: Final = frozenset({"Factory", "ROC", "GMT+0", "GMT-0", *_JAVA_FIXED_IDS})
# Common names that tzdata makes links; shown as themselves, not as aliases of Etc/*.
_NOT_ALIASES: Final = frozenset({"UTC", "GMT"})
# Zones newer than the Java runtime the oracle used (tzdb 2025a); a JVM whose data is older
# than the zone does not know it and would run the job in GMT.
_NEWER_THAN_JAVA: Final = {
    "America/Coyhaique": ("2025b", "America/Punta_Arenas"),
}


@functools.cache
def _zone_notes() -> dict[str, str]:
    """What the picker says beside an id; built on first use, as it reads tzdata's list."""
    notes = {
        old: f"Java's legacy id for {target}; prefer '{target}'"
        for old, target in _JAVA_OLD_IDS.items()
    }
    notes["BST"] = ("Java's legacy id for Asia/Dhaka (Bangladesh), not British Summer Time; for "
                    "the UK use 'Europe/London'")
    notes["IST"] = ("Java's legacy id for Asia/Kolkata (India), not Irish or Israel time; "
                    "prefer 'Asia/Kolkata'")
    for fixed, etc in _JAVA_FIXED_IDS.items():
        offset = -int(etc.removeprefix("Etc/GMT+"))
        notes[fixed] = (f"a fixed UTC{offset:+03d}:00 in Java, with no daylight saving; for a "
                        "place that changes its clocks pick its zone ('America/New_York', ...)")
    for zone_id in _known_zone_ids():
        # POSIX signs: Etc/GMT+5 is five hours behind UTC, a classic slip.
        if zone_id.startswith("Etc/GMT") and zone_id[7:8] in ("+", "-"):
            hours = -int(zone_id[7:])
            notes[zone_id] = (f"{zone_id} is UTC{hours:+03d}:00 (POSIX signs are inverted), a "
                              "fixed offset")
    for zone_id, (version, instead) in _NEWER_THAN_JAVA.items():
        notes[zone_id] = (f"new in tzdata {version}: a Databricks runtime whose Java has older "
                          f"time-zone data would run the job in GMT; '{instead}' has the same "
                          "rules today")
    return notes


@functools.cache
def _links() -> dict[str, str]:
    """tzdata's links (alias -> zone) from its tzdata.zi ('L target alias' lines)."""
    try:
        text = importlib.resources.files("tzdata").joinpath("zoneinfo/tzdata.zi").read_text(
            encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return {}
    links = {}
    for line in text.splitlines():
        if line.startswith("L "):
            _, target, alias = line.split()
            links[alias] = target
    return links


def _alias_of(zone_id: str) -> str | None:
    if zone_id in _NOT_ALIASES or zone_id in _JAVA_FIXED_IDS:
        return None  # Java's EST is a fixed UTC-5, not tzdata's link to America/Panama
    target = _links().get(zone_id) or _JAVA_OLD_IDS.get(zone_id)
    return target if target not in _NOT_ALIASES else None


@functools.cache
def _offered_ids() -> tuple[str, ...]:
    return tuple(sorted(z for z in _known_zone_ids() if z not in _NOT_OFFERED))


def _offset_text(offset: timedelta) -> str:
    return utc_offset(offset).removeprefix("UTC")


@functools.lru_cache(maxsize=4)
def options_at(minute: datetime) -> tuple[tuple[str, int, str | None, str | None], ...]:
    """(id, UTC offset in minutes, alias, note) of each offered zone at `minute`, by offset
    then id; cached."""
    rows = []
    for zone_id in _offered_ids():
        offset = minute.astimezone(zoneinfo.ZoneInfo(zone_id)).utcoffset()
        assert offset is not None
        rows.append((zone_id, int(offset.total_seconds()) // 60, _alias_of(zone_id),
                     _zone_notes().get(zone_id)))
    rows.sort(key=lambda row: (row[1], row[0]))
    return tuple(rows)


def java_time_zones(*, at: datetime | None = None) -> list[TimeZoneOption]:
    """The time-zone ids the picker offers, ordered by their UTC offset at `at` (default now),
    then id: every IANA zone and link Java knows, minus the ids Java misreads (see the module
    docstring). Cached per minute; each call returns fresh dicts the caller may change."""
    moment = (at or datetime.now(_UTC)).astimezone(_UTC).replace(second=0, microsecond=0)
    return [
        {"id": zone_id, "offset": _offset_text(timedelta(minutes=minutes)),
         "offset_minutes": minutes,
         "label": f"(UTC{_offset_text(timedelta(minutes=minutes))}) {zone_id}",
         "alias_of": alias, "note": note}
        for zone_id, minutes, alias, note in options_at(moment)
    ]


def time_zone_info(timezone_id: str, *, at: datetime | None = None) -> TimeZoneInfo:
    """What Databricks makes of a job's `timezone_id`, for showing it beside the picker (also
    the ids the picker does not offer: 'PST', 'EST', 'GMT+05:30')."""
    try:
        zone = resolve_zone(timezone_id)
    except CronError as exc:
        return {"id": timezone_id, "valid": False, "offset": None, "offset_minutes": None,
                "alias_of": None, "note": None, "error": str(exc)}
    offset = (at or datetime.now(_UTC)).astimezone(zone).utcoffset()
    assert offset is not None
    note = _zone_notes().get(timezone_id)
    if note is None and isinstance(zone, timezone):
        note = "a fixed offset, with no daylight saving"
    return {"id": timezone_id, "valid": True, "offset": _offset_text(offset),
            "offset_minutes": int(offset.total_seconds()) // 60,
            "alias_of": _alias_of(timezone_id), "note": note, "error": None}
