"""Observation imports: all or nothing, every bad row reported with its line, DOST staff only."""

import io

import pytest
from openpyxl import Workbook

from stihub.engines.problems import DataError
from stihub.monitoring.importing import import_observations
from stihub.monitoring.models import Observation

GOOD = 'indicator,year,value,area,note\nRD_FTE_PER_10K,2023,"6,5",,\nRD_FTE_PER_10K,2024,7.25,,\n'
BAD = (
    "indicator,year,value\n"
    "RD_FTE_PER_10K,2023,6.5\n"
    "NO_SUCH_CODE,2023,1\n"
    "RD_FTE_PER_10K,20x4,7\n"
    "RD_FTE_PER_10K,2025,many\n"
)


def csv(text, name="data.csv"):
    handle = io.BytesIO(text.encode("utf-8"))
    handle.name = name
    return handle


def test_import_creates_then_updates_keeping_history(nghe_an, agency):
    counts = import_observations(csv(GOOD), "data.csv", agency=agency, source="Cục Thống kê")
    assert counts["created"] == 2
    first = Observation.objects.get(indicator__code="RD_FTE_PER_10K", year=2023)
    assert (first.value, first.agency, first.source) == (6.5, agency, "Cục Thống kê")
    counts = import_observations(csv(GOOD.replace('"6,5"', "6.75")), "data.csv", agency=agency,
                                 source="Cục Thống kê")  # fmt: skip
    assert (counts["updated"], counts["unchanged"]) == (1, 1)
    first.refresh_from_db()
    assert first.value == 6.75
    assert [h.value for h in first.history.order_by("history_date")] == [6.5, 6.75]


def test_bad_file_writes_nothing_and_names_every_bad_line(nghe_an):
    with pytest.raises(DataError) as error:
        import_observations(csv(BAD), "data.csv")
    assert sorted(p.row for p in error.value.problems) == [3, 4, 5]
    assert not Observation.objects.exists()


def test_xlsx_import_reports_sheet_and_row(nghe_an):
    book = Workbook()
    sheet = book.active
    sheet.title = "Số liệu"
    sheet.append(["indicator", "year", "value"])
    sheet.append(["IP_REGISTRATIONS", 2024, 310])
    sheet.append(["IP_REGISTRATIONS", 2025, "nhiều"])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    with pytest.raises(DataError) as error:
        import_observations(buffer, "data.xlsx")
    (problem,) = error.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("Số liệu", 3, "value")
    assert not Observation.objects.exists()


def test_import_page_lists_problems_and_writes_nothing(client_for, nghe_an):
    client = client_for("dost")
    response = client.post("/monitoring/import/", {"file": csv(BAD)})
    page = response.content.decode()
    assert response.status_code == 200
    for line in (3, 4, 5):
        assert f"dòng {line}" in page
    assert not Observation.objects.exists()


def test_import_page_imports_a_good_file(client_for, nghe_an):
    client = client_for("dost")
    response = client.post("/monitoring/import/", {"file": csv(GOOD)}, follow=True)
    assert Observation.objects.filter(indicator__code="RD_FTE_PER_10K").count() == 2
    assert Observation.objects.first().history.first().history_user.username == "dost"
    assert "2" in response.content.decode()


@pytest.mark.parametrize("name, status", [("reporter", 403), ("expert", 403), ("outsider", 403)])
def test_import_page_refuses_non_dost(client_for, nghe_an, name, status):
    assert client_for(name).post("/monitoring/import/", {"file": csv(GOOD)}).status_code == status
    assert not Observation.objects.exists()


def test_import_page_sends_anonymous_to_sign_in(client, nghe_an):
    response = client.get("/monitoring/import/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_import_command_reports_problems(nghe_an, tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "bad.csv"
    path.write_text(BAD, encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("import_observations", str(path))
    assert "3" in str(error.value) and "5" in str(error.value)
    assert not Observation.objects.exists()
