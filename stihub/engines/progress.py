"""The progress engine: how far each target of a resolution is, and why. Pure Python.

For a target with baseline (b, v_b), latest observation (t, v_t) with t ≤ as-of and target
(T, v*), the status is one of STATUSES:

- insufficient_data: no observation after the baseline year (cumulative: none from count_from);
- achieved: v_t already meets v* in the target's direction (rank: v_t ≤ v*; cumulative: S_t ≥ v*);
- unsd2023 (default): v_T = v_t·(v_t/v_b)^((T−t)/(t−b)) when v_b, v_t > 0, else the straight
  line through (b, v_b) and (t, v_t); ratio = (v_T − v_b)/(v* − v_b); thresholds 0.95 / 0.10 / 0;
- cagr_ratio (Statistics Canada, Open SDG): ratio = d·CAGR_observed/|CAGR_required|, d = +1 for
  increase, −1 for decrease; thresholds 0.95 / 0.60 / 0. When a CAGR is undefined (v_b, v_t or
  v* ≤ 0) the yearly linear changes (v_t − v_b)/(t − b) and (v* − v_b)/(T − b) replace the
  growth rates, and the result says so (`rate_basis = "linear"`);
- multiple_of_baseline: v* = factor·v_b, then as the target's method;
- cumulative: yearly counts from count_from (earlier years ignored), S_t = their sum,
  years counted = t − count_from + 1 (a missing year counts as zero),
  projected = S_t + (S_t / years counted)·(T − t), ratio = projected / v*; thresholds of unsd2023;
- rank (lower is better): projected = least-squares line through (b, v_b) and every later
  observation, at T, not below 1; ratio = (v_b − projected)/(v_b − v*); thresholds of unsd2023.

Further decisions: observations after as-of and disaggregated rows (non-empty area) are
ignored; a baseline value written in the resolution wins over the observation of that year;
once t ≥ T nothing is projected (projected = v_t, or S_t); when v* equals v_b the distance is
zero, the ratio is undefined (None) and a target not achieved is regressing; the projection of
an ordinal level (a target with a `scale`) is held within the scale.

Every result carries the numbers it was computed from, and an explanation: a tuple of
sentences, each an English template marked with gettext_noop plus raw params (numbers are not
formatted: the web layer localises them, e.g. 1.234,5, then interpolates the translated
template). `pct` params are percentages (ratio × 100).

Command line: `python -m stihub.engines.progress RESOLUTION.yaml OBSERVATIONS.csv [--as-of
YEAR] [--json]` (also `stihub progress ...`); exit status 2 on bad input.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields

from stihub.engines.observations import ObservationRow
from stihub.engines.problems import gettext_noop
from stihub.engines.resolution import ResolutionSpec, TargetSpec
from stihub.engines.vocabulary import Status

ACHIEVED = Status.ACHIEVED.value
ON_TRACK = Status.ON_TRACK.value
ACCELERATION_NEEDED = Status.ACCELERATION_NEEDED.value
STAGNATING = Status.STAGNATING.value
REGRESSING = Status.REGRESSING.value
INSUFFICIENT_DATA = Status.INSUFFICIENT_DATA.value
STATUSES = tuple(s.value for s in Status)

# (on_track from, acceleration_needed from, stagnating from); below the last: regressing.
THRESHOLDS = {"unsd2023": (0.95, 0.10, 0.0), "cagr_ratio": (0.95, 0.60, 0.0)}


def fmt(value) -> str:
    """Plain English-style rendering for the command line; the web layer localises instead."""
    if isinstance(value, bool) or not isinstance(value, float | int):
        return str(value)
    if float(value).is_integer():
        return str(int(value))
    if abs(value) >= 1:
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{value:.3g}"


@dataclass(frozen=True)
class Explanation:
    """One sentence of an explanation: an untranslated template and its raw params."""

    template: str
    params: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        return self.template % {k: fmt(v) for k, v in self.params.items()}


@dataclass(frozen=True)
class Progress:
    """The progress of one target and every number it was computed from."""

    code: str
    indicator: str
    kind: str
    direction: str
    method: str
    status: str
    as_of: int | None
    target_year: int
    target_value: float | None  # for multiple_of_baseline: factor × baseline, once known
    target_upper: float | None = None
    factor: float | None = None
    baseline_year: int | None = None
    baseline_value: float | None = None
    baseline_source: str | None = None  # resolution | observation (of the baseline year) | earliest
    latest_year: int | None = None
    latest_value: float | None = None
    projected: float | None = None
    # geometric | linear | least_squares | average_pace | none (target year reached)
    projection: str | None = None
    ratio: float | None = None
    thresholds: tuple[float, float, float] | None = None
    cagr_observed: float | None = None  # cagr_ratio: observed yearly rate (CAGR or linear)
    cagr_required: float | None = None
    rate_basis: str | None = None  # cagr_ratio: cagr | linear (fallback when a value ≤ 0)
    slope: float | None = None  # rank: ranks per year of the least-squares line
    clipped: bool = False  # held at rank 1 (rank) or within the scale (ordinal level)
    count_from: int | None = None
    cumulative_sum: float | None = None
    years_counted: int | None = None
    observations: tuple[tuple[int, float], ...] = ()  # (year, value) used in the computation
    explanation: tuple[Explanation, ...] = ()

    def to_dict(self) -> dict:
        # shallow on purpose: dataclasses.asdict deep-copies and costs 8× the whole computation
        data = {name: getattr(self, name) for name in _PROGRESS_FIELDS}
        data["latest"] = (
            {"year": self.latest_year, "value": self.latest_value}
            if self.latest_year is not None
            else None
        )
        data["baseline"] = (
            {
                "year": self.baseline_year,
                "value": self.baseline_value,
                "source": self.baseline_source,
            }
            if self.baseline_year is not None
            else None
        )
        for key in ("latest_year", "latest_value", "baseline_year", "baseline_value"):
            del data[key]
        del data["baseline_source"]
        data["thresholds"] = (
            dict(
                zip(("on_track", "acceleration_needed", "stagnating"), self.thresholds, strict=True)
            )
            if self.thresholds
            else None
        )
        data["observations"] = [[y, v] for y, v in self.observations]
        data["explanation"] = [
            {"template": e.template, "params": dict(e.params), "text": e.message}
            for e in self.explanation
        ]
        return data

    @property
    def text(self) -> str:
        return " ".join(e.message for e in self.explanation)


_PROGRESS_FIELDS = tuple(f.name for f in fields(Progress))


def _series(observations: Iterable, as_of: int | None) -> list[tuple[int, float]]:
    """Headline (year, value) pairs up to as_of, sorted; accepts ObservationRows or pairs."""
    points: dict[int, float] = {}
    for obs in observations:
        if isinstance(obs, tuple):
            year, value = obs[0], obs[1]
        else:
            if obs.area:
                continue
            year, value = obs.year, obs.value
        if as_of is None or year <= as_of:
            points[int(year)] = float(value)
    return sorted(points.items())


def _status(ratio: float | None, thresholds) -> str:
    if ratio is None:
        return REGRESSING
    on_track, acceleration, stagnating = thresholds
    if ratio >= on_track:
        return ON_TRACK
    if ratio >= acceleration:
        return ACCELERATION_NEEDED
    if ratio >= stagnating:
        return STAGNATING
    return REGRESSING


def _threshold_sentence(thresholds) -> Explanation:
    return Explanation(
        gettext_noop(
            "A ratio of at least %(on_track)s is on track, at least %(acceleration)s needs"
            " acceleration, at least %(stagnating)s is stagnating, below that is regressing."
        ),
        dict(zip(("on_track", "acceleration", "stagnating"), thresholds, strict=True)),
    )


def compute_progress(
    target: TargetSpec, observations: Iterable, as_of: int | None = None
) -> Progress:
    """Progress of `target` from its indicator's observations (ObservationRow or (year, value))."""
    series = _series(observations, as_of)
    base = {
        "code": target.code,
        "indicator": target.indicator,
        "kind": target.kind,
        "direction": target.direction,
        "method": target.method,
        "as_of": as_of,
        "target_year": target.target_year,
        "target_value": target.target_value,
        "target_upper": target.upper,
        "factor": target.factor,
    }
    if target.kind == "cumulative":
        return _cumulative(target, series, base)

    said: list[Explanation] = []
    if target.baseline_year is not None:
        b = target.baseline_year
        if target.baseline_value is not None:
            vb, source = target.baseline_value, "resolution"
            said.append(
                Explanation(
                    gettext_noop(
                        "Baseline %(baseline)s in %(baseline_year)s, as set in the resolution."
                    ),
                    {"baseline": vb, "baseline_year": b},
                )
            )
        else:
            vb, source = dict(series).get(b), "observation"
            if vb is None:
                return Progress(
                    **base,
                    status=INSUFFICIENT_DATA,
                    baseline_year=b,
                    explanation=(
                        Explanation(
                            gettext_noop(
                                "There is no observation for the baseline year %(baseline_year)s,"
                                " so progress cannot be measured yet."
                            ),
                            {"baseline_year": b},
                        ),
                    ),
                )
            said.append(
                Explanation(
                    gettext_noop("Baseline %(baseline)s, observed in %(baseline_year)s."),
                    {"baseline": vb, "baseline_year": b},
                )
            )
    elif series:
        (b, vb), source = series[0], "earliest"
        said.append(
            Explanation(
                gettext_noop(
                    "Baseline %(baseline)s in %(baseline_year)s, the earliest observation."
                ),
                {"baseline": vb, "baseline_year": b},
            )
        )
    else:
        return Progress(
            **base,
            status=INSUFFICIENT_DATA,
            explanation=(
                Explanation(
                    gettext_noop("There is no observation of %(indicator)s yet."),
                    {"indicator": target.indicator},
                ),
            ),
        )
    base.update(baseline_year=b, baseline_value=vb, baseline_source=source)
    later = [(y, v) for y, v in series if y > b]
    if not later:
        return Progress(
            **base,
            status=INSUFFICIENT_DATA,
            observations=((b, vb),),
            explanation=(
                *said,
                Explanation(
                    gettext_noop(
                        "There is no observation after the baseline year %(baseline_year)s,"
                        " so progress cannot be measured yet."
                    ),
                    {"baseline_year": b},
                ),
            ),
        )
    t, vt = later[-1]
    base.update(latest_year=t, latest_value=vt)
    if target.kind == "multiple_of_baseline":
        vstar = target.factor * vb
        base["target_value"] = vstar
        said.append(
            Explanation(
                gettext_noop(
                    "The target is %(factor)s times the baseline: %(target)s by %(target_year)s."
                ),
                {"factor": target.factor, "target": vstar, "target_year": target.target_year},
            )
        )
    else:
        vstar = target.target_value
    if target.scale:
        said.append(_scale_sentence(target, vt, vstar))

    lower_is_better = target.kind == "rank" or target.direction == "decrease"
    if (vt <= vstar) if lower_is_better else (vt >= vstar):
        return Progress(
            **base,
            status=ACHIEVED,
            observations=((b, vb), (t, vt)),
            explanation=(
                *said,
                Explanation(
                    gettext_noop(
                        "Latest value %(latest)s in %(year)s already meets the target %(target)s"
                        " set for %(target_year)s."
                    ),
                    {"latest": vt, "year": t, "target": vstar, "target_year": target.target_year},
                ),
            ),
        )
    if target.kind == "rank":
        return _rank(target, base, said, b, vb, later, vstar)
    if target.method == "cagr_ratio":
        return _cagr(target, base, said, b, vb, t, vt, vstar)
    return _unsd(target, base, said, b, vb, t, vt, vstar)


def _scale_sentence(target: TargetSpec, vt: float, vstar: float) -> Explanation:
    def label(value):
        i = round(value)
        return target.scale[i - 1] if value == i and 1 <= i <= len(target.scale) else value

    return Explanation(
        gettext_noop(
            'On the scale %(scale)s the latest level is "%(latest_label)s" and the target is'
            ' "%(target_label)s".'
        ),
        {
            "scale": " < ".join(target.scale),
            "latest_label": label(vt),
            "target_label": label(vstar),
        },
    )


def _zero_distance(base, said, thresholds, observations) -> Progress:
    return Progress(
        **base,
        status=REGRESSING,
        thresholds=thresholds,
        observations=observations,
        explanation=(
            *said,
            Explanation(
                gettext_noop(
                    "The target equals the baseline, so there is no distance to cover, and the"
                    " latest value %(latest)s in %(year)s falls short of it."
                ),
                {"latest": base["latest_value"], "year": base["latest_year"]},
            ),
        ),
    )


def _unsd(target, base, said, b, vb, t, vt, vstar) -> Progress:
    T = target.target_year
    thresholds = THRESHOLDS["unsd2023"]
    if vstar == vb:
        return _zero_distance(base, said, thresholds, ((b, vb), (t, vt)))
    projection = "linear"
    if t >= T:
        projected, projection = vt, "none"
    else:
        projected = None
        if vb > 0 and vt > 0:
            try:
                projected, projection = vt * (vt / vb) ** ((T - t) / (t - b)), "geometric"
            except OverflowError:
                projected = None
        if projected is None:
            projected = vt + (vt - vb) * (T - t) / (t - b)
    clipped = False
    if target.scale:  # an ordinal level cannot leave its scale
        bounded = min(max(projected, 1.0), float(len(target.scale)))
        projected, clipped = bounded, bounded != projected
    ratio = (projected - vb) / (vstar - vb)
    params = {
        "latest": vt,
        "year": t,
        "target_year": T,
        "projected": projected,
        "pct": ratio * 100,
        "target": vstar,
    }
    if projection == "none":
        sentence = gettext_noop(
            "The target year %(target_year)s has been reached: the latest value %(latest)s in"
            " %(year)s covers %(pct)s%% of the distance from the baseline to the target %(target)s."
        )
    else:
        sentence = gettext_noop(
            "Latest value %(latest)s in %(year)s; at the observed pace the value in"
            " %(target_year)s would be %(projected)s, which covers %(pct)s%% of the distance from"
            " the baseline to the target %(target)s."
        )
    sentences = [*said, Explanation(sentence, params)]
    if projection == "linear":
        sentences.append(
            Explanation(
                gettext_noop(
                    "Because a value is zero or negative, the pace is the straight line through the"
                    " baseline and the latest value, not a constant growth rate."
                )
            )
        )
    if clipped:
        sentences.append(
            Explanation(
                gettext_noop("The projection is held within the scale, 1 to %(size)s."),
                {"size": len(target.scale)},
            )
        )
    sentences.append(_threshold_sentence(thresholds))
    return Progress(
        **base,
        status=_status(ratio, thresholds),
        projected=projected,
        projection=projection,
        ratio=ratio,
        thresholds=thresholds,
        clipped=clipped,
        observations=((b, vb), (t, vt)),
        explanation=tuple(sentences),
    )


def _cagr(target, base, said, b, vb, t, vt, vstar) -> Progress:
    T = target.target_year
    thresholds = THRESHOLDS["cagr_ratio"]
    if vstar == vb:
        return _zero_distance(base, said, thresholds, ((b, vb), (t, vt)))
    if vb > 0 and vt > 0 and vstar > 0:
        basis = "cagr"
        observed = (vt / vb) ** (1 / (t - b)) - 1
        required = (vstar / vb) ** (1 / (T - b)) - 1
    else:
        basis = "linear"
        observed = (vt - vb) / (t - b)
        required = (vstar - vb) / (T - b)
    d = 1 if target.direction == "increase" else -1
    ratio = d * observed / abs(required)
    if t >= T:
        projected, projection = vt, "none"
    elif basis == "cagr":
        try:
            projected, projection = vb * (1 + observed) ** (T - b), "geometric"
        except OverflowError:
            projected, projection = vt + (vt - vb) * (T - t) / (t - b), "linear"
    else:
        projected, projection = vb + observed * (T - b), "linear"
    params = {
        "latest": vt,
        "year": t,
        "baseline_year": b,
        "target": vstar,
        "target_year": T,
        "ratio": ratio,
        "projected": projected,
    }
    if basis == "cagr":
        params.update(observed=observed * 100, required=required * 100)
        sentence = gettext_noop(
            "Latest value %(latest)s in %(year)s: the value changed by %(observed)s%% a year since"
            " %(baseline_year)s, while reaching %(target)s by %(target_year)s needs %(required)s%%"
            " a year; the ratio of the two rates is %(ratio)s."
        )
    else:
        params.update(observed=observed, required=required)
        sentence = gettext_noop(
            "Latest value %(latest)s in %(year)s. A compound growth rate is undefined because a"
            " value is zero or negative, so yearly straight-line changes are compared: observed"
            " %(observed)s a year since %(baseline_year)s, needed %(required)s a year to reach"
            " %(target)s by %(target_year)s; the ratio of the two is %(ratio)s."
        )
    return Progress(
        **base,
        status=_status(ratio, thresholds),
        projected=projected,
        projection=projection,
        ratio=ratio,
        thresholds=thresholds,
        cagr_observed=observed,
        cagr_required=required,
        rate_basis=basis,
        observations=((b, vb), (t, vt)),
        explanation=(*said, Explanation(sentence, params), _threshold_sentence(thresholds)),
    )


def _rank(target, base, said, b, vb, later, vstar) -> Progress:
    T = target.target_year
    thresholds = THRESHOLDS["unsd2023"]
    points = ((b, vb), *later)
    t, vt = later[-1]
    if vstar == vb:
        return _zero_distance(base, said, thresholds, points)
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / sxx
    clipped = False
    if t >= T:
        projected, projection = vt, "none"
    else:
        raw = mean_y + slope * (T - mean_x)
        projected, projection, clipped = max(1.0, raw), "least_squares", raw < 1
    ratio = (vb - projected) / (vb - vstar)
    sentences = [
        *said,
        Explanation(
            gettext_noop(
                "Latest rank %(latest)s in %(year)s; the least-squares trend through the %(n)s"
                " ranks since %(baseline_year)s (%(slope)s a year) gives rank %(projected)s in"
                " %(target_year)s, which covers %(pct)s%% of the way from rank %(baseline)s to"
                " rank %(target)s."
            ),
            {
                "latest": vt,
                "year": t,
                "n": n,
                "baseline_year": b,
                "slope": slope,
                "projected": projected,
                "target_year": T,
                "pct": ratio * 100,
                "baseline": vb,
                "target": vstar,
            },
        ),
    ]
    if clipped:
        sentences.append(
            Explanation(gettext_noop("The trend passes rank 1, so it is held at rank 1, the best."))
        )
    sentences.append(_threshold_sentence(thresholds))
    return Progress(
        **base,
        status=_status(ratio, thresholds),
        projected=projected,
        projection=projection,
        ratio=ratio,
        thresholds=thresholds,
        slope=slope,
        clipped=clipped,
        observations=points,
        explanation=tuple(sentences),
    )


def _cumulative(target, series, base) -> Progress:
    T, vstar, start = target.target_year, target.target_value, target.count_from
    base["count_from"] = start
    counted = tuple((y, v) for y, v in series if y >= start)
    if not counted:
        return Progress(
            **base,
            status=INSUFFICIENT_DATA,
            explanation=(
                Explanation(
                    gettext_noop("There is no yearly count from %(count_from)s onwards yet."),
                    {"count_from": start},
                ),
            ),
        )
    t = counted[-1][0]
    total = sum(v for _, v in counted)
    years = t - start + 1
    base.update(
        latest_year=t, latest_value=counted[-1][1], cumulative_sum=total, years_counted=years
    )
    said = []
    if target.upper is not None:
        said.append(
            Explanation(
                gettext_noop(
                    "The target is a range from %(target)s to %(upper)s; %(target)s meets it."
                ),
                {"target": vstar, "upper": target.upper},
            )
        )
    if total >= vstar:
        return Progress(
            **base,
            status=ACHIEVED,
            observations=counted,
            explanation=(
                Explanation(
                    gettext_noop(
                        "The total %(total)s counted from %(count_from)s to %(year)s already meets"
                        " the target %(target)s."
                    ),
                    {"total": total, "count_from": start, "year": t, "target": vstar},
                ),
                *said,
            ),
        )
    thresholds = THRESHOLDS["unsd2023"]
    projected = total if t >= T else total + total / years * (T - t)
    ratio = projected / vstar
    return Progress(
        **base,
        status=_status(ratio, thresholds),
        projected=projected,
        projection="none" if t >= T else "average_pace",
        ratio=ratio,
        thresholds=thresholds,
        observations=counted,
        explanation=(
            Explanation(
                gettext_noop(
                    "%(total)s counted in the %(years)s years from %(count_from)s to %(year)s; at"
                    " that average pace the total by %(target_year)s would be %(projected)s, which"
                    " is %(pct)s%% of the target %(target)s."
                ),
                {
                    "total": total,
                    "years": years,
                    "count_from": start,
                    "year": t,
                    "target_year": T,
                    "projected": projected,
                    "pct": ratio * 100,
                    "target": vstar,
                },
            ),
            *said,
            _threshold_sentence(thresholds),
        ),
    )


def evaluate(
    resolution: ResolutionSpec, rows: Iterable[ObservationRow], as_of: int | None = None
) -> dict:
    """Progress of every target of `resolution`, as the JSON-ready dict `stihub progress` prints."""
    by_indicator: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for row in rows:
        if not row.area and (as_of is None or row.year <= as_of):
            by_indicator[row.indicator].append((row.year, row.value))
    targets = []
    for target in resolution.targets:
        progress = compute_progress(target, by_indicator.get(target.indicator, ()), as_of)
        targets.append(
            {
                "code": target.code,
                "title": target.title,
                "unit": target.unit,
                "agency": target.agency,
                **progress.to_dict(),
            }
        )
    return {
        "resolution": resolution.code,
        "title": resolution.title,
        "as_of": as_of,
        "targets": targets,
    }
