"""The programme's part of `stihub demo`: a few sample action items, labelled sample, with one
progress update and a small evidence file, on the solution groups the monitoring demo loaded."""

import datetime as dt
import random

from django.core.files.base import ContentFile
from django.utils import timezone

from stihub.core.models import Agency
from stihub.monitoring.models import SolutionGroup

from .models import ActionItem

# (code, solution group, title, outputs, months from today to the deadline, status)
SAMPLES = [
    ("MAU-01", "III.1", "Ban hành kế hoạch thực hiện Nghị quyết", "Kế hoạch", -2, "done"),
    ("MAU-02", "III.2.1", "Đào tạo 100 cán bộ quản lý KH&CN", "Lớp đào tạo", 6,
     "in_progress"),
    ("MAU-03", "III.2.3", "Xây dựng phòng thí nghiệm dùng chung", "Phòng thí nghiệm", -1,
     "in_progress"),
    ("MAU-04", "III.3", "Hỗ trợ 6 doanh nghiệp đổi mới công nghệ", "Hợp đồng hỗ trợ", 12,
     "not_started"),
]  # fmt: skip
# The smallest well-formed PDF a viewer opens: the sample evidence file.
SAMPLE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def load(*, scale: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    today = timezone.localdate()
    groups = {g.code: g for g in SolutionGroup.objects.select_related("lead_agency")}
    agencies = list(Agency.objects.order_by("code"))
    made = 0
    for code, group_code, title, outputs, months, status in SAMPLES:
        group = groups.get(group_code)
        if group is None or group.lead_agency is None:
            continue
        item, created = ActionItem.objects.get_or_create(
            code=code,
            defaults={
                "solution_group": group,
                "title": title,
                "lead_agency": group.lead_agency,
                "outputs": outputs,
                "deadline": today + dt.timedelta(days=30 * months),
                "status": status,
                "is_sample": True,
            },
        )
        if not created:
            continue
        made += 1
        item.partner_agencies.set(rng.sample(agencies, k=min(2, len(agencies))))
        if status != "not_started":
            update = item.updates.create(
                date=today - dt.timedelta(days=rng.randint(1, 60)),
                text="Báo cáo tiến độ mẫu.",
                percent_done=100 if status == "done" else rng.randint(10, 90),
            )
            update.evidence.create(
                file=ContentFile(SAMPLE_PDF, name="minh-chung-mau.pdf"),
                name="minh-chung-mau.pdf",
                size=len(SAMPLE_PDF),
            )
    return [f"{made} sample action items."]
