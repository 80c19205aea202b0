"""The registries' import contract, on files and cells (no database): headers by key and by
Vietnamese label, every kind, each cell check with its message and place, all problems at once."""

import io
from datetime import date

import pytest

from stihub.engines import registry_io as r
from stihub.engines.problems import DataError

COMMUNES = frozenset({"16681"})
KNOWN = r.Known(fields=frozenset({"1.1", "2.2"}), vsic=frozenset({"10", "62"}), communes=COMMUNES)


def read(kind, text, known=KNOWN):
    return r.read(kind, io.BytesIO(text.encode("utf-8")), "f.csv", known=known)


def problems(kind, text, known=KNOWN):
    with pytest.raises(DataError) as error:
        read(kind, text, known)
    return [(p.row, p.column, p.template, p.params) for p in error.value.problems]


def column(kind, key):
    return next(c for c in r.columns(kind) if c.key == key)


def test_contract_keys_are_the_issue_s():
    assert r.keys("experts", extra=False) == [
        "full_name",
        "birth_year",
        "gender",
        "academic_title",
        "degree",
        "fields",
        "keywords",
        "organization",
        "location",
        "country",
        "hometown",
        "email",
        "phone",
        "orcid",
        "roles",
        "public_consent",
    ]
    assert r.keys("organizations", extra=False) == (
        ["code", "name", "kind", "commune_code", "fields", "staff_total", "staff_phd"]
    )
    assert r.keys("enterprises", extra=False) == (
        [
            "tax_code",
            "name",
            "vsic",
            "size",
            "commune_code",
            "st_cert_no",
            "st_cert_date",
            "startup_recognised_on",
        ]
    )
    assert r.keys("ip", extra=False) == [
        "kind",
        "application_no",
        "filed_on",
        "applicant_tax_code",
        "applicant_name",
        "title",
        "classes",
        "status",
        "granted_on",
        "grant_no",
    ]


@pytest.mark.parametrize("kind", r.KINDS)
def test_every_kind_reads_its_template_labels_and_its_keys(kind):
    """A header of the labels and one of the keys read the same row the same way."""
    required = [c for c in r.columns(kind) if c.required]
    samples = {
        "full_name": "Nguyễn Văn An", "location": "trong tỉnh", "code": "vien-x", "name": "Viện X",
        "kind": {"organizations": "vườn ươm", "ip": "nhãn hiệu", "infrastructure": "thiết bị"}.get(
            kind
        ),
        "tax_code": "0100109106", "application_no": "4-2022-1", "filed_on": "01/02/2022",
        "title": "Chè", "status": "cấp bằng",
    }  # fmt: skip
    values = ",".join(samples[c.key] for c in required)
    by_label = read(kind, ",".join(c.label for c in required) + "\n" + values + "\n")
    by_key = read(kind, ",".join(c.key for c in required) + "\n" + values + "\n")
    assert by_label[0].values == by_key[0].values
    assert by_label[0].header(required[0].key) == required[0].label  # named as the file names it


def test_labels_match_without_case_or_marks():
    (row,) = read("enterprises", "MA SO THUE,ten doanh nghiep\n0100109106,Công ty A\n")
    assert row.values == {"tax_code": "0100109106", "name": "Công ty A"}


@pytest.mark.parametrize(
    "kind,key,text,expected",
    [
        ("enterprises", "st_cert_date", "05/03/2021", date(2021, 3, 5)),
        ("enterprises", "st_cert_date", "2021-03-05", date(2021, 3, 5)),
        ("experts", "public_consent", "có", True),
        ("experts", "public_consent", "Không", False),
        ("experts", "public_consent", "yes", True),
        ("experts", "gender", "nữ", "female"),
        ("experts", "gender", "Nam", "male"),
        ("experts", "location", "nước ngoài", "abroad"),
        ("experts", "location", "trong nước", "vietnam"),
        ("experts", "location", "province", "province"),
        (
            "experts",
            "roles",
            "phản biện; council;cố vấn khởi nghiệp",
            ["reviewer", "council", "mentor"],
        ),
        ("experts", "degree", "thạc sĩ", "ThS"),
        ("experts", "degree", "cn/ks", "CN/KS"),
        ("experts", "academic_title", "phó giáo sư", "PGS"),
        ("experts", "fields", "2.2;1.1", ["2.2", "1.1"]),
        ("experts", "orcid", "https://orcid.org/0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("experts", "keywords", "lúa; giống ;", ["lúa", "giống"]),
        ("enterprises", "size", "siêu nhỏ", "micro"),
        ("enterprises", "size", "Large", "large"),
        ("enterprises", "tax_code", "0100109106-001", "0100109106-001"),
        ("enterprises", "vsic", "6201", "6201"),
        ("enterprises", "commune_code", "16681", 16681),
        ("ip", "kind", "giải pháp hữu ích", "utility_solution"),
        ("ip", "status", "hết hiệu lực", "expired"),
        ("ip", "status", "published", "published"),
        ("organizations", "rd_fte", "35,5", 35.5),
        ("organizations", "staff_total", "120", 120),
    ],
)
def test_cells(kind, key, text, expected):
    assert r.parse_cell(column(kind, key), text, KNOWN) == expected


def test_excel_cells_dates_and_numbers():
    from datetime import datetime

    assert r.parse_cell(column("ip", "filed_on"), datetime(2022, 1, 2)) == date(2022, 1, 2)
    # A tax code typed as a number loses its leading zero in Excel: 100109106 is 0100109106.
    assert r.parse_cell(column("enterprises", "tax_code"), 100109106) == "0100109106"
    assert r.parse_cell(column("experts", "birth_year"), 1970.0) == 1970


@pytest.mark.parametrize(
    "kind,key,text,template",
    [
        ("enterprises", "st_cert_date", "31/02/2021", r.BAD_DATE),
        ("enterprises", "st_cert_date", "March 2021", r.BAD_DATE),
        ("experts", "public_consent", "maybe", r.BAD_YES_NO),
        ("experts", "gender", "x", r.BAD_WORD),
        ("experts", "roles", "reviewer;chairman", r.BAD_WORD),
        ("experts", "fields", "2.2;9.9", r.UNKNOWN_FIELD),
        ("experts", "birth_year", "197O", r.BAD_YEAR),
        ("experts", "birth_year", "1850", r.BAD_YEAR),
        ("experts", "email", "an@", r.BAD_EMAIL),
        ("enterprises", "vsic", "4410", r.UNKNOWN_VSIC),
        ("enterprises", "commune_code", "99999", r.UNKNOWN_COMMUNE),
        ("organizations", "staff_total", "-3", r.BAD_INT),
        ("organizations", "rd_fte", "nhiều", r.BAD_NUMBER),
        ("organizations", "code", "viện x", r.BAD_SLUG),
    ],
)
def test_bad_cells(kind, key, text, template):
    with pytest.raises(r.CellError) as error:
        r.parse_cell(column(kind, key), text, KNOWN)
    assert error.value.template == template


def test_identifiers_use_their_check_digits():
    from stihub.engines import identifiers

    with pytest.raises(r.CellError) as error:
        r.parse_cell(column("enterprises", "tax_code"), "0100109107")  # 6 is the check digit
    assert error.value.template == identifiers.BAD_TAX_CODE
    with pytest.raises(r.CellError) as error:
        r.parse_cell(column("experts", "orcid"), "0000-0002-1825-0098")  # 7 is the check
    assert error.value.template == identifiers.BAD_ORCID


def test_unknown_codes_are_not_checked_without_a_known_set():
    assert r.parse_cell(column("experts", "fields"), "9.9") == ["9.9"]


def test_every_problem_with_its_row_and_column_as_the_file_names_it():
    text = (
        "Mã số thuế,Tên doanh nghiệp,Quy mô,st_cert_date\n"
        "0100109107,A,small,\n"  # line 2: check digit
        "0100109106,,huge,2021-02-30\n"  # line 3: three problems
        "0100109106,C,,\n"  # line 4: the tax code of line 3 again
    )
    found = problems("enterprises", text)
    assert [(row, col) for row, col, _t, _p in found] == [
        (2, "Mã số thuế"),
        (3, "Tên doanh nghiệp"),
        (3, "Quy mô"),
        (3, "st_cert_date"),
        (4, "Mã số thuế"),
    ]
    assert found[1][2] == r.REQUIRED
    assert found[4][2:] == (r.REPEATED, {"value": "0100109106", "first": 3})


def test_header_problems():
    found = problems("enterprises", "tax_code,ten,colour,Mã số thuế\n0100109106,A,x,y\n")
    templates = [(t, col) for _row, col, t, _p in found]
    assert (r.UNKNOWN_COLUMN, "ten") in templates
    assert (r.UNKNOWN_COLUMN, "colour") in templates
    assert (r.TWICE, "Mã số thuế") in templates
    assert (r.MISSING, None) in templates  # name
    assert problems("enterprises", "tax_code,name\n")[0][2] == r.NO_ROWS
    assert problems("enterprises", "\n")[0][2] == r.EMPTY


def test_ip_dates_against_the_filing_date():
    text = "kind,application_no,filed_on,applicant_name,title,status,granted_on\n"
    text += "invention,1-1,10/01/2021,A,T,granted,01/01/2020\n"
    text += "invention,1-2,10/01/2021,A,T,granted,\n"
    found = problems("ip", text)
    assert [(row, col, t) for row, col, t, _p in found] == [
        (2, "granted_on", r.BEFORE_FILED),
        (3, "granted_on", r.NEEDS_GRANT),
    ]


def test_survey_figures_need_their_year():
    found = problems("enterprises", "tax_code,name,rd_fte\n0100109106,A,3\n")
    assert found == [(2, "survey_year", r.NEEDS_YEAR, {})]


def test_xlsx_rows_are_numbered_as_in_excel(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Dữ liệu"
    book.active.append(["Mã số thuế", "Tên doanh nghiệp"])
    book.active.append(["0100109106", "A"])
    book.active.append([])
    book.active.append(["bad", "B"])
    path = tmp_path / "e.xlsx"
    book.save(path)
    with pytest.raises(DataError) as error:
        r.read("enterprises", path)
    (problem,) = error.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("Dữ liệu", 4, "Mã số thuế")


def test_export_cells_read_back():
    assert r.cell_text(column("experts", "public_consent"), True) == "yes"
    assert r.cell_text(column("experts", "public_consent"), None) == ""
    assert r.cell_text(column("experts", "fields"), ["1.1", "2.2"]) == "1.1;2.2"
