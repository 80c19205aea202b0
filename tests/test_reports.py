"""Review reports (issue 9): the content gathered once, the data workbook, the command."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from stihub.monitoring.models import Indicator, Observation
from stihub.programme.models import ActionItem
from stihub.reports.content import build
from stihub.reports.xlsx import render_xlsx


@pytest.fixture
def figures(nghe_an):
    """PII rank 33 (2023) and 37 (2024), approved; R&D staff 2024 only as a draft."""
    rank = Indicator.objects.get(code="PII_RANK")
    for year, value in ((2023, 33), (2024, 37)):
        Observation.objects.create(
            status="approved", indicator=rank, year=year, value=value, source="Bộ KH&CN"
        )
    Observation.objects.create(
        status="draft", indicator=Indicator.objects.get(code="RD_FTE_PER_10K"), year=2024, value=9
    )
    groups = list(nghe_an.solution_groups.order_by("order")[:2])
    lead = groups[0].lead_agency
    for code, group, status, deadline in (
        ("A1", groups[0], "done", "2024-06-30"),
        ("A2", groups[0], "in_progress", "2024-06-30"),  # open past its deadline: overdue
        ("A3", groups[0], "in_progress", "2025-06-30"),
        ("A4", groups[1], "not_started", "2026-06-30"),
    ):
        ActionItem.objects.create(
            solution_group=group, code=code, title=code, lead_agency=lead, deadline=deadline,
            status=status,
        )  # fmt: skip
    return nghe_an


def test_the_content_says_what_the_data_says(figures):
    content = build(figures, 2024, made_on=dt.date(2025, 1, 15))
    assert content.date_text == "Nghệ An, ngày 15 tháng 01 năm 2025"
    assert len(content.targets) == 10
    pii = next(t for t in content.targets if t.indicator == "PII_RANK")
    # Only approved values count: the draft R&D figure is not data.
    assert (pii.latest, pii.latest_year, pii.has_data) == ("hạng 37", "2024", True)
    assert pii.status == "Đi lùi"  # rank 33 → 37 moves away from 20
    without = content.targets_without_data
    assert len(without) == 9 and not any("PII" in t for t in without)
    # Every responsible agency but the one of PII (SKHCN, which also owns others) owes 2024.
    assert "Sở Tài chính" in content.agencies_not_reported
    assert [(a.indicator, a.year, a.value, a.source) for a in content.annex] == [
        ("PII_RANK", 2023, 33.0, "Bộ KH&CN"),
        ("PII_RANK", 2024, 37.0, "Bộ KH&CN"),
    ]


def test_the_action_programme_is_counted_by_status_as_of_the_end_of_the_year(figures):
    content = build(figures, 2024)
    # Columns: done, in progress, overdue, not started, cancelled. At 31/12/2024 A2 is overdue
    # (open, deadline 30/06/2024), A3 in progress (deadline 2025), A4 not started.
    assert content.programme_totals == (1, 1, 1, 1, 0)
    first, second = content.programme
    assert (first.counts, first.total) == ((1, 1, 1, 0, 0), 3)
    assert (second.counts, second.total) == ((0, 0, 0, 1, 0), 1)


def test_a_year_without_any_data_still_makes_a_whole_report(nghe_an):
    content = build(nghe_an, 2024)
    assert len(content.targets_without_data) == 10
    assert all(t.latest == "–" for t in content.targets)
    assert content.annex == [] and content.programme == []
    assert len(content.agencies_not_reported) >= 4  # THONGKE, STC, SCT, SKHCN at least


def test_the_workbook_has_a_sheet_per_table_and_numbers_as_numbers(figures):
    book = load_workbook(io.BytesIO(render_xlsx(build(figures, 2024))))
    assert book.sheetnames == [
        "Chỉ tiêu",
        "Chương trình hành động",
        "Cơ quan chưa báo cáo",
        "Phụ lục số liệu",
    ]
    annex = list(book["Phụ lục số liệu"].iter_rows(min_row=2, values_only=True))
    assert [(row[1], row[2], row[4]) for row in annex] == [
        ("PII_RANK", 2023, 33),
        ("PII_RANK", 2024, 37),
    ]
    assert book["Phụ lục số liệu"]["E2"].data_type == "n"
    pii = next(
        r for r in book["Chỉ tiêu"].iter_rows(min_row=2, values_only=True) if r[2] == "PII_RANK"
    )
    assert (pii[5], pii[6], pii[7]) == (2024, 37, 20)
    totals = list(book["Chương trình hành động"].iter_rows(values_only=True))[-1]
    assert totals[0] == "Tổng cộng" and totals[2:] == (1, 1, 1, 1, 0, 4)


def test_the_command_writes_the_workbook(figures, tmp_path):
    out = tmp_path / "bao-cao.xlsx"
    call_command("report", figures.code, "--period", "2024", "--format", "xlsx", "-o", str(out),
                 stdout=io.StringIO())  # fmt: skip
    assert load_workbook(out)["Chỉ tiêu"].max_row == 11  # header and ten targets


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["NOPE", "--period", "2024", "--format", "xlsx"], "NOPE"),
        (["{code}", "--period", "3000", "--format", "xlsx"], "3000"),
        (["{code}", "--period", "2024", "--format", "odt"], "odt"),
    ],
)
def test_the_command_says_what_is_wrong(nghe_an, tmp_path, args, message):
    args = [a.format(code=nghe_an.code) for a in args]
    with pytest.raises(CommandError, match=message):
        call_command("report", *args, "-o", str(tmp_path / "x"))
    assert not (tmp_path / "x").exists()


def test_the_command_writes_the_document(figures, tmp_path):
    from docx import Document

    out = tmp_path / "bao-cao.docx"
    call_command("report", figures.code, "--period", "2024", "--format", "docx", "-o", str(out),
                 stdout=io.StringIO())  # fmt: skip
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "BÁO CÁO" in text and "2024" in text
