"""`stihub match NEEDS.csv OFFERS.csv [--top 10] [--method hub] [--json]`.

No database. Prints, for each need, its best offers with score and why: JSON
`{"method": NAME, "matches": [{"need": ID, "offers": [{"id", "score", "why"}]}]}` with --json,
a readable table without. Exit status: 0 with the matches (a need without any matching offer
has an empty list); 1 on bad input, with every problem of both files on standard error as
`file: row R, column C: message`; 2 on bad arguments (argparse).
"""

import argparse
import json
import sys

from stihub.engines.matching import (
    DEFAULT_METHOD,
    METHODS,
    load_needs_file,
    load_offers_file,
    match,
)
from stihub.engines.problems import DataError

TITLE_WIDTH = 60


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive whole number")
    return value


def add_arguments(parser) -> None:
    parser.add_argument("needs", help="needs CSV file (UTF-8)")
    parser.add_argument("offers", help="offers CSV file (UTF-8)")
    parser.add_argument("--top", type=_positive, default=10, help="offers per need (default 10)")
    parser.add_argument(
        "--method",
        choices=METHODS,
        default=DEFAULT_METHOD,
        help=f"ranking method (default {DEFAULT_METHOD})",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _reasons(why: dict) -> str:
    parts = []
    if why["terms"]:
        parts.append("terms: " + ", ".join(why["terms"][:4]))
    if why["via"]:
        parts.append("via: " + "; ".join(why["via"][:2]))
    fits = [name for name in ("sector", "field", "region") if why.get(name)]
    if why.get("stage"):
        fits.append(f"TRL {why['stage']}")
    if fits:
        parts.append(" ".join(fits))
    return " | ".join(parts)


def _table(result: dict, needs: dict, offers: dict) -> str:
    lines = [f"Method: {result['method']}"]
    for item in result["matches"]:
        lines += ["", f"{item['need']}  {needs[item['need']].title}"]
        if not item["offers"]:
            lines.append("  (no matching offer)")
        for rank, found in enumerate(item["offers"], 1):
            title = _cut(offers[found["id"]].title, TITLE_WIDTH)
            lines.append(f"  {rank:>2}. {found['score']:.4f}  {found['id']}  {title}")
            reasons = _reasons(found["why"])
            if reasons:
                lines.append(f"      {reasons}")
    return "\n".join(lines) + "\n"


def run(args, stdout, stderr) -> int:
    """Match the files named in `args`; write JSON or a table; 1 with every problem."""
    problems, loaded = [], {}
    for key, loader in (("needs", load_needs_file), ("offers", load_offers_file)):
        name = getattr(args, key)
        try:
            loaded[key] = loader(name)
        except DataError as exc:
            problems += [f"{name}: {p}" for p in exc.problems]
    if problems:
        for line in problems:
            stderr.write(line + "\n")
        return 1
    result = match(loaded["needs"], loaded["offers"], top=args.top, method=args.method)
    if args.json:
        stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    else:
        needs = {n.id: n for n in loaded["needs"]}
        offers = {o.id: o for o in loaded["offers"]}
        stdout.write(_table(result, needs, offers))
    return 0


def main(argv: list[str] | None = None, stdout=None, stderr=None) -> int:
    """`python -m stihub.engines.matching_cli NEEDS.csv OFFERS.csv ...`."""
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    parser = argparse.ArgumentParser(
        prog="stihub match", description="Rank technology offers for each need, from files."
    )
    add_arguments(parser)
    return run(parser.parse_args(argv), stdout, stderr)


if __name__ == "__main__":
    sys.exit(main())
