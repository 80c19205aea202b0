"""A B2B schedule's inputs read from plain data (what the web app passes), checked whole, and
the schedule written back as plain data; slots made from a day's opening hours."""

import datetime as dt
import re
from collections.abc import Mapping

from stihub.engines.fair import (
    Event,
    Participant,
    Request,
    Schedule,
    Slot,
    summary,
    validate,
)
from stihub.engines.problems import DataError, Problem, gettext_noop

_READ = {
    "missing": gettext_noop("Required key %(key)s is missing."),
    "date": gettext_noop("Expected a date such as 2026-05-20, found %(value)s."),
    "time": gettext_noop("Expected a time such as 08:20, found %(value)s."),
    "number": gettext_noop("Expected a number, found %(value)s."),
    "list": gettext_noop("Expected a list, found %(value)s."),
}


def _parse(value, kind, problems, sheet, row, column):
    """A date, time or number from text (or already one); None with a problem if not."""
    if kind == "date" and isinstance(value, dt.date):
        return value
    if kind == "time" and isinstance(value, dt.time):
        return value
    if kind == "number" and isinstance(value, int | float) and not isinstance(value, bool):
        return value
    try:
        text = str(value).strip()
        if kind == "date":
            return dt.date.fromisoformat(text)
        if kind == "time":
            return dt.time.fromisoformat(text)
        return int(text) if re.fullmatch(r"-?\d+", text) else float(text)
    except ValueError:
        problems.append(Problem(_READ[kind], {"value": value}, sheet, row, column))


def _rows(data, sheet, keys, problems):
    """The rows of one list of `data`, each required key present (rows lacking one dropped)."""
    rows = data.get(sheet) or []
    if not isinstance(rows, list | tuple):
        problems.append(Problem(_READ["list"], {"value": rows}, sheet))
        return []
    found = []
    for n, row in enumerate(rows, start=1):
        if not isinstance(row, Mapping):
            row = {"id": row} if sheet == "tables" else {}
        lacking = [k for k in keys if row.get(k) in (None, "")]
        for k in lacking:
            problems.append(Problem(_READ["missing"], {"key": k}, sheet, n, k))
        if not lacking:
            found.append((n, row))
    return found


def read(data: Mapping) -> tuple[Event, tuple[Participant, ...], tuple[Request, ...]]:
    """Inputs from plain dicts (what the web app passes); DataError lists every problem.

    `data` has `slots` [{id, day (yyyy-mm-dd), start, end (hh:mm)}], `tables` [id or {id}],
    `participants` [{id, name, booth, available: [slot id] or null for all, unavailable:
    [slot id], days: [yyyy-mm-dd] present (null for all), max_meetings}] and `requests`
    [{id, requester, counterpart, priority}]. Ids are read as text; other keys are ignored.
    """
    problems: list[Problem] = []
    slots = []
    for n, row in _rows(data, "slots", ("id", "day", "start", "end"), problems):
        day, start, end = (
            _parse(row[k], kind, problems, "slots", n, k)
            for k, kind in (("day", "date"), ("start", "time"), ("end", "time"))
        )
        if None not in (day, start, end):
            slots.append(Slot(str(row["id"]), day, start, end))
    tables = tuple(str(row["id"]) for _n, row in _rows(data, "tables", ("id",), problems))
    people = []
    for n, row in _rows(data, "participants", ("id",), problems):
        ids = {s.id for s in slots}
        for k in ("available", "unavailable", "days"):
            if row.get(k) is not None and not isinstance(row[k], list | tuple | set | frozenset):
                problems.append(Problem(_READ["list"], {"value": row[k]}, "participants", n, k))
                row = {**row, k: None}
        if row.get("available") is not None:
            ids = {str(s) for s in row["available"]}
        ids -= {str(s) for s in row.get("unavailable") or ()}
        if row.get("days") is not None:
            days = {_parse(d, "date", problems, "participants", n, "days") for d in row["days"]}
            ids -= {s.id for s in slots if s.day not in days}
        whole = row.get("available") is None and not row.get("unavailable") and not row.get("days")
        most = row.get("max_meetings")
        if most not in (None, ""):
            most = _parse(most, "number", problems, "participants", n, "max_meetings")
        booth = row.get("booth")
        people.append(
            Participant(
                id=str(row["id"]),
                name=str(row.get("name") or ""),
                booth=None if booth in (None, "") else str(booth),
                available=None if whole else frozenset(ids),
                max_meetings=None if most in (None, "") else most,
            )
        )
    requests = []
    for n, row in _rows(data, "requests", ("id", "requester", "counterpart"), problems):
        priority = row.get("priority")
        priority = _parse(priority, "number", problems, "requests", n, "priority") or 0
        requests.append(
            Request(str(row["id"]), str(row["requester"]), str(row["counterpart"]), priority)
        )
    event = Event(tuple(slots), tables)
    try:
        validate(event, people, requests)
    except DataError as error:
        problems += error.problems
    if problems:
        raise DataError(problems)
    return event, tuple(people), tuple(requests)


def as_dict(schedule: Schedule) -> dict:
    """The schedule as plain data (JSON-ready) for the web app and the API."""
    return {
        "meetings": [
            {
                "requests": list(m.requests),
                "requester": m.requester,
                "counterpart": m.counterpart,
                "slot": m.slot.id,
                "day": m.slot.day.isoformat(),
                "start": m.slot.start.strftime("%H:%M"),
                "end": m.slot.end.strftime("%H:%M"),
                "table": m.table,
            }
            for m in schedule.meetings
        ],
        "unplaced": [
            {"request": u.request, "reason": u.reason, "of": u.of} for u in schedule.unplaced
        ],
        "summary": summary(schedule),
    }


def make_slots(days, start: str, end: str, minutes: int = 20) -> tuple[Slot, ...]:
    """Back-to-back slots of `minutes` from `start` to `end` (hh:mm) on each day, ids D1-S01."""
    slots = []
    for d, day in enumerate(days, start=1):
        day = dt.date.fromisoformat(str(day)) if not isinstance(day, dt.date) else day
        at = dt.datetime.combine(day, dt.time.fromisoformat(start))
        stop = dt.datetime.combine(day, dt.time.fromisoformat(end))
        n = 1
        while at + dt.timedelta(minutes=minutes) <= stop:
            nxt = at + dt.timedelta(minutes=minutes)
            slots.append(Slot(f"D{d}-S{n:02d}", day, at.time(), nxt.time()))
            at, n = nxt, n + 1
    return tuple(slots)
