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
        Observation.objects.create(status="approved", indicator=indicator, year=year, value=value)
    Observation.objects.create(
        status="approved", indicator=indicator, year=2025, value=99.0, area="Xã Anh Sơn"
    )
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
        status="approved",
        indicator=Indicator.objects.get(code="RD_FTE_PER_10K"),
        year=2024,
        value=5,
        is_sample=True,
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
        Observation.objects.create(status="approved", indicator=indicator, year=year, value=value)
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


# Units, ranges and names read naturally (issue 6).


def test_rank_and_range_values_read_naturally():
    from types import SimpleNamespace

    from django.utils import translation

    from stihub.core.formatting import for_target

    rank = SimpleNamespace(kind="rank", unit="hạng", scale=[])
    count = SimpleNamespace(kind="cumulative", unit="doanh nghiệp", scale=[])
    with translation.override("en"):
        assert for_target(37.0, rank) == "rank 37"
        assert for_target(6.0, count, upper=12.0) == "6–12 doanh nghiệp"
        assert for_target(6.0, count, upper=6.0) == "6 doanh nghiệp"
        assert for_target(7.0, count) == "7 doanh nghiệp"
    with translation.override("vi"):
        assert for_target(1234.5, count, upper=2000.0) == "1.234,5–2.000 doanh nghiệp"


def test_target_pages_show_rank_and_range_targets_naturally(client, nghe_an):
    client.cookies["django_language"] = "en"
    Observation.objects.create(
        status="approved", indicator=Indicator.objects.get(code="PII_RANK"), year=2024, value=37
    )
    page = client.get(f"/monitoring/r/{nghe_an.code}/").content.decode()
    rank = page.split('data-target="CT04"')[1].split("</tr>")[0]
    assert "rank 37" in rank and "rank 20" in rank and "≤" not in rank
    count = page.split('data-target="CT07"')[1].split("</tr>")[0]
    assert "6–12 doanh nghiệp" in count
    detail = client.get(f"/monitoring/r/{nghe_an.code}/t/CT07/").content.decode()
    assert "6–12 doanh nghiệp" in detail


def test_vietnamese_sort_key_follows_the_alphabet_then_tones():
    from stihub.core.formatting import vietnamese_sort_key

    names = ["Đô Lương", "Diễn Châu", "Anh Sơn", "Ân Thi", "Ăn", "Yên Thành"]
    assert sorted(names, key=vietnamese_sort_key) == [
        "Anh Sơn", "Ăn", "Ân Thi", "Diễn Châu", "Đô Lương", "Yên Thành",
    ]  # fmt: skip
    # letters first, tones only break ties (ngang, huyền, hỏi, ngã, sắc, nặng); case is ignored
    assert sorted(["mạ", "Má", "mã", "mả", "mà", "ma", "mác", "mai"], key=vietnamese_sort_key) == [
        "ma", "mà", "mả", "mã", "Má", "mạ", "mác", "mai",
    ]  # fmt: skip
    assert sorted(["ư", "u", "ơ", "ô", "o", "ê", "e"], key=vietnamese_sort_key) == [
        "e", "ê", "o", "ô", "ơ", "u", "ư",
    ]  # fmt: skip


def test_solution_group_partners_are_in_vietnamese_order(client, nghe_an):
    from stihub.core.models import Agency

    group = nghe_an.solution_groups.first()
    names = ["Đô Lương", "Diễn Châu", "Ăn"]
    group.partner_agencies.set(
        [Agency.objects.create(code=f"P{i}", name=n) for i, n in enumerate(names)]
    )
    page = client.get(f"/monitoring/r/{nghe_an.code}/").content.decode()
    assert "Ăn, Diễn Châu, Đô Lương" in page


def test_sample_points_never_feed_a_series_that_has_real_data(nghe_an):
    indicator = Indicator.objects.get(code="PII_RANK")
    for year, value, sample in [(2023, 33, False), (2024, 37, False), (2025, 10, True)]:
        Observation.objects.create(
            status="approved", indicator=indicator, year=year, value=value, is_sample=sample
        )
    (p,) = evaluate_targets(nghe_an.targets.filter(indicator=indicator))
    # Real only: least squares through (2023, 33) and (2024, 37) rises 4 a year, so at 2030
    # 33 + 4·7 = 61; ratio (33 − 61)/(33 − 20) = −28/13 < 0: regressing. The sample 10 would
    # have made it "achieved".
    assert (p.status, p.progress.latest_year, p.progress.latest_value) == ("regressing", 2024, 37)
    assert p.progress.projected == pytest.approx(61.0)
    assert p.points == [(2023, 33.0), (2024, 37.0)] and not p.is_sample


def test_a_series_with_only_sample_data_uses_it_and_is_marked_sample(nghe_an):
    indicator = Indicator.objects.get(code="PII_RANK")
    for year, value in [(2024, 30), (2025, 25)]:
        Observation.objects.create(
            status="approved", indicator=indicator, year=year, value=value, is_sample=True
        )
    (p,) = evaluate_targets(nghe_an.targets.filter(indicator=indicator))
    assert p.progress.latest_value == 25 and p.sample_years == {2024, 2025}
