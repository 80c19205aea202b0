"""The rules of a regulation profile applied to a council's meeting (phiên họp hội đồng).

The profile (`regulation_profile.py`: format, parsing, bundled files) holds the numbers; this
module applies them and is what the web layer calls. It re-exports the profile's names, so
`from stihub.engines.regulation import parse_profile, check_quorum` is the one import needed.
Plain Python, no Django import; every expected number in its tests is worked out by hand.

- `check_quorum`: a meeting is valid when at least ceil(share x council size) members are
  present (exactly, with fractions: 2/3 x 7 = 14/3 -> 5) and every `requires` holds.
- `identification_conclusion` (xác định nhiệm vụ): recommended when yes / present >= pass_share.
- `selection_result` (tuyển chọn, giao trực tiếp): see its docstring.
- `acceptance_grade` (nghiệm thu): the first grade, best first, whose conditions all hold; a
  condition holds when at least `at_least` of the present members graded `grade_or_better`.
"""

import math
import statistics
from dataclasses import dataclass, field
from fractions import Fraction

from stihub.engines.problems import DataError, Problem, gettext_noop
from stihub.engines.regulation_profile import (  # noqa: F401 (re-exported: the public API)
    DEADLINE_KEYS,
    PROFILES_DIR,
    UNKNOWN_GRADE,
    AcceptanceRule,
    Condition,
    CouncilRule,
    Criterion,
    Deadlines,
    Form,
    GradeRule,
    IdentificationRule,
    Profile,
    SelectionRule,
    Source,
    exact,
    load_profile_file,
    parse_profile,
    plain_number,
    profile_as_data,
)

TOO_FEW = gettext_noop(
    "%(present)s of %(size)s members are present; at least %(needed)s (%(share)s) are needed."
)
NO_CHAIR = gettext_noop("Neither the chair nor the vice-chair is present.")
REVIEWER_ABSENT = gettext_noop("%(absent)s of the %(count)s reviewers are absent.")
UNKNOWN_ROLE = gettext_noop("Unknown role %(role)s; the roles are: %(known)s.")
WRONG_SIZE = gettext_noop("The council has %(size)s members, not between %(min)s and %(max)s.")
WRONG_SEATS = gettext_noop("The council has %(count)s of role %(role)s, not %(seats)s.")
NOT_VOTE = gettext_noop("A vote is recommend (true) or not recommend (false), not %(value)s.")
NOBODY = gettext_noop("No member present: there is nothing to conclude.")
UNKNOWN_FORM = gettext_noop("Unknown scoring form %(form)s; the forms are: %(known)s.")
NO_DOSSIERS = gettext_noop("There are no dossiers to score.")
NO_SCORES = gettext_noop("Dossier %(dossier)s has no scores.")
MISSING_SCORE = gettext_noop(
    "Member %(member)s gave dossier %(dossier)s no score for %(criterion)s."
)
UNKNOWN_CRITERION = gettext_noop("%(criterion)s is not a criterion of form %(form)s.")
BAD_POINTS = gettext_noop(
    "Member %(member)s gave dossier %(dossier)s %(value)s points for %(criterion)s;"
    " expected a number from 0 to %(max)s."
)
BELOW_TOTAL = gettext_noop("The mean total %(mean)s is below %(needed)s.")
KEY_BELOW_MIN = gettext_noop(
    "The mean of key criterion %(criterion)s is %(mean)s, below its minimum %(min)s."
)
CONDITION_MET = gettext_noop(
    "%(grade)s: %(count)s of %(present)s present graded %(level)s or better; at least %(share)s"
    " (%(needed)s) needed: met."
)
CONDITION_NOT_MET = gettext_noop(
    "%(grade)s: %(count)s of %(present)s present graded %(level)s or better; at least %(share)s"
    " (%(needed)s) needed: not met."
)


@dataclass(frozen=True)
class Quorum:
    """Whether a council meeting (phiên họp) is valid: enough members, the right ones present."""

    ok: bool
    present: int
    needed: int
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Conclusion:
    """An identification council's conclusion (kết luận) on one proposal (đề xuất đặt hàng)."""

    passed: bool
    yes: int
    present: int
    needed_share: Fraction
    needed: int  # the fewest recommend votes that pass: ceil(needed_share x present)


@dataclass(frozen=True)
class Reason:
    """Why a dossier did not pass: `below_total` or `key_criterion_below_min` (with criterion)."""

    code: str
    problem: Problem
    criterion: str | None = None


@dataclass(frozen=True)
class DossierResult:
    """A dossier's (hồ sơ) scores at a selection council, per criterion and per member."""

    dossier: object
    mean_total: float
    criterion_means: dict
    member_totals: dict
    normalised_totals: dict
    outliers: dict  # member -> gap in points between their total and the mean of the others
    passed: bool
    reasons: tuple[Reason, ...]
    rank: int | None  # among passing dossiers by mean total, 1 best; equal means share a rank


@dataclass(frozen=True)
class SelectionResult:
    """A selection council's result (kết quả tuyển chọn): dossiers ranked, and the winner."""

    form: str
    dossiers: tuple[DossierResult, ...]  # passing by rank, then the others by mean total
    winner: object | None
    reason: str | None  # why no winner: none_passed, or tie (the council decides)

    def dossier(self, dossier) -> DossierResult:
        return next(d for d in self.dossiers if d.dossier == dossier)


@dataclass(frozen=True)
class Grade:
    """An acceptance council's grade (kết quả đánh giá nghiệm thu) and how it was reached."""

    code: str
    label: str
    counts: dict  # grade code -> members present who gave it
    rule_text: str
    lines: tuple[tuple[str, dict], ...]  # (msgid, params) of every condition checked


def check_composition(profile: Profile, roles: list[str]) -> list[Problem]:
    """Problems with a council's make-up (thành phần): its size and the seats of each role."""
    rule = profile.council
    known = dict(rule.roles)
    problems = [
        Problem(UNKNOWN_ROLE, {"role": str(r), "known": ", ".join(known)}, row=i + 1)
        for i, r in enumerate(roles)
        if r not in known
    ]
    if not rule.min_size <= len(roles) <= rule.max_size:
        problems.append(
            Problem(WRONG_SIZE, {"size": len(roles), "min": rule.min_size, "max": rule.max_size})
        )
    for role, seats in rule.roles:
        if seats is not None and roles.count(role) != seats:
            params = {"role": role, "count": roles.count(role), "seats": seats}
            problems.append(Problem(WRONG_SEATS, params))
    return problems


def check_quorum(profile: Profile, members) -> Quorum:
    """Whether a meeting is valid; `members` is every member as (role, present: bool).

    needed = ceil(quorum share x council size), exactly: 2/3 x 7 = 14/3 -> 5, x 8 -> 6, x 9 -> 6.
    """
    rule, members = profile.council, list(members)
    known = dict(rule.roles)
    unknown = [
        Problem(UNKNOWN_ROLE, {"role": str(role), "known": ", ".join(known)}, row=i + 1)
        for i, (role, _) in enumerate(members)
        if role not in known
    ]
    if unknown:
        raise DataError(unknown)
    here = [role for role, present in members if present]
    needed = math.ceil(rule.quorum_share * len(members))
    problems = []
    if len(here) < needed:
        params = {"present": len(here), "size": len(members), "needed": needed}
        problems.append(Problem(TOO_FEW, {**params, "share": str(rule.quorum_share)}))
    if "chair_or_vice_chair" in rule.quorum_requires and not {"chair", "vice_chair"} & set(here):
        problems.append(Problem(NO_CHAIR))
    if "both_reviewers" in rule.quorum_requires:
        count = known.get("reviewer") or sum(role == "reviewer" for role, _ in members)
        absent = count - here.count("reviewer")
        if absent > 0:
            problems.append(Problem(REVIEWER_ABSENT, {"absent": absent, "count": count}))
    return Quorum(not problems, len(here), needed, problems)


def identification_conclusion(profile: Profile, votes) -> Conclusion:
    """Whether a proposal is recommended: `votes` holds one bool (recommend) per present member;
    it passes when yes / present >= pass_share, i.e. yes >= ceil(pass_share x present)."""
    votes = list(votes)
    problems = [
        Problem(NOT_VOTE, {"value": repr(v)}, row=i + 1)
        for i, v in enumerate(votes)
        if not isinstance(v, bool)
    ]
    if not votes:
        problems.append(Problem(NOBODY))
    if problems:
        raise DataError(problems)
    share = profile.identification.pass_share
    yes, needed = sum(votes), math.ceil(share * len(votes))
    return Conclusion(yes >= needed, yes, len(votes), share, needed)


def selection_result(profile: Profile, form_code: str, scores: dict) -> SelectionResult:
    """Score a selection round: `scores` is {dossier: {member: {criterion: points}}}.

    For each dossier: a member's total is the sum of their points; the mean total and each
    criterion's mean are over the members present who scored it. It passes when the mean total
    is at least `pass_total` and no key criterion's mean is below its `min` (exact arithmetic).
    A member whose total differs from the mean of the other members' totals by more than
    `outlier_gap` is flagged as an outlier: flagged only, their scores stay in every mean (the
    council discusses them). The winner is the passing dossier with the highest mean total; two
    sharing it give no winner, reason `tie`, for the council to decide.

    Normalised totals (for the council's information only; the pass rule uses raw means, as the
    circular does): for each member, the z-score of their total for a dossier among all totals
    they gave, z = (total - their mean) / their SD, mapped back to the council's scale as
    overall mean + z x overall SD, where the overall mean and SD are over every total given in
    the round. SDs are population SDs (divided by n). A member who scored one dossier only, or
    gave every dossier the same total, keeps their raw total.
    """
    try:
        form = profile.form(form_code)
    except KeyError:
        known = ", ".join(f.code for f in profile.forms)
        raise DataError([Problem(UNKNOWN_FORM, {"form": form_code, "known": known})]) from None
    totals = _totals(form, scores)
    rule = profile.selection
    every = [float(t) for by_member in totals.values() for t in by_member.values()]
    normalised = _normalised(totals, statistics.fmean(every), statistics.pstdev(every))
    results = []
    for dossier, by_member in totals.items():
        n = len(by_member)
        mean = sum(by_member.values()) / n
        means = {
            x.code: sum(exact(scores[dossier][m][x.code]) for m in by_member) / n
            for x in form.criteria
        }
        outliers = {}
        for member, total in by_member.items() if n > 1 else ():
            gap = abs(total - (sum(by_member.values()) - total) / (n - 1))
            if gap > exact(rule.outlier_gap):
                outliers[member] = float(gap)
        reasons = []
        if mean < exact(rule.pass_total):
            params = {"mean": round(float(mean), 2), "needed": plain_number(rule.pass_total)}
            reasons.append(Reason("below_total", Problem(BELOW_TOTAL, params)))
        for x in form.criteria:
            if x.key and x.min is not None and means[x.code] < exact(x.min):
                mean_x = round(float(means[x.code]), 2)
                params = {"criterion": x.label, "mean": mean_x, "min": plain_number(x.min)}
                problem = Problem(KEY_BELOW_MIN, params, column=x.code)
                reasons.append(Reason("key_criterion_below_min", problem, x.code))
        results.append((dossier, mean, means, by_member, outliers, reasons))
    passing = sorted(mean for _, mean, *_, reasons in results if not reasons)
    out = []
    for dossier, mean, means, by_member, outliers, reasons in results:
        rank = None if reasons else 1 + sum(m > mean for m in passing)
        out.append(
            DossierResult(
                dossier,
                float(mean),
                {k: float(v) for k, v in means.items()},
                {m: float(t) for m, t in by_member.items()},
                {m: normalised[dossier, m] for m in by_member},
                outliers,
                not reasons,
                tuple(reasons),
                rank,
            )
        )
    out.sort(key=lambda d: (not d.passed, -d.mean_total))
    firsts = [d.dossier for d in out if d.rank == 1]
    winner = firsts[0] if len(firsts) == 1 else None
    reason = None if winner is not None else ("tie" if firsts else "none_passed")
    return SelectionResult(form.code, tuple(out), winner, reason)


def _totals(form: Form, scores: dict) -> dict:
    """{dossier: {member: exact total}} after checking every point; DataError lists them all."""
    if not isinstance(scores, dict) or not scores:
        raise DataError([Problem(NO_DOSSIERS)])
    problems, totals = [], {}
    maxima = {x.code: x.max for x in form.criteria}
    for dossier, by_member in scores.items():
        if not isinstance(by_member, dict) or not by_member:
            problems.append(Problem(NO_SCORES, {"dossier": str(dossier)}, column=str(dossier)))
            continue
        totals[dossier] = {}
        for member, points in by_member.items():
            where = {"dossier": str(dossier), "member": str(member), "form": form.code}
            points = points if isinstance(points, dict) else {}
            for criterion in [*maxima, *(k for k in points if k not in maxima)]:
                at = {**where, "criterion": str(criterion)}
                column = f"{dossier}.{member}.{criterion}"
                value = points.get(criterion)
                if criterion not in maxima:
                    problems.append(Problem(UNKNOWN_CRITERION, at, column=column))
                elif value is None:
                    problems.append(Problem(MISSING_SCORE, at, column=column))
                elif (
                    isinstance(value, bool)
                    or not isinstance(value, int | float)
                    or not 0 <= value <= maxima[criterion]
                ):
                    params = {**at, "value": repr(value), "max": plain_number(maxima[criterion])}
                    problems.append(Problem(BAD_POINTS, params, column=column))
            if not problems:
                totals[dossier][member] = sum(exact(points[c]) for c in maxima)
    if problems:
        raise DataError(problems)
    return totals


def _normalised(totals: dict, overall_mean: float, overall_sd: float) -> dict:
    """{(dossier, member): normalised total}, as `selection_result` describes."""
    by_member: dict = {}
    for dossier, row in totals.items():
        for member, total in row.items():
            by_member.setdefault(member, {})[dossier] = float(total)
    out = {}
    for member, given in by_member.items():
        values = list(given.values())
        sd = statistics.pstdev(values) if len(values) > 1 else 0.0
        mean = statistics.fmean(values)
        for dossier, total in given.items():
            z = (total - mean) / sd if sd > 0 else None
            out[dossier, member] = total if z is None else overall_mean + z * overall_sd
    return out


def acceptance_grade(profile: Profile, grades) -> Grade:
    """The acceptance grade from the grade codes of the members present (one each).

    Grades are tried best first; the first whose conditions all hold wins (the last has none).
    A condition "at least s of the present graded g or better" holds when the members present
    who gave g or a better grade number at least ceil(s x present).
    """
    rules, grades = profile.acceptance.grades, list(grades)
    order = [g.code for g in rules]
    problems = [
        Problem(UNKNOWN_GRADE, {"grade": repr(g), "known": ", ".join(order)}, row=i + 1)
        for i, g in enumerate(grades)
        if g not in order
    ]
    if not grades:
        problems.append(Problem(NOBODY))
    if problems:
        raise DataError(problems)
    counts = {code: grades.count(code) for code in order}
    labels = {g.code: g.label for g in rules}
    lines = []
    for rule in rules:
        held = True
        for w in rule.when:
            count = sum(counts[c] for c in order[: order.index(w.grade_or_better) + 1])
            needed = math.ceil(w.at_least * len(grades))
            params = {
                "grade": rule.label,
                "count": count,
                "present": len(grades),
                "level": labels[w.grade_or_better],
                "share": str(w.at_least),
                "needed": needed,
            }
            lines.append((CONDITION_MET if count >= needed else CONDITION_NOT_MET, params))
            held = held and count >= needed
        if held:
            text = "; ".join(template % params for template, params in lines)
            return Grade(rule.code, rule.label, counts, text, tuple(lines))
    raise AssertionError("the last grade has no conditions")  # parse_profile ensures it
