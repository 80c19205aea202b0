"""Server-drawn SVG for the index pages: a unit's scores as bars against the leader and median."""

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from stihub.core.formatting import num
from stihub.monitoring.charts import SERIES, TARGET

MEDIAN = "#6e7781"
CHAR_PX = 6.6  # a generous mean character width of the 11px `.tick` text (stihub.css)
LINE_PX = 12


def wrap(label: str, chars: int, lines: int = 2) -> list[str]:
    """The label in at most `lines` lines of at most `chars` characters, broken between words;
    what does not fit is cut and ends in "…"."""
    words, out = label.split(), []
    while words and len(out) < lines:
        line = words.pop(0)
        while words and len(line) + 1 + len(words[0]) <= chars:
            line += " " + words.pop(0)
        out.append(line)
    if words:
        out[-1] = out[-1][: chars - 1].rstrip() + "…"
    return [line if len(line) <= chars else line[: chars - 1] + "…" for line in out]


def _label(label: str, right: float, mid: float, width: float) -> str:
    """A row label ending at `right`, within `width` pixels; the full name as its tooltip."""
    lines = wrap(label, int(width // CHAR_PX))
    top = mid + 4 - (len(lines) - 1) * LINE_PX / 2
    spans = "".join(
        f'<tspan x="{right}" y="{top + i * LINE_PX:.1f}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return (
        f'<g class="label"><title>{escape(label)}</title>'
        f'<text x="{right}" text-anchor="end" class="tick">{spans}</text></g>'
    )


def score_bars(rows, *, title: str, width=720, row_height=30, hi=100.0):
    """Horizontal bars: rows of (label, unit score, leader score, median score).

    The unit's score is the bar; the leader's (rank 1 on the index) a green tick, the median
    across units a grey tick. Scores are on the normalised scale (0 to `hi`). Long labels wrap
    to two lines and are shortened to stay inside the chart; the full name is the tooltip.
    """
    if not rows:
        return ""
    label_w, right = 220, 56
    bar_w = width - label_w - right
    legend_h = 26
    height = legend_h + row_height * len(rows) + 8
    top_score = max([hi] + [v for r in rows for v in r[1:] if v is not None])

    def x(v):
        return label_w + max(0.0, v) / top_score * bar_w

    parts = [
        f'<svg class="chart bars" viewBox="0 0 {width} {height}" role="img"'
        f' aria-label="{escape(title)}"><title>{escape(title)}</title>',
        _legend(label_w),
    ]
    for i, (label, value, leader, median) in enumerate(rows):
        y = legend_h + i * row_height
        mid = y + row_height / 2
        parts.append(
            _label(label, label_w - 8, mid, label_w - 12)
            + f'<rect x="{label_w}" y="{y + 6}" width="{bar_w}" height="{row_height - 12}"'
            f' fill="#f3f4f6"/>'
        )
        if value is not None:
            parts.append(
                f'<rect class="bar" x="{label_w}" y="{y + 6}" width="{x(value) - label_w:.1f}"'
                f' height="{row_height - 12}" fill="{SERIES}"><title>{escape(label)}: {num(value)}'
                f'</title></rect><text x="{x(value) + 4:.1f}" y="{mid + 4:.1f}" class="tick">'
                f"{num(value, 1)}</text>"
            )
        for mark, colour in ((leader, TARGET), (median, MEDIAN)):
            if mark is not None:
                parts.append(
                    f'<line x1="{x(mark):.1f}" y1="{y + 2}" x2="{x(mark):.1f}"'
                    f' y2="{y + row_height - 2}" stroke="{colour}" stroke-width="3"/>'
                )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _legend(left):
    items = ((SERIES, _("this unit")), (TARGET, _("leader")), (MEDIAN, _("median")))
    out, x = [], left
    for colour, label in items:
        out.append(
            f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 16}" y="16" class="tick">{escape(label)}</text>'
        )
        x += 24 + 8 * len(label)
    return "".join(out)
