"""`stihub progress` on files, without a database: a table or JSON of every target's progress."""

import argparse
import json
import sys

from stihub.engines.observations import read_observations
from stihub.engines.problems import DataError
from stihub.engines.progress import evaluate, fmt
from stihub.engines.resolution import load_resolution_file


def _table(result: dict) -> str:
    heads = ("code", "status", "latest", "target", "projected", "ratio")
    rows = []
    for t in result["targets"]:
        latest = t["latest"]
        if t["target_value"] is not None:
            target = fmt(t["target_value"])
        else:  # multiple_of_baseline before its baseline is known
            target = f"×{fmt(t['factor'])} baseline"
        if t["target_upper"] is not None:
            target += f"–{fmt(t['target_upper'])}"
        rows.append(
            (
                t["code"],
                t["status"],
                f"{fmt(latest['value'])} ({latest['year']})" if latest else "-",
                f"{target} ({t['target_year']})",
                "-" if t["projected"] is None else fmt(t["projected"]),
                "-" if t["ratio"] is None else f"{t['ratio']:.2f}",
            )
        )
    widths = [max(len(r[i]) for r in (heads, *rows)) for i in range(len(heads))]
    lines = [f"{result['resolution']}: {result['title']}"]
    lines.append(f"as of {result['as_of'] if result['as_of'] is not None else 'latest data'}")
    lines.append("")
    for r in (heads, *rows):
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())
    lines.append("")
    for t in result["targets"]:
        lines.append(f"{t['code']}: " + " ".join(e["text"] for e in t["explanation"]))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None, stdout=None, stderr=None) -> int:
    """Run the engine on files; print JSON or a table; on bad input print every problem, 2."""
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    parser = argparse.ArgumentParser(
        prog="stihub progress", description="Progress of a resolution's targets, from files."
    )
    parser.add_argument("resolution", help="resolution YAML file")
    parser.add_argument("observations", help="observations file (.csv or .xlsx)")
    parser.add_argument("--as-of", type=int, default=None, help="ignore observations after YEAR")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)

    problems = []
    resolution = rows = None
    try:
        resolution = load_resolution_file(args.resolution)
    except DataError as exc:
        problems += [f"{args.resolution}: {p}" for p in exc.problems]
    try:
        rows = read_observations(args.observations)
    except DataError as exc:
        problems += [f"{args.observations}: {p}" for p in exc.problems]
    except OSError as exc:
        problems.append(f"{args.observations}: {exc}")
    if problems:
        for line in problems:
            stderr.write(line + "\n")
        return 2

    unused = sorted({r.indicator for r in rows} - resolution.indicators)
    if unused:
        stderr.write(f"note: indicators no target uses were ignored: {', '.join(unused)}\n")
    result = evaluate(resolution, rows, args.as_of)
    if args.json:
        stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    else:
        stdout.write(_table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
