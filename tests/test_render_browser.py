"""The CSM's mail in a real browser engine (Debian's Chromium, headless, driven by Playwright) at phone and desktop widths.

The same browser the web tests use (tests/web/browser.py: /usr/bin/chromium, nothing
downloaded). Fails (is not skipped) when Chromium is missing, saying to run
``bash scripts/chromium.sh``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from agent.document import HandoffDocument, Item, Party, Quote, SourceRef
from agent.render import render_draft, render_final
from agent.revisions import Edition, changes, changes_view
from tests.test_render import make_doc
from tests.web.browser import chromium

WIDTHS = (390, 1000)
CALL = datetime(2026, 3, 30, 7, 0, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")
LAYOUT = """(() => {
  const root = document.documentElement;
  const headings = [...document.querySelectorAll('h1, h2')].map(h => {
    const r = h.getBoundingClientRect();
    const style = getComputedStyle(h);
    return {text: h.textContent.trim(), left: r.left, right: r.right, height: r.height,
            shown: style.display !== 'none' && style.visibility !== 'hidden' && r.width > 0};
  });
  return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, headings};
})()"""


def rich_doc() -> HandoffDocument:
    """The sample document, with what stretches a layout: long words, a long address, many quotes."""
    doc = make_doc()
    doc.sections.implementation = [
        Item(
            text="Connector endpoint https://integrations.harbor.example/api/v2/shipments/export?format=csv&tenant=north",
            quotes=[Quote(text="Supercalifragilisticexpialidocious" * 3, speaker="Maria Chen", source_id="m1")],
        )
    ]
    doc.sections.stakeholders[0].email = "maria.chen.vp.operations.north.america@harbor-logistics-international.example"
    doc.sources.append(
        SourceRef.model_validate({"id": "m2", "from": "ops@harbor.example", "subject": "A" * 120, "kind": "email"})
    )
    return doc


def version_2() -> tuple[str, str]:
    """A second version: a new CSM, a moved call, an item added and one removed, with what changed on top."""
    old, new = rich_doc(), rich_doc()
    new.csm = Party(name="Zoë Ångström", email="zoe.angstrom.customer.success.emea@northwind-analytics.example")
    new.sections.risks.append(Item(text="Their only IT person is away for the whole of March" + " really" * 20))
    new.sections.implementation = []
    moved = CALL + timedelta(days=1, hours=3)
    found = changes(Edition(old, CALL), Edition(new, moved), BERLIN)
    update = {"version": 2, "changes": changes_view(found, since=1), "moved_from": "Jordan Lee", "past_call": ""}
    return render_final(new, moved, BERLIN, update=update)


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def page(request: pytest.FixtureRequest) -> Iterator[Any]:
    """One page at a phone's width (390 CSS px, a mobile viewport) or a desktop mail client's (1000)."""
    width = request.param
    with chromium(width=width, height=900, mobile=width < 600) as context:
        yield context.new_page()


def layout(page: Any, html: str) -> dict[str, Any]:
    page.set_content(html)
    return page.evaluate(LAYOUT)  # type: ignore[no-any-return]


def no_sideways_scroll_and_headings_in_view(found: dict[str, Any], page: Any) -> None:
    width = page.viewport_size["width"]
    assert found["scrollWidth"] <= found["clientWidth"] <= width
    for heading in found["headings"]:
        assert heading["shown"] and heading["height"] > 0, heading
        assert heading["left"] >= 0 and heading["right"] <= width, heading


def test_the_csm_mail_has_no_horizontal_scroll_and_every_heading_in_view(page: Any) -> None:
    _, html = render_final(rich_doc(), CALL, BERLIN)
    found = layout(page, html)
    titles = [h["text"] for h in found["headings"]]
    for expected in ("Stakeholder map", "Commitments we made", "Pain points", "Not known yet", "Sources read"):
        assert expected in titles, titles
    no_sideways_scroll_and_headings_in_view(found, page)


def test_version_2_shows_what_changed_first_and_still_fits(page: Any) -> None:
    _, html = version_2()
    found = layout(page, html)
    titles = [h["text"] for h in found["headings"]]
    assert titles[0] == "What changed since version 1", titles
    no_sideways_scroll_and_headings_in_view(found, page)
    shown = page.inner_text("#what_changed")
    assert "Zoë Ångström" in shown and "Removed: Connector endpoint" in shown


def test_the_draft_has_no_horizontal_scroll_either(page: Any) -> None:
    doc = rich_doc()
    _, html = render_draft(doc, [], doc.sources, ["deck.pdf: PDF could not be read"], [])
    found = layout(page, html)
    assert found["scrollWidth"] <= found["clientWidth"] <= page.viewport_size["width"]


def test_the_page_reports_its_real_width_so_a_wide_page_would_fail(page: Any) -> None:
    found = layout(page, '<html><body><div style="width:1400px">wide</div></body></html>')
    assert found["scrollWidth"] > found["clientWidth"]
