"""Suggest a council (hội đồng) for a proposal from a list of experts, excluding conflicts.

Plain Python on files (`stihub council suggest PROPOSAL.yaml EXPERTS.csv`), no database.

PROPOSAL.yaml keys: `title`, `summary`, `keywords` (list), `fields` (list of field-of-science
codes such as `2.2`), `applicant_id`, `team_ids` (list), `host_org`, `partner_orgs` (list); any
other key is a problem. Every scalar is read as text (so `2.10` stays `2.10`, not 2.1).

EXPERTS.csv (UTF-8, header on line 1) columns: `id, full_name, fields, keywords, organization,
past_affiliations, relatives, coauthors, sanctioned_until`; lists are `;`-separated;
`past_affiliations` is `ORG:YYYY-YYYY;...` (`ORG:YYYY-` while it lasts, `ORG:YYYY` one year);
`sanctioned_until` is empty, dd/mm/yyyy or yyyy-mm-dd. Extra columns are read past. Every
problem of both files is collected and raised together as one DataError.

Exclusion: each expert gets the FIRST reason that applies, in the order of `REASONS`:
applicant, team member, current organization is the host, is a partner, affiliated with the
host or a partner in a year within the last `years` years before the reference date (an
affiliation ending in year Y counts when Y >= on.year - years), relative of the applicant or a
team member (either side lists the other), coauthor (likewise), sanctioned until on or after
the reference date. Organizations are compared accent- and case-folded.

Score in [0, 1] = 0.5 x fields + 0.35 x keywords + 0.15 x text, where
- fields: mean over the proposal's codes of the best match among the expert's: the same code
  1, the same level-1 prefix ("2.2" and "2.7", or "2" and "2.2") 0.5, else 0;
- keywords: the share of the proposal's keywords the expert lists (folded with `text.fold`);
- text: the share of the expert's keywords found as words of the title or summary.
Ties go to the smaller id (digits compared as numbers, E2 before E10).

Roles by rank: the two best are the reviewers, the 3rd the chair, the 4th the vice-chair, the
5th the secretary, the rest members; members are listed in that role order. With too few
unconflicted experts all of them are returned and `missing` says how many are lacking.
"""

import csv
import datetime as dt
import heapq
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from stihub.engines.id_csv import id_rows, split
from stihub.engines.problems import DataError, Problem, gettext_noop
from stihub.engines.text import fold

REASONS = (
    "applicant",
    "team",
    "host_org",
    "partner_org",
    "past_affiliation",
    "relative",
    "coauthor",
    "sanctioned",
)
ROLES = ("reviewer", "reviewer", "chair", "vice_chair", "secretary")  # by rank
ROLE_ORDER = ("chair", "vice_chair", "reviewer", "secretary", "member")  # as listed
MIN_SIZE = 5
PROPOSAL_KEYS = (
    "title",
    "summary",
    "keywords",
    "fields",
    "applicant_id",
    "team_ids",
    "host_org",
    "partner_orgs",
)
COLUMNS = (
    "id",
    "full_name",
    "fields",
    "keywords",
    "organization",
    "past_affiliations",
    "relatives",
    "coauthors",
    "sanctioned_until",
)
WEIGHTS = {"fields": 0.5, "keywords": 0.35, "text": 0.15}

CANNOT_READ = gettext_noop("Cannot read %(file)s: %(error)s")
BAD_YAML = gettext_noop("Not valid YAML: %(error)s")
NOT_MAPPING = gettext_noop("The proposal must be a mapping of keys to values.")
UNKNOWN_KEY = gettext_noop("Unknown key %(key)s; the keys are: %(known)s.")
NEEDS_KEY = gettext_noop("The proposal needs %(key)s.")
NOT_LIST = gettext_noop("%(key)s must be a list.")
BAD_FIELD = gettext_noop("%(value)s is not a code of the fields of science (e.g. 2.2).")
BAD_DATE = gettext_noop("%(value)s is not a date: write dd/mm/yyyy or yyyy-mm-dd.")
BAD_AFFILIATION = gettext_noop(
    "%(value)s is not an affiliation: write ORGANIZATION:YYYY-YYYY (or YYYY- while it lasts)."
)
BAD_SIZE = gettext_noop("A council has at least %(minimum)s members, not %(size)s.")

_FIELD = re.compile(r"^\d+(\.\d+)?$")
_YEARS = re.compile(r"^(\d{4})(?:\s*-\s*(\d{4})?)?$")
_DATE_FORMS = ("%d/%m/%Y", "%Y-%m-%d")


@dataclass(frozen=True)
class Proposal:
    """A proposal (đề xuất, hồ sơ) as far as choosing its council needs."""

    title: str = ""
    summary: str = ""
    keywords: tuple = ()
    fields: tuple = ()
    applicant_id: str = ""
    team_ids: tuple = ()
    host_org: str = ""
    partner_orgs: tuple = ()


@dataclass(frozen=True)
class Expert:
    """An expert (chuyên gia) of the registry, one row of EXPERTS.csv."""

    id: str
    full_name: str = ""
    fields: tuple = ()
    keywords: tuple = ()
    organization: str = ""
    past_affiliations: tuple = ()  # (folded org, first year, last year or None)
    relatives: frozenset = field(default_factory=frozenset)
    coauthors: frozenset = field(default_factory=frozenset)
    sanctioned_until: dt.date | None = None


def _as_list(value) -> tuple:
    if value in (None, ""):
        return ()
    if isinstance(value, list):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return None  # not a list


def parse_proposal(data) -> Proposal:
    """Check a proposal's mapping (every scalar text); raise DataError listing every problem."""
    if not isinstance(data, dict):
        raise DataError([Problem(NOT_MAPPING)])
    problems = []
    for key in data:
        if key not in PROPOSAL_KEYS:
            params = {"key": key, "known": ", ".join(PROPOSAL_KEYS)}
            problems.append(Problem(UNKNOWN_KEY, params, column=str(key)))
    values = {}
    for key in ("title", "summary", "applicant_id", "host_org"):
        value = data.get(key) or ""
        if not isinstance(value, str):
            value = ""  # a list or mapping where text belongs
        values[key] = value.strip()
    if not values["applicant_id"]:
        problems.append(Problem(NEEDS_KEY, {"key": "applicant_id"}, column="applicant_id"))
    for key in ("keywords", "fields", "team_ids", "partner_orgs"):
        values[key] = _as_list(data.get(key))
        if values[key] is None:
            problems.append(Problem(NOT_LIST, {"key": key}, column=key))
            values[key] = ()
    for code in values["fields"]:
        if not _FIELD.match(code):
            problems.append(Problem(BAD_FIELD, {"value": code}, column="fields"))
    if problems:
        raise DataError(problems)
    return Proposal(**values)


def load_proposal_file(path) -> Proposal:
    """Read PROPOSAL.yaml (UTF-8); raise DataError listing every problem."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
        data = yaml.load(text, Loader=yaml.BaseLoader)  # every scalar as text
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError([Problem(CANNOT_READ, {"file": str(path), "error": str(exc)})]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        error = str(getattr(exc, "problem", None) or exc)
        row = mark.line + 1 if mark is not None else None
        raise DataError([Problem(BAD_YAML, {"error": error}, row=row)]) from exc
    return parse_proposal(data)


def _date(text):
    for form in _DATE_FORMS:
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise ValueError(text)


def _affiliations(text, line, problems) -> tuple:
    found = []
    for part in split(text):
        org, _, years = part.rpartition(":")
        match = _YEARS.match(years.strip())
        if not org.strip() or not match:
            problems.append(
                Problem(BAD_AFFILIATION, {"value": part}, row=line, column="past_affiliations")
            )
            continue
        first, last = int(match[1]), match[2]
        if "-" not in years:
            last = first
        found.append((fold(org), first, int(last) if last else None))
    return tuple(found)


def read_experts(lines, problems: list) -> list[Expert]:
    """Experts from CSV lines (header first); problems appended with line and column."""
    experts = []
    for line, cell in id_rows(lines, COLUMNS, problems):
        for code in split(cell["fields"]):
            if not _FIELD.match(code):
                problems.append(Problem(BAD_FIELD, {"value": code}, row=line, column="fields"))
        until = None
        if cell["sanctioned_until"]:
            try:
                until = _date(cell["sanctioned_until"])
            except ValueError:
                params = {"value": cell["sanctioned_until"]}
                problems.append(Problem(BAD_DATE, params, row=line, column="sanctioned_until"))
        experts.append(
            Expert(
                id=cell["id"],
                full_name=cell["full_name"],
                fields=split(cell["fields"]),
                keywords=split(cell["keywords"]),
                organization=cell["organization"],
                past_affiliations=_affiliations(cell["past_affiliations"], line, problems),
                relatives=frozenset(split(cell["relatives"])),
                coauthors=frozenset(split(cell["coauthors"])),
                sanctioned_until=until,
            )
        )
    return experts


def load_experts_file(path) -> list[Expert]:
    """Read EXPERTS.csv (UTF-8); raise DataError listing every problem."""
    problems = []
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            experts = read_experts(handle, problems)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DataError([Problem(CANNOT_READ, {"file": str(path), "error": str(exc)})]) from exc
    if problems:
        raise DataError(problems)
    return experts


def _linked(experts: list[Expert], people: set, attribute: str) -> set:
    """Ids tied to `people` by `attribute` (relatives, coauthors), from either side."""
    linked = set()
    for e in experts:
        ties = getattr(e, attribute)
        if e.id in people:
            linked |= ties
        elif ties & people:
            linked.add(e.id)
    return linked - people


def exclusion(e: Expert, proposal: Proposal, on: dt.date, years: int, ties: dict) -> str | None:
    """The first reason of `REASONS` that excludes `e`, or None (`ties`: see `suggest`)."""
    host, partners = ties["host"], ties["partners"]
    org = _fold(e.organization)
    if e.id == proposal.applicant_id:
        return "applicant"
    if e.id in proposal.team_ids:
        return "team"
    if host and org == host:
        return "host_org"
    if org in partners:
        return "partner_org"
    since = on.year - years  # an affiliation that ended in `since` or later counts
    if any(a[0] in ties["orgs"] and (a[2] or on.year) >= since for a in e.past_affiliations):
        return "past_affiliation"
    if e.id in ties["relative"]:
        return "relative"
    if e.id in ties["coauthor"]:
        return "coauthor"
    if e.sanctioned_until is not None and e.sanctioned_until >= on:
        return "sanctioned"
    return None


def _field_match(code: str, theirs: tuple) -> float:
    if code in theirs:
        return 1.0
    top = code.split(".")[0]
    return 0.5 if any(t.split(".")[0] == top for t in theirs) else 0.0


@lru_cache(maxsize=1 << 16)
def _fold(text: str) -> str:
    """`text.fold`, remembered: organizations and keywords repeat across many experts."""
    return fold(text)


@lru_cache(maxsize=8)
def _wanted(proposal: Proposal) -> tuple:
    """The proposal's folded keywords and its title and summary as folded words."""
    wanted = frozenset(_fold(k) for k in proposal.keywords) - {""}
    return wanted, f" {fold(proposal.title)} {fold(proposal.summary)} "


def score(e: Expert, proposal: Proposal) -> float:
    """Expertise match of `e` for the proposal, in [0, 1] (see the module's docstring)."""
    fields = (
        sum(_field_match(c, e.fields) for c in proposal.fields) / len(proposal.fields)
        if proposal.fields
        else 0.0
    )
    theirs = {_fold(k) for k in e.keywords} - {""}
    wanted, text = _wanted(proposal)
    keywords = len(theirs & wanted) / len(wanted) if wanted else 0.0
    in_text = sum(1 for k in theirs if f" {k} " in text) / len(theirs) if theirs else 0.0
    total = WEIGHTS["fields"] * fields + WEIGHTS["keywords"] * keywords + WEIGHTS["text"] * in_text
    return round(min(1.0, total), 4)


def _id_key(expert_id: str) -> tuple:
    return tuple(
        (0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", expert_id)
    )


def suggest(
    proposal: Proposal,
    experts: list[Expert],
    size: int = 7,
    on: dt.date | None = None,
    years: int = 5,
) -> dict:
    """`{"members": [{id, role, score}], "excluded": [{id, reason}], "missing": n}`."""
    if size < MIN_SIZE:
        raise DataError([Problem(BAD_SIZE, {"minimum": MIN_SIZE, "size": size})])
    on = on or dt.date.today()
    people = {proposal.applicant_id, *proposal.team_ids}
    ties = {
        "relative": _linked(experts, people, "relatives"),
        "coauthor": _linked(experts, people, "coauthors"),
        "host": fold(proposal.host_org),
        "partners": {fold(o) for o in proposal.partner_orgs} - {""},
    }
    ties["orgs"] = (ties["partners"] | {ties["host"]}) - {""}
    excluded, ranked = [], []
    for e in experts:
        reason = exclusion(e, proposal, on, years, ties)
        if reason:
            excluded.append({"id": e.id, "reason": reason, "full_name": e.full_name})
        else:
            ranked.append((-score(e, proposal), e))
    # Only the experts scoring at least the size-th best can be chosen: sort just those by id.
    cut = heapq.nsmallest(size, (m for m, _ in ranked))[-1:] or [0.0]
    ranked = sorted(((m, _id_key(e.id), e) for m, e in ranked if m <= cut[0]), key=lambda i: i[:2])
    chosen = []
    for rank, (minus, _, e) in enumerate(ranked[:size], start=1):
        role = ROLES[rank - 1] if rank <= len(ROLES) else "member"
        member = {"id": e.id, "role": role, "score": -minus or 0.0, "rank": rank}
        chosen.append(member | {"full_name": e.full_name})
    chosen.sort(key=lambda m: (ROLE_ORDER.index(m["role"]), m["rank"]))
    return {
        "members": chosen,
        "excluded": excluded,
        "missing": max(0, size - len(chosen)),
        "size": size,
        "on": on.isoformat(),
        "years": years,
    }
