"""The public dashboard: every target with its status, a page per target, data downloads."""

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from stihub.monitoring.models import Indicator, Observation
from stihub.monitoring.progress import evaluate_targets


@pytest.fixture
def rd_series(nghe_an):
    indicator = Indicator.objects.get(code="RD_FTE_PER_10K")
    for year, value in [(2021, 4.0), (2023, 6.0), (2025, 9.0)]:
        Observation.objects.create(indicator=indicator, year=year, value=value)
    Observation.objects.create(indicator=indicator, year=2025, value=99.0, area="Xã Anh Sơn")
    return indicator


def test_dashboard_shows_all_ten_targets_with_a_status(client, nghe_an):
    page = client.get("/").content.decode()
    for target in nghe_an.targets.all():
        assert f'data-target="{target.code}"' in page
    assert page.count('class="badge" style=') >= 10


def test_dashboard_statuses_come_from_the_engine(client, rd_series, nghe_an):
    (progress,) = evaluate_targets(nghe_an.targets.filter(indicator=rd_series))
    # 4 → 9 in four years: geometric projection to 2030 passes 12 per 10,000 people.
    assert progress.status == "on_track" and progress.progress.latest_value == 9.0
    page = client.get(f"/monitoring/r/{nghe_an.code}/").content.decode()
    row = page.split(f'data-target="{progress.target.code}"')[1].split("</tr>")[0]
    assert 'data-status="on_track"' in row and "9 " in row


def test_sample_data_is_labelled(client, nghe_an):
    page = client.get("/").content.decode()
    assert "banner-sample" not in page
    Observation.objects.create(
        indicator=Indicator.objects.get(code="RD_FTE_PER_10K"), year=2024, value=5, is_sample=True
    )
    assert "banner-sample" in client.get("/").content.decode()


def test_target_page_explains_and_charts(client, rd_series, nghe_an):
    target = nghe_an.targets.get(indicator=rd_series)
    page = client.get(f"/monitoring/r/{nghe_an.code}/t/{target.code}/").content.decode()
    assert "<svg" in page and "<polyline" in page
    assert 'class="card explanation"' in page and "2025" in page
    assert "99" not in page.split('class="data"')[1].split("</table>")[0]  # breakdown not in table


def test_downloads_in_three_formats(client, rd_series, nghe_an):
    target = nghe_an.targets.get(indicator=rd_series)
    base = f"/monitoring/r/{nghe_an.code}/t/{target.code}/data"
    text = client.get(base + ".csv").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["year"], r["value"], r["area"]) for r in rows] == [
        ("2021", "4.0", ""),
        ("2023", "6.0", ""),
        ("2025", "9.0", ""),
        ("2025", "99.0", "Xã Anh Sơn"),
    ]
    data = json.loads(client.get(base + ".json").content)
    assert {d["value"] for d in data} == {4.0, 6.0, 9.0, 99.0}
    book = load_workbook(io.BytesIO(client.get(base + ".xlsx").content))
    assert book.active.max_row == 5
    assert client.get(base + ".exe").status_code == 404


def test_dashboard_query_count_does_not_grow_with_data(client, rd_series, nghe_an,
                                                      django_assert_max_num_queries):  # fmt: skip
    with django_assert_max_num_queries(8):
        client.get(f"/monitoring/r/{nghe_an.code}/")


def test_unknown_resolution_and_target_are_404(client, nghe_an):
    assert client.get("/monitoring/r/NOPE/").status_code == 404
    assert client.get(f"/monitoring/r/{nghe_an.code}/t/NOPE/").status_code == 404


def test_empty_platform_says_how_to_load(client, db):
    assert "load_resolution" in client.get("/").content.decode()


def test_cumulative_target_charts_the_running_total(client, nghe_an):
    indicator = Indicator.objects.get(code="IP_REGISTRATIONS")
    for year, value in [(2023, 999), (2024, 300), (2025, 250)]:  # 2023 is before count_from
        Observation.objects.create(indicator=indicator, year=year, value=value)
    (progress,) = evaluate_targets(nghe_an.targets.filter(indicator=indicator))
    assert progress.chart_points() == [(2024, 300.0), (2025, 550.0)]


def test_chart_ticks_are_round_numbers():
    from stihub.monitoring.charts import nice_ticks

    assert nice_ticks(7.32, 3000) == [0, 1000, 2000, 3000]
    assert nice_ticks(20, 37) == [20, 25, 30, 35, 40]


def test_dashboard_as_of_a_past_year_ignores_later_data(client, rd_series, nghe_an):
    target = nghe_an.targets.get(indicator=rd_series)
    page = client.get(f"/monitoring/r/{nghe_an.code}/?as_of=2023").content.decode()
    row = page.split(f'data-target="{target.code}"')[1].split("</tr>")[0]
    assert "6 người/vạn dân" in row and "2023" in row and "9 " not in row
    assert "?as_of=2023" in row
    detail = client.get(f"/monitoring/r/{nghe_an.code}/t/{target.code}/?as_of=2023").content
    assert b"2025" not in detail.split(b'class="card explanation"')[1].split(b"</div>")[0]


def test_dashboard_rejects_a_bad_year_and_shows_the_latest(client, rd_series, nghe_an):
    page = client.get(f"/monitoring/r/{nghe_an.code}/?as_of=20x3").content.decode()
    assert 'class="errors"' in page
    assert "9 người/vạn dân" in page
