"""Observation files: good rows are read, and every bad row is reported with where and why."""

import io

import pytest
from openpyxl import Workbook

from stihub.engines.observations import ObservationRow, parse_number, read_observations
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
