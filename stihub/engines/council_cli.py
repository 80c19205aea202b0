"""`stihub council suggest PROPOSAL.yaml EXPERTS.csv [--size 7] [--years 5] [--on DATE] [--json]`.

No database. Exit status: 0 with a council (also when too few experts are free of conflicts:
the shortfall is reported, `"missing": N` in JSON, a line in the table); 1 on bad input, with
every problem on standard error as `file: row R, column C: message`.
"""

import argparse
import datetime as dt
import json
import sys

from stihub.engines.council import (
    MIN_SIZE,
    load_experts_file,
    load_proposal_file,
    suggest,
)
from stihub.engines.problems import DataError


def _table(result: dict) -> str:
    heads = ("role", "id", "name", "score")
    rows = [(m["role"], m["id"], m["full_name"], f"{m['score']:.4f}") for m in result["members"]]
    widths = [max(len(r[i]) for r in (heads, *rows)) for i in range(len(heads))]
    lines = [
        f"Council of {result['size']} on {result['on']}"
        f" (affiliations within {result['years']} years)",
        "",
    ]
    for r in (heads, *rows):
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    if result["missing"]:
        lines += [
            "",
            f"{result['missing']} member(s) missing: not enough experts without a conflict.",
        ]
    lines += ["", f"Excluded ({len(result['excluded'])}):"]
    for x in result["excluded"]:
        lines.append(f"  {x['id']}  {x['full_name']}  {x['reason']}")
    return "\n".join(lines) + "\n"


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text} is not a date (YYYY-MM-DD)") from exc


def add_suggest_arguments(parser) -> None:
    parser.add_argument("proposal", help="proposal YAML file")
    parser.add_argument("experts", help="experts CSV file (UTF-8)")
    parser.add_argument("--size", type=int, default=7, help=f"council size (at least {MIN_SIZE})")
    parser.add_argument("--years", type=int, default=5, help="look-back for past affiliations")
    parser.add_argument("--on", type=_date, default=None, help="reference date (default today)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def run_suggest(args, stdout, stderr) -> int:
    problems = []
    proposal = experts = None
    for name, loader in ((args.proposal, load_proposal_file), (args.experts, load_experts_file)):
        try:
            loaded = loader(name)
        except DataError as exc:
            problems += [f"{name}: {p}" for p in exc.problems]
            continue
        if loader is load_proposal_file:
            proposal = loaded
        else:
            experts = loaded
    if not problems:
        try:
            result = suggest(proposal, experts, size=args.size, on=args.on, years=args.years)
        except DataError as exc:
            problems += [str(p) for p in exc.problems]
    if problems:
        for line in problems:
            stderr.write(line + "\n")
        return 1
    if args.json:
        stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    else:
        stdout.write(_table(result))
    return 0


def main(argv: list[str] | None = None, stdout=None, stderr=None) -> int:
    """Run `suggest` on files; print JSON or a table; on bad input every problem, status 1."""
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    parser = argparse.ArgumentParser(prog="stihub council", description="Councils from files.")
    actions = parser.add_subparsers(dest="action", required=True)
    add_suggest_arguments(actions.add_parser("suggest", help="suggest a council for a proposal"))
    args = parser.parse_args(argv)
    return run_suggest(args, stdout, stderr)


if __name__ == "__main__":
    sys.exit(main())
