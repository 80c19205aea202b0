"""The reporter's home page (what the agency owes, by when; overdue periods marked), the web
form of a value for one period (drafts, submission for review, breakdowns, the checks of range,
type, sums and jumps, returned values corrected) and DOST's indicator reporting settings."""

import datetime as dt
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override

from stihub.core.choices import Role
from stihub.core.models import AdministrativeUnit
from stihub.monitoring import review
from stihub.monitoring.models import Indicator, Observation, Submission, Target

from .conftest import make_user, sign_in

THIS_YEAR = timezone.localdate().year
LAST_YEAR = THIS_YEAR - 1


def make_indicator(nghe_an, agency, code, **settings):
    """An indicator of `agency`, used by a target of the Nghệ An resolution (2024-2030), so
    its periods are owed from 2024."""
    indicator = Indicator.objects.create(
        code=code, name=f"Chỉ tiêu {code}", unit="doanh nghiệp", agency=agency, **settings
    )
    Target.objects.create(
        resolution=nghe_an,
        code=code,
        title=f"Mục tiêu {code}",
        indicator=indicator,
        direction="increase",
        kind="level",
        target_year=2030,
        target_value=100,
    )
    return indicator


@pytest.fixture
def yearly(nghe_an, agency):
    return make_indicator(nghe_an, agency, "FORM_Y")


def url(indicator, year=LAST_YEAR, period=None):
    if period is None:
        return reverse("reporting:enter", args=[indicator.code, year])
    return reverse("reporting:enter_period", args=[indicator.code, year, period])


def text(response) -> str:
    return html.unescape(response.content.decode())


def vietnamese(template, **params) -> str:
    """An engine message as the Vietnamese page shows it."""
    with override("vi"):
        return gettext(template) % params


def revision(indicator, year, period="", **fields):
    return Observation.objects.create(
        indicator=indicator, year=year, period=period, value=fields.pop("value", 1), **fields
    )


# --- the home page ---------------------------------------------------------------------------

TODAY = dt.date(2026, 3, 15)
ROW = re.compile(
    r'<tr class="([^"]*)" data-indicator="([^"]+)" data-year="(\d+)" data-period="(\w+)">'
    r"(.*?)</tr>",
    re.S,
)


def owed_rows(response) -> dict:
    """{(indicator, year, url period): (overdue?, the row's text)} of the owed table."""
    return {
        (code, int(year), period): ("overdue" in classes.split(), row)
        for classes, code, year, period, row in ROW.findall(text(response))
    }


@pytest.fixture
def on_15_march_2026(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)


@pytest.fixture
def owed_world(nghe_an, agency, agency_b, users, on_15_march_2026):
    """Agency A: a yearly indicator due 30 days after the year, 2024 approved; a half-yearly
    one, 2024 approved, 2025 H1 returned with a comment, 2025 sent and waiting for review.
    Agency B: a yearly indicator with nothing reported."""
    year = make_indicator(nghe_an, agency, "FORM_Y", due_days=30)
    half = make_indicator(nghe_an, agency, "FORM_H", frequency="half", due_days=30)
    make_indicator(nghe_an, agency_b, "FORM_B")
    revision(year, 2024, status="approved", agency=agency)
    revision(half, 2024, "H1", status="approved", agency=agency)
    revision(half, 2024, status="approved", agency=agency)
    revision(half, 2025, "H1", status="returned", agency=agency, review_comment="Thiếu nguồn")
    revision(half, 2025, status="submitted", agency=agency)
    return year, half


def test_reporter_sees_what_their_agency_owes_overdue_marked(client_for, owed_world):
    response = client_for("reporter").get(reverse("reporting:home"))
    assert response.status_code == 200
    rows = owed_rows(response)
    # On 15/03/2026, worked out by hand from the period ends and 30 days to report:
    #   FORM_Y 2025: year ended 31/12/2025, due 30/01/2026, nothing sent -> overdue
    #   FORM_Y 2026: running, due 30/01/2027
    #   FORM_H 2025 H1: ended 30/06/2025, due 30/07/2025, returned -> overdue
    #   FORM_H 2025 year: due 30/01/2026 but waiting for review -> not overdue
    #   FORM_H 2026 H1: running, due 30/07/2026
    # 2024 is approved for both: not owed. Agency B's FORM_B is not listed.
    assert {key: overdue for key, (overdue, _row) in rows.items()} == {
        ("FORM_Y", 2025, "Y"): True,
        ("FORM_Y", 2026, "Y"): False,
        ("FORM_H", 2025, "H1"): True,
        ("FORM_H", 2025, "Y"): False,
        ("FORM_H", 2026, "H1"): False,
    }
    overdue_row = rows[("FORM_Y", 2025, "Y")][1]
    assert "Quá hạn" in overdue_row and "30/01/2026" in overdue_row
    assert 'href="/reporting/enter/FORM_Y/2025/"' in overdue_row
    assert "Quá hạn" not in rows[("FORM_H", 2025, "Y")][1]
    returned = rows[("FORM_H", 2025, "H1")][1]
    assert "Thiếu nguồn" in returned and "30/07/2025" in returned
    assert 'href="/reporting/enter/FORM_H/2025/H1/"' in returned
    assert "Quá hạn" not in rows[("FORM_H", 2026, "H1")][1]


def test_reporter_of_b_does_not_see_agency_a(client_for, owed_world):
    rows = owed_rows(client_for("reporter_b").get(reverse("reporting:home")))
    # FORM_B from 2024: 2024 and 2025 ended and overdue, 2026 running.
    assert set(rows) == {("FORM_B", 2024, "Y"), ("FORM_B", 2025, "Y"), ("FORM_B", 2026, "Y")}


def test_dost_sees_each_agency_owed_overdue_and_waiting(client_for, owed_world, agency, agency_b):
    page = text(client_for("dost").get(reverse("reporting:home")))
    counts = dict(
        re.findall(r'data-agency="([^"]+)">.*?data-count="to_report">(\d+)</td>', page, re.S)
    )
    # A: FORM_Y 2025 and FORM_H 2025 H1 still to report (the waiting one is not); B: 2024, 2025.
    # (The resolution's own indicators are owed by their agencies too.)
    assert {code: counts[code] for code in (agency.code, agency_b.code)} == {
        agency.code: "2",
        agency_b.code: "2",
    }
    row_a = re.search(rf'data-agency="{agency.code}">(.*?)</tr>', page, re.S).group(1)
    assert re.search(r'data-count="overdue">2\b', row_a)
    assert re.search(r'data-count="waiting"><a href="/reporting/review/">1</a>', row_a)
    assert ROW.search(page) is None  # DOST holds no reporter role: no "my agency" table


def test_a_dost_officer_who_also_reports_sees_both_parts(client, owed_world, agency):
    both = make_user("both", Role.DOST_OFFICER, (Role.AGENCY_REPORTER, agency))
    page = text(sign_in(client, both).get(reverse("reporting:home")))
    assert ("FORM_Y", "2025") in {(code, year) for _c, code, year, _p, _r in ROW.findall(page)}
    assert f'data-agency="{agency.code}"' in page


def test_a_submission_of_the_agency_is_listed_with_counts(client_for, yearly, users, agency):
    client_for("reporter").post(url(yearly), {"value": "7", "action": "submit"})
    page = text(client_for("reporter").get(reverse("reporting:home")))
    submission = Submission.objects.get(agency=agency)
    assert f'href="/reporting/submissions/{submission.pk}/"' in page
    assert 'data-status="submitted"' in page


# --- the form --------------------------------------------------------------------------------


def test_submit_creates_a_revision_waiting_for_review(client_for, yearly, users, agency):
    published = list(Observation.objects.published().values_list("pk", flat=True))
    client = client_for("reporter")
    assert client.get(url(yearly)).status_code == 200
    response = client.post(url(yearly), {"value": "12,5", "source": "Sổ theo dõi"})
    assert response.status_code == 302 and response.url == reverse("reporting:home")
    obs = Observation.objects.get(indicator=yearly)
    assert (obs.year, obs.period, obs.area, obs.value, obs.status) == (
        LAST_YEAR,
        "",
        "",
        12.5,
        "submitted",
    )
    assert (obs.agency, obs.reported_by, obs.source) == (agency, users["reporter"], "Sổ theo dõi")
    assert obs.submission.channel == "form" and obs.submission.agency == agency
    assert list(Observation.objects.published().values_list("pk", flat=True)) == published
    # Waiting for review: shown read-only, and a second report of the period is refused.
    page = text(client.get(url(yearly)))
    assert "đang chờ Sở KH" in page and 'name="value"' not in page
    client.post(url(yearly), {"value": "13", "action": "submit"})
    assert Observation.objects.filter(indicator=yearly).count() == 1


def test_draft_then_submit_edits_the_same_revision(client_for, yearly):
    client = client_for("reporter")
    client.post(url(yearly), {"value": "10", "action": "draft"})
    draft = Observation.objects.get(indicator=yearly)
    assert draft.status == "draft" and draft.submitted_at is None
    assert "10" in text(client.get(url(yearly)))  # the draft's value is in the form
    client.post(url(yearly), {"value": "11", "action": "submit"})
    obs = Observation.objects.get(indicator=yearly)
    assert (obs.pk, obs.value, obs.status) == (draft.pk, 11, "submitted")
    assert obs.submitted_at is not None
    assert Submission.objects.count() == 1
    assert [h.value for h in obs.history.order_by("history_date")] == [10, 11]


@pytest.fixture
def by_sector(nghe_an, agency):
    return make_indicator(
        nghe_an, agency, "FORM_S", breakdown="sector", sectors=["Công nghiệp", "Dịch vụ"]
    )


def test_parts_that_do_not_add_up_are_refused_and_nothing_is_written(client_for, by_sector):
    client = client_for("reporter")
    data = {"value": "10", "part_s0": "3", "part_s1": "4", "action": "submit"}
    response = client.post(url(by_sector), data)
    assert response.status_code == 200
    expected = vietnamese(
        "The parts add up to %(sum)s, not to the total %(total)s.", sum="7", total="10"
    )
    assert expected in text(response)
    assert not Observation.objects.exists() and not Submission.objects.exists()
    # They add up: the total and both parts are sent in one submission.
    client.post(url(by_sector), {**data, "part_s1": "7"})
    sent = Observation.objects.filter(indicator=by_sector)
    assert {(o.area, o.value, o.status) for o in sent} == {
        ("", 10, "submitted"),
        ("Công nghiệp", 3, "submitted"),
        ("Dịch vụ", 7, "submitted"),
    }
    assert len({o.submission_id for o in sent}) == 1


def test_a_returned_breakdown_is_corrected_part_by_part(client_for, by_sector, users):
    client = client_for("reporter")
    client.post(url(by_sector), {"value": "10", "part_s0": "3", "part_s1": "7"})
    headline = Observation.objects.get(area="")
    industry = Observation.objects.get(area="Công nghiệp")
    review.send_back(
        Observation.objects.filter(submission=headline.submission),
        reviewer=users["dost"],
        comment="Dịch vụ đã gộp vào công nghiệp",
    )
    # The services part is emptied, industry now carries the whole total.
    client.post(url(by_sector), {"value": "10", "part_s0": "10", "part_s1": "", "action": "submit"})
    left = {o.area: (o.pk, o.value, o.status) for o in Observation.objects.all()}
    assert left == {
        "": (headline.pk, 10, "submitted"),
        "Công nghiệp": (industry.pk, 10, "submitted"),
    }


@pytest.fixture
def communes(db):
    province = AdministrativeUnit.objects.create(
        code=40, name="Tỉnh Nghệ An", division_type="tinh", codename="nghe_an"
    )
    for code, name in [(16681, "Xã Anh Sơn"), (16699, "Xã Yên Xuân"), (16700, "Phường Vinh")]:
        AdministrativeUnit.objects.create(
            code=code, name=name, division_type="xa", codename=str(code), parent=province
        )


def test_a_sum_headline_is_computed_from_the_communes(client_for, nghe_an, agency, communes):
    indicator = make_indicator(nghe_an, agency, "FORM_A", breakdown="area", headline="sum")
    client = client_for("reporter")
    page = text(client.get(url(indicator)))
    assert 'name="value"' not in page  # the total is not typed
    assert "Xã Anh Sơn" in page and "Tỉnh Nghệ An" not in page
    data = {"part_16681": "1,5", "part_16699": "2", "part_16700": "", "action": "submit"}
    assert client.post(url(indicator), data).status_code == 302
    sent = {o.area: o.value for o in Observation.objects.filter(indicator=indicator)}
    assert sent == {"": 3.5, "Xã Anh Sơn": 1.5, "Xã Yên Xuân": 2}  # 1,5 + 2 = 3,5


def test_a_sum_headline_needs_parts(client_for, nghe_an, agency, communes):
    indicator = make_indicator(nghe_an, agency, "FORM_A", breakdown="area", headline="sum")
    response = client_for("reporter").post(url(indicator), {"action": "submit"})
    assert vietnamese("Give the values of the parts: the total is their sum.") in text(response)
    assert not Observation.objects.exists()


def test_a_jump_needs_an_explanation_to_be_sent(client_for, nghe_an, agency):
    indicator = make_indicator(nghe_an, agency, "FORM_J", jump_tolerance=0.5)
    revision(indicator, LAST_YEAR - 1, value=100, status="approved")
    client = client_for("reporter")
    response = client.post(url(indicator), {"value": "200", "action": "submit"})
    # 100 -> 200 is +100 %, beyond ±50 %: a warning, and the explanation is asked for.
    assert response.status_code == 200
    form = response.context["form"]
    assert form.jump == 1.0 and list(form.errors) == ["explanation"]
    assert form.jump_warning() in text(response)
    assert not Observation.objects.filter(year=LAST_YEAR).exists()
    # Within the tolerance (100 -> 140, +40 %) no explanation is asked.
    client.post(url(indicator), {"value": "140", "action": "draft"})
    assert Observation.objects.get(year=LAST_YEAR).value == 140
    # Beyond it, with the explanation: sent, the explanation kept.
    data = {"value": "200", "explanation": "Khu công nghiệp mới", "action": "submit"}
    assert client.post(url(indicator), data).status_code == 302
    obs = Observation.objects.get(year=LAST_YEAR)
    assert (obs.value, obs.status, obs.explanation) == (200, "submitted", "Khu công nghiệp mới")


def test_a_draft_may_wait_for_its_explanation(client_for, nghe_an, agency):
    indicator = make_indicator(nghe_an, agency, "FORM_J", jump_tolerance=0.5)
    revision(indicator, LAST_YEAR - 1, value=100, status="approved")
    client = client_for("reporter")
    assert client.post(url(indicator), {"value": "300", "action": "draft"}).status_code == 302
    assert Observation.objects.get(year=LAST_YEAR).status == "draft"


def test_range_and_whole_numbers_are_checked(client_for, nghe_an, agency):
    indicator = make_indicator(nghe_an, agency, "FORM_R", value_min=0, value_max=100, integer=True)
    client = client_for("reporter")
    above = text(client.post(url(indicator), {"value": "150", "action": "submit"}))
    assert (
        vietnamese(
            "The value %(value)s is above the largest allowed, %(max)s.", value="150", max="100"
        )
        in above
    )
    whole = text(client.post(url(indicator), {"value": "2,5", "action": "submit"}))
    assert (
        vietnamese("The value %(value)s must be a whole number for this indicator.", value="2.5")
        in whole
    )
    unreadable = client.post(url(indicator), {"value": "hai", "action": "submit"})
    assert unreadable.status_code == 200
    assert not Observation.objects.exists()


def test_a_returned_value_is_corrected_and_sent_again(client_for, yearly, users):
    client = client_for("reporter")
    client.post(url(yearly), {"value": "10", "action": "submit"})
    obs = Observation.objects.get(indicator=yearly)
    review.return_(obs, reviewer=users["dost"], comment="Thiếu nguồn số liệu")
    page = text(client.get(url(yearly)))
    assert "Thiếu nguồn số liệu" in page and 'name="value"' in page
    client.post(url(yearly), {"value": "12", "source": "Cục Thống kê", "action": "submit"})
    obs.refresh_from_db()
    assert (obs.value, obs.source, obs.status) == (12, "Cục Thống kê", "submitted")
    assert Observation.objects.filter(indicator=yearly).count() == 1


def test_a_reporter_of_b_may_not_use_a_form_of_a(client_for, yearly):
    client = client_for("reporter_b")
    assert client.get(url(yearly)).status_code == 403
    assert client.post(url(yearly), {"value": "5", "action": "submit"}).status_code == 403
    assert not Observation.objects.exists()


def test_dost_reports_on_behalf_of_the_responsible_agency(client_for, yearly, agency):
    client_for("dost").post(url(yearly), {"value": "5", "action": "submit"})
    obs = Observation.objects.get(indicator=yearly)
    assert (obs.agency, obs.submission.agency, obs.status) == (agency, agency, "submitted")


@pytest.mark.parametrize(
    "path",
    [
        "/reporting/enter/NO_SUCH/2025/",
        f"/reporting/enter/FORM_Y/{LAST_YEAR}/Q1/",  # a yearly indicator has no quarters
        f"/reporting/enter/FORM_Y/{LAST_YEAR}/X9/",
        "/reporting/enter/FORM_Y/1899/",
        f"/reporting/enter/FORM_Y/{THIS_YEAR + 1}/",
    ],
)
def test_unknown_indicator_period_or_year_is_not_found(client_for, yearly, path):
    assert client_for("reporter").get(path).status_code == 404


def test_a_period_of_a_quarterly_indicator(client_for, nghe_an, agency):
    indicator = make_indicator(nghe_an, agency, "FORM_Q", frequency="quarter")
    client = client_for("reporter")
    assert client.post(url(indicator, period="Q2"), {"value": "4"}).status_code == 302
    assert client.get(url(indicator, period="H1")).status_code == 404
    assert Observation.objects.get().period == "Q2"


# --- DOST's indicator settings ---------------------------------------------------------------


def test_dost_edits_an_indicators_reporting_settings(client_for, yearly, agency_b):
    client = client_for("dost")
    listed = text(client.get(reverse("reporting:indicators"), {"agency": yearly.agency.code}))
    assert 'data-code="FORM_Y"' in listed
    other = text(client.get(reverse("reporting:indicators"), {"agency": agency_b.code}))
    assert 'data-code="FORM_Y"' not in other
    before = yearly.history.count()
    data = {
        "agency": agency_b.pk,
        "frequency": "quarter",
        "due_days": "45",
        "breakdown": "sector",
        "headline": "sum",
        "sectors": "Công nghiệp\n\n Dịch vụ \n",
        "value_min": "0",
        "value_max": "99,5",
        "integer": "on",
        "jump_percent": "50",
    }
    response = client.post(reverse("reporting:indicator", args=["FORM_Y"]), data)
    assert response.status_code == 302
    yearly.refresh_from_db()
    assert (yearly.agency, yearly.frequency, yearly.due_days) == (agency_b, "quarter", 45)
    assert (yearly.breakdown, yearly.headline) == ("sector", "sum")
    assert yearly.sectors == ["Công nghiệp", "Dịch vụ"]
    assert (yearly.value_min, yearly.value_max, yearly.integer) == (0, 99.5, True)
    assert yearly.jump_tolerance == 0.5  # typed as 50 %
    assert yearly.history.count() == before + 1
    page = text(client.get(reverse("reporting:indicator", args=["FORM_Y"])))
    assert "Công nghiệp\nDịch vụ" in page and 'value="50"' in page


def test_indicator_settings_with_min_above_max_are_refused(client_for, yearly):
    data = {
        "frequency": "year",
        "due_days": "30",
        "breakdown": "none",
        "headline": "entered",
        "value_min": "10",
        "value_max": "5",
    }
    response = client_for("dost").post(reverse("reporting:indicator", args=["FORM_Y"]), data)
    assert response.status_code == 200
    assert "value_max" in response.context["form"].errors
    yearly.refresh_from_db()
    assert (yearly.value_min, yearly.value_max) == (None, None)


def test_sector_breakdown_needs_sectors(client_for, yearly):
    data = {"frequency": "year", "due_days": "30", "breakdown": "sector", "headline": "entered"}
    response = client_for("dost").post(reverse("reporting:indicator", args=["FORM_Y"]), data)
    assert "sectors" in response.context["form"].errors
    yearly.refresh_from_db()
    assert yearly.breakdown == "none"
