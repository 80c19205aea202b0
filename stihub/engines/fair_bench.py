"""Benchmark of the B2B meeting scheduler (lịch gặp B2B) of a technology fair (`make bench`).

A fair of 500 participants (20 exhibitors with a booth), 5,000 meeting requests (a third of
them aimed at 40 popular participants), 24 slots of 20 minutes over two days and 60 tables;
a quarter of the participants come one day only and a fifth have a maximum of meetings.
Synthetic data from a seeded RNG, so every run measures the same work. `rows()` returns
(measure, figure, goal) rows; the verifier `check()` must find nothing. Not a timed test.
"""

import datetime as dt
import random
import statistics
import time

from stihub.engines.fair import Event, Participant, Request, schedule
from stihub.engines.fair_check import check
from stihub.engines.fair_io import make_slots

PEOPLE, REQUESTS, TABLES, BOOTHS, POPULAR = 500, 5_000, 60, 20, 40
DAYS = (dt.date(2026, 5, 20), dt.date(2026, 5, 21))


def synthetic_fair(
    people: int = PEOPLE, requests: int = REQUESTS, tables: int = TABLES, seed: int = 3
) -> tuple[Event, list[Participant], list[Request]]:
    """A fair: 12 slots a day (08:00–12:00), booths for the first exhibitors, mixed presence."""
    rng = random.Random(seed)
    slots = make_slots(DAYS, "08:00", "12:00", minutes=20)
    event = Event(slots, tuple(f"B{n:03d}" for n in range(1, tables + 1)))
    participants = []
    for n in range(people):
        available = None
        if n % 4 == 1:  # one day only
            day = DAYS[n % 8 // 4]
            available = frozenset(s.id for s in slots if s.day == day)
        booth = f"B{tables - n:03d}" if n < min(BOOTHS, tables - 1) else None
        most = rng.randint(3, 10) if n % 5 == 2 else None
        participants.append(Participant(f"P{n}", f"Đơn vị {n}", booth, available, most))
    wanted = []
    for n in range(requests):
        a = rng.randrange(people)
        b = rng.randrange(POPULAR) if rng.random() < 1 / 3 else rng.randrange(people)
        wanted.append(Request(f"R{n}", f"P{a}", f"P{b}", rng.choice((0, 0, 1, 2))))
    return event, participants, wanted


def rows() -> list[tuple[str, str, str]]:
    """(measure, figure, goal) rows for `make bench`."""
    event, participants, requests = synthetic_fair()
    found = {}
    for name, kwargs in (("greedy", {"rounds": 0}), ("greedy + repair", {})):
        times = []
        for _ in range(3):
            start = time.perf_counter()
            result = schedule(event, participants, requests, **kwargs)
            times.append(time.perf_counter() - start)
        found[name] = (result, statistics.median(times))
    result, seconds = found["greedy + repair"]
    start = time.perf_counter()
    problems = check(result, event, participants, requests)
    verify = time.perf_counter() - start
    size = f"{PEOPLE} participants, {REQUESTS:,} requests, 24 slots, {TABLES} tables"
    greedy = len(found["greedy"][0].meetings)
    return [
        (f"B2B schedule: {size} (median of 3)", f"{seconds:.2f} s", ""),
        (
            "B2B schedule: meetings placed, greedy / with repair",
            f"{greedy:,} / {len(result.meetings):,}",
            "repair ≥ greedy",
        ),
        ("B2B schedule: check() of the result", f"{len(problems)} problems, {verify:.2f} s", "0"),
        *_roomier_rows(),
    ]


def _roomier_rows(tables: int = 2 * TABLES) -> list[tuple[str, str, str]]:
    """With twice the tables, people rather than tables are scarce: the repair has work."""
    event, participants, requests = synthetic_fair(tables=tables)
    greedy = schedule(event, participants, requests, rounds=0)
    start = time.perf_counter()
    result = schedule(event, participants, requests)
    seconds = time.perf_counter() - start
    clean = not check(result, event, participants, requests)
    return [
        (
            f"B2B schedule, {tables} tables: greedy / with repair (time, check clean)",
            f"{len(greedy.meetings):,} / {len(result.meetings):,} ({seconds:.1f} s, {clean})",
            "repair ≥ greedy",
        )
    ]


if __name__ == "__main__":
    for measure, figure, goal in rows():
        print(f"{measure:<75} {figure:>22}   goal {goal}")
