"""Who may do what with innovation-index datasets; reading and what-if analysis are public."""

import rules

from stihub.core.rules import admin_permissions, is_dost

rules.add_perm("innovation.upload_dataset", is_dost)
rules.add_perm("innovation.publish_dataset", is_dost)
rules.add_perm("innovation.mark_official", is_dost)
# The workbook as uploaded may hold figures not yet published: DOST only.
rules.add_perm("innovation.download_workbook", is_dost)
admin_permissions("innovation")
