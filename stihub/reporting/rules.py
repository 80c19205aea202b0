"""Who may do what in agency reporting; the predicates are in `core/rules.py`.

A reporter reports the indicators their agency is responsible for and sees their agency's
submissions (drafts included); DOST reviews every agency's, manages the indicators' reporting
settings and sees the reminders sent. The public sees approved values only (monitoring).
"""

import rules

from stihub.core.rules import admin_permissions, is_dost, is_reporter, reports_for


@rules.predicate
def reports_indicator(user, indicator) -> bool:
    """A reporter of the indicator's responsible agency; with no indicator, of any agency."""
    return reports_for(user, None if indicator is None else indicator.agency_id or -1)


@rules.predicate
def reports_submission(user, submission) -> bool:
    """A reporter of the submission's agency; with no submission, of any agency."""
    return reports_for(user, None if submission is None else submission.agency_id or -1)


rules.add_perm("reporting.view_home", is_dost | is_reporter)
rules.add_perm("reporting.report_indicator", is_dost | reports_indicator)
rules.add_perm("reporting.view_submission", is_dost | reports_submission)
rules.add_perm("reporting.review", is_dost)
rules.add_perm("reporting.manage_indicators", is_dost)
rules.add_perm("reporting.view_reminders", is_dost)
admin_permissions("reporting")
