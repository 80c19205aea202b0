"""Who may do what in monitoring; the predicates are in `core/rules.py`."""

import rules

from stihub.core.rules import admin_permissions, is_dost

# Loading observation files writes straight to the published figures: DOST only.
rules.add_perm("monitoring.import_observations", is_dost)
admin_permissions("monitoring")
