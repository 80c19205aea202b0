"""What the browser tests share: screenshots into `var/artifacts/<folder>/` (STIHUB_ARTIFACTS
overrides the root), signing in as a person in a browser of their own, sending a form."""

import os
from pathlib import Path

from .conftest import PASSWORD, code_now

ARTIFACTS = Path(
    os.environ.get("STIHUB_ARTIFACTS", Path(__file__).parent.parent / "var" / "artifacts")
)


def shot(page, folder: str, name: str) -> None:
    where = ARTIFACTS / folder
    where.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(where / f"{name}.png"), full_page=True)


def sign_in(browser, url, username, device=None, landing="/tasks/"):
    """A page of a new browser context (a person's own browser) signed in as `username`, on
    `landing`; with `device`, the two-step verification code too (DOST)."""
    page = browser.new_context().new_page()
    page.goto(f"{url}/accounts/login/?next={landing}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    if device is not None:
        page.fill("#id_code", code_now(device))
        page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"**{landing}")
    return page


def send(page, selector: str) -> None:
    """Click a form's button and wait for the page the server answers with."""
    with page.expect_navigation():
        page.click(selector)
