"""The report's data as a workbook: one sheet per table of the report, numbers as numbers."""

from stihub.core.spreadsheets import xlsx_book

from .content import ReportContent


def render_xlsx(content: ReportContent) -> bytes:
    targets = [
        (
            t.code,
            t.title,
            t.indicator,
            t.unit,
            t.baseline_value,
            int(t.latest_year) if t.latest_year.isdigit() else None,
            t.latest_value,
            t.target_value,
            t.status,
            t.projected_value,
        )
        for t in content.targets
    ]
    programme = [(r.group, r.agency, *r.counts, r.total) for r in content.programme]
    if content.programme:
        totals = content.programme_totals
        programme.append(("Tổng cộng", "", *totals, sum(totals)))
    annex = [
        (a.target, a.indicator, a.year, a.period, a.value, a.unit, a.source, a.agency, a.sample)
        for a in content.annex
    ]
    return xlsx_book(
        [
            (
                "Chỉ tiêu",
                ["Mã", "Chỉ tiêu", "Mã số liệu", "Đơn vị", "Giá trị cơ sở", "Năm mới nhất",
                 "Giá trị mới nhất", "Mục tiêu", "Tình trạng", "Dự báo năm mục tiêu"],
                targets,
            ),
            (
                "Chương trình hành động",
                ["Nhóm nhiệm vụ", "Cơ quan chủ trì", *content.programme_columns, "Tổng số"],
                programme,
            ),
            ("Cơ quan chưa báo cáo", ["Cơ quan"], [(a,) for a in content.agencies_not_reported]),
            (
                "Phụ lục số liệu",
                ["Mã", "Mã số liệu", "Năm", "Kỳ", "Giá trị", "Đơn vị", "Nguồn", "Cơ quan",
                 "Số liệu mẫu"],
                annex,
            ),
        ]
    )  # fmt: skip
