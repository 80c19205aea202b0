"""Who may do what with the action programme; the predicates are in `core/rules.py`.

The public reads items and their status. Progress updates are added by reporters of the item's
lead or co-operating agencies (and DOST); evidence files may hold internal documents, so only
they may download them. DOST creates and edits items and loads a programme from Excel.
"""

import rules

from stihub.core.rules import admin_permissions, anyone, is_dost, reporter_agencies, reports_for


@rules.predicate
def reports_for_item(user, item) -> bool:
    """A reporter of the item's lead or a co-operating agency; with no item, of any agency (so
    that a page can be guarded first, and asked again of its item)."""
    if item is None:
        return reports_for(user, None)
    agencies = reporter_agencies(user)
    if not agencies:
        return False
    if item.lead_agency_id in agencies:
        return True
    return item.partner_agencies.filter(pk__in=agencies).exists()


rules.add_perm("programme.view_item", anyone)
rules.add_perm("programme.update_item", is_dost | reports_for_item)
rules.add_perm("programme.download_evidence", is_dost | reports_for_item)
rules.add_perm("programme.manage_items", is_dost)
admin_permissions("programme")
