"""Small composite-index inputs built in code: IndexData objects and COINr-layout workbooks."""

from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

from stihub.engines.composite import IndexData

# COINr's worked example (CC0), vendored so a fresh clone runs the reference tests.
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures/composite-index/ASEM_results.xlsx"


def index_data(
    values: dict[str, list[float]],
    parents: dict[str, str],
    *,
    directions: dict[str, int] | None = None,
    weights: dict[str, float] | None = None,
    groups: list[str] | None = None,
) -> IndexData:
    """Indicators (code -> one value per unit) under one level of aggregates and an Index.

    `parents` maps each indicator to its aggregate; every aggregate belongs to "Index".
    Units are U01, U02, ...
    """
    n = len(next(iter(values.values())))
    codes = [f"U{i + 1:02d}" for i in range(n)]
    units = pd.DataFrame({"UnitName": [f"Unit {c}" for c in codes]}, index=codes)
    if groups is not None:
        units["Group_G"] = groups
    weights = weights or {}
    inds = pd.DataFrame(
        {
            "Name": list(values),
            "Direction": [(directions or {}).get(c, 1) for c in values],
            "Weight": [weights.get(c, 1.0) for c in values],
            "Denominator": [None] * len(values),
            "Agg1": [parents[c] for c in values],
            "Agg2": ["Index"] * len(values),
        },
        index=list(values),
    )
    agg_codes = list(dict.fromkeys(parents.values()))
    aggs = pd.DataFrame(
        {
            "Level": [2] * len(agg_codes) + [3],
            "Name": [*agg_codes, "Index"],
            "Weight": [weights.get(a, 1.0) for a in agg_codes] + [1.0],
        },
        index=[*agg_codes, "Index"],
    )
    return IndexData(
        units.rename_axis("UnitCode"),
        pd.DataFrame(values, index=codes, dtype=float).rename_axis("UnitCode"),
        inds.rename_axis("IndCode"),
        aggs.rename_axis("Code"),
    )


def random_data(n_units: int = 20, seed: int = 3) -> IndexData:
    """Six indicators (one lower-is-better) in two aggregates, smooth random values."""
    rng = np.random.default_rng(seed)
    values = {f"i{k}": list(rng.uniform(10, 90, n_units).round(2)) for k in range(1, 7)}
    parents = {"i1": "A", "i2": "A", "i3": "A", "i4": "B", "i5": "B", "i6": "B"}
    return index_data(values, parents, directions={"i5": -1}, weights={"i1": 2.0, "A": 1.5})


def workbook_sheets() -> dict[str, list[list]]:
    """A valid workbook's content, sheet -> rows (header first): 4 units, 3 indicators."""
    return {
        "InputIndData": [
            ["UnitCode", "UnitName", "Group_Size", "Pat", "RnD", "Exports"],
            ["HN", "Ha Noi", "L", 120, 3.1, 50],
            ["NA", "Nghe An", "M", 14, 0.8, None],
            ["HT", "Ha Tinh", "S", 5, 0.5, 9],
            ["DN", "Da Nang", "M", 40, 1.9, 22],
        ],
        "InputIndMeta": [
            ["IndName", "IndCode", "Direction", "IndWeight", "Denominator", "Agg1", "Agg2"],
            ["Patents", "Pat", 1, 1, "Den_Pop", "Know", "Index"],
            ["R&D spending", "RnD", 1, 1, None, "Know", "Index"],
            ["Exports", "Exports", 1, 2, None, "Market", "Index"],
        ],
        "InputAggMeta": [
            ["AgLevel", "Code", "Name", "Weight"],
            [2, "Know", "Knowledge", 1],
            [2, "Market", "Market", 1],
            [3, "Index", "Index", 1],
        ],
        "InputDenominators": [
            ["UnitCode", "Den_Pop"],
            ["HN", 8.4],
            ["NA", 3.4],
            ["HT", 1.3],
            ["DN", 1.2],
        ],
    }


def write_sheets(path: Path, sheets: dict[str, list[list]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path
