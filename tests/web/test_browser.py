"""The pages in a real browser: Debian's Chromium, headless, JavaScript off, against the real ``handoff web``.

A person's path: sign in by the emailed link, search by a competitor, open the handoff,
look at the metrics; then the same on a phone, by keyboard, without the stylesheet,
and a form posted from another site. Each screenshot is checked for the page's key
text (through the DOM) and for being a real picture (not empty, not one colour).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from PIL import Image

from tests.conftest import REP
from tests.web.browser import WebProcess, chromium
from tests.web.world import ACCOUNT, COMPETITOR, copy_world, mails_to, signin_link


@pytest.fixture
def web(world_db: Path, tmp_path: Path) -> Iterator[tuple[WebProcess, Path]]:
    copy_world(world_db, tmp_path)
    outbox = tmp_path / "outbox"
    process = WebProcess(
        {
            "HANDOFF_DATABASE_URL": f"sqlite:///{tmp_path / 'handoff.db'}",
            "HANDOFF_INBOX_ADDRESS": "handoff@northwind.example",
            "HANDOFF_COMPANY_DOMAINS": "northwind.example",
            "HANDOFF_OUTBOX_DIR": str(outbox),
            "HANDOFF_EXTRACTOR": "offline",
        }
    )
    try:
        yield process, outbox
    finally:
        process.stop()


def shot(page: Any, path: Path, *expected: str) -> None:
    """Screenshot the page; it must show ``expected`` (read through the DOM) and be a real picture."""
    text = page.inner_text("body")
    for words in expected:
        assert words in text, f"{words!r} not on {page.url}"
    png = page.screenshot(path=str(path), full_page=True)
    image = Image.open(io.BytesIO(png)).convert("L")
    assert image.width >= 300 and image.height >= 300
    low, high = cast(tuple[int, int], image.getextrema())  # one band: (darkest, lightest)
    assert high - low > 100, "the screenshot is not one flat colour"


def sign_in(page: Any, base: str, outbox: Path, email: str = REP) -> None:
    page.goto(base + "/")
    assert page.url.endswith("/login"), "no session: the list leads to the sign-in page"
    page.fill("#email", email)
    page.press("#email", "Enter")
    assert "Check your mail" in page.inner_text("h1")
    link = signin_link(outbox, email, wait_s=10)
    assert link is not None and link.startswith(base)
    page.goto(link)


def test_a_rep_signs_in_by_link_searches_opens_the_handoff_and_sees_the_metrics(
    web: tuple[WebProcess, Path], tmp_path: Path
) -> None:
    process, outbox = web
    with chromium() as browser:
        page = browser.new_page()
        sign_in(page, process.url, outbox)
        assert page.url == process.url + "/"
        shot(page, tmp_path / "list.png", "Handoffs", "Alder & Finch Outfitters", "delivered")

        page.fill("#q", COMPETITOR)
        page.press("#q", "Enter")
        shot(page, tmp_path / "search.png", f"for “{COMPETITOR}”", "Alder & Finch Outfitters", "Competitive context")
        assert page.locator("mark", has_text=COMPETITOR).count() >= 1

        page.locator(".hits a").first.click()
        assert f"/handoffs/{ACCOUNT}" in page.url
        shot(page, tmp_path / "handoff.png", "The handoff as the CSM got it: v2", "Commitments we made", "Versions")
        assert page.locator("#commitments + ul li").count() >= 1

        page.click("nav[aria-label=Main] >> text=Metrics")
        shot(page, tmp_path / "metrics.png", "Metrics", "Completeness at approval", "CSM rating")
        assert page.locator("svg.plot").count() == 4
        box = page.locator("svg.plot").first.bounding_box()
        assert box is not None and box["width"] > 250 and box["height"] > 100

        page.click("text=Sign out")
        assert "You are signed out" in page.inner_text("h1")
        page.goto(process.url + "/")
        assert page.url.endswith("/login")

        page.goto(signin_link(outbox, REP) or "")
        assert "does not work any more" in page.inner_text("h1"), "the link worked once, not twice"


def test_on_a_phone_every_page_fits_the_screen(web: tuple[WebProcess, Path], tmp_path: Path) -> None:
    process, outbox = web
    with chromium(width=390, height=844, mobile=True) as phone:
        page = phone.new_page()
        sign_in(page, process.url, outbox)
        for path, words in (
            ("/", "Alder & Finch Outfitters"),
            (f"/search?q={COMPETITOR}", "Alder & Finch Outfitters"),
            (f"/handoffs/{ACCOUNT}", "Commitments we made"),
            ("/metrics", "CSM rating"),
        ):
            page.goto(process.url + path)
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 1, f"{path} scrolls sideways on a phone by {overflow}px"
            shot(page, tmp_path / f"phone{path.replace('/', '_').split('?')[0]}.png", words)


def test_the_keyboard_reaches_every_control_and_the_pages_read_without_the_stylesheet(
    web: tuple[WebProcess, Path],
) -> None:
    process, outbox = web
    with chromium() as browser:
        page = browser.new_page()
        page.goto(process.url + "/login")
        focused = []
        for _ in range(4):
            page.keyboard.press("Tab")
            focused.append(page.evaluate("document.activeElement.textContent.trim() || document.activeElement.id"))
        assert focused == ["Skip to content", "handoff", "email", "Send me a sign-in link"]
        page.keyboard.press("Shift+Tab")
        page.keyboard.type(REP)
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        assert "Check your mail" in page.inner_text("h1"), "signed up for a link by keyboard alone"

        page.route("**/*.css", lambda route: route.abort())
        page.goto(signin_link(outbox, REP, wait_s=10) or "")
        headings = page.locator("h1, h2").all_inner_texts()
        assert headings[0] == "Handoffs"
        page.goto(process.url + f"/handoffs/{ACCOUNT}")
        order = page.locator("h1, h2").all_inner_texts()
        assert order[0] == "Alder & Finch Outfitters" and "Commitments we made" in order and "Versions" in order
        assert order.index("Versions") < order.index("Commitments we made") < order.index("The CSM's feedback")
        labels = page.goto(process.url + "/search")
        assert labels is not None and labels.ok
        for field in ("q", "rep", "csm", "status", "section", "since", "until"):
            assert page.locator(f"label[for={field}]").count() == 1, f"the {field} field has a label"


def test_a_form_posted_from_another_site_is_refused_in_the_browser(
    web: tuple[WebProcess, Path], tmp_path: Path
) -> None:
    process, outbox = web
    with chromium() as browser:
        page = browser.new_page()
        page.goto(process.url + "/login")  # the browser holds our CSRF cookie, as a victim's would
        token = page.locator("input[name=csrf_token]").get_attribute("value")
        page.goto("about:blank")
        page.set_content(
            f'<form method="post" action="{process.url}/login">'
            f'<input name="email" value="{REP}"><input name="csrf_token" value="{token}">'
            f'<input name="next" value="/"><button id="go">go</button></form>'
        )
        page.click("#go")
        assert "Refused" in page.inner_text("h1")
        assert "another site" in page.inner_text("main")
    assert mails_to(outbox, REP) == [], "a colleague's address would have been mailed, had the post been taken"
