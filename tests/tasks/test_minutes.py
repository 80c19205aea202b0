"""The minutes of a council's meeting (biên bản) as .docx: the bundled template filled from a
concluded selection council: the task, the members with their seats, the quorum, the table of
dossiers with the outlier flags, the winner, the declarations; "&" and "<" stay text."""

import datetime as dt
import io
import zipfile

import pytest
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn

from stihub.registry.models import Expert, Organization
from stihub.tasks import profiles
from stihub.tasks.minutes import TEMPLATE, minutes_context, render_minutes
from stihub.tasks.models import Council, CouncilMember, Dossier, RegulationProfile, Task

# (name, seat, present); the seats of a 7-member council under the bundled profile.
PEOPLE = [
    ("Nguyễn Văn An", "chair", True),
    ("Trần Thị Bình", "vice_chair", True),
    ("Lê Văn Cường", "reviewer", True),
    ("Phạm Thị Dung", "reviewer", True),
    ("Hoàng Văn Em", "secretary", True),
    ("Võ Thị Giang", "member", True),
    ("Đặng Văn Hùng", "member", False),
]
SEATS = {
    "chair": "Chủ tịch Hội đồng",
    "vice_chair": "Phó Chủ tịch Hội đồng",
    "reviewer": "Ủy viên phản biện",
    "secretary": "Ủy viên thư ký khoa học",
    "member": "Ủy viên",
}


@pytest.fixture
def profile(db):
    """The bundled profile (the migrations create it on a new database)."""
    return RegulationProfile.objects.get_or_create(
        code="tt-2014-2023",
        version=1,
        defaults={
            "title": "Quy định thử",
            "data": profiles.bundled_data(),
            "effective_from": profiles.BUNDLED_FROM,
        },
    )[0]


def concluded_selection(users, profile, title):
    """A selection council concluded with two dossiers; the conclusion as `conclude` keeps it.

    Dossier A's totals by the six present members: 80, 82, 78, 85, 81 and 50 (Võ Thị Giang):
    mean 456 / 6 = 76; her gap to the others' mean (80+82+78+85+81)/5 = 81.2 is 31.2 > 20,
    so she is flagged (kept). Dossier B: mean 64 < 70, not passed. A wins."""
    task = Task.objects.create(
        code="NV-2026-07",
        kind="research",
        title=title,
        summary="Tóm tắt",
        proposer=users["dost"],
        profile=profile,
        step="selection",
    )
    host_a = Organization.objects.create(
        code="vien-a", name="Viện Nông nghiệp & Môi trường Bắc Trung Bộ", kind="institute"
    )
    host_b = Organization.objects.create(code="dh-b", name="Trường Đại học Vinh", kind="university")
    a, b = (
        Dossier.objects.create(
            task=task,
            applicant=users["scientist"],
            host_org=host,
            status="complete",
            objectives="x",
            content="x",
            products="x",
            duration_months=24,
            budget_state=900,
        )
        for host in (host_a, host_b)
    )
    council = Council.objects.create(
        task=task,
        kind="selection",
        status="concluded",
        decision_no="125/QĐ-SKHCN",
        meets_on=dt.date(2026, 3, 20),
        concluded_at=timezone.now(),
    )
    seats = {}
    for name, role, present in PEOPLE:
        expert = Expert.objects.create(full_name=name, location="province")
        seats[name] = CouncilMember.objects.create(
            council=council,
            expert=expert,
            role=role,
            no_conflict=True,
            declared_at=timezone.now(),
            present=present,
        )
    giang = seats["Võ Thị Giang"].pk
    council.conclusion = {
        "kind": "selection",
        "present": 6,
        "needed": 5,  # ceil(2/3 × 7) = ceil(4.67) = 5
        "passed": True,
        "winner": a.pk,
        "winner_host": host_a.name,
        "no_winner_reason": "",
        "dossiers": [
            {"dossier": a.pk, "host": host_a.name, "mean_total": 76.0, "passed": True,
             "outliers": {str(giang): 31.2}, "reasons": [], "rank": 1},
            {"dossier": b.pk, "host": host_b.name, "mean_total": 64.0, "passed": False,
             "outliers": {}, "reasons": ["The mean total 64.0 is below 70."], "rank": None},
        ],
        "members": {str(m.pk): str(m.expert) for m in seats.values()},
    }  # fmt: skip
    council.save()
    return council


def texts(docx_bytes):
    """Every paragraph's text, and every table row as its cells' texts."""
    doc = Document(io.BytesIO(docx_bytes))
    paragraphs = [p.text for p in doc.paragraphs]
    rows = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    return paragraphs, rows


def test_minutes_of_a_selection_council(users, profile):
    council = concluded_selection(users, profile, "Nuôi cấy mô & nhân giống <cam Vinh>")
    paragraphs, rows = texts(render_minutes(council))
    body = "\n".join(paragraphs)
    assert "Nhiệm vụ: NV-2026-07 – Nuôi cấy mô & nhân giống <cam Vinh>" in body
    assert "125/QĐ-SKHCN" in body and "20/03/2026" in body
    # each member with their seat, and whether present
    for name, role, present in PEOPLE:
        assert [r[1:] for r in rows if len(r) == 5 and r[1] == name] == [
            [name, SEATS[role], "", "Có mặt" if present else "Vắng mặt"]
        ]
    assert "có mặt 6/7 thành viên, vắng mặt 1 thành viên" in body
    assert "Số thành viên có mặt: 6; số thành viên cần có mặt: 5" in body
    # the dossiers: A passed first, with the outlier flagged and kept; B below the total
    dossier_rows = [r[1:] for r in rows if len(r) == 5 and r[1].startswith(("Viện", "Trường"))]
    first = ["Viện Nông nghiệp & Môi trường Bắc Trung Bộ", "76", "Đạt (xếp thứ 1)"]
    assert dossier_rows[0][:3] == first
    assert "Võ Thị Giang: đánh dấu, vẫn tính điểm: chênh lệch 31,2 điểm" in dossier_rows[0][3]
    second = ["Trường Đại học Vinh", "64", "Không đạt: The mean total 64.0 is below 70."]
    assert dossier_rows[1][:3] == second
    assert dossier_rows[1][3] == "–"
    assert (
        "Kết luận: Hội đồng đề nghị Viện Nông nghiệp & Môi trường Bắc Trung Bộ trúng tuyển"
        " chủ trì thực hiện nhiệm vụ." in body
    )
    # every member declared no conflict before seeing the dossiers
    declared = [p for p in paragraphs if p.startswith("- ") and "cam kết không có xung" in p]
    assert [p.split(":")[0] for p in declared] == [f"- {name}" for name, _r, _p in PEOPLE]
    # the chair and the secretary sign
    signatures = rows[-1]
    assert "Hoàng Văn Em" in signatures[0] and "THƯ KÝ HỘI ĐỒNG" in signatures[0]
    assert "Nguyễn Văn An" in signatures[1] and "CHỦ TỊCH HỘI ĐỒNG" in signatures[1]


def test_no_tag_is_left_and_the_xml_escapes_the_title(users, profile):
    council = concluded_selection(users, profile, "A & B <C>")
    xml = zipfile.ZipFile(io.BytesIO(render_minutes(council))).read("word/document.xml").decode()
    assert "A &amp; B &lt;C&gt;" in xml
    assert "{{" not in xml and "{%" not in xml


def test_the_template_keeps_the_report_layout():
    """The same page and fonts as the report template (NĐ 30): A4, Times New Roman."""
    doc = Document(TEMPLATE)
    section = doc.sections[0]
    assert (section.page_width.mm, section.page_height.mm) == pytest.approx((210, 297), abs=0.1)
    fonts = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    assert fonts.find(qn("w:rPr")).find(qn("w:rFonts")).get(qn("w:ascii")) == "Times New Roman"
    header = [c.text for c in doc.tables[0].rows[0].cells]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header[1]


def test_the_context_reads_the_other_kinds(users, profile):
    """Identification: 5 of 6 present recommend, 4 needed (ceil(2/3 × 6) = 4): passed.
    Acceptance: counts by grade, best first, with the grade's label from the conclusion."""
    council = concluded_selection(users, profile, "Nhiệm vụ")
    council.kind = "identification"
    council.conclusion = {"present": 6, "needed": 5, "passed": True, "yes": 5, "voters": 6,
                          "needed_votes": 4, "share": "2/3"}  # fmt: skip
    found = minutes_context(council)
    assert (found["votes_yes"], found["votes_no"], found["votes_needed"]) == (5, 1, 4)
    assert found["verdict"] == "Hội đồng đề nghị thực hiện nhiệm vụ."
    council.kind = "acceptance"
    counts = {"excellent": 1, "pass": 4, "fail": 1}
    council.conclusion = {"present": 6, "needed": 5, "passed": True, "grade": "pass",
                          "grade_label": "Đạt", "counts": counts}  # fmt: skip
    found = minutes_context(council)
    assert [(g["label"], g["count"]) for g in found["grades"]] == [
        ("Xuất sắc", 1), ("Đạt", 4), ("Không đạt", 1)
    ]  # fmt: skip
    assert found["verdict"].endswith("xếp loại: Đạt.")
    paragraphs, _rows = texts(render_minutes(council))
    assert "- Đạt: 4 phiếu;" in paragraphs
