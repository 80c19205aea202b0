"""(Re)creates bien_ban.docx, the minutes of a task council's meeting (biên bản họp hội đồng tư
vấn), with python-docx, in the layout of the bundled report template nd30.docx.

The page, fonts, styles, the header block of an administrative document (Nghị định
30/2020/NĐ-CP, Phụ lục I: issuing body, national title and motto, number, place and date) and the
table helpers are those of `stihub/reports/templates/docx/build_templates.py`, imported, so both
documents look alike and a change of layout is made once. The text is Vietnamese: the minutes are
a legal document. Jinja tags (docxtpl) carry the data only; `stihub.tasks.minutes` fills them,
and every value arrives already worded (numbers in the Vietnamese format, outlier flags as
sentences), so the template holds no logic beyond the council's kind.

    python stihub/tasks/templates/docx/build_minutes.py
"""

from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from stihub.reports.templates.docx import build_templates as layout

HERE = Path(__file__).resolve().parent
PATH = HERE / "bien_ban.docx"
CENTRE = WD_ALIGN_PARAGRAPH.CENTER
H, P = layout.HEADING, layout.BODY

# Table of members: heading, cell (Jinja), width in cm; widths sum to the text width (16.5 cm).
MEMBER_COLUMNS = [
    ("TT", "{{ loop.index }}", 1.0),
    ("Họ và tên", "{{ m.name }}", 4.6),
    ("Chức danh trong Hội đồng", "{{ m.role }}", 3.6),
    ("Đơn vị công tác", "{{ m.organization }}", 5.0),
    ("Có mặt", "{{ m.attendance }}", 2.3),
]
DOSSIER_COLUMNS = [
    ("TT", "{{ loop.index }}", 1.0),
    ("Tổ chức chủ trì (hồ sơ)", "{{ d.organization }}", 4.4),
    ("Điểm trung bình", "{{ d.mean_total }}", 2.0),
    ("Kết quả", "{{ d.result }}", 2.6),
    ("Ghi chú (điểm chênh lệch)", "{{ d.flags }}", 6.5),
]


def block(doc, tag: str) -> None:
    """A paragraph that holds only a docxtpl block tag ({%p ... %}); it vanishes when filled."""
    layout.para(doc, "{%p " + tag + " %}")


def items(doc, loop: str, line: str) -> None:
    """A dash list: one paragraph per item of `loop`."""
    block(doc, loop)
    layout.para(doc, "- " + line + "{% if loop.last %}.{% else %};{% endif %}")
    block(doc, "endfor")


def title(doc) -> None:
    layout.centred(doc, "BIÊN BẢN", 14, bold=True).paragraph_format.space_before = Pt(18)
    layout.centred(doc, "Họp {{ council_title }}", 14, bold=True)
    layout.centred(doc, "Nhiệm vụ: {{ task_code }} – {{ task_title }}", 14, bold=True)
    layout.rule(doc, 6.5)


def general(doc) -> None:
    layout.para(doc, "1. Thông tin chung", style=H, bold=True)
    layout.para(doc, "Tên nhiệm vụ: {{ task_kind }} “{{ task_title }}”, mã số {{ task_code }}.")
    block(doc, "if proposer_org")
    layout.para(doc, "Tổ chức đề xuất: {{ proposer_org }}.")
    block(doc, "endif")
    layout.para(
        doc,
        "Quyết định thành lập Hội đồng: {% if decision_no %}số {{ decision_no }}"
        "{% else %}(chưa ghi số quyết định){% endif %}.",
    )
    layout.para(doc, "Thời gian họp: {{ meeting_date }}. Địa điểm: {{ meeting_place }}.")
    layout.para(doc, "Quy định áp dụng: {{ profile_title }}.")


def members(doc) -> None:
    layout.para(doc, "2. Thành phần Hội đồng", style=H, bold=True)
    layout.para(
        doc,
        "Hội đồng có {{ size }} thành viên; có mặt {{ present }}/{{ size }} thành viên, vắng mặt"
        " {{ absent|length }} thành viên.",
    )
    t = layout.loop_table(doc, MEMBER_COLUMNS, "for m in members")
    for i in (0, 4):
        t.rows[2].cells[i].paragraphs[0].alignment = CENTRE
    block(doc, "if absent")
    layout.para(doc, "Thành viên vắng mặt:").paragraph_format.space_before = Pt(6)
    items(doc, "for m in absent", "{{ m.name }} ({{ m.role }})")
    block(doc, "endif")
    layout.para(
        doc,
        "Số thành viên có mặt: {{ present }}; số thành viên cần có mặt: {{ needed }}"
        " ({{ quorum_rule }}). {{ quorum_text }}",
    )


def declarations(doc) -> None:
    layout.para(doc, "3. Cam kết không có xung đột lợi ích", style=H, bold=True)
    layout.para(
        doc,
        "Trước khi nhận hồ sơ, các thành viên Hội đồng đã cam kết không có xung đột lợi ích với"
        " nhiệm vụ, tổ chức và cá nhân đăng ký thực hiện:",
    )
    items(doc, "for m in declared", "{{ m.name }}: {{ m.declaration }}")


def identification(doc) -> None:
    block(doc, 'if kind == "identification"')
    layout.para(
        doc,
        "Kết quả bỏ phiếu: {{ votes_yes }} phiếu đề nghị thực hiện, {{ votes_no }} phiếu không"
        " đề nghị thực hiện, trên {{ votes_cast }} thành viên có mặt; cần ít nhất"
        " {{ votes_needed }} phiếu đề nghị ({{ pass_rule }}).",
    )
    layout.para(doc, "Kết luận: {{ verdict }}", bold=True)
    block(doc, "endif")


def selection(doc) -> None:
    block(doc, 'if kind == "selection"')
    layout.para(
        doc,
        "Kết quả chấm điểm các hồ sơ (điểm trung bình của các thành viên có mặt, thang 100"
        " điểm; điểm chênh lệch lớn được đánh dấu để Hội đồng thảo luận và vẫn được tính):",
    )
    t = layout.loop_table(doc, DOSSIER_COLUMNS, "for d in dossiers")
    for i in (0, 2):
        t.rows[2].cells[i].paragraphs[0].alignment = CENTRE
    layout.para(doc, "Kết luận: {{ verdict }}", bold=True).paragraph_format.space_before = Pt(6)
    block(doc, "endif")


def acceptance(doc) -> None:
    block(doc, 'if kind == "acceptance"')
    layout.para(doc, "Kết quả phiếu đánh giá của các thành viên có mặt:")
    items(doc, "for g in grades", "{{ g.label }}: {{ g.count }} phiếu")
    layout.para(doc, "{% if grade_rule %}Căn cứ: {{ grade_rule }}.{% endif %}")
    layout.para(doc, "Kết luận: {{ verdict }}", bold=True)
    block(doc, "endif")


def result(doc) -> None:
    layout.para(doc, "4. Kết quả làm việc của Hội đồng", style=H, bold=True)
    identification(doc)
    selection(doc)
    acceptance(doc)
    layout.para(
        doc,
        "Biên bản được lập {{ concluded_text }}, đã được đọc lại và các thành viên có mặt"
        " thống nhất.",
    )


def signatures(doc) -> None:
    """The secretary (left) and the chair (right) sign the minutes."""
    t = layout.table(doc, [8.0, 8.5], 1, grid=False)
    for cell, role, name in zip(
        t.rows[0].cells,
        ("THƯ KÝ HỘI ĐỒNG", "CHỦ TỊCH HỘI ĐỒNG"),
        ("{{ secretary_name }}", "{{ chair_name }}"),
        strict=True,
    ):
        p = cell.paragraphs[0]
        p.alignment = CENTRE
        p.paragraph_format.space_before = Pt(12)
        layout.text(p, role, 14, bold=True)
        layout.centred(cell, "(Ký, ghi rõ họ tên)", 13, italic=True)
        for _ in range(3):  # room for the signature
            layout.centred(cell, "", 14)
        layout.centred(cell, name, 14, bold=True)


def build(path: Path = PATH) -> None:
    doc = layout.new_document()
    layout.header_block(doc)
    title(doc)
    general(doc)
    members(doc)
    declarations(doc)
    result(doc)
    signatures(doc)
    doc.core_properties.title = "Biên bản họp hội đồng tư vấn nhiệm vụ khoa học và công nghệ"
    doc.core_properties.author = "STI Hub"
    doc.save(path)


if __name__ == "__main__":
    build()
    print(PATH)
