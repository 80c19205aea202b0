"""The independent verifier of a B2B schedule (`fair.schedule`): every rule it breaks, found
from the inputs alone. The tests use it to prove that no participant or table is ever
double-booked and that every reason given for a request left out is true."""

from collections import Counter

from stihub.engines.fair import Event, Schedule, id_key
from stihub.engines.problems import Problem, gettext_noop

_CHECK = {
    "no_slot": gettext_noop(
        "Meeting %(meeting)s is in slot %(slot)s, which the event does not have."
    ),
    "no_table": gettext_noop(
        "Meeting %(meeting)s is at table %(table)s, which the event does not have."
    ),
    "stranger": gettext_noop(
        "Meeting %(meeting)s involves %(participant)s, who is not a participant."
    ),
    "alone": gettext_noop("Meeting %(meeting)s pairs %(participant)s with themselves."),
    "double": gettext_noop(
        "%(participant)s is in two meetings in slot %(slot)s: %(first)s and %(second)s."
    ),
    "table_twice": gettext_noop(
        "Table %(table)s holds two meetings in slot %(slot)s: %(first)s and %(second)s."
    ),
    "not_booth": gettext_noop(
        "Meeting %(meeting)s is at table %(table)s, not at the booth of %(participant)s."
    ),
    "others_booth": gettext_noop(
        "Meeting %(meeting)s is at table %(table)s, the booth of %(participant)s, who is not in it."
    ),
    "twice": gettext_noop("%(first)s and %(second)s meet more than once."),
    "over": gettext_noop(
        "%(participant)s has %(count)s meetings, more than the maximum of %(maximum)s."
    ),
    "lost": gettext_noop("Request %(request)s is neither scheduled nor reported as unplaced."),
    "again": gettext_noop("Request %(request)s is accounted for more than once."),
    "foreign": gettext_noop("Request %(request)s is not a request of this event."),
    "wrong_pair": gettext_noop(
        "Meeting %(meeting)s answers request %(request)s, which is for another pair."
    ),
    "reason": gettext_noop(
        "Request %(request)s is reported as %(reason)s, which the schedule does not bear out."
    ),
    "away": gettext_noop(
        "%(participant)s is not available in slot %(slot)s (meeting %(meeting)s)."
    ),
}


def check(schedule: Schedule, event: Event, participants, requests) -> list[Problem]:
    """Every rule the schedule breaks, found from the inputs alone (an independent verifier).

    Checks each meeting (slot, table, participants, availability, booth), that nobody and no
    table is used twice in a slot, that no pair meets twice, the maxima, that every request
    is accounted for exactly once, and that each reason given for a request left out is true
    of the schedule (so a meeting left out as `conflict` or `no_table` could not be added).
    """
    people = {p.id: p for p in participants}
    slot_ids = {s.id for s in event.slots}
    booth = {p.id: p.booth for p in participants if p.booth is not None}
    holder = {b: pid for pid, b in booth.items()}
    free_tables = {t for t in event.tables if t not in holder}
    reqs = {r.id: r for r in requests}
    problems: list[Problem] = []

    def add(key, **params):
        problems.append(Problem(_CHECK[key], params, sheet="schedule"))

    busy, table_use, met, count = {}, {}, set(), Counter()
    for m in schedule.meetings:
        mid, sid, pair = m.id, m.slot.id, frozenset((m.requester, m.counterpart))
        if sid not in slot_ids:
            add("no_slot", meeting=mid, slot=sid)
        if m.table not in event.tables:
            add("no_table", meeting=mid, table=m.table)
        if len(pair) == 1:
            add("alone", meeting=mid, participant=m.requester)
        for pid in sorted(pair, key=id_key):
            if pid not in people:
                add("stranger", meeting=mid, participant=pid)
                continue
            count[pid] += 1
            if (pid, sid) in busy:
                add("double", participant=pid, slot=sid, first=busy[pid, sid], second=mid)
            busy.setdefault((pid, sid), mid)
            available = people[pid].available
            if available is not None and sid not in available:
                add("away", participant=pid, slot=sid, meeting=mid)
        if (m.table, sid) in table_use:
            add("table_twice", table=m.table, slot=sid, first=table_use[m.table, sid], second=mid)
        table_use.setdefault((m.table, sid), mid)
        owners = sorted((pid for pid in pair if pid in booth), key=id_key)
        if owners and m.table not in {booth[pid] for pid in owners}:
            add("not_booth", meeting=mid, table=m.table, participant=owners[0])
        elif not owners and m.table in holder:
            add("others_booth", meeting=mid, table=m.table, participant=holder[m.table])
        if pair in met:
            first, second = sorted(pair, key=id_key)
            add("twice", first=first, second=second)
        met.add(pair)
        for rid in m.requests:
            r = reqs.get(rid)
            if r is not None and frozenset((r.requester, r.counterpart)) != pair:
                add("wrong_pair", meeting=mid, request=rid)
    for pid in sorted(count, key=id_key):
        most = people[pid].max_meetings
        if most is not None and count[pid] > most:
            add("over", participant=pid, count=count[pid], maximum=most)

    accounted = Counter(rid for m in schedule.meetings for rid in m.requests)
    accounted.update(u.request for u in schedule.unplaced)
    for rid in sorted(accounted, key=id_key):
        if rid not in reqs:
            add("foreign", request=rid)
        elif accounted[rid] > 1:
            add("again", request=rid)
    for rid in sorted(set(reqs) - set(accounted), key=id_key):
        add("lost", request=rid)

    def common(a, b):
        out = slot_ids
        for pid in (a, b):
            if people[pid].available is not None:
                out = out & people[pid].available
        return out

    def fits(a, b, sid):
        if (a, sid) in busy or (b, sid) in busy:
            return False
        return a in booth or b in booth or any((t, sid) not in table_use for t in free_tables)

    for u in schedule.unplaced:
        r = reqs.get(u.request)
        if r is None:
            continue
        a, b = r.requester, r.counterpart
        known = a in people and b in people and a != b
        open_ = known and frozenset((a, b)) not in met
        holds = {
            "self": a == b,
            "unknown_participant": a != b and not known,
            "duplicate": u.of in reqs
            and u.of != r.id
            and (reqs[u.of].requester, reqs[u.of].counterpart) == (a, b),
            "unavailable": open_ and not common(a, b),
            "participant_full": open_
            and any(
                people[p].max_meetings is not None and count[p] >= people[p].max_meetings
                for p in (a, b)
            ),
            "no_table": open_
            and a not in booth
            and b not in booth
            and bool(common(a, b))
            and not any(fits(a, b, s) for s in common(a, b)),
            "conflict": open_
            and bool(common(a, b))
            and all((a, s) in busy or (b, s) in busy for s in common(a, b)),
        }.get(u.reason)
        if not holds:
            add("reason", request=u.request, reason=u.reason)
    return problems
