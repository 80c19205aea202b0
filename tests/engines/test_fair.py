"""The B2B meeting scheduler of a technology fair: no double booking, reasons, optimum.

Every schedule below is passed through `check()`, the independent verifier; the tests of
`check()` itself break a schedule on purpose to show that it does find each violation. The
number of meetings placed is compared with a brute force (tiny cases) and with the exact
optimum of an integer programme solved by scipy's HiGHS (random cases).
"""

import dataclasses
import datetime as dt
import itertools
import random
from collections import Counter

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_matrix

from stihub.engines.fair import (
    REASON_LABELS,
    REASONS,
    Event,
    Participant,
    Request,
    Schedule,
    Slot,
    Unplaced,
    by_participant,
    schedule,
    summary,
)
from stihub.engines.fair_bench import synthetic_fair
from stihub.engines.fair_check import check
from stihub.engines.fair_io import as_dict, make_slots, read
from stihub.engines.problems import DataError

DAY1, DAY2 = dt.date(2026, 5, 20), dt.date(2026, 5, 21)


def slots(n, day=DAY1, prefix="S"):
    """n back-to-back 20-minute slots from 08:00."""
    start = dt.datetime.combine(day, dt.time(8))
    return tuple(
        Slot(
            f"{prefix}{k + 1}",
            day,
            (start + dt.timedelta(minutes=20 * k)).time(),
            (start + dt.timedelta(minutes=20 * (k + 1))).time(),
        )
        for k in range(n)
    )


def people(*ids, **kw):
    return [Participant(pid, **kw) for pid in ids]


def run(event, participants, requests, **kw):
    """Schedule, and fail the test if the verifier finds anything."""
    result = schedule(event, participants, requests, **kw)
    assert check(result, event, participants, requests) == []
    return result


def reasons(result):
    return {u.request: u.reason for u in result.unplaced}


def placed(result):
    return {m.id: (m.slot.id, m.table) for m in result.meetings}


# --- hand-made cases with conflicts -----------------------------------------------------


def test_three_people_want_the_same_person_in_a_one_slot_event():
    event = Event(slots(1), ("T1", "T2", "T3"))
    requests = [Request(f"R{k}", f"A{k}", "B") for k in (1, 2, 3)]
    result = run(event, people("A1", "A2", "A3", "B"), requests)
    # B can be in one meeting only; equal priorities: the smallest id, R1, wins
    assert placed(result) == {"R1": ("S1", "T1")}
    assert reasons(result) == {"R2": "conflict", "R3": "conflict"}


def test_higher_priority_wins_the_scarce_slot():
    event = Event(slots(1), ("T1",))
    requests = [Request("R1", "A1", "B"), Request("R2", "A2", "B", priority=5)]
    result = run(event, people("A1", "A2", "B"), requests)
    assert list(placed(result)) == ["R2"]
    assert reasons(result) == {"R1": "conflict"}


def test_booth_holder_with_more_requests_than_slots():
    # E has booth T9; there are 2 slots and no shared table at all: the booth suffices
    event = Event(slots(2), ("T9",))
    participants = [Participant("E", booth="T9"), *people("V1", "V2", "V3")]
    requests = [Request(f"R{k}", f"V{k}", "E") for k in (1, 2, 3)]
    result = run(event, participants, requests)
    assert placed(result) == {"R1": ("S1", "T9"), "R2": ("S2", "T9")}
    assert reasons(result) == {"R3": "conflict"}  # E is busy in both slots


def test_two_booth_holders_meet_at_the_counterparts_booth():
    event = Event(slots(1), ("T1", "T2"))
    participants = [Participant("A", booth="T1"), Participant("B", booth="T2")]
    result = run(event, participants, [Request("R1", "A", "B")])
    assert placed(result) == {"R1": ("S1", "T2")}


def test_present_on_different_days_is_unavailable():
    event = Event(slots(2, DAY1, "D1-") + slots(2, DAY2, "D2-"), ("T1",))
    participants = [
        Participant("A", available={"D1-1", "D1-2"}),
        Participant("B", available={"D2-1", "D2-2"}),
        Participant("C"),
    ]
    requests = [Request("R1", "A", "B"), Request("R2", "C", "B")]
    result = run(event, participants, requests)
    assert reasons(result) == {"R1": "unavailable"}
    assert placed(result) == {"R2": ("D2-1", "T1")}  # B's first slot


def test_mutual_requests_merge_and_repeats_are_duplicates():
    event = Event(slots(2), ("T1",))
    requests = [
        Request("R1", "A", "B", priority=1),
        Request("R2", "B", "A", priority=3),  # mutual: joins R1's meeting
        Request("R3", "A", "B", priority=2),  # A asks B again: a duplicate of R1
    ]
    result = run(event, people("A", "B"), requests)
    (meeting,) = result.meetings
    # requests sorted by priority: R2 (3), R3 (2), R1 (1); R2 opens the meeting, R3 is A's
    # first request for the pair, so R1 (A's second, lower priority) is the duplicate
    assert meeting.requests == ("R2", "R3")
    assert meeting.priority == 3
    assert result.unplaced == (Unplaced("R1", "duplicate", of="R3"),)


def test_self_and_unknown_participants():
    event = Event(slots(1), ("T1",))
    requests = [Request("R1", "A", "A"), Request("R2", "A", "Z"), Request("R3", "A", "B")]
    result = run(event, people("A", "B"), requests)
    assert reasons(result) == {"R1": "self", "R2": "unknown_participant"}
    assert list(placed(result)) == ["R3"]


def test_no_table_when_no_shared_table_is_free():
    # one slot, one table, two pairs with nobody in common: the table holds one meeting
    event = Event(slots(1), ("T1",))
    requests = [Request("R1", "A", "B"), Request("R2", "C", "D")]
    result = run(event, people("A", "B", "C", "D"), requests)
    assert reasons(result) == {"R2": "no_table"}
    # no shared table at all (the only table is somebody's booth)
    event = Event(slots(1), ("T1",))
    participants = [Participant("E", booth="T1"), *people("A", "B")]
    result = run(event, participants, [Request("R1", "A", "B")])
    assert reasons(result) == {"R1": "no_table"}


def test_maximum_meetings():
    event = Event(slots(3), ("T1", "T2"))
    participants = [Participant("A", max_meetings=1), *people("B", "C")]
    requests = [Request("R1", "A", "B"), Request("R2", "A", "C"), Request("R3", "B", "C")]
    result = run(event, participants, requests)
    assert sorted(placed(result)) == ["R1", "R3"]
    assert reasons(result) == {"R2": "participant_full"}


# --- repair and swaps: fewer than possible without them, the optimum with them -----------


def brute_force(event, participants, requests):
    """The largest number of meetings over every assignment of slot-or-nothing to each pair."""
    people_ = {p.id: p for p in participants}
    pairs = sorted({tuple(sorted((r.requester, r.counterpart))) for r in requests})
    pairs = [(a, b) for a, b in pairs if a != b and a in people_ and b in people_]
    shared_tables = len(event.tables) - sum(1 for p in participants if p.booth)
    best = 0
    for choice in itertools.product([None, *(s.id for s in event.slots)], repeat=len(pairs)):
        busy, tables, count = set(), Counter(), Counter()
        ok = True
        for (a, b), s in zip(pairs, choice, strict=True):
            if s is None:
                continue
            for p in (a, b):
                avail = people_[p].available
                ok &= (p, s) not in busy and (avail is None or s in avail)
                busy.add((p, s))
                count[p] += 1
            if not people_[a].booth and not people_[b].booth:
                tables[s] += 1
        ok &= all(n <= shared_tables for n in tables.values())
        ok &= all(people_[p].max_meetings is None or n <= people_[p].max_meetings
                  for p, n in count.items())  # fmt: skip
        if ok:
            best = max(best, sum(s is not None for s in choice))
    return best


def test_repair_moves_a_meeting_to_free_a_slot():
    # R1 (A-B, both free in S1 and S2) is placed first in S1; C is there only in S1, so R2
    # (A-C) needs S1: the greedy leaves it out, the repair moves R1 to S2.
    event = Event(slots(2), ("T1", "T2"))
    participants = [*people("A", "B"), Participant("C", available={"S1"})]
    requests = [Request("R1", "A", "B"), Request("R2", "A", "C")]
    greedy = run(event, participants, requests, rounds=0)
    repaired = run(event, participants, requests)
    assert len(greedy.meetings) == 1 and reasons(greedy) == {"R2": "conflict"}
    assert placed(repaired) == {"R1": ("S2", "T1"), "R2": ("S1", "T1")}
    assert (repaired.repaired, repaired.moved) == (1, 1)
    assert len(repaired.meetings) == brute_force(event, participants, requests) == 2


def test_repair_follows_a_chain_of_two_moves():
    # Slots S1-S3, B away in S3, C there only in S1. Greedy: R1 A-B -> S1, R2 B-D -> S2 (B
    # busy in S1), R3 A-C needs S1 where A is busy. To free S1, R1 must move, and its only
    # other slot S2 holds R2 (B): two moves, R2 -> S1 (B and D free once R1 left, a 2nd
    # table), R1 -> S2, and R3 takes S1. At S1 the tables go in meeting order: R2 T1, R3 T2.
    event = Event(slots(3), ("T1", "T2"))
    participants = [
        Participant("A"),
        Participant("B", available={"S1", "S2"}),
        Participant("C", available={"S1"}),
        Participant("D"),
    ]
    requests = [Request("R1", "A", "B"), Request("R2", "B", "D"), Request("R3", "A", "C")]
    greedy = run(event, participants, requests, rounds=0)
    assert placed(greedy) == {"R1": ("S1", "T1"), "R2": ("S2", "T1")}
    one_move = run(event, participants, requests, depth=1, swaps=0)
    assert len(one_move.meetings) == 2  # a chain of one move is not enough
    result = run(event, participants, requests)
    assert placed(result) == {"R2": ("S1", "T1"), "R3": ("S1", "T2"), "R1": ("S2", "T1")}
    assert result.moved == 2
    assert brute_force(event, participants, requests) == 3


def test_swap_one_meeting_out_for_two_when_maxima_bind():
    # A and B may each have one meeting. Greedy takes R1 (A-B) and then both R2 (A-C) and
    # R3 (B-D) are participant_full: 1 meeting. Taking R1 out lets R2 and R3 in: 2.
    event = Event(slots(2), ("T1", "T2"))
    participants = [
        Participant("A", max_meetings=1),
        Participant("B", max_meetings=1),
        *people("C", "D"),
    ]
    requests = [Request("R1", "A", "B"), Request("R2", "A", "C"), Request("R3", "B", "D")]
    assert len(run(event, participants, requests, rounds=0).meetings) == 1
    result = run(event, participants, requests)
    assert sorted(placed(result)) == ["R2", "R3"] and result.swapped == 1
    assert reasons(result) == {"R1": "participant_full"}
    assert brute_force(event, participants, requests) == 2
    # ...but never at the expense of a higher priority: R1 first, it stays
    urgent = [dataclasses.replace(requests[0], priority=1), *requests[1:]]
    assert list(placed(run(event, participants, urgent))) == ["R1"]


def random_fair(rng, n_people, n_requests, n_slots, n_tables, priorities=False, caps=False):
    """A fair over two days; some come one day only, some have booths, popular counterparts."""
    half = n_slots // 2
    grid = slots(half, DAY1, "D1-") + slots(n_slots - half, DAY2, "D2-")
    booths = rng.randint(0, 3)
    event = Event(grid, tuple(f"T{k}" for k in range(n_tables + booths)))
    participants = []
    for n in range(n_people):
        roll = rng.random()
        days = (DAY1,) if roll < 0.2 else (DAY2,) if roll < 0.4 else None
        available = None if days is None else {s.id for s in grid if s.day in days}
        if 0.4 <= roll < 0.55:
            available = {s.id for s in grid if rng.random() < 0.6}
        booth = f"T{n_tables + n}" if n < booths else None
        most = rng.randint(0, 4) if caps and rng.random() < 0.3 else None
        participants.append(Participant(f"P{n}", booth=booth, available=available,
                                        max_meetings=most))  # fmt: skip
    requests = []
    for k in range(n_requests):
        a = rng.randrange(n_people)
        b = rng.randrange(min(n_people, 6)) if rng.random() < 0.4 else rng.randrange(n_people)
        requests.append(Request(f"R{k}", f"P{a}", f"P{b}", rng.randint(0, 3) if priorities else 0))
    return event, participants, requests


def optimum(event, participants, requests):
    """The largest number of meetings: an integer programme, x[pair, slot] in {0, 1}.

    Each pair at most once; each participant at most once a slot and at most their maximum;
    pairs without a booth at most the shared tables a slot.
    """
    by_id = {p.id: p for p in participants}
    shared_tables = len(event.tables) - sum(1 for p in participants if p.booth)
    pairs = {tuple(sorted((r.requester, r.counterpart))) for r in requests}
    pairs = sorted(p for p in pairs if p[0] != p[1] and p[0] in by_id and p[1] in by_id)
    rows, variables = {}, 0
    for a, b in pairs:
        shared = not by_id[a].booth and not by_id[b].booth
        for s in event.slots:
            if any(by_id[p].available is not None and s.id not in by_id[p].available
                   for p in (a, b)) or (shared and shared_tables == 0):  # fmt: skip
                continue
            keys = [("pair", a, b), ("busy", a, s.id), ("busy", b, s.id), ("cap", a), ("cap", b)]
            for key in keys + ([("table", s.id)] if shared else []):
                rows.setdefault(key, []).append(variables)
            variables += 1
    if not variables:
        return 0
    matrix, upper = lil_matrix((len(rows), variables)), []
    for r, (key, columns) in enumerate(rows.items()):
        for c in columns:
            matrix[r, c] = 1
        if key[0] == "table":
            upper.append(shared_tables)
        elif key[0] == "cap":
            most = by_id[key[1]].max_meetings
            upper.append(variables if most is None else most)
        else:
            upper.append(1)
    found = milp(
        -np.ones(variables),
        constraints=LinearConstraint(matrix.tocsr(), -np.inf, np.array(upper)),
        integrality=np.ones(variables),
        bounds=Bounds(0, 1),
    )
    assert found.success
    return round(-found.fun)


def test_tiny_random_fairs_reach_the_brute_force_optimum():
    """30 fairs of 4-6 participants, 6-9 requests, 2-3 slots, one shared table."""
    rng, greedy_short = random.Random(7), 0
    for _ in range(30):
        fair = random_fair(rng, rng.randint(4, 6), rng.randint(6, 9), rng.randint(2, 3), 1,
                           caps=True)  # fmt: skip
        best = brute_force(*fair)
        assert len(run(*fair).meetings) == best == optimum(*fair)
        greedy_short += len(run(*fair, rounds=0).meetings) < best
    assert greedy_short > 0  # the cases do need the repair


def test_random_fairs_equal_priority_reach_the_optimum():
    """50 seeded fairs, 10-40 participants, 30-200 requests, 6-24 slots, 1-4 shared tables."""
    rng, gaps = random.Random(2026), []
    for k in range(50):
        fair = random_fair(rng, rng.randint(10, 40), rng.randint(30, 200), rng.randint(6, 24),
                           rng.randint(1, 4), caps=k % 2 == 1)  # fmt: skip
        greedy, result = run(*fair, rounds=0), run(*fair)
        best = optimum(*fair)
        assert len(greedy.meetings) <= len(result.meetings) <= best
        gaps.append(best - len(result.meetings))
    # not a guarantee (the problem is NP-hard) but what the method reaches on these fairs
    assert gaps.count(0) >= 48 and max(gaps) <= 1, gaps


def test_random_fairs_with_priorities_never_lose_a_priority_level():
    """Repair only moves, and swaps one meeting for two of at least its priority: at every
    priority level the number placed at or above it is at least the greedy's."""
    rng = random.Random(11)
    for _ in range(50):
        fair = random_fair(rng, rng.randint(10, 40), rng.randint(30, 200), rng.randint(6, 24),
                           rng.randint(1, 4), priorities=True, caps=True)  # fmt: skip
        greedy, result = run(*fair, rounds=0), run(*fair)
        for level in range(4):
            at_least = [sum(m.priority >= level for m in x.meetings) for x in (greedy, result)]
            assert at_least[0] <= at_least[1]
        assert len(result.meetings) <= optimum(*fair)


def test_a_fair_of_500_participants_and_5000_requests_is_checked_clean():
    event, participants, requests = synthetic_fair()
    result = run(event, participants, requests)
    assert len(result.meetings) >= len(schedule(event, participants, requests, rounds=0).meetings)
    # every request is accounted for once (check() proves it too)
    assert sum(len(m.requests) for m in result.meetings) + len(result.unplaced) == 5_000


def test_input_order_does_not_change_the_schedule():
    rng = random.Random(5)
    event, participants, requests = random_fair(rng, 25, 120, 12, 3, priorities=True)
    shuffled = Event(tuple(reversed(event.slots)), event.tables)
    participants = participants[::-1]
    again = schedule(shuffled, participants, requests[::-1])
    assert again == schedule(event, participants, requests)


# --- the verifier finds each violation --------------------------------------------------


def test_check_finds_every_broken_rule():
    grid = slots(2)
    event = Event(grid, ("T1", "T2", "T3"))
    participants = [
        Participant("A", available={"S1"}),
        Participant("B", max_meetings=1),
        Participant("C"),
        Participant("E", booth="T3"),
    ]
    requests = [
        Request("R1", "A", "B"),
        Request("R2", "B", "C"),
        Request("R3", "C", "E"),
        Request("R4", "A", "C"),
        Request("R5", "C", "B"),
    ]
    good = run(event, participants, requests)

    def problems(meetings, unplaced):
        broken = Schedule(tuple(meetings), tuple(unplaced))
        return {p.template for p in check(broken, event, participants, requests)}

    m = good.meetings[0]
    s1, s2 = grid
    r1 = dataclasses.replace(m, requests=("R1",), requester="A", counterpart="B", slot=s1,
                             table="T1")  # fmt: skip
    r2 = dataclasses.replace(
        r1, requests=("R2", "R5"), requester="B", counterpart="C", table="T2"
    )  # fmt: skip  (B twice in S1)
    r3 = dataclasses.replace(r1, requests=("R3",), requester="C", counterpart="E", table="T1")
    r4 = dataclasses.replace(r1, requests=("R4",), requester="A", counterpart="C", slot=s2)
    found = problems([r1, r2, r3, r4], [])
    expected = {
        "%(participant)s is in two meetings in slot %(slot)s: %(first)s and %(second)s.",
        "Table %(table)s holds two meetings in slot %(slot)s: %(first)s and %(second)s.",
        "Meeting %(meeting)s is at table %(table)s, not at the booth of %(participant)s.",
        "%(participant)s is not available in slot %(slot)s (meeting %(meeting)s).",
        "%(participant)s has %(count)s meetings, more than the maximum of %(maximum)s.",
    }
    assert expected <= found
    lost = problems([], [Unplaced("R1", "conflict"), Unplaced("R9", "self")])
    assert "Request %(request)s is neither scheduled nor reported as unplaced." in lost
    assert "Request %(request)s is not a request of this event." in lost
    # R1 was left out as a conflict, yet A and B are both free: the reason is false
    assert (
        "Request %(request)s is reported as %(reason)s, which the schedule does not bear out."
        in lost
    )
    twice = problems([r1, dataclasses.replace(r1, slot=s2, requests=("R1",))], [])
    assert "%(first)s and %(second)s meet more than once." in twice
    assert "Request %(request)s is accounted for more than once." in twice


# --- agendas, summary, plain data -------------------------------------------------------


def test_agenda_by_participant_is_in_time_order_and_summary_counts_reasons():
    event = Event(slots(1, DAY2, "X") + slots(2, DAY1, "Y"), ("T1",))
    participants = [Participant("A"), Participant("B"), Participant("C", available={"X1"})]
    requests = [
        Request("R1", "A", "C"),  # C only on day 2: X1
        Request("R2", "A", "B"),  # first free slot in time order: Y1 (day 1)
        Request("R3", "A", "A"),
        Request("R4", "B", "A"),  # mutual with R2
    ]
    result = run(event, participants, requests)
    agenda = by_participant(result)
    assert [(m.slot.id, m.other("A")) for m in agenda["A"]] == [("Y1", "B"), ("X1", "C")]
    assert summary(result)["by_reason"] == {"self": 1}
    assert summary(result)["meetings"] == 2 and summary(result)["requests_answered"] == 3
    data = as_dict(result)
    assert data["meetings"][0] == {
        "requests": ["R2", "R4"], "requester": "A", "counterpart": "B", "slot": "Y1",
        "day": "2026-05-20", "start": "08:00", "end": "08:20", "table": "T1",
    }  # fmt: skip
    assert set(REASONS) >= {u["reason"] for u in data["unplaced"]}
    assert set(REASON_LABELS) == set(REASONS)


# --- reading plain dicts -----------------------------------------------------------------


def test_read_plain_dicts():
    data = {
        "slots": [
            {"id": "S1", "day": "2026-05-20", "start": "08:00", "end": "08:20"},
            {"id": "S2", "day": "2026-05-21", "start": "08:00", "end": "08:20"},
        ],
        "tables": [1, {"id": 2}],
        "participants": [
            {"id": 10, "name": "Công ty A", "booth": 2, "max_meetings": "3"},
            {"id": 11, "days": ["2026-05-21"]},
            {"id": 12, "unavailable": ["S1"]},
        ],
        "requests": [{"id": 1, "requester": 11, "counterpart": 10, "priority": "2"}],
    }
    event, participants, requests = read(data)
    assert event.tables == ("1", "2")
    assert participants[0] == Participant("10", "Công ty A", "2", None, 3)
    assert participants[1].available == participants[2].available == frozenset({"S2"})
    assert requests == (Request("1", "11", "10", 2),)
    assert placed(run(event, participants, requests)) == {"1": ("S2", "2")}


def test_read_lists_every_problem_at_once():
    data = {
        "slots": [
            {"id": "S1", "day": "20/05/2026", "start": "08:00", "end": "08:20"},
            {"id": "S2", "day": "2026-05-20", "start": "09:00", "end": "08:40"},
            {"id": "S2", "day": "2026-05-20", "start": "9h", "end": "09:20"},
        ],
        "tables": ["T1"],
        "participants": [
            {"id": "A", "booth": "T7", "available": ["S9"]},
            {"id": "B", "max_meetings": -1},
            {"name": "no id"},
        ],
        "requests": [{"id": "R1", "requester": "A", "counterpart": "B", "priority": "high"}],
    }
    with pytest.raises(DataError) as raised:
        read(data)
    found = {(p.sheet, p.row, p.column, p.template) for p in raised.value.problems}
    assert found >= {
        ("slots", 1, "day", "Expected a date such as 2026-05-20, found %(value)s."),
        ("slots", 3, "start", "Expected a time such as 08:20, found %(value)s."),
        ("participants", 3, "id", "Required key %(key)s is missing."),
        ("requests", 1, "priority", "Expected a number, found %(value)s."),
    }
    messages = {p.message for p in raised.value.problems}
    assert "Slot S2 ends at 08:40:00, not after it starts at 09:00:00." in messages
    assert "The booth T7 of A is not a table of the event." in messages
    assert "A is available in slot S9, which the event does not have." in messages
    assert "Expected a whole number of at least 0, found -1." in messages
    assert len(raised.value.problems) == 8


def test_make_slots_two_mornings_of_20_minutes():
    grid = make_slots(["2026-05-20", "2026-05-21"], "08:00", "09:00", minutes=20)
    # 60 minutes / 20 = 3 slots a day, 2 days
    assert [s.id for s in grid] == ["D1-S01", "D1-S02", "D1-S03", "D2-S01", "D2-S02", "D2-S03"]
    assert grid[2].start == dt.time(8, 40) and grid[2].end == dt.time(9, 0)
