"""Charts drawn on the server as SVG: no JavaScript, no CDN, the same on screen and in print."""

import math

from django.utils.html import escape
from django.utils.safestring import mark_safe

from stihub.core.formatting import num

from .choices import TargetKind

SERIES = "#0b5cad"
TARGET = "#1a7f37"
PROJECTION = "#8250df"


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2 or 5 × 10^k apart) covering [lo, hi]."""
    if hi <= lo:
        hi = lo + (abs(lo) or 1.0)
    raw = (hi - lo) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(lo / step) * step
    return [first + i * step for i in range(int(math.ceil((hi - first) / step)) + 1)]


def _scale(lo: float, hi: float, a: float, b: float):
    span = (hi - lo) or 1.0
    return lambda v: a + (v - lo) * (b - a) / span


def sparkline(points: list[tuple[int, float]], invert: bool = False, width=120, height=28):
    """A small line of the headline series; `invert` puts low values on top (ranks)."""
    if len(points) < 2:
        return ""
    years = [p[0] for p in points]
    values = [p[1] for p in points]
    x = _scale(min(years), max(years), 2, width - 2)
    top, bottom = (2, height - 2) if not invert else (height - 2, 2)
    y = _scale(min(values), max(values), bottom, top)
    path = " ".join(f"{x(a):.1f},{y(v):.1f}" for a, v in points)
    last = points[-1]
    return mark_safe(
        f'<svg class="sparkline" width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        f' role="img" aria-hidden="true"><polyline fill="none" stroke="{SERIES}" stroke-width="1.5"'
        f' points="{path}"/><circle cx="{x(last[0]):.1f}" cy="{y(last[1]):.1f}" r="2.2"'
        f' fill="{SERIES}"/></svg>'
    )


def target_chart(
    points: list[tuple[int, float]],
    target: tuple[int, float] | None,
    projection: tuple[int, float] | None,
    *,
    title: str,
    invert: bool = False,
    width=720,
    height=300,
):
    """History, target and projection to the target year, with labelled axes."""
    latest = points[-1] if points else None
    xs = [p[0] for p in points] + [p[0] for p in (target, projection) if p]
    ys = [p[1] for p in points] + [p[1] for p in (target, projection) if p]
    if not xs:
        return ""
    left, right, top, bottom = 64, width - 16, 16, height - 36
    ticks = nice_ticks(min(ys), max(ys))
    lo, hi = ticks[0], ticks[-1]
    x = (
        _scale(min(xs), max(xs), left, right)
        if min(xs) != max(xs)
        else (lambda v: (left + right) / 2)
    )
    y = _scale(lo, hi, bottom, top) if not invert else _scale(lo, hi, top, bottom)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img"'
        f' aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#999"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="#999"/>',
    ]
    for v in ticks:
        parts.append(
            f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" class="tick">'
            f"{num(v)}</text>"
            f'<line x1="{left}" y1="{y(v):.1f}" x2="{right}" y2="{y(v):.1f}" stroke="#eee"/>'
        )
    for year in range(min(xs), max(xs) + 1):
        parts.append(
            f'<text x="{x(year):.1f}" y="{bottom + 18}" text-anchor="middle" class="tick">'
            f"{year}</text>"
        )
    if target:
        parts.append(
            f'<line x1="{left}" y1="{y(target[1]):.1f}" x2="{right}" y2="{y(target[1]):.1f}"'
            f' stroke="{TARGET}" stroke-dasharray="6 4"/>'
            f'<circle cx="{x(target[0]):.1f}" cy="{y(target[1]):.1f}" r="5" fill="{TARGET}"/>'
        )
    if projection and latest:
        parts.append(
            f'<line x1="{x(latest[0]):.1f}" y1="{y(latest[1]):.1f}" x2="{x(projection[0]):.1f}"'
            f' y2="{y(projection[1]):.1f}" stroke="{PROJECTION}" stroke-width="2"'
            f' stroke-dasharray="4 4"/><circle cx="{x(projection[0]):.1f}"'
            f' cy="{y(projection[1]):.1f}" r="4" fill="none" stroke="{PROJECTION}"'
            ' stroke-width="2"/>'
        )
    if points:
        path = " ".join(f"{x(a):.1f},{y(v):.1f}" for a, v in points)
        parts.append(
            f'<polyline fill="none" stroke="{SERIES}" stroke-width="2.5" points="{path}"/>'
        )
        parts += [
            f'<circle cx="{x(a):.1f}" cy="{y(v):.1f}" r="3.5" fill="{SERIES}"><title>{a}: {num(v)}'
            "</title></circle>"
            for a, v in points
        ]
    parts.append("</svg>")
    return mark_safe("".join(parts))


def progress_chart(progress):
    """The chart of a target's progress (`progress.TargetProgress`): its history, the target
    and the projection. The target page shows it; review reports rasterise the same SVG."""
    target, p = progress.target, progress.progress
    target_point = (p.target_year, p.target_value) if p.target_value is not None else None
    projection = (p.target_year, p.projected) if p.projected is not None else None
    return target_chart(
        progress.chart_points(),
        target_point,
        projection,
        title=target.title,
        invert=target.kind == TargetKind.RANK,
    )
