"""A resolution as data: parse and validate a resolution YAML file into frozen dataclasses.

Pure Python (no Django import). Every problem of a file is collected, located by its YAML path
(`targets[3].target.value`) in `Problem.column`, and raised together as one `DataError`.
Unknown keys are rejected, so a typo never silently drops a field.

Format (see `stihub/resolutions/nghe-an-2030.yaml` for a full example)::

    code, title, issuer?, issued?, period: {start, end}, agencies?: [...],
    targets: [{code, title, indicator, unit, direction, kind, baseline?, target, count_from?,
               method?, agency?, source?, scale?, notes?, reporting?}],
    (reporting: how the indicator is reported, see `reporting.parse_rules`)
    (direction may be left out for kind rank, implied decrease, and cumulative, implied increase)
    solution_groups?: [{code, title, lead_agency, partner_agencies?, summary?}]

Every code (of the resolution, its agencies, targets, indicators and solution groups) follows the
code rule of `codes.py`: it becomes part of page addresses, so a "/" or a space is refused here.
"""

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from stihub.engines.codes import CODE_RULE, code_params, is_code
from stihub.engines.problems import DataError, Problem, gettext_noop
from stihub.engines.reporting import Rules, parse_rules
from stihub.engines.vocabulary import IMPLIED_DIRECTION, Direction, Method, TargetKind

DIRECTIONS = tuple(d.value for d in Direction)
KINDS = tuple(k.value for k in TargetKind)
METHODS = tuple(m.value for m in Method)
# Same values as stihub.core.choices.AgencyKind (kept in step by a test there is no need for:
# the loader rejects an unknown kind with a clear problem either way).
AGENCY_KINDS = (
    "party",
    "council",
    "committee",
    "department",
    "commune",
    "university",
    "institute",
    "other",
)
INDICATOR_CODE = re.compile(r"^[A-Z][A-Z0-9_]*$")


@dataclass(frozen=True)
class AgencySpec:
    """An agency (cơ quan, đơn vị) a resolution refers to, upserted by code."""

    code: str
    name: str
    kind: str = "other"


@dataclass(frozen=True)
class TargetSpec:
    """A measurable target (chỉ tiêu) of a resolution, with how its progress is judged."""

    code: str
    title: str
    indicator: str
    unit: str
    direction: str
    kind: str
    target_year: int
    target_value: float | None = None  # None only for multiple_of_baseline (factor × baseline)
    factor: float | None = None
    upper: float | None = None  # upper end of a range target such as 6–12 (informational)
    baseline_year: int | None = None
    baseline_value: float | None = None  # None: taken from the observations
    count_from: int | None = None
    method: str = "unsd2023"
    agency: str | None = None
    source: str | None = None
    scale: tuple[str, ...] = ()  # ordinal labels; a value is a 1-based position in this scale
    notes: str | None = None
    reporting: Rules | None = None  # how its indicator is reported; None: not declared


@dataclass(frozen=True)
class SolutionGroupSpec:
    """A group of tasks and solutions (nhóm nhiệm vụ, giải pháp) with its lead agency."""

    code: str
    title: str
    lead_agency: str | None
    partner_agencies: tuple[str, ...] = ()
    summary: str | None = None


@dataclass(frozen=True)
class ResolutionSpec:
    """A resolution (nghị quyết): its period, agencies, targets and solution groups."""

    code: str
    title: str
    period_start: int
    period_end: int
    issuer: str | None = None
    issued: datetime.date | None = None
    agencies: tuple[AgencySpec, ...] = ()
    targets: tuple[TargetSpec, ...] = ()
    solution_groups: tuple[SolutionGroupSpec, ...] = ()

    def target(self, code: str) -> TargetSpec:
        for target in self.targets:
            if target.code == code:
                return target
        raise KeyError(code)

    @property
    def indicators(self) -> set[str]:
        return {t.indicator for t in self.targets}


_MISSING = object()


class _Checker:
    """Collects problems while reading a parsed YAML tree; each problem carries its path."""

    def __init__(self):
        self.problems: list[Problem] = []

    def add(self, path: str, template: str, **params) -> None:
        self.problems.append(Problem(template, params, column=path or None))

    def mapping(self, value, path: str, allowed: tuple[str, ...]) -> dict | None:
        if not isinstance(value, dict):
            self.add(path, gettext_noop("Expected a mapping (key: value pairs)."))
            return None
        for key in value:
            if key not in allowed:
                self.add(
                    _join(path, str(key)),
                    gettext_noop("Unknown key %(key)s; allowed keys: %(allowed)s."),
                    key=str(key),
                    allowed=", ".join(allowed),
                )
        return value

    def get(
        self, data: dict, key: str, path: str, kind: str, required: bool = False, empty_ok=False
    ):
        """Return data[key] checked against `kind` (text, code, int, number, date), or None."""
        value = data.get(key, _MISSING)
        where = _join(path, key)
        if value is _MISSING or value is None:
            if required:
                self.add(where, gettext_noop("Required key %(key)s is missing."), key=key)
            return None
        if kind in ("text", "code"):
            if not isinstance(value, str):
                self.add(
                    where,
                    gettext_noop("Expected text, found %(value)s (put it in quotes)."),
                    value=repr(value),
                )
                return None
            value = value.strip()
            if not value and not empty_ok and (required or kind == "code"):
                self.add(where, gettext_noop("Must not be empty."))
                return None
            if kind == "code" and not is_code(value):
                self.add(where, CODE_RULE, **code_params(value))
                return None
            return value
        if kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                self.add(
                    where,
                    gettext_noop("Expected a whole number, found %(value)s."),
                    value=repr(value),
                )
                return None
            return value
        if kind == "number":
            if isinstance(value, bool) or not isinstance(value, int | float):
                self.add(
                    where, gettext_noop("Expected a number, found %(value)s."), value=repr(value)
                )
                return None
            if value != value or value in (float("inf"), float("-inf")):
                self.add(where, gettext_noop("Expected a finite number."))
                return None
            return float(value)
        if kind == "date":
            if isinstance(value, datetime.datetime):
                return value.date()
            if isinstance(value, datetime.date):
                return value
            if isinstance(value, str):
                try:
                    return datetime.date.fromisoformat(value.strip())
                except ValueError:
                    pass
            self.add(
                where,
                gettext_noop("Expected a date YYYY-MM-DD, found %(value)s."),
                value=repr(value),
            )
            return None
        raise AssertionError(kind)

    def choice(self, data: dict, key: str, path: str, choices, default=None, required=False):
        value = self.get(data, key, path, "text", required=required)
        if value is None:
            return default
        if value not in choices:
            self.add(
                _join(path, key),
                gettext_noop("Unknown value %(value)s; expected one of: %(choices)s."),
                value=value,
                choices=", ".join(choices),
            )
            return default
        return value

    def items(self, data: dict, key: str, path: str, required: bool = False) -> list:
        value = data.get(key)
        if value is None:
            if required:
                self.add(
                    _join(path, key), gettext_noop("Required key %(key)s is missing."), key=key
                )
            return []
        if not isinstance(value, list):
            self.add(_join(path, key), gettext_noop("Expected a list."))
            return []
        return value


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


TOP_KEYS = ("code", "title", "issuer", "issued", "period", "agencies", "targets", "solution_groups")
AGENCY_KEYS = ("code", "name", "kind")
TARGET_KEYS = (
    "code",
    "title",
    "indicator",
    "unit",
    "direction",
    "kind",
    "baseline",
    "target",
    "count_from",
    "method",
    "agency",
    "source",
    "scale",
    "notes",
    "reporting",
)
SOLUTION_GROUP_KEYS = ("code", "title", "lead_agency", "partner_agencies", "summary")


def parse_resolution(data) -> ResolutionSpec:
    """Validate a parsed YAML tree and return the resolution; raise DataError with every problem."""
    c = _Checker()
    if c.mapping(data, "", TOP_KEYS) is None:
        raise DataError(c.problems)
    code = c.get(data, "code", "", "code", required=True)
    title = c.get(data, "title", "", "text", required=True)
    issuer = c.get(data, "issuer", "", "text")
    issued = c.get(data, "issued", "", "date")
    start = end = None
    period = data.get("period")
    if period is None:
        c.add("period", gettext_noop("Required key %(key)s is missing."), key="period")
    elif c.mapping(period, "period", ("start", "end")) is not None:
        start = c.get(period, "start", "period", "int", required=True)
        end = c.get(period, "end", "period", "int", required=True)
        if start is not None and end is not None and start > end:
            c.add(
                "period",
                gettext_noop("The period starts (%(start)s) after it ends (%(end)s)."),
                start=start,
                end=end,
            )

    agencies = _agencies(c, data)
    known = {a.code for a in agencies} if "agencies" in data else None
    targets = _targets(c, data, start, end, known)
    if not targets and "targets" in data and isinstance(data["targets"], list):
        c.add("targets", gettext_noop("A resolution needs at least one target."))
    solution_groups = _solution_groups(c, data, known)

    if c.problems:
        raise DataError(c.problems)
    return ResolutionSpec(
        code=code,
        title=title,
        period_start=start,
        period_end=end,
        issuer=issuer,
        issued=issued,
        agencies=tuple(agencies),
        targets=tuple(targets),
        solution_groups=tuple(solution_groups),
    )


def _agencies(c: _Checker, data: dict) -> list[AgencySpec]:
    result, seen = [], set()
    for i, item in enumerate(c.items(data, "agencies", "")):
        path = f"agencies[{i}]"
        if c.mapping(item, path, AGENCY_KEYS) is None:
            continue
        code = c.get(item, "code", path, "code", required=True)
        name = c.get(item, "name", path, "text", required=True)
        kind = c.choice(item, "kind", path, AGENCY_KINDS, default="other")
        if code in seen:
            c.add(f"{path}.code", gettext_noop("Duplicate agency code %(code)s."), code=code)
        elif code and name:
            seen.add(code)
            result.append(AgencySpec(code=code, name=name, kind=kind))
    return result


def _check_agency(c: _Checker, code: str | None, path: str, known: set[str] | None) -> None:
    if code is not None and known is not None and code not in known:
        c.add(path, gettext_noop("Agency %(code)s is not declared under agencies."), code=code)


def _targets(c, data, start, end, known) -> list[TargetSpec]:
    result, seen = [], set()
    for i, item in enumerate(c.items(data, "targets", "", required=True)):
        path = f"targets[{i}]"
        if c.mapping(item, path, TARGET_KEYS) is None:
            continue
        before = len(c.problems)
        code = c.get(item, "code", path, "code", required=True)
        if code is not None:
            if code in seen:
                c.add(f"{path}.code", gettext_noop("Duplicate target code %(code)s."), code=code)
            seen.add(code)
        spec = _target(c, item, path, start, end, known, code)
        if spec is not None and len(c.problems) == before:
            result.append(spec)
    return result


def _target(c: _Checker, item: dict, path: str, start, end, known, code) -> TargetSpec | None:
    title = c.get(item, "title", path, "text", required=True)
    indicator = c.get(item, "indicator", path, "code", required=True)
    if indicator is not None and not INDICATOR_CODE.match(indicator):
        c.add(
            f"{path}.indicator",
            gettext_noop("Indicator code %(code)s must be upper snake case, e.g. GERD_GDP."),
            code=indicator,
        )
    unit = c.get(item, "unit", path, "text", required=True, empty_ok=True)  # counts: no unit
    kind = c.choice(item, "kind", path, KINDS, required=True)
    implied = IMPLIED_DIRECTION.get(kind)
    direction = c.choice(
        item, "direction", path, DIRECTIONS, required=kind is not None and implied is None
    )
    if direction is None:
        direction = implied
    method = c.choice(item, "method", path, METHODS, default="unsd2023")
    agency = c.get(item, "agency", path, "code")
    _check_agency(c, agency, f"{path}.agency", known)
    source = c.get(item, "source", path, "text")
    notes = c.get(item, "notes", path, "text")
    count_from = c.get(item, "count_from", path, "int")

    scale: tuple[str, ...] = ()
    if "scale" in item:
        raw = item["scale"]
        if (
            not isinstance(raw, list)
            or not raw
            or not all(isinstance(s, str) and s.strip() for s in raw)
        ):
            c.add(f"{path}.scale", gettext_noop("Expected a non-empty list of labels (text)."))
        elif len({s.strip() for s in raw}) != len(raw):
            c.add(f"{path}.scale", gettext_noop("The labels of a scale must be different."))
        else:
            scale = tuple(s.strip() for s in raw)
        if kind is not None and kind != "level":
            c.add(f"{path}.scale", gettext_noop("A scale is only allowed for kind level."))

    b_year = b_value = None
    if "baseline" in item:
        bpath = f"{path}.baseline"
        if kind == "cumulative":
            c.add(bpath, gettext_noop("A cumulative target has no baseline; use count_from."))
        elif c.mapping(item["baseline"], bpath, ("year", "value")) is not None:
            b_year = c.get(item["baseline"], "year", bpath, "int", required=True)
            b_value = c.get(item["baseline"], "value", bpath, "number")

    t_year = t_value = factor = upper = None
    tpath = f"{path}.target"
    if "target" not in item:
        c.add(tpath, gettext_noop("Required key %(key)s is missing."), key="target")
    elif c.mapping(item["target"], tpath, ("year", "value", "factor", "upper")) is not None:
        tdata = item["target"]
        t_year = c.get(tdata, "year", tpath, "int", required=True)
        if kind == "multiple_of_baseline":
            factor = c.get(tdata, "factor", tpath, "number", required=True)
            if factor is not None and factor <= 0:
                c.add(f"{tpath}.factor", gettext_noop("The factor must be greater than 0."))
            if "value" in tdata:
                c.add(
                    f"{tpath}.value",
                    gettext_noop("A multiple_of_baseline target has a factor, not a value."),
                )
        else:
            t_value = c.get(tdata, "value", tpath, "number", required=True)
            if "factor" in tdata:
                c.add(
                    f"{tpath}.factor",
                    gettext_noop("factor is only allowed for kind multiple_of_baseline."),
                )
        upper = c.get(tdata, "upper", tpath, "number")
        if upper is not None and t_value is not None and upper < t_value:
            c.add(
                f"{tpath}.upper",
                gettext_noop("The upper end %(upper)s is below the value %(value)s."),
                upper=upper,
                value=t_value,
            )

    # Consistency between the pieces.
    if t_year is not None and start is not None and end is not None and not start <= t_year <= end:
        c.add(
            f"{tpath}.year",
            gettext_noop("The target year %(year)s is outside the period %(start)s–%(end)s."),
            year=t_year,
            start=start,
            end=end,
        )
    if b_year is not None and t_year is not None and b_year >= t_year:
        c.add(
            f"{path}.baseline.year",
            gettext_noop(
                "The baseline year %(year)s must be before the target year %(target_year)s."
            ),
            year=b_year,
            target_year=t_year,
        )
    if kind == "cumulative":
        if count_from is None and "count_from" not in item:
            c.add(
                f"{path}.count_from",
                gettext_noop("A cumulative target needs count_from, the first year counted."),
            )
        elif count_from is not None and t_year is not None and count_from > t_year:
            c.add(
                f"{path}.count_from",
                gettext_noop("count_from %(year)s is after the target year %(target_year)s."),
                year=count_from,
                target_year=t_year,
            )
        if direction == "decrease":
            c.add(
                f"{path}.direction",
                gettext_noop("A cumulative target must have direction increase."),
            )
        if t_value is not None and t_value <= 0:
            c.add(f"{tpath}.value", gettext_noop("A cumulative target must be greater than 0."))
    elif "count_from" in item:
        c.add(f"{path}.count_from", gettext_noop("count_from is only allowed for kind cumulative."))
    if kind in ("cumulative", "rank") and method != "unsd2023":
        c.add(
            f"{path}.method",
            gettext_noop("Kind %(kind)s is measured with method unsd2023 only."),
            kind=kind,
        )
    if kind == "rank":
        if direction == "increase":
            c.add(
                f"{path}.direction",
                gettext_noop("A rank target must have direction decrease (rank 1 is best)."),
            )
        for value, where in ((t_value, f"{tpath}.value"), (b_value, f"{path}.baseline.value")):
            if value is not None and value < 1:
                c.add(where, gettext_noop("A rank is 1 or more."))
    if scale:
        for value, where in ((t_value, f"{tpath}.value"), (b_value, f"{path}.baseline.value")):
            if value is not None and (value != int(value) or not 1 <= value <= len(scale)):
                c.add(
                    where,
                    gettext_noop("On a scale the value is a position from 1 to %(size)s."),
                    size=len(scale),
                )

    rules = None
    if "reporting" in item:
        rules, problems = parse_rules(item["reporting"], f"{path}.reporting")
        for where, template, params in problems:
            c.add(where, template, **params)

    if None in (code, title, indicator, unit, direction, kind, t_year):
        return None
    return TargetSpec(
        code=code,
        title=title,
        indicator=indicator,
        unit=unit,
        direction=direction,
        kind=kind,
        target_year=t_year,
        target_value=t_value,
        factor=factor,
        upper=upper,
        baseline_year=b_year,
        baseline_value=b_value,
        count_from=count_from,
        method=method,
        agency=agency,
        source=source,
        scale=scale,
        notes=notes,
        reporting=rules,
    )


def _solution_groups(c: _Checker, data: dict, known: set[str] | None) -> list[SolutionGroupSpec]:
    result, seen = [], set()
    for i, item in enumerate(c.items(data, "solution_groups", "")):
        path = f"solution_groups[{i}]"
        if c.mapping(item, path, SOLUTION_GROUP_KEYS) is None:
            continue
        code = c.get(item, "code", path, "code", required=True)
        title = c.get(item, "title", path, "text", required=True)
        lead = c.get(item, "lead_agency", path, "code", required=True)
        _check_agency(c, lead, f"{path}.lead_agency", known)
        summary = c.get(item, "summary", path, "text")
        partners = []
        for j, partner in enumerate(c.items(item, "partner_agencies", path)):
            where = f"{path}.partner_agencies[{j}]"
            if not isinstance(partner, str) or not partner.strip():
                c.add(where, gettext_noop("Expected an agency code (text)."))
                continue
            if not is_code(partner.strip()):
                c.add(where, CODE_RULE, **code_params(partner.strip()))
                continue
            _check_agency(c, partner.strip(), where, known)
            partners.append(partner.strip())
        if code in seen:
            c.add(
                f"{path}.code", gettext_noop("Duplicate solution group code %(code)s."), code=code
            )
        elif code and title and lead:
            seen.add(code)
            result.append(SolutionGroupSpec(code, title, lead, tuple(partners), summary))
    return result


def load_resolution_file(path) -> ResolutionSpec:
    """Read a resolution YAML file (UTF-8); raise DataError listing every problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(
            [
                Problem(
                    gettext_noop("Cannot read %(file)s: %(error)s"),
                    {"file": str(path), "error": str(exc)},
                )
            ]
        ) from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DataError(
            [
                Problem(
                    gettext_noop("Not valid YAML: %(error)s"),
                    {"error": str(getattr(exc, "problem", None) or exc)},
                    row=mark.line + 1 if mark is not None else None,
                )
            ]
        ) from exc
    return parse_resolution(data)
