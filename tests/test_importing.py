"""Observation imports: all or nothing, every bad row reported with its line, DOST staff only."""

import io

import pytest
from openpyxl import Workbook

from stihub.engines.problems import DataError
from stihub.monitoring.importing import import_observations
from stihub.monitoring.models import Indicator, Observation

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


def test_import_creates_then_corrects_by_a_new_revision(nghe_an, agency):
    counts = import_observations(csv(GOOD), "data.csv", agency=agency, source="Cục Thống kê")
    assert counts["created"] == 2
    first = Observation.objects.published().get(indicator__code="RD_FTE_PER_10K", year=2023)
    assert (first.value, first.agency, first.source) == (6.5, agency, "Cục Thống kê")
    assert first.submission.approved_at_once and first.review_comment  # DOST's import: recorded
    counts = import_observations(csv(GOOD.replace('"6,5"', "6.75")), "data.csv", agency=agency,
                                 source="Cục Thống kê")  # fmt: skip
    assert (counts["updated"], counts["unchanged"]) == (1, 1)
    # Nothing is overwritten: the correction is a new revision, the old one superseded.
    revisions = Observation.objects.same_key(first).order_by("pk")
    assert [(r.value, r.status) for r in revisions] == [(6.5, "superseded"), (6.75, "approved")]
    assert Observation.objects.published().count() == 2


def test_an_import_left_for_review_publishes_nothing(nghe_an, agency):
    counts = import_observations(csv(GOOD), "data.csv", agency=agency, approve=False)
    assert counts["created"] == 2
    assert Observation.objects.filter(status="submitted").count() == 2
    assert not Observation.objects.published().exists()


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


# Years, areas and the columns of the platform's own downloads (issue 6).


@pytest.fixture
def units(db):
    from stihub.core.models import AdministrativeUnit

    province = AdministrativeUnit.objects.create(
        code=40, name="Tỉnh Nghệ An", division_type="tinh", codename="nghe_an"
    )
    for code, name in [(16681, "Xã Anh Sơn"), (16699, "Xã Yên Xuân")]:
        AdministrativeUnit.objects.create(
            code=code, name=name, division_type="xa", codename=str(code), parent=province
        )


def test_a_year_after_the_current_one_is_refused(nghe_an):
    import datetime

    next_year = datetime.date.today().year + 1
    with pytest.raises(DataError) as error:
        import_observations(csv(f"indicator,year,value\nRD_FTE_PER_10K,{next_year},7\n"), "d.csv")
    (problem,) = error.value.problems
    assert (problem.row, problem.column) == (2, "year")
    assert not Observation.objects.exists()


def test_areas_are_loaded_units_by_code_or_name_stored_by_name(nghe_an, units):
    good = (
        "indicator,year,value,area\n"
        "RD_FTE_PER_10K,2024,7,16681\n"  # by official code
        "RD_FTE_PER_10K,2024,8,Xã Yên Xuân\n"  # by exact name
    )
    import_observations(csv(good), "d.csv")
    assert sorted(Observation.objects.values_list("area", "value")) == [
        ("Xã Anh Sơn", 7.0),
        ("Xã Yên Xuân", 8.0),
    ]
    province = "indicator,year,value,area\nRD_FTE_PER_10K,2023,7,Tỉnh Nghệ An\n"  # not a commune
    with pytest.raises(DataError) as error:
        import_observations(csv(province), "d.csv")
    assert [(p.row, p.column) for p in error.value.problems] == [(2, "area")]
    assert Observation.objects.count() == 2


def test_without_loaded_units_an_area_says_to_load_them(nghe_an):
    text = "indicator,year,value,area\nRD_FTE_PER_10K,2024,7,16681\n"
    with pytest.raises(DataError) as error:
        import_observations(csv(text), "d.csv")
    (problem,) = error.value.problems
    assert "load_admin_units" in problem.message
    assert not Observation.objects.exists()


def test_semicolon_file_with_vietnamese_headers_imports(nghe_an):
    text = "Chỉ tiêu;Năm;Giá trị;Địa bàn;Ghi chú\nRD_FTE_PER_10K;2023;6,5;;ước tính\n"
    assert import_observations(csv(text), "excel.csv")["created"] == 1
    assert Observation.objects.values_list("value", "note").get() == (6.5, "ước tính")


def test_row_source_and_agency_win_over_the_form_which_fills_empty_cells(nghe_an, agency):
    from stihub.core.models import Agency

    other = Agency.objects.create(code="SKHCN_TEST", name="Sở KH&CN (test)")
    text = (
        "indicator,year,value,source,agency\n"
        "RD_FTE_PER_10K,2023,6,Niên giám 2023,SKHCN_TEST\n"
        "RD_FTE_PER_10K,2024,7,,\n"
    )
    import_observations(csv(text), "d.csv", agency=agency, source="Báo cáo")
    assert list(Observation.objects.order_by("year").values_list("source", "agency")) == [
        ("Niên giám 2023", other.pk),
        ("Báo cáo", agency.pk),
    ]


def test_a_sample_row_never_replaces_a_real_figure(nghe_an):
    indicator = Indicator.objects.get(code="RD_FTE_PER_10K")
    Observation.objects.create(status="approved", indicator=indicator, year=2023, value=6)
    text = "indicator,year,value,sample\nRD_FTE_PER_10K,2024,7,True\nRD_FTE_PER_10K,2023,9,True\n"
    with pytest.raises(DataError) as error:
        import_observations(csv(text), "d.csv")
    assert [(p.row, p.column) for p in error.value.problems] == [(3, "sample")]
    assert list(Observation.objects.values_list("year", "value", "is_sample")) == [
        (2023, 6.0, False)
    ]


def test_a_damaged_workbook_shows_no_library_text(client_for, nghe_an):
    upload = io.BytesIO(b"PK\x03\x04 this is not a workbook")
    upload.name = "so-lieu.xlsx"
    page = client_for("dost").post("/monitoring/import/", {"file": upload}).content.decode()
    # refused by the shared upload check (core/uploads.py), as a form error on the file field
    assert 'class="errorlist"' in page and "so-lieu.xlsx" in page
    assert "BytesIO" not in page and "zip" not in page.lower() and "no item named" not in page


def test_the_agency_list_is_in_vietnamese_alphabetical_order(db):
    from stihub.core.models import Agency
    from stihub.monitoring.forms import ObservationImportForm

    names = ["Đô Lương", "Diễn Châu", "Anh Sơn", "Ân Thi", "Ăn", "Yên Thành"]
    for i, name in enumerate(names):
        Agency.objects.create(code=f"A{i}", name=name)
    labels = [label for _value, label in ObservationImportForm().fields["agency"].choices][1:]
    # a < ă < â, then d < đ, then y
    assert labels == ["Anh Sơn", "Ăn", "Ân Thi", "Diễn Châu", "Đô Lương", "Yên Thành"]
