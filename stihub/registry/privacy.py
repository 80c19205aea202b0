"""Personal data protection (Nghị định 13/2023/NĐ-CP): which fields of a person are public,
and the log of every staff view of a restricted one.

Every place that shows a restricted field to staff (detail page, API, export of a person's
data, registry download) calls `log_access` with the people shown; the log is reviewed at
/registry/access-log/.
"""

from .models import Expert, PersonalDataAccess

RESTRICTED = Expert.RESTRICTED


def log_access(user, experts, *, via: str, path: str = "", fields=RESTRICTED) -> None:
    """Record that `user` saw `fields` of each of `experts` (one row per person)."""
    PersonalDataAccess.objects.bulk_create(
        [
            PersonalDataAccess(
                user=user if getattr(user, "is_authenticated", False) else None,
                expert=expert,
                expert_ref=expert.pk,
                fields=list(fields),
                via=via,
                path=path[:300],
            )
            for expert in experts
        ]
    )
