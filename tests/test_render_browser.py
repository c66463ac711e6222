"""The CSM's mail in a real browser engine (Debian's Chromium, headless) at phone and desktop widths.

Fails (is not skipped) when Chromium is missing, saying to run ``bash scripts/chromium.sh``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from agent.document import HandoffDocument, Item, Quote, SourceRef
from agent.render import render_draft, render_final
from tests.browser import Chromium
from tests.test_render import make_doc

WIDTHS = (390, 1000)
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


@pytest.fixture(scope="module")
def browser() -> Iterator[Chromium]:
    with Chromium() as chromium:
        yield chromium


def layout(browser: Chromium, html: str, width: int) -> dict:  # type: ignore[type-arg]
    browser.render(html, width)
    return browser.evaluate(LAYOUT)  # type: ignore[no-any-return]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_csm_mail_has_no_horizontal_scroll_and_every_heading_in_view(browser: Chromium, width: int) -> None:
    _, html = render_final(rich_doc(), datetime(2026, 3, 30, 7, 0, tzinfo=UTC), ZoneInfo("Europe/Berlin"))
    found = layout(browser, html, width)
    assert found["scrollWidth"] <= found["clientWidth"] <= width
    titles = [h["text"] for h in found["headings"]]
    for expected in ("Stakeholder map", "Commitments we made", "Pain points", "Not known yet", "Sources read"):
        assert expected in titles, titles
    for heading in found["headings"]:
        assert heading["shown"] and heading["height"] > 0, heading
        assert heading["left"] >= 0 and heading["right"] <= width, heading


@pytest.mark.parametrize("width", WIDTHS)
def test_the_draft_has_no_horizontal_scroll_either(browser: Chromium, width: int) -> None:
    doc = rich_doc()
    _, html = render_draft(doc, [], doc.sources, ["deck.pdf: PDF could not be read"], [])
    found = layout(browser, html, width)
    assert found["scrollWidth"] <= found["clientWidth"] <= width


def test_the_page_reports_its_real_width_so_a_wide_page_would_fail(browser: Chromium) -> None:
    found = layout(browser, '<html><body><div style="width:1400px">wide</div></body></html>', 390)
    assert found["scrollWidth"] > found["clientWidth"]
