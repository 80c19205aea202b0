"""Reporting's part of `stihub demo`: the demo reporter (Sở Công Thương) has sent its
high-tech share for the first half of last year, waiting for DOST's review, so that the review
queue and the reporter's home have something to show. Labelled sample, like all demo data."""

from django.utils import timezone

from stihub.core.choices import Role
from stihub.core.models import User
from stihub.monitoring.choices import Channel
from stihub.monitoring.models import Indicator, Submission
from stihub.monitoring.review import Reported, submit

INDICATOR = "HIGHTECH_MFG_SHARE"
ACCOUNTS = [("reporter", "Cán bộ báo cáo Sở Công Thương", [(Role.AGENCY_REPORTER, "SCT")])]


def load(*, scale: int, seed: int) -> list[str]:
    return []


def after_accounts() -> list[str]:
    indicator = Indicator.objects.filter(code=INDICATOR).select_related("agency").first()
    if indicator is None or indicator.agency is None:
        return []
    # A second run starts again: the sample rows went with monitoring's demo, their
    # submissions go here.
    Submission.objects.filter(observations__isnull=True).delete()
    reporter = User.objects.get(username=ACCOUNTS[0][0])
    year = timezone.localdate().year - 1
    submit(
        [
            Reported(
                indicator.pk,
                year,
                31.5,
                period="H1",
                note="Số liệu mẫu: ước tính 6 tháng đầu năm",
                source="Sở Công Thương (mẫu)",
                agency_id=indicator.agency_id,
                is_sample=True,
            )
        ],
        user=reporter,
        agency=indicator.agency,
        channel=Channel.FORM,
    )
    return [f"1 sample report of {indicator.agency} waiting for review."]
