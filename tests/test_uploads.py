"""Uploads that cannot exhaust memory or CPU, and codes checked at entry (issue 7, parts 3, 6).

The hand-built workbooks (tests/engines/xlsx_builders.py): 1.5 KB declaring A1:XFD1048576, a
zip bomb of 200 MB of zeros packed into about 200 KB, a sheet whose XML breaks off.
"""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import override

from stihub.core import formatting
from stihub.core.uploads import XLSX, check_upload, index_limits, observation_limits
from stihub.engines.codes import CODE_MAX_LENGTH
from stihub.engines.limits import BROKEN_SHEET, Limits
from stihub.engines.problems import Problem
from stihub.innovation.models import IndexDataset
from stihub.monitoring.models import Observation

from .engines.composite_builders import FIXTURE, workbook_sheets, write_sheets
from .engines.xlsx_builders import (
    cut_short,
    handmade_xlsx,
    sheet_xml,
    whole_sheet_declared,
    zip_bomb,
)

OBS_ROWS = [["indicator", "year", "value"], ["PII_RANK", 2023, 33], ["PII_RANK", 2024, 37]]


@pytest.fixture(autouse=True)
def english(client):
    client.cookies["django_language"] = "en"


def upload(content: bytes, name="data.xlsx"):
    return SimpleUploadedFile(name, content)


def refusal(content: bytes) -> str:
    with pytest.raises(ValidationError) as caught, override("en"):
        check_upload(upload(content), [XLSX])
    return " ".join(caught.value.messages)


# --- the shared check ----------------------------------------------------------------------


def test_check_upload_refuses_a_workbook_declaring_the_whole_sheet():
    message = refusal(whole_sheet_declared("Số liệu"))
    assert "sheet Số liệu" in message and "A1:XFD1048576" in message


def test_check_upload_refuses_a_zip_bomb_by_its_unpacked_size(tmp_path):
    content = zip_bomb(tmp_path / "bomb.xlsx").read_bytes()
    assert len(content) < 400_000
    assert "The workbook unpacks to 191 MB; at most 100 MB are accepted" in refusal(content)


def test_check_upload_accepts_a_real_workbook():
    assert check_upload(upload(FIXTURE.read_bytes()), [XLSX]).name == "data.xlsx"


def test_the_limits_come_from_settings(settings):
    settings.STIHUB_UPLOAD_MAX_UNZIPPED_BYTES = 1024 * 1024  # the ASEM workbook unpacks to 1.5 MB
    assert "at most 1 MB" in refusal(FIXTURE.read_bytes())
    settings.STIHUB_UPLOAD_MAX_ROWS, settings.STIHUB_INDEX_MAX_COLUMNS = 7, 9
    assert observation_limits() == Limits(max_unzipped_bytes=1024 * 1024, max_rows=7)
    assert index_limits() == Limits(max_unzipped_bytes=1024 * 1024, max_rows=2_000, max_columns=9)


# --- the web uploads -----------------------------------------------------------------------


def located(problem: Problem) -> str:
    """A problem as the page shows it (English, HTML-escaped)."""
    with override("en"):
        return escape(formatting.problem(problem))


def post_import(client, content, name="obs.xlsx"):
    return client.post(reverse("monitoring:import"), {"file": upload(content, name)}, follow=True)


def post_index(client, content):
    data = {"file": upload(content, "pii.xlsx"), "code": "PII", "year": 2024, "title": "PII"}
    return client.post(reverse("innovation:upload"), data)


def test_import_page_refuses_a_workbook_declaring_the_whole_sheet(client_for, nghe_an):
    response = post_import(client_for("dost"), whole_sheet_declared("Số liệu"))
    page = response.content.decode()
    assert response.status_code == 200 and not Observation.objects.exists()
    assert "A1:XFD1048576" in page and "Số liệu" in page


def test_import_page_refuses_a_zip_bomb(client_for, nghe_an, tmp_path):
    response = post_import(client_for("dost"), zip_bomb(tmp_path / "b.xlsx").read_bytes())
    assert response.status_code == 200 and not Observation.objects.exists()
    assert "191 MB" in response.content.decode()


def test_import_page_locates_a_sheet_cut_short(client_for, nghe_an):
    content = handmade_xlsx("Số liệu", sheet_xml(OBS_ROWS, "A1:C3"))
    response = post_import(client_for("dost"), cut_short(content, before=b'<row r="3"'))
    assert response.status_code == 200 and not Observation.objects.exists()
    assert located(Problem(BROKEN_SHEET, sheet="Số liệu", row=3)) in response.content.decode()


def test_import_page_locates_a_code_that_breaks_the_rule(client_for, nghe_an):
    content = b"indicator,year,value\nPII/RANK,2024,37\n"
    response = post_import(client_for("dost"), content, "obs.csv")
    assert response.status_code == 200 and not Observation.objects.exists()
    assert "line 2, column indicator: The code &#x27;PII/RANK&#x27; is not allowed" in (
        response.content.decode()
    )


def test_index_upload_refuses_a_workbook_declaring_the_whole_sheet(client_for):
    response = post_index(client_for("dost"), whole_sheet_declared("InputIndData"))
    assert response.status_code == 200 and not IndexDataset.objects.exists()
    assert "A1:XFD1048576" in response.content.decode()


def test_index_upload_refuses_a_zip_bomb(client_for, tmp_path):
    content = zip_bomb(tmp_path / "b.xlsx", sheet="InputIndData").read_bytes()
    response = post_index(client_for("dost"), content)
    assert response.status_code == 200 and not IndexDataset.objects.exists()
    assert "191 MB" in response.content.decode()


def test_index_upload_locates_a_sheet_cut_short(client_for, tmp_path):
    content = write_sheets(tmp_path / "ok.xlsx", workbook_sheets()).read_bytes()
    broken = cut_short(content, before=b'<row r="4"')
    response = post_index(client_for("dost"), broken)
    assert response.status_code == 200 and not IndexDataset.objects.exists()
    assert "sheet InputIndData, row 4: the workbook is damaged" in response.content.decode()


def test_index_upload_locates_a_unit_code_that_would_break_its_page(client_for, tmp_path):
    sheets = workbook_sheets()
    sheets["InputIndData"][2][0] = sheets["InputDenominators"][2][0] = "NA/1"
    response = post_index(
        client_for("dost"), write_sheets(tmp_path / "x.xlsx", sheets).read_bytes()
    )
    assert response.status_code == 200 and not IndexDataset.objects.exists()
    assert "sheet InputIndData, row 3, column UnitCode: The code &#x27;NA/1&#x27;" in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    ("field", "value"), [("code", "-PII"), ("province_unit", "NA/1"), ("province_unit", "Nghệ An")]
)
def test_index_upload_form_checks_its_codes(client_for, tmp_path, field, value):
    content = write_sheets(tmp_path / "ok.xlsx", workbook_sheets()).read_bytes()
    data = {"file": upload(content, "pii.xlsx"), "code": "PII", "year": 2024, "title": "PII"}
    data[field] = value
    response = client_for("dost").post(reverse("innovation:upload"), data)
    assert response.status_code == 200 and not IndexDataset.objects.exists()
    assert escape(repr(value)) in response.content.decode()


def test_the_code_rule_fits_every_code_column_of_the_database():
    from stihub.core.models import Agency
    from stihub.monitoring.models import Indicator, Resolution, SolutionGroup, Target

    for model in (Agency, Indicator, Resolution, SolutionGroup, Target):
        assert model._meta.get_field("code").max_length >= CODE_MAX_LENGTH, model


def test_the_command_line_reader_is_protected_the_same_way(tmp_path):
    from stihub.engines.observations import read_observations
    from stihub.engines.problems import DataError

    path = tmp_path / "declared.xlsx"
    path.write_bytes(whole_sheet_declared())
    with pytest.raises(DataError) as caught:
        read_observations(path)
    assert "A1:XFD1048576" in str(caught.value)
    with pytest.raises(DataError) as caught:
        read_observations(io.BytesIO(whole_sheet_declared()), "x.xlsx", limits=observation_limits())
    assert "A1:XFD1048576" in str(caught.value)
