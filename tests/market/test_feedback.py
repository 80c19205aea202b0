"""The feedback on matches as a labelled set: grades from the judges' answers, the files of the
`stihub match` contract, and each method measured on them."""

import datetime as dt
import io

from django.core.management import call_command
from django.utils import timezone

from stihub.engines.matching import load_needs_file, load_offers_file
from stihub.engines.matching_eval import load_judgements
from stihub.market import listings
from stihub.market.models import Listing, MatchFeedback


def _listing(owner, kind, title, summary):
    made = Listing(
        kind=kind, title=title, summary=summary, owner=owner, owner_name="X", contact_name="A",
        contact_email="a@example.vn", sector="01", keywords="gà; vắc xin",
        expires_on=timezone.localdate() + dt.timedelta(days=30),
    )  # fmt: skip
    listings.save_new(made, submit=True)
    return listings.moderate(made, owner, "published")


def test_judgements_become_grades_and_files_that_the_engine_reads(db, users, tmp_path):
    vaccine = _listing(users["expert"], "offer", "Vắc xin gà", "Vắc xin phòng bệnh cho gà.")
    dryer = _listing(users["expert"], "offer", "Máy sấy lạc", "Máy sấy lạc bơm nhiệt.")
    barn = _listing(users["expert"], "offer", "Chuồng kín cho gà", "Chuồng kín làm mát cho gà.")
    need = _listing(users["outsider"], "need", "Gà chết nhiều", "Đàn gà chết nhiều khi trời nồm.")
    for offer, by, useful in (
        (vaccine, "outsider", True), (vaccine, "dost", True),  # both: useful → 2
        (barn, "outsider", True), (barn, "dost", False),  # they differ → 1
        (dryer, "dost", False),  # none → 0
    ):  # fmt: skip
        MatchFeedback.objects.create(need=need, offer=offer, by=users[by], useful=useful)
    out = io.StringIO()
    call_command("market_feedback", "--out", str(tmp_path), stdout=out)
    grades = load_judgements(tmp_path / "judgements.tsv")
    assert grades == {str(need.pk): {str(vaccine.pk): 2, str(barn.pk): 1, str(dryer.pk): 0}}
    offers = load_offers_file(tmp_path / "offers.csv")
    assert {o.id for o in offers} == {str(vaccine.pk), str(dryer.pk), str(barn.pk)}
    assert [n.id for n in load_needs_file(tmp_path / "needs.csv")] == [str(need.pk)]
    assert next(o for o in offers if o.id == str(vaccine.pk)).keywords == ("gà", "vắc xin")
    text = out.getvalue()
    assert "1 " in text.splitlines()[0] and "hub" in text and "bm25-syllables" in text
