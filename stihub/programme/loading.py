"""Load an action programme from a checked workbook: all rows or none."""

from django.db import transaction

from stihub.core.models import Agency
from stihub.engines.programme import read_programme

from .models import ActionItem


def load_programme(upload, resolution, limits) -> dict[str, int]:
    """Create the file's items, or update those whose code exists (the change history shows
    before → after); raise DataError, writing nothing, when any row is wrong."""
    groups = {g.code: g for g in resolution.solution_groups.all()}
    agencies = {a.code: a for a in Agency.objects.all()}
    upload.seek(0)
    rows = read_programme(upload, groups=set(groups), agencies=set(agencies), limits=limits)
    counts = {"created": 0, "updated": 0}
    with transaction.atomic():
        for row in rows:
            item, created = ActionItem.objects.update_or_create(
                code=row.code,
                defaults={
                    "solution_group": groups[row.solution_group],
                    "title": row.title,
                    "lead_agency": agencies[row.lead_agency],
                    "outputs": row.outputs,
                    "deadline": row.deadline,
                    "status": row.status,
                    "cancel_reason": row.cancel_reason,
                },
            )
            item.partner_agencies.set([agencies[c] for c in row.partner_agencies])
            counts["created" if created else "updated"] += 1
    return counts
