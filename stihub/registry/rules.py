"""Who may do what with the registries; the predicates are in `core/rules.py`.

The public reads the directories: consenting experts (public fields only), organizations,
enterprises, granted industrial property and shared infrastructure. DOST keeps the registries
(create, edit, import, merge), sees restricted personal fields (each view logged), reviews the
access log and answers a person's requests (export, erasure).
"""

import rules

from stihub.core.rules import admin_permissions, anyone, is_dost

rules.add_perm("registry.view_registry", anyone)
rules.add_perm("registry.manage_registry", is_dost)
rules.add_perm("registry.view_personal_data", is_dost)
rules.add_perm("registry.view_access_log", is_dost)
rules.add_perm("registry.handle_data_request", is_dost)
admin_permissions("registry")
