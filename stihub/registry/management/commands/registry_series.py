"""`stihub registry_series [--json] [--submit] [--until YEAR]`: the registry-fed series."""

import json as jsonlib

from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from stihub.core import commands
from stihub.core.formatting import num
from stihub.registry import series


class Command(commands.Command):
    help = _(
        "Count the registry-fed indicator series (S&T enterprises and startups, industrial "
        "property filings, R&D staff per 10,000 people) and optionally submit the changed values "
        "for review."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--json", action="store_true", help=_('print {"CODE": {"YEAR": value}} only')
        )
        parser.add_argument(
            "--submit",
            action="store_true",
            help=_("submit the values that differ from those in force or waiting for review"),
        )
        parser.add_argument(
            "--until", type=int, default=None, help=_("last year counted (default: last year)")
        )

    def handle(self, *args, json: bool, submit: bool, until, **options):
        computed = series.compute(until)
        if json:
            self.stdout.write(_dumps(series.as_json(computed)))
        else:
            self._table(computed)
        if submit:
            created = series.submit_changes(computed)
            # With --json, stdout carries the JSON alone: the submissions are told on stderr.
            out = self.stderr if json else self.stdout
            out.write(_g("Submitted for review: %(count)s values.") % {"count": len(created)})
            for revision in created:
                out.write(f"  {revision.indicator.code} {revision.year}: {num(revision.value)}")

    def _table(self, computed) -> None:
        for code, values in computed.items():
            self.stdout.write(code)
            if not values:
                self.stdout.write("  " + _g("no value: the registry has no records for it"))
            for year, value in sorted(values.items()):
                self.stdout.write(f"  {year}  {num(value):>12}")


def _dumps(data) -> str:
    """The JSON, Vietnamese letters as they are."""
    return jsonlib.dumps(data, ensure_ascii=False)
