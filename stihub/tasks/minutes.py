"""The minutes of a council's meeting (biên bản họp hội đồng tư vấn) as a Word document.

The layout is `templates/docx/bien_ban.docx` (built by `build_minutes.py` with the report
templates' helpers: the header block of Nghị định 30/2020/NĐ-CP, Times New Roman, the same
page); this module only gathers the data. `minutes_context` reads the council's conclusion (the
dict `councils.conclude` keeps) defensively, one small reader per kind, so a renamed key is
adjusted in one place. The minutes are a Vietnamese legal document: their wording (role titles,
verdicts, flags) is Vietnamese data here, not interface text. Autoescaping is on, so "&" or "<"
in a title or a name never breaks the document's XML.
"""

import datetime as dt
import io
from pathlib import Path

from django.utils import timezone, translation
from docxtpl import DocxTemplate

from stihub.core.formatting import num
from stihub.reports.docx import HEADER_DEFAULTS

from .choices import CouncilKind, CouncilRole
from .models import Council, Dossier
from .profiles import rules_of

TEMPLATE = Path(__file__).resolve().parent / "templates" / "docx" / "bien_ban.docx"
PLACE = "Nghệ An"
MEETING_PLACE = "Sở Khoa học và Công nghệ tỉnh Nghệ An"
NUMBER = "    /BB-HĐTV"  # written in by the office when the minutes are signed

COUNCIL_TITLES = {
    CouncilKind.IDENTIFICATION: "Hội đồng tư vấn xác định nhiệm vụ khoa học và công nghệ",
    CouncilKind.SELECTION: "Hội đồng tư vấn tuyển chọn, giao trực tiếp tổ chức và cá nhân chủ"
    " trì thực hiện nhiệm vụ khoa học và công nghệ",
    CouncilKind.ACCEPTANCE: "Hội đồng tư vấn đánh giá, nghiệm thu kết quả thực hiện nhiệm vụ"
    " khoa học và công nghệ",
}
# The titles the circulars give the seats of a council.
ROLE_TITLES = {
    CouncilRole.CHAIR: "Chủ tịch Hội đồng",
    CouncilRole.VICE_CHAIR: "Phó Chủ tịch Hội đồng",
    CouncilRole.REVIEWER: "Ủy viên phản biện",
    CouncilRole.SECRETARY: "Ủy viên thư ký khoa học",
    CouncilRole.MEMBER: "Ủy viên",
}
TASK_KINDS = {"research": "Đề tài", "pilot": "Dự án sản xuất thử nghiệm", "scheme": "Đề án"}
REQUIREMENTS = {
    "chair_or_vice_chair": "có Chủ tịch hoặc Phó Chủ tịch Hội đồng",
    "both_reviewers": "có hai ủy viên phản biện",
}
NO_WINNER = {
    "tie": "Có từ hai hồ sơ trở lên cùng đạt điểm trung bình cao nhất; Hội đồng thảo luận và"
    " quyết định hồ sơ được đề nghị trúng tuyển.",
    "none_passed": "Không có hồ sơ nào đạt yêu cầu; Hội đồng đề nghị không giao thực hiện"
    " nhiệm vụ theo các hồ sơ này.",
}


def _date(value) -> str:
    """dd/mm/yyyy; a moment is read on the province's clock (Asia/Ho_Chi_Minh), not UTC's."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    return f"{value:%d/%m/%Y}" if value else ""


def _share(text) -> str:
    """A share as the minutes write it: "2/3" stays, a whole 1 reads "toàn bộ"."""
    text = str(text or "")
    return "toàn bộ" if text in ("1", "1/1") else text


def _people(council: Council) -> list[dict]:
    members = council.members.select_related("expert__organization").order_by("pk")
    order = list(CouncilRole.values)
    rows = []
    for m in sorted(members, key=lambda m: (order.index(m.role) if m.role in order else 99, m.pk)):
        expert = m.expert
        org = expert.organization.name if expert.organization_id else expert.organization_name
        rows.append(
            {
                "pk": m.pk,
                "name": str(expert),
                "role_code": m.role,
                "role": ROLE_TITLES.get(m.role, m.role),
                "organization": org or "",
                "present": bool(m.present),
                "attendance": "Có mặt" if m.present else "Vắng mặt",
                "no_conflict": m.no_conflict,
                "declaration": _declaration(m),
            }
        )
    return rows


def _declaration(member) -> str:
    if member.no_conflict is not True:
        return "chưa cam kết"
    text = "cam kết không có xung đột lợi ích"
    if member.declared_at:
        text += f" (ngày {_date(member.declared_at)})"
    extra = (member.declaration or "").strip().rstrip(".;")
    return f"{text}; {extra}" if extra else text


def _quorum_rule(council: Council) -> str:
    rule = rules_of(council.task).council
    parts = [f"ít nhất {_share(rule.quorum_share)} số thành viên"]
    parts += [REQUIREMENTS.get(r, r) for r in rule.quorum_requires]
    return ", ".join(parts)


def _identification(conclusion: dict) -> dict:
    cast = conclusion.get("voters", conclusion.get("present", 0))
    yes = conclusion.get("yes", 0)
    passed = bool(conclusion.get("passed"))
    return {
        "votes_yes": yes,
        "votes_no": conclusion.get("no", cast - yes),
        "votes_cast": cast,
        "votes_needed": conclusion.get("needed_votes", ""),
        "pass_rule": f"ít nhất {_share(conclusion.get('share', ''))} số thành viên có mặt",
        "verdict": "Hội đồng đề nghị thực hiện nhiệm vụ."
        if passed
        else "Hội đồng không đề nghị thực hiện nhiệm vụ.",
    }


def _outlier_flags(row: dict, names: dict) -> str:
    """ "Name: flagged, kept: differs by X points" for each member flagged on the dossier."""
    flags = []
    for member, gap in (row.get("outliers") or {}).items():
        name = names.get(str(member), f"#{member}")
        flags.append(
            f"{name}: đánh dấu, vẫn tính điểm: chênh lệch {num(gap)} điểm so với trung bình"
            " của các thành viên khác"
        )
    return "; ".join(flags) or "–"


def _selection(council: Council, conclusion: dict, people: list[dict]) -> dict:
    names = {str(p["pk"]): p["name"] for p in people}
    names |= {str(k): v for k, v in (conclusion.get("members") or {}).items()}
    rows = conclusion.get("dossiers") or []
    hosts = dict(
        Dossier.objects.filter(pk__in=[r.get("dossier") for r in rows]).values_list(
            "pk", "host_org__name"
        )
    )
    dossiers = []
    for row in rows:
        if row.get("passed"):
            result = "Đạt" + (f" (xếp thứ {row['rank']})" if row.get("rank") else "")
        else:
            reasons = "; ".join(str(r) for r in row.get("reasons") or ())
            result = "Không đạt" + (f": {reasons}" if reasons else "")
        dossiers.append(
            {
                "organization": row.get("host") or hosts.get(row.get("dossier"), ""),
                "mean_total": num(row.get("mean_total")),
                "result": result,
                "flags": _outlier_flags(row, names),
            }
        )
    winner = conclusion.get("winner_host") or hosts.get(conclusion.get("winner"), "")
    if conclusion.get("winner"):
        verdict = f"Hội đồng đề nghị {winner} trúng tuyển chủ trì thực hiện nhiệm vụ."
    else:
        verdict = NO_WINNER.get(conclusion.get("no_winner_reason"), NO_WINNER["none_passed"])
    return {"dossiers": dossiers, "winner": winner, "verdict": verdict}


def _acceptance(council: Council, conclusion: dict) -> dict:
    counts = conclusion.get("counts") or {}
    grades = [
        {"code": g.code, "label": g.label, "count": counts.get(g.code, 0)}
        for g in rules_of(council.task).acceptance.grades
    ]
    label = conclusion.get("grade_label") or next(
        (g["label"] for g in grades if g["code"] == conclusion.get("grade")), ""
    )
    return {
        "grades": grades,
        "grade": conclusion.get("grade", ""),
        "grade_label": label,
        "grade_rule": conclusion.get("rule_text", ""),
        "verdict": f"Kết quả thực hiện nhiệm vụ được đánh giá, xếp loại: {label}.",
    }


def minutes_context(council: Council, **header) -> dict:
    """Everything `bien_ban.docx` uses, worded in Vietnamese; `header` overrides the header
    fields (issuing_body_parent, issuing_body, number, date_text)."""
    with translation.override("vi"):  # numbers in the Vietnamese format
        task = council.task
        conclusion = council.conclusion or {}
        people = _people(council)
        present = conclusion.get("present", sum(p["present"] for p in people))
        needed = conclusion.get("needed", "")
        on = council.meets_on or (
            council.concluded_at and timezone.localtime(council.concluded_at).date()
        )
        by_role = {p["role_code"]: p["name"] for p in reversed(people)}  # the first of each
        context = {
            **{k: HEADER_DEFAULTS[k] for k in ("issuing_body_parent", "issuing_body")},
            "number": NUMBER,
            "date_text": (
                f"{PLACE}, ngày {on.day:02d} tháng {on.month:02d} năm {on.year}"
                if on
                else f"{PLACE}, ngày    tháng    năm"
            ),
            "kind": council.kind,
            "council_title": COUNCIL_TITLES.get(council.kind, council.get_kind_display()),
            "task_code": task.code,
            "task_title": task.title,
            "task_kind": TASK_KINDS.get(task.kind, task.get_kind_display()),
            "proposer_org": task.proposer_org.name if task.proposer_org_id else "",
            "profile_title": str(task.profile.title),
            "decision_no": council.decision_no,
            "meeting_date": _date(on) or "(chưa ghi ngày họp)",
            "meeting_place": MEETING_PLACE,
            "members": people,
            "absent": [p for p in people if not p["present"]],
            "declared": [p for p in people if p["no_conflict"]],
            "size": len(people),
            "present": present,
            "needed": needed,
            "quorum_rule": _quorum_rule(council),
            "quorum_text": "Phiên họp đủ điều kiện theo quy định."
            if isinstance(needed, int) and present >= needed
            else "",
            "concluded_text": f"ngày {_date(council.concluded_at)}"
            if council.concluded_at
            else "tại phiên họp",
            "chair_name": by_role.get(CouncilRole.CHAIR, ""),
            "secretary_name": by_role.get(CouncilRole.SECRETARY, ""),
            "verdict": "",
        }
        if council.kind == CouncilKind.IDENTIFICATION:
            context |= _identification(conclusion)
        elif council.kind == CouncilKind.SELECTION:
            context |= _selection(council, conclusion, people)
        elif council.kind == CouncilKind.ACCEPTANCE:
            context |= _acceptance(council, conclusion)
    unknown = set(header) - set(HEADER_DEFAULTS)
    if unknown:
        raise TypeError(f"unknown header fields: {', '.join(sorted(unknown))}")
    return context | header


def render_minutes(council: Council, **header) -> bytes:
    """The minutes of `council`'s meeting as .docx bytes."""
    template = DocxTemplate(str(TEMPLATE))
    template.render(minutes_context(council, **header), autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()
