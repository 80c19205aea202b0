"""`stihub market_feedback [--out DIR]`: the feedback on matches measured as a labelled set."""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stihub.market import feedback


class Command(BaseCommand):
    help = gettext_lazy(
        "Measure each matching method (nDCG@10, Recall@20) on the matches DOST and the needs' "
        "owners judged useful or not; with --out, write them as offers.csv, needs.csv and "
        "judgements.tsv."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.description = str(self.help)  # argparse cannot wrap a lazy string
        return parser

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path, help=gettext_lazy("Folder for the files."))

    def handle(self, *args, **options):
        data = feedback.labelled()
        pairs = sum(len(g) for g in data["judgements"].values())
        self.stdout.write(
            _("%(needs)s needs judged, %(pairs)s pairs, %(offers)s offers.")
            % {"needs": len(data["needs"]), "pairs": pairs, "offers": len(data["offers"])}
        )
        for method, figures in feedback.measure(data).items():
            self.stdout.write(
                f"{method:<16} nDCG@10 {figures['ndcg@10']:.3f}  R@20 {figures['recall@20']:.3f}"
            )
        if options["out"]:
            feedback.write(data, options["out"])
            self.stdout.write(_("Written to %(folder)s.") % {"folder": options["out"]})
