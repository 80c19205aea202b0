"""B2B meeting schedule (lịch gặp B2B) of a supply–demand connection event or technology fair
(điểm kết nối cung cầu, chợ công nghệ).

Participants (exhibitors: offerers, bên chào bán; visitors: seekers, bên tìm công nghệ) ask
to meet each other. `schedule()` gives each accepted request a slot (khung giờ) and a table
(bàn) so that nobody is in two meetings at once, no table holds two meetings at once, both
sides are available, a booth holder (đơn vị có gian hàng) meets at their booth — a booth is a
table used only for its holder's meetings (with two booth holders, the counterpart's booth) —
a pair meets at most once, and nobody exceeds their maximum number of meetings.

Requests for one pair merge into one meeting: a mutual request (B asks A after A asked B)
joins the meeting, which takes the higher priority; a repeated request in the same direction
is `duplicate` of the kept one. Every request ends up exactly once: in a meeting's `requests`
or in `unplaced` with a stable reason code (REASONS):
`self` (asks to meet themselves), `unknown_participant`, `duplicate`, `unavailable` (the two
share no slot), `no_table` (no booth and no free shared table in any slot where both are
free), `participant_full` (one side reached their maximum), `conflict` (in every shared slot
one side is already in another meeting).

Method. Meetings are taken in priority order (higher first; at equal priority a mutual one
first, then the smaller request id, digits compared as numbers). 1) Greedy: each goes to the
earliest slot where both sides and a table are free. 2) Repair, at most `rounds` passes over
the meetings left out, in the same order: a search for a chain of at most `depth` moves of
placed meetings to other slots that frees a slot for it (shortest chains first, at most
`budget` steps); failing that, a swap: one placed meeting of its two participants, of no
higher priority, is taken out if then both it and another meeting left out of at least that
priority fit (chains of at most `swaps` moves each): one meeting more. 3) A last greedy pass.
Guarantee: the result is valid (`check()` finds nothing) and maximal: no meeting left out can
be added without moving others, so every reason is true. A placed meeting is only moved, or
taken out for two of at least its priority: none is left out for a lower-priority one. Not
always the largest schedule (the problem contains list edge colouring, NP-hard); the tests
compare it with the exact optimum of an integer programme. Deterministic: ties by ids.
"""

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from stihub.engines.problems import DataError, Problem, gettext_noop

REASONS = (
    "self",
    "unknown_participant",
    "duplicate",
    "unavailable",
    "no_table",
    "participant_full",
    "conflict",
)
REASON_LABELS = {
    "self": gettext_noop("Asks to meet themselves"),
    "unknown_participant": gettext_noop("Not a participant of the event"),
    "duplicate": gettext_noop("Repeats an earlier request"),
    "unavailable": gettext_noop("No slot when both are present"),
    "no_table": gettext_noop("No free table"),
    "participant_full": gettext_noop("Maximum number of meetings reached"),
    "conflict": gettext_noop("Already booked in every common slot"),
}


_T = {
    "repeated": gettext_noop("The id %(id)s is used more than once."),
    "ends": gettext_noop("Slot %(id)s ends at %(end)s, not after it starts at %(start)s."),
    "booth_unknown": gettext_noop(
        "The booth %(table)s of %(participant)s is not a table of the event."
    ),
    "booth_shared": gettext_noop("The booth %(table)s is given to both %(first)s and %(second)s."),
    "slot_unknown": gettext_noop(
        "%(participant)s is available in slot %(slot)s, which the event does not have."
    ),
    "maximum": gettext_noop("Expected a whole number of at least %(minimum)s, found %(value)s."),
}


def id_key(value) -> tuple:
    """Sort key of an id: digits compared as numbers (R2 before R10)."""
    return tuple(
        (0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", str(value))
    )


@dataclass(frozen=True)
class Slot:
    """A time slot (khung giờ) in which meetings run side by side."""

    id: str
    day: dt.date
    start: dt.time
    end: dt.time

    def key(self) -> tuple:
        return (self.day, self.start, self.end, id_key(self.id))


@dataclass(frozen=True)
class Event:
    """The fair's grid: its slots and its numbered tables (bàn), booths included."""

    slots: tuple[Slot, ...]
    tables: tuple[str, ...]


@dataclass(frozen=True)
class Participant:
    """An exhibitor or visitor (đơn vị tham gia); `available` None means every slot."""

    id: str
    name: str = ""
    booth: str | None = None
    available: frozenset | None = None
    max_meetings: int | None = None

    def __post_init__(self):
        if self.available is not None and not isinstance(self.available, frozenset):
            object.__setattr__(self, "available", frozenset(self.available))


@dataclass(frozen=True)
class Request:
    """A B2B meeting request (yêu cầu gặp) from a requester to a counterpart."""

    id: str
    requester: str
    counterpart: str
    priority: float = 0


@dataclass(frozen=True)
class Meeting:
    """A scheduled B2B meeting (cuộc gặp); `requests` are the requests it answers."""

    requests: tuple[str, ...]
    requester: str
    counterpart: str
    slot: Slot
    table: str
    priority: float = 0

    @property
    def id(self) -> str:
        return self.requests[0]

    def other(self, participant: str) -> str:
        return self.counterpart if participant == self.requester else self.requester


@dataclass(frozen=True)
class Unplaced:
    """A request left out, with its reason code; `of` is the request a duplicate repeats."""

    request: str
    reason: str
    of: str | None = None


@dataclass(frozen=True)
class Schedule:
    """The schedule: meetings by time and table, requests left out, repair figures."""

    meetings: tuple[Meeting, ...]
    unplaced: tuple[Unplaced, ...]
    repaired: int = 0  # meetings placed by the repair
    moved: int = 0  # moves of placed meetings the repair made
    swapped: int = 0  # exchanges: one meeting taken out, two put in


def validate(event: Event, participants, requests) -> None:
    """Raise DataError listing every inconsistency of the inputs (ids, booths, slots)."""
    problems = []
    for sheet, ids in (
        ("slots", [s.id for s in event.slots]),
        ("tables", list(event.tables)),
        ("participants", [p.id for p in participants]),
        ("requests", [r.id for r in requests]),
    ):
        for value, n in Counter(ids).items():
            if n > 1:
                problems.append(Problem(_T["repeated"], {"id": value}, sheet=sheet))
    for s in event.slots:
        if s.end <= s.start:
            params = {"id": s.id, "start": s.start, "end": s.end}
            problems.append(Problem(_T["ends"], params, sheet="slots"))
    tables, slots, owner = set(event.tables), {s.id for s in event.slots}, {}
    for p in participants:
        if p.booth is not None and p.booth not in tables:
            params = {"table": p.booth, "participant": p.id}
            problems.append(Problem(_T["booth_unknown"], params, sheet="participants"))
        elif p.booth is not None and p.booth in owner:
            params = {"table": p.booth, "first": owner[p.booth], "second": p.id}
            problems.append(Problem(_T["booth_shared"], params, sheet="participants"))
        owner.setdefault(p.booth, p.id)
        for s in sorted(set(p.available or ()) - slots, key=id_key):
            params = {"participant": p.id, "slot": s}
            problems.append(Problem(_T["slot_unknown"], params, sheet="participants"))
        m = p.max_meetings
        if m is not None and (isinstance(m, bool) or not isinstance(m, int) or m < 0):
            params = {"minimum": 0, "value": m}
            problems.append(Problem(_T["maximum"], params, sheet="participants"))
    if problems:
        raise DataError(problems)


class _Grid:
    """Mutable placement state with an undo journal (for the augmenting search)."""

    def __init__(self, pairs, cands, shared, cap, prio, n_slots, n_tables):
        self.pairs, self.cands, self.shared, self.n_tables = pairs, cands, shared, n_tables
        self.cap, self.prio, n_people = cap, prio, len(cap)
        self.mine = [[] for _ in range(n_people)]  # each participant's meetings
        for i, (a, b) in enumerate(pairs):
            self.mine[a].append(i)
            self.mine[b].append(i)
        self.repaired = self.moved = self.swapped = 0
        self.busy = [[-1] * n_slots for _ in range(n_people)]
        self.used = [0] * n_slots
        self.total, self.capacity = 0, n_tables * n_slots  # meetings at shared tables
        self.at = [set() for _ in range(n_slots)]  # meetings at shared tables, per slot
        self.slot_of = [-1] * len(pairs)
        self.count = [0] * n_people
        self.journal: list = []
        self.steps = 0

    def room(self, i) -> bool:
        return all(self.cap[p] is None or self.count[p] < self.cap[p] for p in self.pairs[i])

    def fits(self, i, s) -> bool:
        a, b = self.pairs[i]
        if self.busy[a][s] >= 0 or self.busy[b][s] >= 0:
            return False
        return not self.shared[i] or self.used[s] < self.n_tables

    def _set(self, i, s, on: bool):
        a, b = self.pairs[i]
        self.busy[a][s] = self.busy[b][s] = i if on else -1
        step = 1 if on else -1
        self.count[a] += step
        self.count[b] += step
        if self.shared[i]:
            self.total += step
            self.used[s] += step
            (self.at[s].add if on else self.at[s].discard)(i)
        self.slot_of[i] = s if on else -1

    def place(self, i, s):
        self._set(i, s, True)
        self.journal.append((i, s, True))

    def remove(self, i):
        s = self.slot_of[i]
        self._set(i, s, False)
        self.journal.append((i, s, False))

    def undo(self, mark: int):
        while len(self.journal) > mark:
            i, s, on = self.journal.pop()
            self._set(i, s, not on)

    def insert(self, i, depth: int, chain: frozenset) -> bool:
        """Place unplaced meeting i, moving placed ones in chains of at most `depth` moves."""
        self.steps -= 1
        if self.steps < 0:
            return False
        for s in self.cands[i]:
            if self.fits(i, s):
                self.place(i, s)
                return True
        if depth == 0:
            return False
        a, b = self.pairs[i]
        chain = chain | {i}
        for s in self.cands[i]:
            blockers = sorted({self.busy[a][s], self.busy[b][s]} - {-1})
            if chain.intersection(blockers):
                continue
            freed = sum(1 for x in blockers if self.shared[x])
            options = [None]
            if self.shared[i] and self.used[s] - freed >= self.n_tables:
                options = sorted(self.at[s] - chain - set(blockers))
            for extra in options:
                mark = len(self.journal)
                moving = blockers + ([extra] if extra is not None else [])
                for x in moving:
                    self.remove(x)
                self.place(i, s)
                if all(self.insert(x, depth - 1, chain) for x in moving):
                    return True
                self.undo(mark)
        return False

    def search(self, i, depth, budget) -> bool:
        """Place meeting i by the shortest chain of moves found (iterative deepening)."""
        self.steps = budget
        if self.shared[i] and self.total >= self.capacity:
            return False  # every shared table is taken in every slot: no move can help
        return self.room(i) and any(self.insert(i, d, frozenset()) for d in range(depth + 1))

    def swap(self, y, depth, budget) -> bool:
        """Take out one placed meeting x of y's participants (priority at most y's) so that
        y and another left-out meeting z (priority at least x's) both fit: one more meeting."""
        a, b = self.pairs[y]
        xs = {x for p in (a, b) for x in self.mine[p] if self.slot_of[x] >= 0}
        for x in sorted((x for x in xs if self.prio[x] <= self.prio[y]), reverse=True):
            mark = len(self.journal)
            self.remove(x)
            if self.search(y, depth, budget):
                zs = {z for p in self.pairs[x] for z in self.mine[p] if self.slot_of[z] < 0}
                for z in sorted(zs - {x}):
                    if self.prio[z] >= self.prio[x] and self.search(z, depth, budget):
                        return True
            self.undo(mark)
        return False

    def improve(self, rounds, depth, budget, swaps):
        """Greedy, then repair rounds (moves, then swaps), then a last greedy pass."""
        everyone = range(len(self.pairs))
        for i in everyone:
            self.search(i, 0, budget)
        failed, version = [-1] * len(self.pairs), 0  # nothing changed since i failed: skip
        for _ in range(rounds):
            for i in everyone:
                if self.slot_of[i] >= 0 or failed[i] == version:
                    continue
                self.journal.clear()
                if self.search(i, depth, budget):
                    self.repaired += 1
                elif swaps and self.swap(i, swaps, budget):
                    self.swapped += 1
                    self.moved -= 1  # the meeting taken out is not a move
                else:
                    failed[i] = version
                    continue
                version += 1
                self.moved += sum(1 for _i, _s, on in self.journal if not on)
        for i in everyone:  # moves may have freed room: end maximal
            if rounds and self.slot_of[i] < 0:
                self.search(i, 0, budget)


def schedule(
    event: Event,
    participants,
    requests,
    *,
    rounds: int = 3,
    depth: int = 3,
    budget: int = 200,
    swaps: int = 1,
) -> Schedule:
    """Schedule the B2B meetings; see the module docstring for the method and its guarantee.

    `rounds=0` is the plain greedy (the baseline); `depth` bounds a repair chain's moves,
    `swaps` those of a swap (0: no swaps), `budget` the search steps of one search.
    """
    participants, requests = list(participants), list(requests)
    validate(event, participants, requests)
    slots = sorted(event.slots, key=Slot.key)
    where = {s.id: k for k, s in enumerate(slots)}
    people = {p.id: p for p in participants}
    index = {pid: n for n, pid in enumerate(people)}
    booths = {p.booth for p in participants if p.booth is not None}
    free_tables = [t for t in event.tables if t not in booths]

    unplaced, meetings, by_pair = [], [], {}  # meeting: [requests, a, b, priority]
    for r in sorted(requests, key=lambda r: (-r.priority, id_key(r.id))):
        if r.requester == r.counterpart:
            unplaced.append(Unplaced(r.id, "self"))
        elif r.requester not in people or r.counterpart not in people:
            unplaced.append(Unplaced(r.id, "unknown_participant"))
        elif (pair := frozenset((r.requester, r.counterpart))) not in by_pair:
            by_pair[pair] = [[r], r.requester, r.counterpart, r.priority]
            meetings.append(by_pair[pair])
        elif kept := next((q for q in by_pair[pair][0] if q.requester == r.requester), None):
            unplaced.append(Unplaced(r.id, "duplicate", of=kept.id))
        else:
            by_pair[pair][0].append(r)
    meetings.sort(key=lambda m: (-m[3], -len(m[0]), id_key(m[0][0].id)))

    def slots_of(pid):
        p = people[pid]
        return set(range(len(slots))) if p.available is None else {where[s] for s in p.available}

    def booth_of(m):
        return people[m[2]].booth or people[m[1]].booth

    pairs = [(index[m[1]], index[m[2]]) for m in meetings]
    cands = [sorted(slots_of(m[1]) & slots_of(m[2])) for m in meetings]
    shared = [booth_of(m) is None for m in meetings]
    cap = [people[pid].max_meetings for pid in people]
    grid = _Grid(pairs, cands, shared, cap, [m[3] for m in meetings], len(slots), len(free_tables))
    grid.improve(rounds, depth, budget, swaps)
    room = grid.room

    placed, turn = [], Counter()
    for i, m in enumerate(meetings):
        s = grid.slot_of[i]
        if s >= 0:
            table = booth_of(m)
            if table is None:
                table, turn[s] = free_tables[turn[s]], turn[s] + 1
            placed.append(Meeting(tuple(r.id for r in m[0]), m[1], m[2], slots[s], table, m[3]))
            continue
        a, b = pairs[i]
        if not cands[i]:
            reason = "unavailable"
        elif shared[i] and not free_tables:
            reason = "no_table"
        elif not room(i):
            reason = "participant_full"
        elif any(grid.busy[a][s] < 0 and grid.busy[b][s] < 0 for s in cands[i]):
            reason = "no_table"
        else:
            reason = "conflict"
        unplaced.extend(Unplaced(r.id, reason) for r in m[0])
    order = {t: n for n, t in enumerate(event.tables)}
    placed.sort(key=lambda m: (m.slot.key(), order[m.table]))
    unplaced.sort(key=lambda u: id_key(u.request))
    return Schedule(tuple(placed), tuple(unplaced), grid.repaired, grid.moved, grid.swapped)


def by_participant(schedule: Schedule) -> dict[str, list[Meeting]]:
    """Each participant's agenda (lịch làm việc): their meetings ordered by time."""
    agenda: dict[str, list[Meeting]] = {}
    for m in schedule.meetings:
        for pid in (m.requester, m.counterpart):
            agenda.setdefault(pid, []).append(m)
    for meetings in agenda.values():
        meetings.sort(key=lambda m: m.slot.key())
    return dict(sorted(agenda.items(), key=lambda kv: id_key(kv[0])))


def summary(schedule: Schedule) -> dict:
    """Figures of a schedule: meetings placed, requests answered, unplaced by reason."""
    reasons = Counter(u.reason for u in schedule.unplaced)
    answered = sum(len(m.requests) for m in schedule.meetings)
    return {
        "meetings": len(schedule.meetings),
        "requests_answered": answered,
        "unplaced": len(schedule.unplaced),
        "by_reason": {code: reasons[code] for code in REASONS if reasons[code]},
        "participants_met": len(by_participant(schedule)),
        "repaired": schedule.repaired,
        "moved": schedule.moved,
        "swapped": schedule.swapped,
    }
