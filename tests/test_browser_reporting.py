"""Issue 8's acceptance in a real browser: a reporter goes from sign-in to a submitted yearly
report in a few steps, DOST approves it, and the public dashboard changes only after approval.

Each step leaves a screenshot in `var/artifacts/reporting/` (STIHUB_ARTIFACTS overrides the
folder), kept as the record of the run. Skipped without Debian's chromium (see test_browser.py).
"""

import pytest

from stihub.monitoring.models import Indicator, Observation

from .browser import shot as browser_shot
from .conftest import PASSWORD, authenticator, code_now
from .test_browser import pytestmark  # noqa: F401 - the same skip and marker

YEAR = 2025


@pytest.fixture
def hightech(transactional_db, users):
    """The resolution, with the high-tech share reported by the test reporter's agency and
    approved values for the two years before."""
    from stihub.monitoring.loading import load_resolution

    from .conftest import NGHE_AN

    resolution, _ = load_resolution(NGHE_AN)
    indicator = Indicator.objects.get(code="HIGHTECH_MFG_SHARE")
    indicator.agency = users["reporter"].role_assignments.get().agency
    indicator.save()
    for year, value in ((YEAR - 2, 9), (YEAR - 1, 10)):  # two points: a trend to show
        Observation.objects.create(status="approved", indicator=indicator, year=year, value=value)
    return resolution


def shot(page, name: str) -> None:
    browser_shot(page, "reporting", name)


def public_value(browser, live_server) -> str:
    """The high-tech share's latest value on the public dashboard, as an anonymous visitor."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(live_server.url + "/")
    text = page.locator("tr[data-target='CT03'] td.num").first.inner_text()
    context.close()
    return text


def test_a_reporter_submits_a_yearly_value_and_dost_approves_it(
    browser, live_server, hightech, users
):
    assert public_value(browser, live_server).startswith("10")

    # 1. The reporter signs in and lands on what their agency owes.
    reporter = browser.new_context().new_page()
    reporter.goto(live_server.url + "/accounts/login/")
    reporter.fill("#id_username", "reporter")
    reporter.fill("#id_password", PASSWORD)
    reporter.click("button[type=submit]")
    reporter.wait_for_url("**/reporting/")
    link = reporter.locator(f"a[href='/reporting/enter/HIGHTECH_MFG_SHARE/{YEAR}/']").first
    assert link.is_visible()
    shot(reporter, "01-reporter-home")

    # 2. The form of the year: a value in Vietnamese notation, sent for review.
    link.click()
    reporter.wait_for_selector("#id_value")
    reporter.fill("#id_value", "12,5")
    reporter.fill("#id_source", "Báo cáo của Sở")
    shot(reporter, "02-report-form")
    reporter.click("button[name=action][value=submit]")
    reporter.wait_for_url("**/reporting/")
    shot(reporter, "03-submitted")
    revision = Observation.objects.get(indicator__code="HIGHTECH_MFG_SHARE", year=YEAR)
    assert (revision.status, revision.value, revision.reported_by) == (
        "submitted",
        12.5,
        users["reporter"],
    )
    assert public_value(browser, live_server).startswith("10")  # not published yet

    # 3. DOST (two-step verification) finds it in the review queue and approves it.
    device = authenticator(users["dost"])
    dost = browser.new_context().new_page()
    dost.goto(live_server.url + "/accounts/login/?next=/reporting/review/")
    dost.fill("#id_username", "dost")
    dost.fill("#id_password", PASSWORD)
    dost.click("button[type=submit]")
    dost.fill("#id_code", code_now(device))
    dost.click("form.stacked button[type=submit]")
    dost.wait_for_url("**/reporting/review/")
    shot(dost, "04-review-queue")
    dost.locator(f"a[href='/reporting/submissions/{revision.submission_id}/']").first.click()
    dost.wait_for_selector("button[name=action][value=approve]")
    shot(dost, "05-submission")
    dost.click("button[name=action][value=approve]")
    dost.wait_for_url("**/reporting/review/")
    shot(dost, "06-approved")
    revision.refresh_from_db()
    assert (revision.status, revision.reviewed_by) == ("approved", users["dost"])

    # 4. Now the public sees it, linked to its revision history.
    page = browser.new_context().new_page()
    page.goto(live_server.url + "/")
    cell = page.locator("tr[data-target='CT03'] td.num").first
    assert cell.inner_text().startswith("12,5")
    cell.locator("a").click()
    page.wait_for_url(f"**/monitoring/o/{revision.pk}/revisions/")
    shot(page, "07-public-revision-history")
    assert "12,5" in page.content()
