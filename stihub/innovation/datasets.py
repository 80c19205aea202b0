"""Index datasets: read a stored workbook, compute it with the engine, cache what pages show.

Parsed data and computed results are kept per process, keyed by the workbook checksum and settings,
so a page view after the first one does not re-read or recompute; the file is read from storage
only when the process has not parsed it yet.
"""

import hashlib
import io
import math
from collections import OrderedDict

import pandas as pd
from django.core.files.base import ContentFile
from django.db import transaction

from stihub.core.uploads import index_limits
from stihub.engines.composite import IndexData, Result, Settings, compute
from stihub.engines.composite_analysis import correlations, cronbach_alpha, members, uncertainty
from stihub.engines.composite_io import read_workbook, to_json

from .models import IndexDataset

SETTING_KEYS = ("group", "winmax")  # the settings a user chooses on upload
UNCERTAINTY_RUNS = 300
UNCERTAINTY_SEED = 2030
_CACHE_SIZE = 8
_data_cache: OrderedDict = OrderedDict()
_result_cache: OrderedDict = OrderedDict()


def _remember(cache: OrderedDict, key, make):
    if key in cache:
        cache.move_to_end(key)
        return cache[key]
    value = cache[key] = make()
    if len(cache) > _CACHE_SIZE:
        cache.popitem(last=False)
    return value


def read_bytes(content: bytes) -> IndexData:
    """Parse workbook bytes within the settings' limits; DataError with every located problem."""
    return read_workbook(io.BytesIO(content), index_limits())


def engine_settings(stored: dict) -> Settings:
    return Settings(**{k: stored[k] for k in SETTING_KEYS if stored.get(k) is not None})


def _stored_bytes(dataset: IndexDataset) -> bytes:
    with dataset.workbook.open("rb") as stored:
        return stored.read()


def dataset_data(dataset: IndexDataset) -> IndexData:
    return _remember(_data_cache, dataset.sha256, lambda: read_bytes(_stored_bytes(dataset)))


def indicators(dataset: IndexDataset) -> list[dict]:
    """Every indicator as pages show it: code, name (the workbook's IndName, else the code) and
    whether a lower raw value is better (Direction -1)."""
    meta = dataset_data(dataset).indicators
    return [
        {"code": c, "name": _name(meta, c), "lower_is_better": meta.at[c, "Direction"] == -1}
        for c in meta.index
    ]


def dataset_result(dataset: IndexDataset) -> Result:
    key = (dataset.sha256, tuple(sorted(dataset.settings.items())))
    return _remember(
        _result_cache,
        key,
        lambda: compute(dataset_data(dataset), engine_settings(dataset.settings)),
    )


def _levels_shown(result: Result) -> list[str]:
    """Aggregates shown as columns: the two levels below the index (sub-indices, pillars),
    each sub-index followed by its pillars."""
    tree = result.tree
    top_level = tree.levels[-1]
    level = dict(zip(tree.aggregates, tree.levels, strict=True))
    parent = tree.parent()
    out = []
    for code in tree.aggregates:
        if level[code] == top_level - 1:
            out.append(code)
            out += [a for a in tree.aggregates if parent.get(a) == code and level[a] >= 2]
    return out


def summarise(result: Result) -> dict:
    """What the pages show, as JSON: units with scores and ranks, the hierarchy, treatment."""
    out = to_json(result)
    tree, meta, aggs = result.tree, result.data.indicators, result.data.aggregates
    parent = tree.parent()
    out["index"] = tree.top
    out["columns"] = _levels_shown(result)
    out["aggregates"] = [
        {"code": a, "name": _name(aggs, a), "level": lv, "parent": parent.get(a)}
        for a, lv in zip(tree.aggregates, tree.levels, strict=True)
    ]
    out["indicators"] = [
        {"code": c, "name": _name(meta, c), "parent": parent.get(c)} for c in tree.indicators
    ]
    out["units"].sort(key=lambda u: (u["ranks"].get(tree.top) or math.inf, u["code"]))
    out.update(_diagnostics(result))
    return out


def _diagnostics(result: Result) -> dict:
    """What the ranking page explains, computed once per dataset: the outlier treatment of each
    treated indicator, and each aggregate's coherence (members, Cronbach's alpha, weakest
    member-to-aggregate correlation)."""
    alpha = cronbach_alpha(result)
    weakest = correlations(result).groupby("parent")["r"].min()
    return {
        "treated": [
            {
                "code": code,
                "method": row["method"],
                "steps": int(row["steps"]),
                "high": int(row["high"]),
                "low": int(row["low"]),
            }
            for code, row in result.treat_info.iterrows()
            if row["method"] != "none"
        ],
        "coherence": [
            {
                "code": code,
                "members": len(members(result, code)),
                "alpha": _number(alpha.get(code)),
                "weakest": _number(weakest.get(code)),
            }
            for code in result.tree.aggregates
        ],
    }


def _number(value) -> float | None:
    return None if value is None or value != value else float(value)


def diagnostics(dataset: IndexDataset) -> dict:
    """The dataset's outlier treatment and coherence (see `_diagnostics`). Stored in `results`
    at upload; a dataset stored before that computes them once here and keeps them."""
    if "coherence" not in dataset.results or "treated" not in dataset.results:
        dataset.results.update(_diagnostics(dataset_result(dataset)))
        # A derived cache, not a user's change: written without a history record, and only if
        # the dataset was not replaced meanwhile (update() leaves updated_at as it was).
        IndexDataset.objects.filter(pk=dataset.pk, updated_at=dataset.updated_at).update(
            results=dataset.results
        )
    return {k: dataset.results[k] for k in ("treated", "coherence")}


def _name(frame: pd.DataFrame, code: str) -> str:
    value = frame["Name"].get(code) if "Name" in frame.columns else None
    return str(value) if isinstance(value, str) and value.strip() else code


@transaction.atomic
def store_dataset(
    content: bytes,
    filename: str,
    *,
    code,
    year,
    title,
    chosen: dict,
    province_unit,
    user,
    is_sample=False,
    is_official=False,
) -> IndexDataset:
    """Check and compute the workbook, then store it with its results; DataError stores nothing.

    An existing dataset of the same code and year is replaced; its history names the old file,
    which stays on storage.
    """
    data = read_bytes(content)
    stored = {k: chosen.get(k) for k in SETTING_KEYS if chosen.get(k) not in (None, "")}
    result = compute(data, engine_settings(stored))
    values = {
        "title": title,
        "workbook": ContentFile(content, name=filename),
        "sha256": hashlib.sha256(content).hexdigest(),
        "filename": filename,
        "settings": stored,
        "results": summarise(result),
        "province_unit": province_unit,
        "uploaded_by": user,
        "is_sample": is_sample,
        "is_official": is_official,
    }
    dataset, _created = IndexDataset.objects.update_or_create(code=code, year=year, defaults=values)
    return dataset


def unit_uncertainty(dataset: IndexDataset, unit: str) -> dict | None:
    """A unit's rank interval (nominal, median, q05, q95), computed once and then cached."""
    cached = dataset.results.get("uncertainty")
    if cached is None:
        try:
            summary = uncertainty(
                dataset_data(dataset),
                engine_settings(dataset.settings),
                runs=UNCERTAINTY_RUNS,
                seed=UNCERTAINTY_SEED,
            ).summary
        except ValueError:  # e.g. data a geometric mean cannot take; the page says so
            cached = {}
        else:
            cached = {
                code: {k: _whole(row[k]) for k in ("nominal", "median", "q05", "q95")}
                for code, row in summary.iterrows()
            }
        dataset.results["uncertainty"] = cached
        # A derived cache, not a user's change: written without a history record, and only if
        # the dataset was not replaced meanwhile (update() leaves updated_at as it was).
        IndexDataset.objects.filter(pk=dataset.pk, updated_at=dataset.updated_at).update(
            results=dataset.results
        )
    return cached.get(unit)


def _whole(value) -> float | None:
    return None if value is None or value != value else round(float(value), 1)


def unit_entry(dataset: IndexDataset, unit: str) -> dict | None:
    return next((u for u in dataset.results.get("units", []) if u["code"] == unit), None)


def rank_path(dataset: IndexDataset, unit: str) -> list[tuple[int, int, float]]:
    """(year, rank, score) of a unit in every dataset of the same index, oldest first."""
    path = []
    for other in (
        IndexDataset.objects.filter(code=dataset.code).order_by("year").only("year", "results")
    ):
        entry = unit_entry(other, unit)
        top = other.results.get("index")
        if entry and entry["ranks"].get(top) is not None:
            path.append((other.year, entry["ranks"][top], entry["scores"].get(top)))
    return path
