"""E-mail reminders (issue 8, item 5): `stihub send_reminders` and the page of reminders sent.

The indicators are made here with no resolution, so each is owed from last year (2024 for the
fixed day 2025-02-05, `reporting/owed.py`): its 2024 report is due `due_days` after 31/12/2024.
Worked out by hand for 2025-02-05 and the default 7 days (horizon 12/02/2025):
  A_LATE   (30 days) due 30/01/2025: overdue, 6 days late
  A_SOON   (40 days) due 09/02/2025: due soon, in 4 days
  A_LATER  (60 days) due 01/03/2025: beyond the horizon, no reminder
  A_SENT   (30 days) due 30/01/2025, but submitted: no reminder
  A_DONE   (30 days) due 30/01/2025, but approved: owed nothing
  B_LATE   (30 days) due 30/01/2025: overdue, agency B
The 2025 periods (due in 2026) are never within the horizon.
"""

import io
from datetime import date

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from stihub.core.choices import Role
from stihub.monitoring.models import Indicator, Observation
from stihub.reporting.models import Reminder

from .conftest import make_user, sign_in

DAY = "2025-02-05"


@pytest.fixture
def owing(users, agency, agency_b):
    """The indicators above; e-mail addresses for agency A's two reporters and agency B's
    reporter; the scientist (also B's reporter) has none; an inactive reporter of A has one."""

    def make(code, due_days, owner=agency):
        return Indicator.objects.create(code=code, name=f"Chỉ tiêu {code}", agency=owner,
                                        due_days=due_days)  # fmt: skip

    made = {
        "late": make("A_LATE", 30),
        "soon": make("A_SOON", 40),
        "later": make("A_LATER", 60),
        "sent": make("A_SENT", 30),
        "done": make("A_DONE", 30),
        "b_late": make("B_LATE", 30, agency_b),
    }
    Observation.objects.create(indicator=made["sent"], year=2024, value=1, status="submitted")
    Observation.objects.create(indicator=made["done"], year=2024, value=1, status="approved")
    for name, address in (("reporter", "a1@sct.test"), ("reporter_b", "b@vien.test")):
        users[name].email = address
        users[name].save()
    make_user("reporter2", (Role.AGENCY_REPORTER, agency), email="a2@sct.test")
    make_user("gone", (Role.AGENCY_REPORTER, agency), email="gone@sct.test", is_active=False)
    return made


def run(*args) -> str:
    """The command's summary line, in English (the messages it sends are Vietnamese anyway)."""
    out = io.StringIO()
    with translation.override("en"):
        call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def outbox() -> dict[str, mail.EmailMessage]:
    """{recipient: their message}; a recipient twice is an error."""
    messages = {}
    for message in mail.outbox:
        [to] = message.to
        assert to not in messages, f"two messages to {to}"
        messages[to] = message
    return messages


def recorded() -> set[tuple]:
    return set(
        Reminder.objects.values_list("user__username", "indicator__code", "year", "period", "kind")
    )


def test_one_message_per_person_with_all_their_items(owing):
    out = run("--date", DAY)
    messages = outbox()
    assert set(messages) == {"a1@sct.test", "a2@sct.test", "b@vien.test"}
    for address in ("a1@sct.test", "a2@sct.test"):
        body = messages[address].body
        assert "A_LATE" in body and "30/01/2025" in body  # overdue
        assert "A_SOON" in body and "09/02/2025" in body  # due soon
        assert "A_LATER" not in body and "A_SENT" not in body and "A_DONE" not in body
        assert "B_LATE" not in body
        assert body.index("A_LATE") < body.index("A_SOON")  # overdue first
    assert "B_LATE" in messages["b@vien.test"].body
    assert "A_" not in messages["b@vien.test"].body
    assert recorded() == {
        ("reporter", "A_LATE", 2024, "", "overdue"),
        ("reporter", "A_SOON", 2024, "", "due_soon"),
        ("reporter2", "A_LATE", 2024, "", "overdue"),
        ("reporter2", "A_SOON", 2024, "", "due_soon"),
        ("reporter_b", "B_LATE", 2024, "", "overdue"),
    }
    # 3 messages: A_LATE twice and B_LATE overdue, A_SOON twice due soon; the scientist (B,
    # no address) is skipped, the inactive reporter is not counted
    assert out.strip() == (
        "3 message(s): 3 overdue, 2 due soon; 0 failed; 1 reporter(s) without an e-mail address."
    )
    reminder = Reminder.objects.get(user__username="reporter", indicator__code="A_SOON")
    assert (reminder.due, reminder.email) == (date(2025, 2, 9), "a1@sct.test")


def test_a_second_run_sends_nothing_again(owing):
    run("--date", DAY)
    mail.outbox.clear()
    out = run("--date", DAY)
    assert mail.outbox == [] and Reminder.objects.count() == 5
    assert out.startswith("0 message(s)")


def test_a_period_due_soon_is_reminded_again_once_overdue(owing):
    run("--date", DAY)
    mail.outbox.clear()
    # 12/02/2025: A_SOON (due 09/02) is now overdue; A_LATER (due 01/03) is 17 days away
    run("--date", "2025-02-12")
    messages = outbox()
    assert set(messages) == {"a1@sct.test", "a2@sct.test"}
    body = messages["a1@sct.test"].body
    assert "A_SOON" in body and "A_LATE" not in body and "A_LATER" not in body
    assert ("reporter", "A_SOON", 2024, "", "overdue") in recorded()
    # with 17 days' notice, A_LATER comes due soon: a new reminder, the others are not repeated
    mail.outbox.clear()
    run("--date", "2025-02-12", "--days-before", "17")
    assert "A_LATER" in outbox()["a1@sct.test"].body
    assert "A_SOON" not in outbox()["a1@sct.test"].body


def test_a_period_submitted_meanwhile_is_not_reminded(owing):
    run("--date", DAY)
    Observation.objects.create(indicator=owing["soon"], year=2024, value=3, status="submitted")
    mail.outbox.clear()
    run("--date", "2025-02-12")
    assert mail.outbox == []


def test_a_draft_or_returned_report_is_still_reminded(owing):
    Observation.objects.create(indicator=owing["late"], year=2024, value=3, status="returned")
    run("--date", DAY)
    assert "A_LATE" in outbox()["a1@sct.test"].body


def test_the_message_is_vietnamese_with_an_html_part_and_links(owing, settings):
    settings.STIHUB_SITE_URL = "https://stihub.example.vn/"
    run("--date", DAY)  # in English: the mail speaks the platform's language regardless
    message = outbox()["a1@sct.test"]
    [(html, kind)] = message.alternatives
    assert kind == "text/html"
    assert "Chỉ tiêu" in html and "Năm 2024" in message.body  # "Indicator", "Year 2024"
    link = "https://stihub.example.vn" + reverse("reporting:enter", args=["A_LATE", 2024])
    assert link in message.body and f'href="{link}"' in html
    home = "https://stihub.example.vn" + reverse("reporting:home")
    assert home in message.body
    assert "<script" not in html


def test_links_are_paths_without_a_site_address(owing, settings):
    settings.STIHUB_SITE_URL = ""  # the default
    run("--date", DAY)
    path = reverse("reporting:enter", args=["A_SOON", 2024])
    assert f"\n  {path}\n" in outbox()["a1@sct.test"].body


def test_a_quarter_links_to_its_period(users, agency):
    users["reporter"].email = "a1@sct.test"
    users["reporter"].save()
    Indicator.objects.create(code="A_Q", name="Q", agency=agency, frequency="quarter")
    # as of 2025-02-05: every 2024 quarter and the year are overdue (due 30 days after each)
    run("--date", DAY)
    body = outbox()["a1@sct.test"].body
    assert reverse("reporting:enter_period", args=["A_Q", 2024, "Q3"]) in body
    assert "30/10/2024" in body  # Q3 ends 30/09/2024, due 30 days later
    assert {period for *_key, period, _kind in recorded()} == {"Q1", "Q2", "Q3", ""}


def test_dry_run_sends_and_records_nothing(owing):
    out = run("--date", DAY, "--dry-run")
    assert mail.outbox == [] and not Reminder.objects.exists()
    assert "3 message(s): 3 overdue, 2 due soon" in out


@pytest.mark.parametrize(
    "args", [["--date", "05/02/2025"], ["--date", "2025-02-30"], ["--days-before", "-1"]]
)
def test_bad_arguments_are_refused(owing, args):
    with pytest.raises(CommandError):
        run(*args)
    assert mail.outbox == []


def test_a_failed_send_records_nothing_and_is_tried_again(owing, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    out = run("--date", DAY)
    assert "3 failed" in out and not Reminder.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run("--date", DAY)
    assert len(mail.outbox) == 3


# -- the page ---------------------------------------------------------------------------------


def test_the_page_lists_reminders_newest_first_and_filters(client, users, owing):
    run("--date", DAY)
    run("--date", "2025-02-12")  # A_SOON overdue, sent later
    sign_in(client, users["dost"])
    url = reverse("reporting:reminders")
    page = client.get(url).content.decode()
    rows = page.split("<tbody>")[1].split("</tbody>")[0]
    assert rows.count("data-reminder=") == 7
    newest = Reminder.objects.filter(kind="overdue", indicator__code="A_SOON")
    assert rows.index(f'data-reminder="{newest.first().pk}"') < rows.index("B_LATE")
    assert "a1@sct.test" in rows and "09/02/2025" in rows
    only_b = client.get(url, {"agency": "VIEN_TEST"}).content.decode().split("<tbody>")[1]
    assert only_b.count("data-reminder=") == 1 and "B_LATE" in only_b
    due_soon = client.get(url, {"kind": "due_soon"}).content.decode().split("<tbody>")[1]
    assert due_soon.count('data-kind="due_soon"') == 2 and 'data-kind="overdue"' not in due_soon
    assert client.get(url, {"kind": "bogus"}).status_code == 200  # refused filter: no rows


@pytest.mark.parametrize("name", ["reporter", "reporter_b", "expert", "outsider"])
def test_only_dost_sees_the_page(client, users, name):
    sign_in(client, users[name])
    assert client.get(reverse("reporting:reminders")).status_code == 403
    client.logout()
    response = client.get(reverse("reporting:reminders"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
