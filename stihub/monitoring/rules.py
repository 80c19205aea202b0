"""Who may do what in monitoring; the predicates are in `core/rules.py`."""

import rules

from stihub.core.rules import admin_permissions, is_dost, reports_for


@rules.predicate
def reports_revision(user, observation) -> bool:
    """A reporter of the revision's agency (no one for a revision without an agency)."""
    return observation is not None and reports_for(user, observation.agency_id or -1)


# Loading observation files writes straight to the published figures: DOST only.
rules.add_perm("monitoring.import_observations", is_dost)
# Unpublished revisions (draft, submitted, returned) and the people named on a revision.
rules.add_perm("monitoring.view_revision", is_dost | reports_revision)
admin_permissions("monitoring")
