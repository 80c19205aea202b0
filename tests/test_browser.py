"""End to end in headless Chromium (Debian's package) driven by Playwright.

Skipped where /usr/bin/chromium is missing: `apt-get install chromium` enables them (.ci/run does).
"""

import os

import pytest

from stihub.monitoring.models import Indicator, Observation

from .conftest import CHROMIUM, NGHE_AN, PASSWORD, authenticator, code_now

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM),
        reason="browser tests need Chromium: run `apt-get install chromium` to enable them",
    ),
]


@pytest.fixture
def page(browser):
    return browser.new_page()


@pytest.fixture
def loaded(transactional_db):
    from stihub.monitoring.loading import load_resolution

    resolution, _ = load_resolution(NGHE_AN)
    indicator = Indicator.objects.get(code="PII_RANK")
    Observation.objects.create(status="approved", indicator=indicator, year=2024, value=37)
    return resolution


def test_dashboard_to_target_page_and_language_switch(page, live_server, loaded):
    page.goto(live_server.url + "/")
    assert page.locator("tr[data-target]").count() == 10
    assert page.locator("html").get_attribute("lang") == "vi"
    page.locator("tr[data-target='CT04'] a").first.click()
    page.wait_for_selector("svg.chart")
    assert page.locator("[data-status]").first.get_attribute("data-status") == "regressing"
    page.locator("button[name=language][value=en]").click()
    page.wait_for_selector("html[lang=en]")
    assert page.locator("a[href='/accounts/login/']").inner_text() == "Sign in"


def test_bad_upload_lists_every_bad_line(page, live_server, loaded, users, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("indicator,year,value\nPII_RANK,2025,x\nNOPE,2025,1\n", encoding="utf-8")
    device = authenticator(users["dost"])  # DOST officers pass two-step verification
    page.goto(live_server.url + "/accounts/login/?next=/monitoring/import/")
    page.fill("#id_username", "dost")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.fill("#id_code", code_now(device))
    page.click("form.stacked button[type=submit]")
    page.wait_for_selector("#id_file")
    page.set_input_files("#id_file", str(bad))
    page.click("form.stacked button[type=submit]")
    items = page.locator(".errors li")
    items.first.wait_for()
    assert items.count() == 2
    assert Observation.objects.filter(year=2025).count() == 0


def test_planner_finds_a_plan_and_hand_edit_updates_in_place(page, live_server, transactional_db):
    from stihub.innovation.demo import PROVINCE, build_sample_index

    dataset = build_sample_index()
    url = f"{live_server.url}/innovation/{dataset.code}/{dataset.year}/u/{PROVINCE}/plan/"
    page.goto(url)
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_selector(".plan")
    assert page.locator("table.plan tbody tr").count() >= 1
    first = page.locator("table.edit input").first
    first.fill("100000")
    page.locator("form[hx-post] button[type=submit]").first.click()
    page.wait_for_selector("#edit-result .edited")
    assert page.locator("#edit-result .edited tbody tr").count() >= 2  # the index and more
    assert page.url == url  # htmx swapped the result in; a plain POST would open …/edit/
