"""Observation files: good rows are read, and every bad row is reported with where and why."""

import io

import pytest
from openpyxl import Workbook

from stihub.engines.observations import (
    ObservationRow,
    number_text,
    parse_number,
    read_observations,
)
from stihub.engines.problems import DataError


def write_csv(tmp_path, text, bom=False, name="obs.csv"):
    path = tmp_path / name
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def problems(source, **kwargs):
    with pytest.raises(DataError) as caught:
        read_observations(source, **kwargs)
    return caught.value.problems


def test_good_csv_with_bom_free_column_order_and_decimal_comma(tmp_path):
    path = write_csv(
        tmp_path,
        "Year,Indicator,Value,Area,Note\n"
        '2023,PII_SCORE,"36,50",,công bố 2024\n'
        "2024,PII_RANK,37,,\n"
        '2024,ST_ENTERPRISES,"1.234,5",Vinh,\n',
        bom=True,
    )
    rows = read_observations(path)
    assert rows == [
        ObservationRow(2, "PII_SCORE", 2023, 36.5, "", "công bố 2024"),
        ObservationRow(3, "PII_RANK", 2024, 37.0),
        ObservationRow(4, "ST_ENTERPRISES", 2024, 1234.5, "Vinh"),
    ]


def test_every_bad_csv_row_is_reported_with_its_line(tmp_path):
    path = write_csv(
        tmp_path,
        "indicator,year,value\n"  # line 1
        "PII_RANK,2023,33\n"  # 2 fine
        ",2024,1\n"  # 3 empty indicator
        "\n"  # 4 blank: skipped, but counted as a line
        "PII_RANK,20x4,1\n"  # 5 bad year
        "PII_RANK,1850,1\n"  # 6 year out of range
        "PII_RANK,2025,abc\n"  # 7 not a number
        "PII_RANK,2026,\n"  # 8 empty value
        "PII_RANK,2027,2.500\n"  # 9 ambiguous
        "PII_RANK,2023,34\n",  # 10 duplicate of line 2
    )
    found = {(p.row, p.column): p.message for p in problems(path)}
    assert set(found) == {
        (3, "indicator"),
        (5, "year"),
        (6, "year"),
        (7, "value"),
        (8, "value"),
        (9, "value"),
        (10, None),
    }
    assert "20x4" in found[(5, "year")]
    assert "abc" in found[(7, "value")]
    assert "empty" in found[(8, "value")]
    assert "ambiguous" in found[(9, "value")]
    assert "row 2" in found[(10, None)]


def test_header_problems(tmp_path):
    path = write_csv(tmp_path, "indicator,value,region\nX,1,Vinh\n")
    found = {p.column: p for p in problems(path)}
    assert found["year"].row == 1 and "missing" in found["year"].message
    assert "Unknown column region" in found["region"].message


def test_empty_file_and_header_only(tmp_path):
    assert "empty" in problems(write_csv(tmp_path, ""))[0].message
    assert "no data rows" in problems(write_csv(tmp_path, "indicator,year,value\n"))[0].message


def test_unknown_indicator_only_when_a_set_is_given(tmp_path):
    path = write_csv(tmp_path, "indicator,year,value\nPII_RANK,2023,33\nTYPO,2023,1\n")
    assert len(read_observations(path)) == 2
    (problem,) = problems(path, known_indicators={"PII_RANK"})
    assert (problem.row, problem.column) == (3, "indicator")


def test_file_object_with_filename():
    data = io.BytesIO(b"indicator,year,value\nX,2020,1.5\n")
    assert read_observations(data, filename="upload.CSV")[0].value == 1.5


def test_unsupported_extension(tmp_path):
    assert "Unsupported" in problems(write_csv(tmp_path, "x", name="obs.txt"))[0].message


def make_xlsx(tmp_path, rows, title="Số liệu"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    workbook.create_sheet("Other").append(["ignored"])
    path = tmp_path / "obs.xlsx"
    workbook.save(path)
    return path


def test_good_xlsx_first_sheet(tmp_path):
    path = make_xlsx(
        tmp_path,
        [
            ["indicator", "year", "value", "area"],
            ["PII_RANK", 2023, 33, None],
            ["PII_SCORE", 2024.0, "32,69", ""],
        ],
    )
    rows = read_observations(path)
    assert rows == [
        ObservationRow(2, "PII_RANK", 2023, 33.0),
        ObservationRow(3, "PII_SCORE", 2024, 32.69),
    ]


def test_every_bad_xlsx_row_is_reported_with_sheet_and_row(tmp_path):
    path = make_xlsx(
        tmp_path,
        [
            ["indicator", "year", "value"],  # row 1
            ["X", 2023, 1],  # 2 fine
            ["X", 2023.5, 1],  # 3 year not whole
            [None, None, None],  # 4 blank: skipped
            ["X", 2024, "n/a"],  # 5 value not a number
            ["X", 2025, True],  # 6 a boolean is not a number
            ["X", 2023, 2],  # 7 duplicate of row 2
        ],
    )
    found = problems(path)
    assert {p.sheet for p in found} == {"Số liệu"}
    assert [(p.row, p.column) for p in found] == [
        (3, "year"),
        (5, "value"),
        (6, "value"),
        (7, None),
    ]


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1234.5", 1234.5),
        ("1.234,5", 1234.5),
        ("36,50", 36.5),
        ("1.234.567", 1234567.0),
        ("1.234.567,89", 1234567.89),
        ("0.125", 0.125),
        ("-0,5", -0.5),
        ("1 234,5", 1234.5),
        ("12.5", 12.5),
    ],
)
def test_number_rule(text, number):
    assert parse_number(text) == pytest.approx(number)


@pytest.mark.parametrize("text", ["2.500", "1,234.5", "1,2,3", "abc", "1.23.4", ""])
def test_number_rule_rejects(text):
    with pytest.raises(ValueError):
        parse_number(text)


# Years and areas are checked against what the caller allows (issue 6).

AREAS = {"16681": "Xã Anh Sơn", "16699": "Xã Yên Xuân"}


def test_a_year_after_the_latest_allowed_is_refused(tmp_path):
    path = write_csv(tmp_path, "indicator,year,value\nX,2024,1\nX,2025,2\n")
    assert [r.year for r in read_observations(path, latest_year=2025)] == [2024, 2025]
    (problem,) = problems(path, latest_year=2024)
    assert (problem.row, problem.column) == (3, "year")
    assert "2025" in problem.message and "2024" in problem.message


def test_areas_by_official_code_or_exact_name_store_the_unit_name(tmp_path):
    decomposed = "Xa\u0303 Anh So\u031bn"  # "Xã Anh Sơn" in NFD, as some Mac tools write it
    path = write_csv(
        tmp_path,
        "indicator,year,value,area\n"
        "X,2024,1,16681\n"
        f"X,2023,2,  {decomposed} \n"
        "X,2024,3,\n"  # empty area: the headline series
        "X,2024,4,Xã Yên Xuân\n",
    )
    rows = read_observations(path, areas=AREAS)
    assert [r.area for r in rows] == ["Xã Anh Sơn", "Xã Anh Sơn", "", "Xã Yên Xuân"]


def test_an_area_code_in_an_xlsx_number_cell_is_matched(tmp_path):
    path = make_xlsx(tmp_path, [["indicator", "year", "value", "area"], ["X", 2024, 1, 16681]])
    assert read_observations(path, areas=AREAS)[0].area == "Xã Anh Sơn"


def test_unknown_areas_are_refused_and_code_and_name_of_one_unit_are_duplicates(tmp_path):
    path = write_csv(
        tmp_path,
        "indicator,year,value,area\n"
        "X,2024,1,Xã Anh Son\n"  # 2: not the exact name (missing horn)
        "X,2024,2,99999\n"  # 3: no such code
        "X,2024,3,16681\n"  # 4: fine
        "X,2024,4,Xã Anh Sơn\n",  # 5: the same unit as line 4
    )
    found = {(p.row, p.column): p.message for p in problems(path, areas=AREAS)}
    assert set(found) == {(2, "area"), (3, "area"), (5, None)}
    assert "Xã Anh Son" in found[(2, "area")] and "99999" in found[(3, "area")]
    assert "row 4" in found[(5, None)]


def test_with_no_units_loaded_any_area_is_refused_with_how_to_load_them(tmp_path):
    path = write_csv(tmp_path, "indicator,year,value,area\nX,2024,1,\nX,2024,2,Xã Anh Sơn\n")
    (problem,) = problems(path, areas={})
    assert (problem.row, problem.column) == (3, "area")
    assert "stihub load_admin_units" in problem.message


# Files as Excel on a Vietnamese-locale PC saves them, and the platform's own downloads.


def test_semicolon_separator_and_vietnamese_headers(tmp_path):
    path = write_csv(
        tmp_path,
        "Chỉ tiêu;NĂM;giá trị;Dia ban;Ghi chú\n"  # case and accents do not matter
        "PII_SCORE;2023;36,50;;công bố, 2024\n"
        "PII_RANK;2024;37;;\n",
        bom=True,
    )
    assert read_observations(path) == [
        ObservationRow(2, "PII_SCORE", 2023, 36.5, "", "công bố, 2024"),
        ObservationRow(3, "PII_RANK", 2024, 37.0),
    ]


def test_a_problem_names_the_column_as_the_file_writes_it(tmp_path):
    path = write_csv(tmp_path, "Chỉ tiêu;Năm;Giá trị\nX;2023;nhiều\n")
    (problem,) = problems(path)
    assert (problem.row, problem.column) == (2, "Giá trị")


def test_the_download_columns_are_read_and_escaped_text_comes_back(tmp_path):
    path = write_csv(
        tmp_path,
        "indicator,year,value,area,note,source,agency,sample\n"
        "X,2023,-2.5,,'=HYPERLINK(\"http://x\"),'-2+3,SCT,False\n"
        "X,2024,1.1250,,'ok,,,TRUE\n",  # 1.1250: how a download writes 1.125 unambiguously
    )
    first, second = read_observations(path, known_agencies={"SCT"})
    assert (first.value, first.note, first.source, first.agency, first.sample) == (
        -2.5,
        '=HYPERLINK("http://x")',
        "-2+3",
        "SCT",
        False,
    )
    assert (second.value, second.note, second.sample) == (1.125, "'ok", True)


def test_unknown_agency_and_unreadable_sample_are_located(tmp_path):
    path = write_csv(
        tmp_path, "indicator,year,value,agency,sample\nX,2023,1,NOBODY,\nX,2024,1,,perhaps\n"
    )
    found = {(p.row, p.column): p.message for p in problems(path, known_agencies={"SCT"})}
    assert set(found) == {(2, "agency"), (3, "sample")}
    assert "NOBODY" in found[(2, "agency")] and "perhaps" in found[(3, "sample")]


@pytest.mark.parametrize("value", [0.125, 1.125, -1.125, 2500.0, 36.5, 1e16, 1234567.891])
def test_number_text_is_read_back_as_the_same_number(value):
    assert parse_number(number_text(value)) == value


def test_text_that_is_not_utf8_says_to_save_as_csv_utf8(tmp_path):
    path = tmp_path / "excel.csv"
    # Excel's plain "CSV" on a Vietnamese-locale PC writes Windows-1258, not UTF-8
    path.write_bytes("indicator,year,value,note\nX,2024,1,ghi chú\n".encode("cp1258"))
    (problem,) = problems(path)
    assert "CSV UTF-8" in problem.message


@pytest.mark.parametrize(
    "content",
    [b"not a zip at all", b"PK\x03\x04 damaged zip", None],
    ids=["text", "damaged-zip", "zip-without-workbook"],
)
def test_a_damaged_xlsx_is_named_in_plain_words(tmp_path, content):
    path = tmp_path / "broken.xlsx"
    if content is None:
        import zipfile

        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("hello.txt", "no workbook here")
    else:
        path.write_bytes(content)
    for source in (path, io.BytesIO(path.read_bytes())):
        (problem,) = problems(source, filename="broken.xlsx")
        assert "not a readable .xlsx workbook" in problem.message
        assert "BytesIO" not in problem.message and "no item named" not in problem.message


# --- size limits and codes (issue 7) -----------------------------------------------------
from stihub.engines.limits import Limits  # noqa: E402

from .xlsx_builders import (  # noqa: E402
    cut_short,
    handmade_xlsx,
    sheet_xml,
    whole_sheet_declared,
    zip_bomb,
)

GOOD_ROWS = [["indicator", "year", "value"], ["PII_RANK", 2023, 33], ["PII_RANK", 2024, 37]]


def test_a_handmade_workbook_of_the_right_size_reads(tmp_path):
    # The control for the refusals below: the same hand-built layout, honestly sized, is read.
    content = handmade_xlsx("Số liệu", sheet_xml(GOOD_ROWS, "A1:C3"))
    rows = read_observations(io.BytesIO(content), "obs.xlsx")
    assert [(r.line, r.indicator, r.year, r.value) for r in rows] == [
        (2, "PII_RANK", 2023, 33.0),
        (3, "PII_RANK", 2024, 37.0),
    ]


def test_a_small_workbook_declaring_the_whole_sheet_is_refused_before_parsing():
    content = whole_sheet_declared("Số liệu")
    assert len(content) < 2048  # 1.5 KB declaring 1,048,576 rows × 16,384 columns
    (problem,) = problems(io.BytesIO(content), filename="obs.xlsx")
    assert problem.sheet == "Số liệu"
    assert "A1:XFD1048576" in problem.message
    # XFD = 24·26² + 6·26 + 4 = 16,384 columns
    assert (problem.params["rows"], problem.params["columns"]) == (1_048_576, 16_384)
    assert (problem.params["max_rows"], problem.params["max_columns"]) == (100_000, 50)


def test_a_zip_bomb_is_refused_by_its_unpacked_size(tmp_path):
    path = zip_bomb(tmp_path / "bomb.xlsx", megabytes=200)
    assert path.stat().st_size < 400_000  # packs about 1,000 times
    (problem,) = problems(path)
    # 200,000,000 bytes of zeros plus a few hundred of XML = 190.7 MiB, shown rounded up
    assert problem.params == {"size": 191, "limit": 100}
    assert "191 MB" in problem.message


def test_a_part_packed_like_a_zip_bomb_is_refused_even_under_the_size_limit(tmp_path):
    path = zip_bomb(tmp_path / "small-bomb.xlsx", megabytes=5)  # 5 MB, well under 100 MB
    (problem,) = problems(path)
    assert problem.params["part"] == "xl/worksheets/sheet1.xml"
    assert problem.params["ratio"] > 100 and problem.params["limit"] == 100


def test_a_sheet_cut_short_is_a_located_problem():
    content = cut_short(handmade_xlsx("Số liệu", sheet_xml(GOOD_ROWS)), before=b'<row r="3"')
    (problem,) = problems(io.BytesIO(content), filename="obs.xlsx")
    # rows 1 and 2 are whole; the XML breaks off inside row 3
    assert (problem.sheet, problem.row) == ("Số liệu", 3)
    assert "damaged" in problem.message


def test_reading_stops_at_the_row_limit():
    # Rows 1-6 are whole and the XML breaks off in row 7; the sheet declares A1 (as some writers
    # do for a full sheet), so only streaming can count. With at most 5 rows the reader stops
    # at row 6 and never reaches the break; without the limit it does.
    rows = [["indicator", "year", "value"]] + [["PII_RANK", 2015 + i, i] for i in range(6)]
    content = cut_short(handmade_xlsx("S", sheet_xml(rows, "A1")), before=b'<row r="7"')
    (problem,) = problems(io.BytesIO(content), filename="obs.xlsx", limits=Limits(max_rows=5))
    assert (problem.sheet, problem.row, problem.params) == ("S", 6, {"limit": 5})
    (problem,) = problems(io.BytesIO(content), filename="obs.xlsx")
    assert (problem.sheet, problem.row) == ("S", 7) and "damaged" in problem.message


def test_a_value_beyond_the_column_limit_is_located():
    rows = [["indicator", "year", "value"], ["PII_RANK", 2024, 37, None, None, "x"]]
    content = handmade_xlsx("S", sheet_xml(rows))  # no <dimension>: counted while reading
    limits = Limits(max_columns=5)
    (problem,) = problems(io.BytesIO(content), filename="obs.xlsx", limits=limits)
    assert (problem.sheet, problem.row, problem.params) == ("S", 2, {"column": "F", "limit": 5})


def test_csv_rows_cells_columns_and_size_are_limited(tmp_path):
    lines = "indicator,year,value\n" + "".join(f"PII_RANK,{2015 + i},{i}\n" for i in range(5))
    path = write_csv(tmp_path, lines)  # 6 lines
    (problem,) = problems(path, limits=Limits(max_rows=4))
    assert (problem.row, problem.params) == (5, {"limit": 4})

    path = write_csv(tmp_path, "indicator,year,value,note\nPII_RANK,2024,37," + "x" * 101 + "\n")
    (problem,) = problems(path, limits=Limits(max_field_chars=100))
    assert (problem.row, problem.params) == (2, {"limit": 100})

    path = write_csv(tmp_path, "indicator,year,value\nPII_RANK,2024,37,,,x\n")
    (problem,) = problems(path, limits=Limits(max_columns=5))
    assert (problem.row, problem.params) == (2, {"column": 6, "limit": 5})

    path = write_csv(tmp_path, "indicator,year,value\n" + "PII_RANK,2024,37\n" * 200)
    (problem,) = problems(path, limits=Limits(max_unzipped_bytes=1024 * 1024 // 2**20 * 1000))
    assert problem.params == {"size": 1, "limit": 1}  # 3,421 bytes over a 1,000-byte limit


def test_the_byte_that_is_not_utf8_is_found_beyond_the_first_pieces_read(tmp_path):
    # 70,000 ASCII bytes (more than one 65,536-byte piece) after a BOM, then a Latin-1 é
    head = "indicator,year,value,note\n" + "PII_RANK,2024,37," + "x" * 70_000
    path = tmp_path / "latin1.csv"
    path.write_bytes(b"\xef\xbb\xbf" + head.encode() + "é\n".encode("latin-1"))
    (problem,) = problems(path)
    assert problem.params == {"position": 3 + len(head)}


@pytest.mark.parametrize(
    ("column", "code"),
    [("indicator", "PII/RANK"), ("indicator", "PII RANK"), ("agency", "SỞ_KHCN"), ("agency", "-x")],
)
def test_codes_breaking_the_code_rule_are_located(tmp_path, column, code):
    row = {"indicator": "PII_RANK", "agency": "SKHCN", column: code}
    path = write_csv(
        tmp_path, f"indicator,year,value,agency\n{row['indicator']},2024,37,{row['agency']}\n"
    )
    (problem,) = problems(path)
    assert (problem.row, problem.column) == (2, column)
    assert repr(code) in problem.message and "letters without accents" in problem.message
