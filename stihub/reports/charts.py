"""The charts of a report: the SVG the web target page draws, rasterised for documents.

One chart definition, two renderers: `target_svg` calls `monitoring.charts.target_chart` with the
inputs the target page (`monitoring.views.target_detail`) gives it, so the page shows that SVG
inline and a document shows it as a PNG made by `png` (vl-convert-python, which rasterises with
resvg: no browser and no system library).
"""

import functools
from pathlib import Path

from stihub.monitoring import charts
from stihub.monitoring.progress import TargetProgress

SVG_NS = "http://www.w3.org/2000/svg"
# The page styles the chart's text from stihub.css (`.chart .tick`); a standalone SVG carries the
# same rule itself, with a sans-serif face like the page's (Liberation Sans has Arial's metrics).
PAGE_STYLE = (
    '.tick { font-size:11px; fill:#555; font-family:"Liberation Sans", Arial, "DejaVu Sans",'
    " sans-serif; }"
)
FONT_DIRS = (
    str(Path(__file__).resolve().parent / "fonts"),  # bundled: Liberation Sans
    "/usr/share/fonts/truetype/liberation2",
    "/usr/share/fonts/truetype/liberation",
    "/usr/share/fonts/truetype/dejavu",
)
SCALE = 2  # 720 × 300 px of SVG → 1440 × 600 px, about 240 dpi at 150 mm wide


def target_svg(progress: TargetProgress) -> str:
    """The target page's chart for a target's progress (the same function, the same inputs)."""
    return str(charts.progress_chart(progress))


@functools.cache
def _rasteriser():
    """vl-convert, with the fonts the chart names registered, once per process. Without any of
    those fonts the image is still made (resvg also looks at the system's fonts)."""
    import vl_convert  # only documents need it; the content and the web do not

    for directory in FONT_DIRS:
        if Path(directory).is_dir():
            vl_convert.register_font_directory(directory)
    return vl_convert


def standalone(svg: str) -> str:
    """The inline SVG as a file of its own: the SVG namespace (HTML implies it) and the page's
    style for its text."""
    head, sep, rest = svg.partition(">")
    if not sep or not head.startswith("<svg"):
        raise ValueError("not an SVG element")
    if "xmlns=" not in head:
        head += f' xmlns="{SVG_NS}"'
    return f"{head}><style>{PAGE_STYLE}</style>{rest}"


def png(svg: str, scale: float = SCALE) -> bytes:
    """The chart as PNG bytes."""
    return _rasteriser().svg_to_png(standalone(svg), scale=scale)
