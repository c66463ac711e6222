"""What a signed-in person sees: their handoffs, search, one handoff's history, the metrics."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import httpx2 as httpx

from agent.service import serve
from tests.conftest import REP
from tests.web.conftest import ADMIN, NOBODY, Site, make_site
from tests.web.world import ACCOUNT, COMPETITOR, CSM, OTHER_ACCOUNT, OTHER_REP, world_settings

# -- who sees what ------------------------------------------------------------------------


def test_the_rep_sees_their_handoff_with_status_people_due_and_completeness(site: Site) -> None:
    page = site.sign_in(REP).get("/").text
    assert "Alder &amp; Finch Outfitters" in page and f'href="/handoffs/{ACCOUNT}"' in page
    assert "delivered" in page and "Jordan Lee" in page and "9 of 11" in page
    assert "Quillmark" not in page, "another rep's handoff is not listed"


def test_another_rep_sees_neither_the_handoff_nor_its_search_hits_nor_its_page(site: Site) -> None:
    bob = site.sign_in(OTHER_REP)
    listing = bob.get("/").text
    assert "Quillmark Press" in listing and "Alder" not in listing
    assert "Alder" not in bob.get(f"/search?q={COMPETITOR}").text
    assert bob.get(f"/handoffs/{ACCOUNT}").status_code == 404
    assert bob.get("/handoffs/Alder%20%26%20Finch%20Outfitters").status_code == 404, "nor by its name"
    metrics = bob.get("/metrics").text
    assert "Alder" not in metrics and "sam.okafor" not in metrics


def test_a_colleague_with_no_handoffs_signs_in_and_sees_none(site: Site) -> None:
    nobody = site.sign_in(NOBODY)
    page = nobody.get("/").text
    assert "Nothing here yet" in page and "Alder" not in page and "Quillmark" not in page
    assert nobody.get(f"/handoffs/{ACCOUNT}").status_code == 404
    assert nobody.get(f"/handoffs/{OTHER_ACCOUNT}").status_code == 404
    assert "<svg" in nobody.get("/metrics").text, "the plots say there is nothing yet, as pictures"


def test_the_csm_sees_the_handoffs_assigned_to_them(site: Site) -> None:
    jordan = site.sign_in(CSM)
    page = jordan.get("/").text
    assert "Alder &amp; Finch Outfitters" in page and "Quillmark" not in page
    assert jordan.get(f"/handoffs/{ACCOUNT}").status_code == 200


def test_admins_and_sales_ops_see_every_handoff(world_db: Path, tmp_path: Path) -> None:
    for site in make_site(world_db, tmp_path, sales_ops_address="Sales.Ops@northwind.example"):
        for who in (ADMIN, "sales.ops@northwind.example"):
            page = site.sign_in(who).get("/").text
            assert "Alder &amp; Finch Outfitters" in page and "Quillmark Press" in page
            assert "Every handoff: 2" in page


# -- search --------------------------------------------------------------------------------


def test_search_finds_the_account_by_a_competitor_with_the_match_marked(site: Site) -> None:
    page = site.sign_in(REP).get(f"/search?q={COMPETITOR}").text
    assert f'href="/handoffs/{ACCOUNT}#competitive_context"' in page
    assert f"<mark>{COMPETITOR}</mark>" in page
    assert "Competitive context" in page


def test_search_filters_narrow_the_hits_and_bad_filters_are_named_not_fatal(site: Site) -> None:
    sam = site.sign_in(REP)
    assert "No handoff you can see mentions" in sam.get(f"/search?q={COMPETITOR}&status=collecting").text
    sources = sam.get("/search?q=Monday+workbook&section=source").text
    assert "Source mail" in sources and "#sources" in sources
    assert "No handoff you can see mentions" in sam.get(f"/search?q={COMPETITOR}&rep=someone.else").text
    bad = sam.get(f"/search?q={COMPETITOR}&since=last+week&status=bogus&section=weather")
    assert bad.status_code == 200
    assert "“last week” is not a date" in bad.text and "“bogus” is not one of" in bad.text and "weather" in bad.text
    assert f"<mark>{COMPETITOR}</mark>" in bad.text, "the rest of the search still runs"


def test_what_a_visitor_types_comes_back_escaped(site: Site) -> None:
    sam = site.sign_in(REP)
    page = sam.get("/search", params={"q": '<script>alert(1)</script>"><img src=x>', "rep": "<b>"}).text
    assert "<script>alert" not in page and "<img src=x>" not in page and "<b>" not in page
    assert "&lt;script&gt;" in page


# -- one handoff ---------------------------------------------------------------------------


def test_the_handoff_page_shows_what_the_csm_got_with_its_commitments(site: Site) -> None:
    page = site.sign_in(REP).get(f"/handoffs/{ACCOUNT}").text
    assert "The handoff as the CSM got it: v2" in page
    start = page.index('id="commitments"')
    commitments = page[start : page.index("<h2", start)]
    assert "<li" in commitments, "the commitments are listed"


def test_the_handoff_page_lists_versions_and_what_changed_between_them(site: Site) -> None:
    sam = site.sign_in(REP)
    latest = sam.get(f"/handoffs/{ACCOUNT}").text
    assert 'href="?version=1#document"' in latest and 'v2</span> <span class="muted">(shown)' in latest
    changes = latest[latest.index("What changed since the version before") : latest.index("sections filled")]
    assert "Implementation" in changes and "Boise store goes live first" in changes
    first = sam.get(f"/handoffs/{ACCOUNT}?version=1").text
    document = first[first.index('id="document"') : first.index('id="sources"')]
    assert "The handoff as the CSM got it: v1" in first and "Boise" not in document
    assert sam.get(f"/handoffs/{ACCOUNT}?version=7").status_code == 404


def test_the_handoff_page_shows_the_sources_and_the_csms_feedback(site: Site) -> None:
    page = site.sign_in(REP).get(f"/handoffs/{ACCOUNT}").text
    sources = page[page.index('id="sources"') : page.index('id="feedback"')]
    assert sources.count("<details>") >= 4 and "Monday workbook" in sources
    feedback = page[page.index('id="feedback"') :]
    assert CSM in feedback and "rating <strong>4/5</strong>" in feedback and "on v1" in feedback
    assert "Missing: Expansion" in feedback and "Asked for more on: Implementation" in feedback


def test_a_handoff_still_in_draft_shows_its_document_in_progress(site: Site) -> None:
    page = site.sign_in(OTHER_REP).get(f"/handoffs/{OTHER_ACCOUNT}").text
    assert "The handoff in progress (not delivered yet)" in page and "Looker" in page
    assert "No feedback from the CSM yet" in page


# -- metrics -------------------------------------------------------------------------------


def test_metrics_show_the_report_figures_and_four_svg_plots(site: Site) -> None:
    page = site.sign_in(REP).get("/metrics").text
    assert page.count("<svg") == 4 and page.count('role="img"') == 4
    for title in ("Time from first forward to approval", "Completeness at approval", "CSM rating", "Overdue"):
        assert title in page
    assert "4.0/5 (1)" in page, "the CSM's rating, as handoff report computes it"
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "the inline plots' ids do not collide"


def test_each_plot_is_also_an_svg_document(site: Site) -> None:
    sam = site.sign_in(REP)
    response = sam.get("/metrics/rating.svg")
    assert response.status_code == 200 and response.headers["content-type"].startswith("image/svg+xml")
    assert response.text.lstrip().startswith("<?xml") and "<svg" in response.text and "mean 4.0 of 5" in response.text
    assert sam.get("/metrics/nonsense.svg").status_code == 404


# -- handoff serve -------------------------------------------------------------------------


async def test_handoff_serve_serves_the_pages_too_when_a_web_port_is_set(world_db: Path, tmp_path: Path) -> None:
    from tests.web.world import copy_world

    copy_world(world_db, tmp_path)
    settings = world_settings(tmp_path, web_port=0, cpu_processes=0)
    urls: list[str] = []
    task = asyncio.create_task(serve(settings, ready=lambda port: None, web_ready=urls.append))
    try:
        for _ in range(500):
            if urls or task.done():
                break
            await asyncio.sleep(0.02)
        assert urls, "serve printed the web address"
        async with httpx.AsyncClient(base_url=urls[0], follow_redirects=False) as client:
            response = await client.get("/")
            assert response.status_code == 303 and response.headers["location"] == "/login"
            assert (await client.get("/login")).status_code == 200
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
