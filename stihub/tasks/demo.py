"""The S&T tasks' part of `stihub demo`: made-up but realistic Nghệ An tasks at every step.

`load` writes what needs no one else's data: the bundled regulation profile (if a flushed
database lacks it) and past tasks of the national registry and earlier provincial lists (the
duplicate check's other lists). Everything else waits for `after_accounts`, since the
registries' demo (experts, organizations) loads after this app's and the accounts come last:
declared ties (relatives, co-authors) and a sanction among the registry's experts, then eight
tasks walked through the services (`councils.form/declare/submit/conclude`,
`lifecycle.advance`), so every step, council and conclusion is what the application would have
made: a proposal; an identification council whose members are declaring; an approved task; an
open call with a draft dossier; a selection council reviewing; a task under execution with its
progress reports; a task published with grade "pass", its results and their application; a
proposal not approved. Two demo expert accounts sit on councils (their inbox has work), and the
applicant's account leads the dossiers of one host organization. Written once: a second run
finds the first task and keeps everything.
"""

import datetime as dt
import random

from django.core.files.base import ContentFile
from django.utils import timezone

from stihub.core.choices import Role
from stihub.core.models import User
from stihub.registry.models import Expert, FieldOfScience, Organization

from . import councils, lifecycle, profiles
from .choices import (
    CouncilKind,
    DossierFileKind,
    DossierStatus,
    RecordKind,
    Source,
    Step,
    TeamRole,
    TieKind,
    Vote,
)
from .models import (
    Council,
    Dossier,
    DossierFile,
    ExpertTie,
    PastTask,
    RegulationProfile,
    Review,
    Sanction,
    Task,
    TaskEvent,
    TaskRecord,
    TeamMember,
)

APPLICANT, MEMBER_1, MEMBER_2 = "applicant", "council1", "council2"
ACCOUNTS = [
    (APPLICANT, "Chủ nhiệm nhiệm vụ (người đăng ký)", [Role.EXPERT]),
    (MEMBER_1, "Thành viên hội đồng 1", [Role.EXPERT]),
    (MEMBER_2, "Thành viên hội đồng 2", [Role.EXPERT]),
]
# (source, code, title, year, organization): lists the duplicate check compares proposals with;
# some national rows come without diacritics, as exported lists often do.
PAST = [
    (Source.NATIONAL, "ĐTĐL.CN-21/15", "Nghien cuu nhan giong cam sach benh bang ky thuat vi ghep"
     " dinh sinh truong", 2015, "Viện Nghiên cứu Rau quả"),
    (Source.NATIONAL, "ĐTĐL.CN-08/17", "Nghiên cứu quy trình sản xuất nước mắm truyền thống đạt"
     " tiêu chuẩn xuất khẩu", 2017, "Viện Nghiên cứu Hải sản"),
    (Source.NATIONAL, "ĐTĐL.CN-33/21", "Ứng dụng công nghệ IoT trong quản lý môi trường ao nuôi"
     " tôm nước lợ", 2021, "Học viện Nông nghiệp Việt Nam"),
    (Source.NATIONAL, "ĐTĐL.CN-14/16", "Nghiên cứu chọn tạo giống chè mới năng suất, chất lượng"
     " cao cho các tỉnh phía Bắc", 2016, "Viện Khoa học Kỹ thuật Nông Lâm nghiệp miền núi phía"
     " Bắc"),
    (Source.NATIONAL, "ĐTĐL.CN-05/19", "Xay dung mo hinh san xuat lua huu co tai dong bang song"
     " Hong", 2019, "Viện Cây lương thực và Cây thực phẩm"),
    (Source.NATIONAL, "ĐTĐL.CN-27/18", "Bảo tồn và phát triển nguồn gen cây dược liệu quý vùng"
     " Tây Bắc", 2018, "Viện Dược liệu"),
    (Source.NATIONAL, "ĐTĐL.CN-41/22", "Nghiên cứu ứng dụng học sâu hỗ trợ chẩn đoán bệnh lý phổi"
     " trên ảnh X-quang", 2022, "Trường Đại học Bách khoa Hà Nội"),
    (Source.NATIONAL, "ĐTĐL.XH-02/23", "Nghiên cứu xây dựng bộ chỉ số đổi mới sáng tạo cấp địa"
     " phương", 2023, "Viện Chiến lược và Chính sách KH&CN"),
    (Source.NATIONAL, "ĐTĐL.CN-19/20", "Nghien cuu san xuat phan bon huu co vi sinh tu phu pham"
     " nong nghiep", 2020, "Viện Thổ nhưỡng Nông hóa"),
    (Source.NATIONAL, "ĐTĐL.CN-11/17", "Ứng dụng công nghệ sinh học trong nhân giống hoa lan"
     " Hồ Điệp", 2017, "Viện Di truyền Nông nghiệp"),
    (Source.NATIONAL, "ĐTĐL.XH-07/24", "Giải pháp chuyển đổi số trong quản lý nhiệm vụ khoa học"
     " và công nghệ cấp tỉnh", 2024, "Trung tâm Thông tin KH&CN Quốc gia"),
    (Source.PROVINCE, "NA-2012-04", "Phục tráng giống cam Xã Đoài tại huyện Nghi Lộc", 2012,
     "Trung tâm Ứng dụng tiến bộ KH&CN Nghệ An"),
    (Source.PROVINCE, "NA-2014-09", "Xây dựng nhãn hiệu chứng nhận nước mắm Vạn Phần, huyện"
     " Diễn Châu", 2014, "Sở Khoa học và Công nghệ Nghệ An"),
    (Source.PROVINCE, "NA-2013-02", "Ứng dụng tiến bộ kỹ thuật nuôi bò lai Zebu tại huyện Nghĩa"
     " Đàn", 2013, "Trạm Thực nghiệm Nông nghiệp Nghĩa Đàn"),
    (Source.OTHER, "HT-2021-06", "Phát triển sản phẩm OCOP từ dược liệu tại tỉnh Hà Tĩnh", 2021,
     "Sở Khoa học và Công nghệ Hà Tĩnh"),
]  # fmt: skip
# (code, kind, title, summary, keywords, fields of science): the eight demo tasks.
TASKS = {
    "proposal": ("NA-2026-01", "research", "Ứng dụng IoT giám sát môi trường nước ao nuôi tôm"
                 " thẻ chân trắng tại huyện Quỳnh Lưu", "Thiết kế hệ thống cảm biến đo oxy hòa"
                 " tan, pH, nhiệt độ và cảnh báo qua điện thoại cho các hộ nuôi tôm.",
                 "IoT; nuôi trồng thủy sản; tôm thẻ chân trắng", ["2.2", "4.5"]),
    "identification": ("NA-2026-02", "research", "Nghiên cứu chọn tạo giống chè chất lượng cao"
                       " phù hợp với vùng chè Thanh Chương", "Tuyển chọn và đánh giá các dòng chè"
                       " triển vọng về năng suất, chất lượng và khả năng chống chịu.",
                       "chè; chọn giống; Thanh Chương", ["4.1"]),
    "approved": ("NA-2026-03", "scheme", "Phát triển chuỗi giá trị sản phẩm OCOP từ cây dược"
                 " liệu vùng miền Tây Nghệ An", "Đề xuất mô hình liên kết sản xuất, chế biến và"
                 " tiêu thụ sản phẩm OCOP từ dược liệu.", "dược liệu; OCOP; chuỗi giá trị",
                 ["3.1", "5.2"]),
    "call": ("NA-2026-04", "research", "Ứng dụng trí tuệ nhân tạo hỗ trợ chẩn đoán hình ảnh"
             " X-quang phổi tại Bệnh viện Hữu nghị Đa khoa Nghệ An", "Xây dựng và đánh giá mô hình"
             " học sâu phát hiện tổn thương phổi trên ảnh X-quang.",
             "trí tuệ nhân tạo; khoa học dữ liệu; X-quang", ["1.2", "3.2"]),
    "selection": ("NA-2025-05", "research", "Nghiên cứu nhân giống cam Vinh sạch bệnh bằng kỹ"
                  " thuật vi ghép đỉnh sinh trưởng", "Hoàn thiện quy trình vi ghép đỉnh sinh"
                  " trưởng tạo cây cam Vinh sạch bệnh cung cấp cho vùng trồng.",
                  "cây ăn quả có múi; cam Vinh; vi ghép", ["4.1"]),
    "execution": ("NA-2024-06", "pilot", "Sản xuất thử nghiệm lúa chất lượng cao theo hướng hữu"
                  " cơ tại huyện Yên Thành", "Xây dựng mô hình 50 ha lúa hữu cơ, liên kết tiêu"
                  " thụ với doanh nghiệp.", "chọn giống lúa; lúa hữu cơ", ["4.1"]),
    "published": ("NA-2022-07", "research", "Nghiên cứu quy trình sản xuất nước mắm Vạn Phần đạt"
                  " tiêu chuẩn an toàn thực phẩm", "Chuẩn hóa quy trình chượp, kiểm soát histamin"
                  " và xây dựng tiêu chuẩn cơ sở cho nước mắm Vạn Phần.",
                  "nước mắm; an toàn thực phẩm; Diễn Châu", ["2.9", "4.5"]),
    "rejected": ("NA-2026-08", "scheme", "Xây dựng bộ chỉ số đánh giá năng lực đổi mới sáng tạo"
                 " cấp huyện", "Đề xuất bộ chỉ số và thí điểm đánh giá tại ba huyện.",
                 "chính sách KH&CN; đổi mới sáng tạo", ["5.2"]),
}  # fmt: skip
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]"
    b"/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _profile() -> RegulationProfile:
    """The bundled profile, version 1 (the migrations make it; a flushed database has none)."""
    found = RegulationProfile.objects.filter(code="tt-2014-2023", version=1).first()
    if found is None:
        data = profiles.bundled_data()
        found = RegulationProfile.objects.create(
            code=data["code"],
            version=1,
            title=data["title"],
            data=data,
            effective_from=profiles.BUNDLED_FROM,
            note="Bản quy định đi kèm STI Hub",
        )
    return found


def load(*, scale: int, seed: int) -> list[str]:
    _profile()
    made = 0
    for source, code, title, year, org in PAST:
        made += PastTask.objects.get_or_create(
            source=source,
            code=code,
            defaults={"title": title, "year": year, "organization": org, "summary": ""},
        )[1]
    return [f"{made} past tasks of other lists (duplicate check)."]


class _Builder:
    """Walks the demo tasks through the services, as DOST and the applicants would."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.today = timezone.localdate()
        self.dost = User.objects.get(username="dost")
        self.applicant = User.objects.get(username=APPLICANT)
        self.other_applicant = User.objects.get(username="expert")
        self.profile = profiles.current() or _profile()
        self.fields = dict(FieldOfScience.objects.values_list("code", "pk"))
        self.orgs = {o.code: o for o in Organization.objects.all()}

    def days(self, n: int) -> dt.date:
        return self.today + dt.timedelta(days=n)

    # --- people ---------------------------------------------------------------------------

    def experts(self, at: str | None, count: int, avoid=()) -> list[Expert]:
        """`count` experts working at organization `at` (others if it has too few)."""
        rows = Expert.objects.filter(erased_at__isnull=True).exclude(pk__in=[e.pk for e in avoid])
        first = list(rows.filter(organization__code=at).order_by("pk")[:count]) if at else []
        more = rows.exclude(pk__in=[e.pk for e in first]).filter(location="province")
        return first + list(more.order_by("pk")[: count - len(first)])

    def outsiders(self, count: int, hosts: set) -> list[Expert]:
        """Experts outside the province's organizations, never affiliated with `hosts`: ties
        and sanctions among them show the reasons `relative`, `coauthor`, `sanctioned`."""
        rows = Expert.objects.filter(
            erased_at__isnull=True, organization__isnull=True, user__isnull=True
        ).exclude(affiliations__organization__code__in=hosts)
        return list(rows.order_by("pk")[:count])

    # --- steps ----------------------------------------------------------------------------

    def propose(self, step: str, proposer: User, org: str | None) -> Task:
        code, kind, title, summary, keywords, fields = TASKS[step]
        task = Task.objects.create(
            code=code,
            kind=kind,
            title=title,
            summary=summary,
            keywords=keywords,
            proposer=proposer,
            proposer_org=self.orgs.get(org),
            profile=self.profile,
            expected_results="Dữ liệu mẫu (demo).",
        )
        task.fields.set([self.fields[f] for f in fields if f in self.fields])
        return task

    def council(self, task: Task, kind: str, meets_in: int, number: str):
        found = councils.suggestion(task, kind)
        chosen = [(m["expert"].pk, m["role"]) for m in found["members"]]
        council = councils.form(task, kind, chosen, self.dost, meets_on=self.days(meets_in))
        council.decision_no = number
        council.save()
        return council

    def declare(self, council, leave=()) -> None:
        for member in council.members.order_by("pk"):
            if member.pk not in leave:
                councils.declare(member, True, "")

    def review(self, council, verdicts=None, leave=(), outlier=None) -> None:
        """Every review submitted but those of the seats in `leave`: a vote or grade from
        `verdicts` in turn, or points on the form (strong first dossier, weaker second)."""
        reviews = Review.objects.filter(member__council=council).select_related("member")
        for i, review in enumerate(reviews.order_by("member_id", "dossier_id")):
            if review.member_id in leave:
                continue
            if verdicts is not None:
                verdict = verdicts[i % len(verdicts)]
                councils.submit(review, None, verdict, "Đồng ý với báo cáo tổng hợp.")
                continue
            strong = review.dossier_id == min(d.pk for d in council.task.dossiers.all())
            level = 0.82 if strong else 0.62
            if strong and review.member_id == outlier:
                level = 0.55  # more than 20 points below the others: flagged, kept
            scores = {
                c.code: round(float(c.max) * min(1.0, level + self.rng.uniform(-0.04, 0.04)))
                for c in councils.form_of(council)
            }
            councils.submit(review, scores, "", "Hồ sơ đáp ứng yêu cầu cơ bản.")

    def conclude(self, council, absent=()) -> dict:
        present = set(council.members.exclude(pk__in=absent).values_list("pk", flat=True))
        return councils.conclude(council, present, self.dost)

    def identified(self, task: Task, votes, number: str, absent_member=False, meets_in=-60):
        council = self.council(task, CouncilKind.IDENTIFICATION, meets_in, number)
        self.declare(council)
        self.review(council, verdicts=votes)
        absent = council.members.filter(role="member").values_list("pk", flat=True)[:1]
        self.conclude(council, absent=list(absent) if absent_member else ())
        return council

    def apply(self, task, applicant, host, lead, status=DossierStatus.SUBMITTED, partner=None):
        dossier = Dossier.objects.create(
            task=task,
            applicant=applicant,
            host_org=self.orgs[host],
            status=status,
            objectives=f"Mục tiêu: {task.title.lower()}.",
            content="Nội dung 1: tổng quan; nội dung 2: thực nghiệm; nội dung 3: mô hình.",
            products="Quy trình kỹ thuật; mô hình trình diễn; báo cáo tổng hợp.",
            application_plan="Chuyển giao cho các hợp tác xã và doanh nghiệp trong tỉnh.",
            duration_months=24,
            budget_state=self.rng.choice([850, 1200, 1500]),
            budget_other=150,
            submitted_at=timezone.now() if status != DossierStatus.DRAFT else None,
        )
        if partner:
            dossier.partner_orgs.add(self.orgs[partner])
        team = [lead, *self.experts(host, 3, avoid=[lead, *self.avoid])[:2]]
        roles = (TeamRole.LEAD, TeamRole.SECRETARY, TeamRole.MEMBER)
        for expert, role in zip(team, roles, strict=False):
            TeamMember.objects.create(dossier=dossier, expert=expert, role=role)
        return dossier

    def through_call(self, task, opens: int, closes: int, dossiers) -> None:
        """Approved list, call (dates `opens`..`closes` days from today), the dossiers."""
        lifecycle.advance(task, Step.APPROVED, self.dost, "Phê duyệt danh mục nhiệm vụ.")
        task.call_opens_on, task.call_closes_on = self.days(opens), self.days(closes)
        task.save()
        lifecycle.advance(task, Step.CALL, self.dost, "Thông báo tuyển chọn.")
        for args in dossiers:
            self.apply(task, *args)

    def checked(self, task) -> None:
        lifecycle.advance(task, Step.COMPLETENESS, self.dost, "Mở hồ sơ.")
        for dossier in task.dossiers.filter(status=DossierStatus.SUBMITTED):
            dossier.status, dossier.check_note = DossierStatus.COMPLETE, "Hồ sơ đầy đủ, hợp lệ."
            dossier.save()  # one history row each, as DOST's check writes

    def contracted(self, task, started: int, months: int, number: str) -> None:
        """Appraisal, decision, contract, execution: started `started` days from today."""
        lifecycle.advance(task, Step.APPRAISAL, self.dost, "Kết quả tuyển chọn.")
        task.budget = task.dossiers.get(status=DossierStatus.SELECTED).budget_state
        task.save()
        lifecycle.advance(task, Step.DECISION, self.dost, "Thẩm định kinh phí.")
        task.decision_no, task.decision_on = f"{number}/QĐ-UBND", self.days(started - 20)
        task.save()
        lifecycle.advance(task, Step.CONTRACT, self.dost, "Quyết định phê duyệt.")
        task.contract_no = f"{number}/{task.decision_on.year}/HĐ-KHCN"
        task.starts_on = self.days(started)
        task.ends_on = self.days(started + months * 30)
        task.save()
        lifecycle.advance(task, Step.EXECUTION, self.dost, "Ký hợp đồng.")

    def record(self, task, kind, days: int, text: str) -> None:
        TaskRecord.objects.create(task=task, kind=kind, on=self.days(days), text=text, by=self.dost)


def _ties(b: _Builder, lead: Expert, hosts: set) -> list[Expert]:
    """A relative and a co-author of the applicant's lead, and a sanctioned expert."""
    relative, coauthor, sanctioned = b.outsiders(3, hosts)
    ExpertTie.objects.create(expert=lead, other=relative, kind=TieKind.RELATIVE, note="Anh ruột")
    ExpertTie.objects.create(
        expert=lead, other=coauthor, kind=TieKind.COAUTHOR, note="Đồng tác giả bài báo 2023"
    )
    Sanction.objects.create(
        expert=sanctioned,
        until=b.days(365),
        decision="Quyết định số 45/QĐ-SKHCN về việc không tham gia hội đồng (dữ liệu mẫu)",
    )
    return [relative, coauthor, sanctioned]


def _free_seat(council, avoid=()):
    """A seat of `council` whose expert has no account yet, to give a demo account."""
    return council.members.filter(expert__user__isnull=True).exclude(expert__in=avoid).first()


def _link(username: str, seat) -> None:
    """Give the account the registry record of `seat`'s expert: their inbox then shows it."""
    user = User.objects.get(username=username)
    if seat is None or Expert.objects.filter(user=user).exists():
        return
    seat.expert.user = user
    seat.expert.save()


def _build(b: _Builder) -> None:
    host, second, partner = "vien-nn-btb", "dh-vinh", "tram-nghia-dan"
    lead = b.experts(host, 1)[0]
    if not hasattr(b.applicant, "expert") and lead.user_id is None:
        lead.user = b.applicant
        lead.save()
    b.avoid = [lead, *_ties(b, lead, {host, second, partner, "tt-ung-dung", "tt-tdc"})]
    other_lead = b.experts(second, 1, avoid=b.avoid)[0]
    b.avoid.append(other_lead)

    b.propose("proposal", b.applicant, host)

    task = b.propose("identification", b.dost, None)
    waiting = b.council(task, CouncilKind.IDENTIFICATION, 10, "")
    seat = _free_seat(waiting, b.avoid)
    b.declare(waiting, leave={seat.pk})  # the demo member's declaration is still to come
    _link(MEMBER_1, seat)

    yes = [Vote.RECOMMEND] * 6 + [Vote.NOT_RECOMMEND]
    task = b.propose("approved", b.dost, "tt-duoc-lieu")
    b.identified(task, yes, "118/QĐ-SKHCN", absent_member=True)
    lifecycle.advance(task, Step.APPROVED, b.dost, "Phê duyệt danh mục nhiệm vụ.")

    task = b.propose("call", b.applicant, "bv-hndk")
    b.identified(task, yes, "119/QĐ-SKHCN", meets_in=-30)
    b.through_call(task, -10, 25, [(b.applicant, host, lead, DossierStatus.DRAFT)])

    task = b.propose("selection", b.dost, host)
    b.identified(task, yes, "76/QĐ-SKHCN", meets_in=-120)
    b.through_call(task, -80, -40, [(b.applicant, host, lead), (b.other_applicant, second,
                                    other_lead, DossierStatus.SUBMITTED, partner)])  # fmt: skip
    DossierFile.objects.create(
        dossier=task.dossiers.get(host_org__code=host),
        kind=DossierFileKind.APPLICATION,
        file=ContentFile(PDF, name="don-dang-ky.pdf"),
        name="Đơn đăng ký chủ trì (mẫu).pdf",
    )
    b.checked(task)
    reviewing = b.council(task, CouncilKind.SELECTION, 5, "131/QĐ-SKHCN")
    b.declare(reviewing)
    seat = _free_seat(reviewing, b.avoid)
    b.review(reviewing, leave={seat.pk})  # the demo member's reviews are still to come
    _link(MEMBER_2, seat)

    task = b.propose("execution", b.other_applicant, "tt-ung-dung")
    b.identified(task, yes, "45/QĐ-SKHCN", meets_in=-600)
    other = b.experts("tt-ung-dung", 1, avoid=b.avoid)[0]
    b.through_call(task, -540, -500, [(b.other_applicant, "tt-ung-dung", other),
                                      (b.other_applicant, second, other_lead)])  # fmt: skip
    b.checked(task)
    selection = b.council(task, CouncilKind.SELECTION, -480, "52/QĐ-SKHCN")
    b.declare(selection)
    b.review(selection, outlier=selection.members.filter(role="member").first().pk)
    b.conclude(selection)
    b.contracted(task, -400, 24, "1520")
    b.record(task, RecordKind.PROGRESS, -220, "Báo cáo định kỳ 6 tháng: hoàn thành 40% khối lượng.")
    b.record(task, RecordKind.INSPECTION, -120, "Kiểm tra giữa kỳ: đúng tiến độ, đề nghị tiếp tục.")
    b.record(task, RecordKind.PROGRESS, -40, "Báo cáo định kỳ: mô hình 50 ha đã gieo cấy vụ 2.")

    task = b.propose("published", b.applicant, host)
    b.identified(task, yes, "20/QĐ-SKHCN", meets_in=-1360)
    b.through_call(task, -1300, -1260, [(b.applicant, host, lead), (b.other_applicant, second,
                                        other_lead)])  # fmt: skip
    b.checked(task)
    selection = b.council(task, CouncilKind.SELECTION, -1240, "31/QĐ-SKHCN")
    b.declare(selection)
    b.review(selection)
    b.conclude(selection)
    b.contracted(task, -1180, 24, "905")
    b.record(task, RecordKind.PROGRESS, -1000, "Báo cáo định kỳ: hoàn thành khảo sát 12 cơ sở.")
    b.record(task, RecordKind.ADJUSTMENT, -800, "Điều chỉnh thời gian thực hiện thêm 3 tháng.")
    acceptance = b.council(task, CouncilKind.ACCEPTANCE, -300, "210/QĐ-SKHCN")
    b.declare(acceptance)
    # 7 present: 2 excellent, 4 pass, 1 fail; pass or better 6 >= ceil(3/4 × 7) = 6, excellent
    # 2 < ceil(2/3 × 7) = 5: the grade is "pass".
    b.review(
        acceptance, verdicts=["excellent", "pass", "pass", "excellent", "pass", "pass", "fail"]
    )
    b.conclude(acceptance)
    lifecycle.advance(task, Step.REGISTRATION, b.dost, "Nghiệm thu đạt.")
    task.registration_no, task.registered_on = "NA-2025-KQ-014", b.days(-270)
    task.results = (
        "Quy trình sản xuất nước mắm Vạn Phần kiểm soát histamin dưới 200 mg/l; tiêu chuẩn cơ sở"
        " TCCS 01:2024; 3 cơ sở áp dụng."
    )
    task.save()
    lifecycle.advance(task, Step.PUBLISHED, b.dost, "Công bố kết quả.")
    b.record(task, RecordKind.APPLICATION, -60, "HTX Vạn Phần áp dụng quy trình cho 120.000 lít"
             " nước mắm mỗi năm; doanh thu tăng 18%.")  # fmt: skip

    task = b.propose("rejected", b.dost, "tt-thong-tin")
    b.identified(task, [Vote.NOT_RECOMMEND] * 4 + [Vote.RECOMMEND] * 3, "121/QĐ-SKHCN")
    lifecycle.advance(task, Step.REJECTED, b.dost, "Hội đồng không đề nghị thực hiện.")
    _on_their_dates()


def _moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


def _on_their_dates() -> None:
    """The services stamp events, dossiers and reviews with the time the demo runs; put each on
    the day its task's own dates say (the call, the councils' meetings, the decision...), so
    that a task of 2022 reads as one."""
    for task in Task.objects.prefetch_related("councils", "events", "dossiers"):
        meets = {c.kind: c.meets_on for c in task.councils.all()}
        opens, closes = task.call_opens_on, task.call_closes_on
        days = {
            Step.IDENTIFICATION: meets.get(CouncilKind.IDENTIFICATION),
            Step.APPROVED: meets.get(CouncilKind.IDENTIFICATION),
            Step.CALL: opens,
            Step.COMPLETENESS: closes,
            Step.SELECTION: meets.get(CouncilKind.SELECTION),
            Step.APPRAISAL: meets.get(CouncilKind.SELECTION),
            Step.DECISION: task.decision_on,
            Step.CONTRACT: task.decision_on,
            Step.EXECUTION: task.starts_on,
            Step.ACCEPTANCE: meets.get(CouncilKind.ACCEPTANCE),
            Step.REGISTRATION: meets.get(CouncilKind.ACCEPTANCE),
            Step.PUBLISHED: task.registered_on,
            Step.REJECTED: meets.get(CouncilKind.IDENTIFICATION),
        }
        first = meets.get(CouncilKind.IDENTIFICATION)
        if first is not None:
            Task.objects.filter(pk=task.pk).update(created_at=_moment(first - dt.timedelta(30)))
        for event in task.events.all():
            day = days.get(event.to_step)
            if day is not None and day <= timezone.localdate():
                TaskEvent.objects.filter(pk=event.pk).update(at=_moment(day))
        if closes is not None:
            task.dossiers.exclude(submitted_at=None).update(
                submitted_at=_moment(closes - dt.timedelta(2))
            )
        for council in task.councils.exclude(concluded_at=None):
            if council.meets_on and council.meets_on <= timezone.localdate():
                Council.objects.filter(pk=council.pk).update(concluded_at=_moment(council.meets_on))
                council.members.exclude(declared_at=None).update(
                    declared_at=_moment(council.meets_on - dt.timedelta(7))
                )
                Review.objects.filter(member__council=council).exclude(submitted_at=None).update(
                    submitted_at=_moment(council.meets_on - dt.timedelta(1))
                )


SEED = 2030  # after_accounts takes no seed: the demo's default, for the same scores each time


def after_accounts() -> list[str]:
    """The ties, the sanction and the eight tasks (written once)."""
    if Task.objects.filter(code=TASKS["proposal"][0]).exists():
        return ["S&T tasks demo already loaded."]
    if Expert.objects.filter(erased_at__isnull=True, location="province").count() < 20:
        return ["S&T tasks demo skipped: the expert registry has too few experts."]
    _build(_Builder(SEED))
    steps = Task.objects.values("step").distinct().count()
    return [
        f"S&T tasks: {Task.objects.count()} tasks at {steps} steps,"
        f" {Council.objects.count()} councils, {PastTask.objects.count()} past tasks."
    ]
