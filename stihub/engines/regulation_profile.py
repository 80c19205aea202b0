"""The format of a regulation profile (bộ quy định áp dụng cho nhiệm vụ KH&CN), as data.

A profile holds the numbers of the circulars a province follows (council size and quorum, the
conclusion rule of each council, scoring forms, deadlines) in a versioned YAML file, so that
DOST corrects a rule by adding a profile, not by changing code. Bundled: `PROFILES_DIR`
(`stihub/tasks/profiles/tt-2014-2023.yaml` shows every key). Plain Python, no Django import;
`regulation.py` applies the rules and re-exports everything here.

`parse_profile` validates a parsed YAML tree and raises one DataError with every problem,
located by its key path (`forms.research[2].max`) in `Problem.column`; unknown keys are refused.
Shares (quorum, pass share, grade conditions) are written as text fractions ("2/3", read exactly
with `fractions.Fraction`) or decimals (0.75); they must be in (0, 1]. Roles give their seats as
a whole number or `rest` (the seats the other roles leave, one role at most). Grades are listed
best first; each applies when all its `when` conditions hold, and the last has none.
"""

from dataclasses import dataclass, fields
from fractions import Fraction
from pathlib import Path

import yaml

from stihub.engines.codes import CODE_RULE, code_params, is_code
from stihub.engines.council import MIN_SIZE, ROLE_ORDER
from stihub.engines.problems import DataError, Problem, gettext_noop
from stihub.engines.resolution import _Checker, _join

PROFILES_DIR = Path(__file__).resolve().parent.parent / "tasks" / "profiles"
REST = "rest"  # the role count that takes the seats the other roles leave
REQUIREMENTS = {"chair_or_vice_chair": ("chair", "vice_chair"), "both_reviewers": ("reviewer",)}
BASES = ("present",)  # what a grade condition's share is of
TOP_KEYS = ("code", "title", "sources", "council", "councils", "forms", "deadlines")
COUNCIL_KEYS = ("min_size", "max_size", "roles", "conflict_years", "quorum")
KIND_KEYS = {
    "identification": ("source", "pass_share"),
    "selection": ("source", "pass_total", "outlier_gap"),
    "acceptance": ("source", "grades"),
}

MISSING = gettext_noop("Required key %(key)s is missing.")
NOT_FRACTION = gettext_noop("Expected a fraction such as 2/3 or 0.75, found %(value)s.")
FRACTION_RANGE = gettext_noop("The share %(value)s must be more than 0 and at most 1.")
NOT_WHOLE = gettext_noop("Expected a whole number of at least %(minimum)s, found %(value)s.")
SMALL_COUNCIL = gettext_noop("A council has at least %(minimum)s members, not %(size)s.")
SIZES = gettext_noop("min_size (%(min)s) is larger than max_size (%(max)s).")
ROLE_COUNT = gettext_noop("Expected a whole number of at least 1 or rest, found %(value)s.")
MANY_RESTS = gettext_noop("Only one role may take the rest of the seats.")
ROLES_TOO_MANY = gettext_noop("The roles take %(seats)s seats, more than min_size %(min)s.")
ROLES_SIZE = gettext_noop("The roles take %(seats)s seats, not between %(min)s and %(max)s.")
BAD_REQUIREMENT = gettext_noop("Unknown requirement %(value)s; expected one of: %(known)s.")
REQUIREMENT_ROLE = gettext_noop("The requirement %(value)s needs the role %(role)s.")
UNKNOWN_SOURCE = gettext_noop("Source %(code)s is not declared under sources.")
DUPLICATE = gettext_noop("Duplicate code %(code)s.")
NOT_FORMS = gettext_noop("Expected a mapping of form codes to their lists of criteria.")
NOT_CRITERIA = gettext_noop("Expected a non-empty list of criteria.")
NOT_BOOL = gettext_noop("Expected true or false, found %(value)s.")
NOT_POSITIVE = gettext_noop("Must be more than 0, found %(value)s.")
MIN_NOT_KEY = gettext_noop("min is only allowed on a key criterion (key: true).")
MIN_RANGE = gettext_noop("min (%(min)s) must be between 0 and max (%(max)s).")
FORM_TOTAL = gettext_noop("The criteria's max points sum to %(total)s, not 100.")
TOTAL_RANGE = gettext_noop("Must be between 0 and 100, found %(value)s.")
NEGATIVE = gettext_noop("Must not be negative, found %(value)s.")
FEW_GRADES = gettext_noop("At least two grades are needed.")
UNKNOWN_GRADE = gettext_noop("Unknown grade %(grade)s; the grades are: %(known)s.")
LAST_CONDITIONAL = gettext_noop(
    "The last grade applies when no grade above does, so it has no conditions."
)
EARLY_UNCONDITIONAL = gettext_noop(
    "Only the last grade may have no conditions (the grades after it could never apply)."
)


@dataclass(frozen=True)
class Source:
    """A legal document (văn bản quy phạm pháp luật, e.g. a thông tư) the profile follows."""

    code: str
    title: str


@dataclass(frozen=True)
class CouncilRule:
    """How a council (hội đồng tư vấn) is made up and when its meeting is valid (đủ điều kiện)."""

    min_size: int
    max_size: int
    roles: tuple[tuple[str, int | None], ...]  # (role, seats); None: the rest of the seats
    conflict_years: int
    quorum_share: Fraction
    quorum_requires: tuple[str, ...]

    def seats(self, role: str) -> int | None:
        return dict(self.roles)[role]


@dataclass(frozen=True)
class IdentificationRule:
    """Conclusion of an identification council (hội đồng tư vấn xác định nhiệm vụ)."""

    pass_share: Fraction
    source: str | None = None


@dataclass(frozen=True)
class SelectionRule:
    """Conclusion of a selection council (hội đồng tuyển chọn, giao trực tiếp)."""

    pass_total: float
    outlier_gap: float
    source: str | None = None


@dataclass(frozen=True)
class Condition:
    """At least `at_least` of the present members graded `grade_or_better` or better."""

    at_least: Fraction
    grade_or_better: str
    of: str = "present"


@dataclass(frozen=True)
class GradeRule:
    """A grade of acceptance (mức đánh giá nghiệm thu): it applies when all conditions hold."""

    code: str
    label: str
    when: tuple[Condition, ...] = ()


@dataclass(frozen=True)
class AcceptanceRule:
    """Conclusion of an acceptance council (hội đồng đánh giá, nghiệm thu): grades best first."""

    grades: tuple[GradeRule, ...]
    source: str | None = None


@dataclass(frozen=True)
class Criterion:
    """A criterion of a scoring form (tiêu chí của phiếu đánh giá hồ sơ)."""

    code: str
    label: str
    max: float
    key: bool = False
    min: float | None = None  # only on a key criterion: its mean must be at least this


@dataclass(frozen=True)
class Form:
    """A scoring form (phiếu đánh giá) for a kind of task; its max points sum to 100."""

    code: str
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True)
class Deadlines:
    """Time limits (thời hạn) of the procedures, in days or months as the name says."""

    call_open_min_days: int
    completeness_check_days: int
    council_after_close_days: int
    appraisal_days: int
    contract_days: int
    progress_report_months: int
    inspection_months: int
    acceptance_after_end_days: int
    registration_days: int
    publication_days: int

    def __getitem__(self, key: str) -> int:
        if key not in DEADLINE_KEYS:
            raise KeyError(key)
        return getattr(self, key)

    def get(self, key: str, default=None):
        return getattr(self, key) if key in DEADLINE_KEYS else default


DEADLINE_KEYS = tuple(f.name for f in fields(Deadlines))


@dataclass(frozen=True)
class Profile:
    """A regulation profile (bộ quy định áp dụng): the numbers of the circulars in force."""

    code: str
    title: str
    sources: tuple[Source, ...]
    council: CouncilRule
    identification: IdentificationRule
    selection: SelectionRule
    acceptance: AcceptanceRule
    forms: tuple[Form, ...]
    deadlines: Deadlines

    def form(self, code: str) -> Form:
        for form in self.forms:
            if form.code == code:
                return form
        raise KeyError(code)


# --- parsing -----------------------------------------------------------------------------------


def exact(value) -> Fraction:
    """A number as an exact fraction (a float by its shortest decimal form: 0.1 is 1/10)."""
    return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)


def plain_number(value):
    """A number for YAML: a whole number as int, otherwise float."""
    value = float(value)
    return int(value) if value.is_integer() else value


def _share(c: _Checker, data: dict, key: str, path: str) -> Fraction | None:
    value, where = data.get(key), _join(path, key)
    if value is None:
        c.add(where, MISSING, key=key)
        return None
    try:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise TypeError
        share = Fraction(value.strip()) if isinstance(value, str) else exact(value)
    except (ValueError, TypeError, ZeroDivisionError):
        c.add(where, NOT_FRACTION, value=repr(value))
        return None
    if not 0 < share <= 1:
        c.add(where, FRACTION_RANGE, value=str(value))
        return None
    return share


def _whole(c: _Checker, data: dict, key: str, path: str, minimum: int = 0) -> int | None:
    value = data.get(key)
    if value is None:
        c.add(_join(path, key), MISSING, key=key)
    elif isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        c.add(_join(path, key), NOT_WHOLE, minimum=minimum, value=repr(value))
    else:
        return value
    return None


def _section(c: _Checker, data: dict, key: str, path: str, allowed) -> dict | None:
    if data.get(key) is None:
        c.add(_join(path, key), MISSING, key=key)
        return None
    return c.mapping(data[key], _join(path, key), allowed)


def parse_profile(data) -> Profile:
    """Validate a parsed YAML tree and return the profile; raise DataError with every problem."""
    c = _Checker()
    if c.mapping(data, "", TOP_KEYS) is None:
        raise DataError(c.problems)
    code = c.get(data, "code", "", "code", required=True)
    title = c.get(data, "title", "", "text", required=True)
    sources = []
    for i, item in enumerate(c.items(data, "sources", "", required=True)):
        path = f"sources[{i}]"
        if c.mapping(item, path, ("code", "title")) is not None:
            source = Source(
                c.get(item, "code", path, "text", required=True),
                c.get(item, "title", path, "text", required=True),
            )
            if source.code is not None and source.code in {s.code for s in sources}:
                c.add(f"{path}.code", DUPLICATE, code=source.code)
            sources.append(source)
    known_sources = {s.code for s in sources}
    council = _council(c, data)
    kinds = _section(c, data, "councils", "", tuple(KIND_KEYS))
    rules = {}
    for kind, allowed in KIND_KEYS.items():
        section = _section(c, kinds, kind, "councils", allowed) if kinds is not None else None
        path = f"councils.{kind}"
        if section is None:
            continue
        source = c.get(section, "source", path, "text")
        if source is not None and source not in known_sources:
            c.add(f"{path}.source", UNKNOWN_SOURCE, code=source)
        if kind == "identification":
            rules[kind] = IdentificationRule(_share(c, section, "pass_share", path), source)
        elif kind == "selection":
            total = c.get(section, "pass_total", path, "number", required=True)
            if total is not None and not 0 <= total <= 100:
                c.add(f"{path}.pass_total", TOTAL_RANGE, value=plain_number(total))
            gap = c.get(section, "outlier_gap", path, "number", required=True)
            if gap is not None and gap <= 0:
                c.add(f"{path}.outlier_gap", NOT_POSITIVE, value=plain_number(gap))
            rules[kind] = SelectionRule(total, gap, source)
        else:
            rules[kind] = AcceptanceRule(_grades(c, section, path), source)
    forms = _forms(c, data)
    deadlines = None
    section = _section(c, data, "deadlines", "", DEADLINE_KEYS)
    if section is not None:
        deadlines = Deadlines(*(_whole(c, section, k, "deadlines") for k in DEADLINE_KEYS))
    if c.problems:
        raise DataError(c.problems)
    return Profile(code, title, tuple(sources), council, *rules.values(), forms, deadlines)


def _council(c: _Checker, data: dict) -> CouncilRule | None:
    section = _section(c, data, "council", "", COUNCIL_KEYS)
    if section is None:
        return None
    lo = _whole(c, section, "min_size", "council", 1)
    hi = _whole(c, section, "max_size", "council", 1)
    if lo is not None and lo < MIN_SIZE:
        c.add("council.min_size", SMALL_COUNCIL, minimum=MIN_SIZE, size=lo)
    if lo is not None and hi is not None and lo > hi:
        c.add("council.max_size", SIZES, min=lo, max=hi)
    roles = []
    table = _section(c, section, "roles", "council", ROLE_ORDER)
    for role in ROLE_ORDER if table is not None else ():
        seats = table.get(role)
        if role not in table:
            continue
        if seats == REST:
            roles.append((role, None))
        elif isinstance(seats, bool) or not isinstance(seats, int) or seats < 1:
            c.add(f"council.roles.{role}", ROLE_COUNT, value=repr(seats))
        else:
            roles.append((role, seats))
    fixed = sum(n for _, n in roles if n is not None)
    rests = sum(n is None for _, n in roles)
    if rests > 1:
        c.add("council.roles", MANY_RESTS)
    elif lo is not None and hi is not None and table is not None:
        if rests and fixed > lo:
            c.add("council.roles", ROLES_TOO_MANY, seats=fixed, min=lo)
        elif not rests and not lo <= fixed <= hi:
            c.add("council.roles", ROLES_SIZE, seats=fixed, min=lo, max=hi)
    years = _whole(c, section, "conflict_years", "council")
    share, requires = None, []
    quorum = _section(c, section, "quorum", "council", ("share", "requires"))
    if quorum is not None:
        share = _share(c, quorum, "share", "council.quorum")
        for i, value in enumerate(c.items(quorum, "requires", "council.quorum")):
            where = f"council.quorum.requires[{i}]"
            if value not in REQUIREMENTS:
                c.add(where, BAD_REQUIREMENT, value=repr(value), known=", ".join(REQUIREMENTS))
            elif table is not None and not any(r in table for r in REQUIREMENTS[value]):
                c.add(where, REQUIREMENT_ROLE, value=value, role=" / ".join(REQUIREMENTS[value]))
            else:
                requires.append(value)
    return CouncilRule(lo, hi, tuple(roles), years, share, tuple(requires))


def _forms(c: _Checker, data: dict) -> tuple[Form, ...]:
    table = data.get("forms")
    if table is None:
        c.add("forms", MISSING, key="forms")
    if not isinstance(table, dict) or not table:
        if table is not None:
            c.add("forms", NOT_FORMS)
        return ()
    forms = []
    for code, items in table.items():
        path = f"forms.{code}"
        if not is_code(code):
            c.add(path, CODE_RULE, **code_params(code))
            continue
        if not isinstance(items, list) or not items:
            c.add(path, NOT_CRITERIA)
            continue
        criteria, seen, total, complete = [], set(), Fraction(0), True
        for i, item in enumerate(items):
            where = f"{path}[{i}]"
            if c.mapping(item, where, ("code", "label", "max", "key", "min")) is None:
                complete = False
                continue
            ccode = c.get(item, "code", where, "code", required=True)
            label = c.get(item, "label", where, "text", required=True)
            top = c.get(item, "max", where, "number", required=True)
            key = item.get("key", False)
            if not isinstance(key, bool):
                c.add(f"{where}.key", NOT_BOOL, value=repr(key))
            low = c.get(item, "min", where, "number")
            if top is not None and top <= 0:
                c.add(f"{where}.max", NOT_POSITIVE, value=plain_number(top))
                top = None
            if low is not None and key is not True:
                c.add(f"{where}.min", MIN_NOT_KEY)
            elif low is not None and top is not None and not 0 <= low <= top:
                c.add(f"{where}.min", MIN_RANGE, min=plain_number(low), max=plain_number(top))
            if ccode is not None and ccode in seen:
                c.add(f"{where}.code", DUPLICATE, code=ccode)
            seen.add(ccode)
            complete = complete and top is not None
            total += exact(top) if top is not None else 0
            criteria.append(Criterion(ccode, label, top, key is True, low))
        if complete and total != 100:
            c.add(path, FORM_TOTAL, total=plain_number(total))
        forms.append(Form(code, tuple(criteria)))
    return tuple(forms)


def _grades(c: _Checker, section: dict, path: str) -> tuple[GradeRule, ...]:
    items = c.items(section, "grades", path, required=True)
    codes = [item.get("code") for item in items if isinstance(item, dict)]
    grades = []
    for i, item in enumerate(items):
        where = f"{path}.grades[{i}]"
        if c.mapping(item, where, ("code", "label", "when")) is None:
            continue
        code = c.get(item, "code", where, "code", required=True)
        if code is not None and code in {g.code for g in grades}:
            c.add(f"{where}.code", DUPLICATE, code=code)
        conditions = []
        for j, cond in enumerate(c.items(item, "when", where)):
            cpath = f"{where}.when[{j}]"
            if c.mapping(cond, cpath, ("at_least", "of", "grade_or_better")) is None:
                continue
            share = _share(c, cond, "at_least", cpath)
            of = c.choice(cond, "of", cpath, BASES, default="present")
            grade = c.get(cond, "grade_or_better", cpath, "text", required=True)
            if grade is not None and grade not in codes:
                c.add(
                    f"{cpath}.grade_or_better",
                    UNKNOWN_GRADE,
                    grade=grade,
                    known=", ".join(str(g) for g in codes),
                )
            conditions.append(Condition(share, grade, of))
        if i == len(items) - 1 and item.get("when"):
            c.add(f"{where}.when", LAST_CONDITIONAL)
        elif i < len(items) - 1 and not item.get("when"):
            c.add(where, EARLY_UNCONDITIONAL)
        label = c.get(item, "label", where, "text", required=True)
        grades.append(GradeRule(code, label, tuple(conditions)))
    if len(items) < 2:
        c.add(f"{path}.grades", FEW_GRADES)
    return tuple(grades)


def load_profile_file(path) -> Profile:
    """Read a profile YAML file (UTF-8); raise DataError listing every problem."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        template = gettext_noop("Cannot read %(file)s: %(error)s")
        raise DataError([Problem(template, {"file": str(path), "error": str(exc)})]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        error = str(getattr(exc, "problem", None) or exc)
        row = mark.line + 1 if mark is not None else None
        template = gettext_noop("Not valid YAML: %(error)s")
        raise DataError([Problem(template, {"error": error}, row=row)]) from exc
    return parse_profile(data)


def profile_as_data(profile: Profile) -> dict:
    """The profile as a YAML-ready tree; `parse_profile(profile_as_data(p)) == p`."""

    def src(rule) -> dict:
        return {"source": rule.source} if rule.source is not None else {}

    council, selection = profile.council, profile.selection
    return {
        "code": profile.code,
        "title": profile.title,
        "sources": [{"code": s.code, "title": s.title} for s in profile.sources],
        "council": {
            "min_size": council.min_size,
            "max_size": council.max_size,
            "roles": {role: REST if n is None else n for role, n in council.roles},
            "conflict_years": council.conflict_years,
            "quorum": {"share": str(council.quorum_share), "requires": [*council.quorum_requires]},
        },
        "councils": {
            "identification": {
                **src(profile.identification),
                "pass_share": str(profile.identification.pass_share),
            },
            "selection": {
                **src(selection),
                "pass_total": plain_number(selection.pass_total),
                "outlier_gap": plain_number(selection.outlier_gap),
            },
            "acceptance": {
                **src(profile.acceptance),
                "grades": [
                    {
                        "code": g.code,
                        "label": g.label,
                        **({"when": [_condition(w) for w in g.when]} if g.when else {}),
                    }
                    for g in profile.acceptance.grades
                ],
            },
        },
        "forms": {f.code: [_criterion(x) for x in f.criteria] for f in profile.forms},
        "deadlines": {k: getattr(profile.deadlines, k) for k in DEADLINE_KEYS},
    }


def _condition(w: Condition) -> dict:
    return {"at_least": str(w.at_least), "of": w.of, "grade_or_better": w.grade_or_better}


def _criterion(x: Criterion) -> dict:
    data = {"code": x.code, "label": x.label, "max": plain_number(x.max), "key": x.key}
    return data if x.min is None else {**data, "min": plain_number(x.min)}
