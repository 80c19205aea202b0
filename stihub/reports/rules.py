"""Who may make review reports: DOST (and administrators); there is no leaders' role yet.

A report gathers every agency's figures for the Party Committee and the People's Committee,
so making, listing and downloading them, and uploading the templates they are written from,
are DOST's.
"""

import rules

from stihub.core.rules import admin_permissions, is_dost

rules.add_perm("reports.make_report", is_dost)
rules.add_perm("reports.view_report", is_dost)
rules.add_perm("reports.manage_templates", is_dost)
admin_permissions("reports")
