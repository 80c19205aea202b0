"""Composite-index workbooks: read and check the inputs, write the stages, the command line.

The workbook layout is COINr's (see tests/fixtures/composite-index): sheets InputIndData,
InputIndMeta, InputAggMeta and, when an indicator names a denominator, InputDenominators.
Every problem found is reported with its sheet, row (as Excel shows it, header = row 1) and
column, all at once, in a DataError; nothing is computed from a rejected workbook. The workbook's
size is checked before it is parsed and its sheets are streamed up to `limits.INDEX` (see
limits.py); unit codes, which become page addresses, follow the code rule of codes.py.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.utils.exceptions import InvalidFileException

from stihub.engines import limits as size
from stihub.engines.codes import code_problem
from stihub.engines.composite import (
    AGGREGATIONS,
    IMPUTATIONS,
    NORMALISATIONS,
    IndexData,
    Result,
    Settings,
    compute,
)
from stihub.engines.problems import DataError, Problem, gettext_noop

DATA, IND_META, AGG_META, DENOMS = (
    "InputIndData",
    "InputIndMeta",
    "InputAggMeta",
    "InputDenominators",
)
REQUIRED_COLUMNS = {
    DATA: ("UnitCode",),
    IND_META: ("IndCode", "Direction", "IndWeight", "Agg1"),
    AGG_META: ("AgLevel", "Code", "Weight"),
    DENOMS: ("UnitCode",),
}


def _is_id_column(name: str) -> bool:
    """Unit columns of InputIndData that are not indicators (as in COINr)."""
    return name in ("UnitCode", "UnitName", "Year") or name.startswith(("Group_", "Den_", "x_"))


class _Sheet:
    """One sheet as a header and its non-empty rows, each with its Excel row number."""

    def __init__(self, name: str, rows: list[tuple]):
        self.name = name
        header = rows[0] if rows else ()
        self.header = [str(h).strip() if h is not None else None for h in header]
        self.col = {h: i for i, h in enumerate(self.header) if h}
        self.rows = [
            (n, r) for n, r in enumerate(rows[1:], start=2) if any(_blank(v) is False for v in r)
        ]

    def get(self, row: tuple, column: str):
        i = self.col.get(column)
        return row[i] if i is not None and i < len(row) else None


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number(value) -> float | None:
    """A cell as a float: NaN when blank, None when it is not a number."""
    if _blank(value):
        return math.nan
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        return None


def _text(value) -> str | None:
    if _blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


# The library's own errors name Python objects and zip internals; people get these instead.
NOT_A_WORKBOOK = gettext_noop("the file is not an Excel workbook (.xlsx)")
NO_WORKBOOK_PART = gettext_noop(
    "the file is a zip archive without the parts of an Excel workbook (.xlsx)"
)
DAMAGED = gettext_noop(
    "the workbook is damaged and cannot be read; open it in Excel and save it again"
)
# What openpyxl raises on a broken part of a zip it could open (ParseError is a SyntaxError).
_BROKEN = (KeyError, ValueError, TypeError, IndexError, SyntaxError, EOFError, zipfile.BadZipFile)


def _open(source, limits: size.Limits) -> dict[str, _Sheet]:
    """The sheets we read, or a DataError with one plain sentence saying why there are none."""
    if isinstance(source, str | Path) and not Path(source).is_file():
        problem = Problem(gettext_noop("file %(path)s cannot be read"), {"path": str(source)})
        raise DataError([problem])
    if not zipfile.is_zipfile(source):
        raise DataError([Problem(NOT_A_WORKBOOK)])
    size.check_xlsx(source, limits)  # before any XML is parsed
    try:
        wb = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except (KeyError, OSError, InvalidFileException) as exc:  # no [Content_Types] or workbook
        raise DataError([Problem(NO_WORKBOOK_PART)]) from exc
    except _BROKEN as exc:
        raise DataError(size.find_damage(source, DAMAGED) or [Problem(DAMAGED)]) from exc
    sheets = {}
    try:  # read-only sheets are parsed here, row by row, up to the limits
        for ws in wb.worksheets:
            if ws.title in REQUIRED_COLUMNS:
                rows = [values for _n, values in size.sheet_rows(ws, limits, DAMAGED)]
                sheets[ws.title] = _Sheet(ws.title, rows)
    finally:
        wb.close()
    return sheets


def read_workbook(source: str | Path | IO[bytes], limits: size.Limits = size.INDEX) -> IndexData:
    """Read and check a COINr-layout workbook (a path or a binary file object); raise DataError
    listing every problem. `limits`: the most it may hold (the web passes the settings' values)."""
    sheets = _open(source, limits)
    problems: list[Problem] = []

    def report(template: str, params: dict, sheet: str, row=None, column=None):
        problems.append(Problem(template, params, sheet=sheet, row=row, column=column))

    # Structure first: without these sheets and columns nothing else can be checked.
    for name in (DATA, IND_META, AGG_META):
        if name not in sheets:
            report(gettext_noop("sheet %(sheet)s is missing"), {"sheet": name}, name)
    for name, sheet in sheets.items():
        for col in REQUIRED_COLUMNS[name]:
            if col not in sheet.col:
                report(gettext_noop("column %(column)s is missing"), {"column": col}, name, 1, col)
    if problems:
        raise DataError(problems)
    data, meta, aggm = sheets[DATA], sheets[IND_META], sheets[AGG_META]
    dens = sheets.get(DENOMS)

    # InputIndData: unit codes, numeric indicator values
    ind_cols = [h for h in data.header if h and not _is_id_column(h)]
    units: dict[str, dict] = {}
    values: dict[str, dict] = {}
    for n, row in data.rows:
        code = _text(data.get(row, "UnitCode"))
        if code is None:
            report(gettext_noop("unit code is empty"), {}, DATA, n, "UnitCode")
            continue
        if (bad := code_problem(code, DATA, n, "UnitCode")) is not None:
            problems.append(bad)
            continue
        if code in units:
            report(gettext_noop("unit %(code)s appears twice"), {"code": code}, DATA, n, "UnitCode")
            continue
        units[code] = {
            h: data.get(row, h) for h in data.header if h and h != "UnitCode" and _is_id_column(h)
        }
        values[code] = {}
        for col in ind_cols:
            raw = data.get(row, col)
            num = _number(raw)
            if num is None:
                report(
                    gettext_noop("value %(value)s is not a number"),
                    {"value": raw},
                    DATA,
                    n,
                    col,
                )
            values[code][col] = num if num is not None else math.nan

    # InputAggMeta: levels, names, weights
    aggs: dict[str, dict] = {}
    agg_rows: dict[str, int] = {}
    for n, row in aggm.rows:
        code = _text(aggm.get(row, "Code"))
        if code is None:
            report(gettext_noop("aggregate code is empty"), {}, AGG_META, n, "Code")
            continue
        if code in aggs:
            report(
                gettext_noop("aggregate %(code)s appears twice"),
                {"code": code},
                AGG_META,
                n,
                "Code",
            )
            continue
        level, weight = _number(aggm.get(row, "AgLevel")), _number(aggm.get(row, "Weight"))
        if level is None or math.isnan(level) or not level.is_integer():
            report(
                gettext_noop("level %(value)s is not a whole number"),
                {"value": aggm.get(row, "AgLevel")},
                AGG_META,
                n,
                "AgLevel",
            )
        if weight is None or math.isnan(weight) or weight < 0:
            report(
                gettext_noop("weight %(value)s is not a number of 0 or more"),
                {"value": aggm.get(row, "Weight")},
                AGG_META,
                n,
                "Weight",
            )
        name = _text(aggm.get(row, "Name")) or code
        aggs[code] = {"Level": level, "Name": name, "Weight": weight}
        agg_rows[code] = n

    # InputIndMeta: every indicator in the data, directions, weights, denominators, parents
    agg_cols = sorted(
        (c for c in meta.col if c.startswith("Agg") and c[3:].isdigit()), key=lambda c: int(c[3:])
    )
    den_cols = (
        {c for c in dens.col if c.startswith("Den_") or not _is_id_column(c)} if dens else set()
    )
    inds: dict[str, dict] = {}
    parent_of: dict[str, tuple[str, int]] = {}  # aggregate -> (its parent, row that said so)
    used: set[str] = set()
    for n, row in meta.rows:
        code = _text(meta.get(row, "IndCode"))
        if code is None:
            report(gettext_noop("indicator code is empty"), {}, IND_META, n, "IndCode")
            continue
        if code in inds:
            report(
                gettext_noop("indicator %(code)s appears twice"),
                {"code": code},
                IND_META,
                n,
                "IndCode",
            )
            continue
        if code not in ind_cols:
            report(
                gettext_noop("indicator %(code)s is in InputIndMeta but not in the data"),
                {"code": code},
                IND_META,
                n,
                "IndCode",
            )
        direction, weight = _number(meta.get(row, "Direction")), _number(meta.get(row, "IndWeight"))
        if direction not in (1.0, -1.0):
            report(
                gettext_noop("direction %(value)s is neither 1 nor -1"),
                {"value": meta.get(row, "Direction")},
                IND_META,
                n,
                "Direction",
            )
        if weight is None or math.isnan(weight) or weight < 0:
            report(
                gettext_noop("weight %(value)s is not a number of 0 or more"),
                {"value": meta.get(row, "IndWeight")},
                IND_META,
                n,
                "IndWeight",
            )
        den = _text(meta.get(row, "Denominator"))
        if den is not None and den not in den_cols:
            report(
                gettext_noop("denominator %(name)s is not a column of InputDenominators"),
                {"name": den},
                IND_META,
                n,
                "Denominator",
            )
        parents = [_text(meta.get(row, c)) for c in agg_cols]
        for k, (col, agg) in enumerate(zip(agg_cols, parents, strict=True)):
            if agg is None:
                report(gettext_noop("no aggregate given"), {}, IND_META, n, col)
                continue
            used.add(agg)
            if agg not in aggs:
                report(
                    gettext_noop("aggregate %(code)s is not declared in InputAggMeta"),
                    {"code": agg},
                    IND_META,
                    n,
                    col,
                )
            elif aggs[agg]["Level"] not in (None, k + 2) and not math.isnan(aggs[agg]["Level"]):
                report(
                    gettext_noop(
                        "aggregate %(code)s is declared at level %(level)s, not %(expected)s"
                    ),
                    {"code": agg, "level": aggs[agg]["Level"], "expected": k + 2},
                    IND_META,
                    n,
                    col,
                )
            up = parents[k + 1] if k + 1 < len(parents) else None
            if up is not None:
                seen = parent_of.setdefault(agg, (up, n))
                if seen[0] != up:
                    report(
                        gettext_noop(
                            "%(code)s belongs to %(parent)s in row %(row)s, here to %(other)s"
                        ),
                        {"code": agg, "parent": seen[0], "row": seen[1], "other": up},
                        IND_META,
                        n,
                        agg_cols[k + 1],
                    )
        inds[code] = {
            "Name": _text(meta.get(row, "IndName")) or code,
            "Direction": direction,
            "Weight": weight,
            "Denominator": den,
            **dict(zip(agg_cols, parents, strict=True)),
        }
    for col in ind_cols:
        if col not in inds:
            report(
                gettext_noop("indicator %(code)s is in the data but not in InputIndMeta"),
                {"code": col},
                DATA,
                1,
                col,
            )
    for code, n in agg_rows.items():
        if code not in used:
            report(
                gettext_noop("aggregate %(code)s has no members"),
                {"code": code},
                AGG_META,
                n,
                "Code",
            )
    if agg_cols:
        tops = {i[agg_cols[-1]] for i in inds.values() if i[agg_cols[-1]]}
        if len(tops) > 1:
            report(
                gettext_noop("the last level %(column)s must name one index, not %(codes)s"),
                {"column": agg_cols[-1], "codes": ", ".join(sorted(tops))},
                IND_META,
                None,
                agg_cols[-1],
            )

    # InputDenominators: needed only when an indicator names a denominator
    denominators: dict[str, dict] = {}
    if dens is not None:
        for n, row in dens.rows:
            code = _text(dens.get(row, "UnitCode"))
            if code is None:
                continue
            denominators[code] = {}
            for col in den_cols:
                raw = dens.get(row, col)
                num = _number(raw)
                if num is None:
                    report(
                        gettext_noop("value %(value)s is not a number"),
                        {"value": raw},
                        DENOMS,
                        n,
                        col,
                    )
                denominators[code][col] = num if num is not None else math.nan
        if any(i["Denominator"] for i in inds.values()):
            for code in units:
                if code not in denominators:
                    report(
                        gettext_noop("unit %(code)s has no row in InputDenominators"),
                        {"code": code},
                        DENOMS,
                        None,
                        "UnitCode",
                    )
    if problems:
        raise DataError(problems)

    order = [c for c in ind_cols if c in inds]
    agg_order = list(aggs)
    return IndexData(
        units=pd.DataFrame.from_dict(units, orient="index").rename_axis("UnitCode"),
        values=pd.DataFrame.from_dict(values, orient="index")[order]
        .astype(float)
        .rename_axis("UnitCode"),
        indicators=pd.DataFrame.from_dict(inds, orient="index").loc[order].rename_axis("IndCode"),
        aggregates=pd.DataFrame.from_dict(aggs, orient="index").loc[agg_order].rename_axis("Code"),
        denominators=pd.DataFrame.from_dict(denominators, orient="index").rename_axis("UnitCode"),
    )


# --- output -----------------------------------------------------------------------------


def _number_or_none(value) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def to_json(result: Result) -> dict:
    """Scores and ranks of every unit at every aggregate, and the outlier treatment."""
    scores, ranks = result.scores, result.ranks[list(result.tree.aggregates)]
    names = result.data.units.get("UnitName", pd.Series(dtype=object))
    units = []
    for code in scores.index:
        units.append(
            {
                "code": code,
                "name": _text(names.get(code)) or code,
                "scores": {a: _number_or_none(float(v)) for a, v in scores.loc[code].items()},
                "ranks": {a: None if np.isnan(v) else int(v) for a, v in ranks.loc[code].items()},
            }
        )
    return {"units": units, "treatment": dict(result.treatment)}


def _with_ids(result: Result, frame: pd.DataFrame) -> pd.DataFrame:
    ids = result.data.units.reindex(frame.index)
    return pd.concat([ids, frame], axis=1).reset_index(names="UnitCode")


def write_workbook(result: Result, path: str | Path) -> None:
    """One sheet per stage (Data<Stage>, as COINr names them), plus Ranks and Treatment."""
    info = result.treat_info
    treatment = pd.DataFrame(
        {
            "IndCode": list(info.index),
            "Method": info["method"].to_list(),
            "Steps": info["steps"].to_list(),
            "Low": info["low"].to_list(),
            "High": info["high"].to_list(),
            "Treatment": [result.treatment[c] for c in info.index],
            "Log": ["; ".join(result.log[c]) for c in info.index],
        }
    )
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        for stage, frame in result.stages.items():
            _with_ids(result, frame).to_excel(xl, sheet_name=f"Data{stage}", index=False)
        _with_ids(result, result.ranks).to_excel(xl, sheet_name="Ranks", index=False)
        treatment.to_excel(xl, sheet_name="Treatment", index=False)


def write_input_workbook(data: IndexData, path: str | Path) -> None:
    """The input sheets `read_workbook` reads, from an IndexData (its exact inverse)."""
    ind = data.indicators
    meta = pd.DataFrame(
        {
            "IndCode": ind.index,
            "IndName": ind["Name"].to_list(),
            "Direction": ind["Direction"].to_list(),
            "IndWeight": ind["Weight"].to_list(),
            "Denominator": ind["Denominator"].to_list(),
            **{c: ind[c].to_list() for c in ind.columns if c.startswith("Agg")},
        }
    )
    aggs = data.aggregates
    agg_meta = pd.DataFrame(
        {
            "AgLevel": aggs["Level"].to_list(),
            "Code": aggs.index,
            "Name": aggs["Name"].to_list(),
            "Weight": aggs["Weight"].to_list(),
        }
    )
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        data.units.join(data.values).reset_index().to_excel(xl, sheet_name=DATA, index=False)
        meta.to_excel(xl, sheet_name=IND_META, index=False)
        agg_meta.to_excel(xl, sheet_name=AGG_META, index=False)
        data.denominators.reset_index().to_excel(xl, sheet_name=DENOMS, index=False)


def ranking_table(result: Result) -> str:
    """A plain-text ranking: rank, unit, index score and the scores one level below."""
    top = result.tree.top
    level = max(result.tree.levels[:-1], default=None)
    below = [
        a for a, lv in zip(result.tree.aggregates, result.tree.levels, strict=True) if lv == level
    ]
    cols = [top, *below]
    frame = result.scores[cols].copy()
    frame.insert(0, "Rank", result.ranks[top].astype("Int64"))
    names = result.data.units.get("UnitName")
    frame.insert(1, "Name", names.reindex(frame.index) if names is not None else frame.index)
    frame = frame.sort_values(["Rank", top], ascending=[True, False], na_position="last")
    return frame.to_string(float_format=lambda v: f"{v:.2f}", na_rep="-")


# --- command line -----------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser, _: Callable[[str], str] = lambda s: s) -> None:
    """The command-line options; `_` translates help texts (the Django command passes one)."""
    parser.add_argument("workbook", help=_("workbook in the COINr layout (InputIndData, ...)"))
    parser.add_argument("--group", help=_("unit column grouping the imputation, e.g. Group_GDP"))
    parser.add_argument(
        "--winmax",
        type=int,
        help=_("most winsorisation steps per indicator (default: 10%% of units)"),
    )
    parser.add_argument("--impute", choices=IMPUTATIONS, default="group_mean", help=_("imputation"))
    parser.add_argument("--no-treat", action="store_true", help=_("skip outlier treatment"))
    parser.add_argument(
        "--normalise", choices=NORMALISATIONS, default="minmax", help=_("normalisation")
    )
    parser.add_argument(
        "--aggregate", choices=AGGREGATIONS, default="arithmetic", help=_("aggregation")
    )
    parser.add_argument(
        "--dat-thresh",
        type=float,
        default=0.0,
        help=_("share of an aggregate's members that must have data (0 to 1)"),
    )
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help=_("print scores and ranks as JSON"))
    out.add_argument("-o", "--output", help=_("write every stage to this .xlsx workbook"))


def run(options: dict, stdout: IO[str], stderr: IO[str]) -> int:
    """Compute the index for parsed options; 0 on success, 2 when the input was rejected."""
    settings = Settings(
        impute=options["impute"],
        group=options.get("group"),
        treat=not options.get("no_treat"),
        winmax=options.get("winmax"),
        normalise=options["normalise"],
        aggregate=options["aggregate"],
        dat_thresh=options.get("dat_thresh") or 0.0,
    )
    try:
        result = compute(read_workbook(options["workbook"]), settings)
    except DataError as exc:
        for problem in exc.problems:
            stderr.write(f"{problem}\n")
        return 2
    if options.get("json"):
        stdout.write(json.dumps(to_json(result), ensure_ascii=False, indent=1) + "\n")
    elif options.get("output"):
        write_workbook(result, options["output"])
        stdout.write(f"{options['output']}\n")
    else:
        stdout.write(ranking_table(result) + "\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    """`python -m stihub.engines.composite WORKBOOK.xlsx [options]`."""
    parser = argparse.ArgumentParser(prog="stihub index", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(vars(parser.parse_args(argv)), sys.stdout, sys.stderr)
