"""The web pages over HTTP with Starlette's TestClient: sign-in, who sees what, the pages, the security cases."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import INBOX, REP
from tests.web.conftest import BASE, NOBODY, TOKEN, Site, make_site
from tests.web.world import ACCOUNT, COMPETITOR, CSM, OUTSIDER, mails_to, signin_link

# -- no session, no data ----------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/", f"/search?q={COMPETITOR}", f"/handoffs/{ACCOUNT}", "/metrics", "/metrics/prep.svg", "/?page=2"]
)
def test_without_a_session_every_page_redirects_to_login_and_shows_no_account_data(site: Site, path: str) -> None:
    response = site.client.get(path)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    assert "Alder" not in response.text and "Quillmark" not in response.text
    followed = site.client.get(path, follow_redirects=True)
    assert followed.url.path == "/login" and "Alder" not in followed.text


def test_the_sign_in_form_has_one_labelled_email_field_and_hidden_fields(site: Site) -> None:
    page = site.client.get("/login").text
    assert '<label for="email">' in page and 'id="email" name="email" type="email"' in page
    assert re.findall(r'<input[^>]*type="hidden"[^>]*name="(\w+)"', page) == ["csrf_token", "next"]
    assert "script" not in page.lower()


# -- the link ---------------------------------------------------------------------------


def test_a_company_address_gets_a_link_by_mail_and_an_outside_address_gets_the_same_page_and_no_mail(
    site: Site,
) -> None:
    mine = site.ask_for_link(REP)
    theirs = site.ask_for_link(OUTSIDER)
    assert mine.status_code == theirs.status_code == 200
    assert mine.text.replace(REP, "ADDRESS") == theirs.text.replace(OUTSIDER, "ADDRESS"), "no account enumeration"
    link = signin_link(site.outbox, REP)
    assert link is not None and link.startswith(f"{BASE}/login/")
    assert mails_to(site.outbox, OUTSIDER) == []
    unknown_colleague = site.ask_for_link(NOBODY)
    assert unknown_colleague.text.replace(NOBODY, "ADDRESS") == mine.text.replace(REP, "ADDRESS")
    mail = mails_to(site.outbox, REP)[-1]
    assert mail["From"] == INBOX and mail["X-Handoff-Kind"] == "signin" and mail["Auto-Submitted"] == "auto-generated"


def test_the_link_signs_in_once_and_not_twice(site: Site) -> None:
    site.ask_for_link(REP)
    link = signin_link(site.outbox, REP)
    assert link is not None
    first = site.client.get(link)
    assert first.status_code == 303 and first.headers["location"] == "/"
    assert ACCOUNT in site.client.get("/").text
    other_browser = site.new_client()
    second = other_browser.get(link)
    assert second.status_code == 400 and "does not work any more" in second.text
    assert "set-cookie" not in {k.lower() for k in second.headers if "handoff_session" in second.headers.get(k, "")}
    assert other_browser.get("/").status_code == 303


def test_the_database_keeps_only_hashes_of_links_and_sessions(site: Site) -> None:
    from sqlmodel import select

    from db.models import WebLogin, WebSession
    from db.session import session_scope

    client = site.sign_in(REP)
    link = signin_link(site.outbox, REP)
    assert link is not None
    token = link.rsplit("/", 1)[1]
    with session_scope(site.app.engine) as session:
        logins = list(session.exec(select(WebLogin)))
        sessions = list(session.exec(select(WebSession)))
    stored = {v for row in logins for v in (row.token_hash,)} | {row.token_hash for row in sessions}
    assert token not in stored and client.cookies["handoff_session"] not in stored
    assert all(len(v) == 64 for v in stored if v)


def test_a_link_older_than_15_minutes_is_refused(site: Site) -> None:
    site.ask_for_link(REP)
    link = signin_link(site.outbox, REP)
    assert link is not None
    site.advance(timedelta(minutes=15, seconds=1))
    assert site.client.get(link).status_code == 400
    assert site.client.get("/").status_code == 303


def test_a_made_up_or_malformed_link_is_refused(site: Site) -> None:
    assert site.client.get("/login/" + "A" * 43).status_code == 400
    assert site.client.get("/login/short").status_code == 400
    assert site.client.get("/login/%27%20OR%201%3D1").status_code == 400


def test_the_service_inbox_never_gets_a_link(site: Site) -> None:
    local, domain = INBOX.split("@")
    for address in (INBOX, f"{local}+abc@{domain}"):
        assert site.ask_for_link(address).status_code == 200
    assert not list(site.outbox.glob("*.eml")) if site.outbox.exists() else True


def test_a_bad_address_is_named_and_nothing_is_sent(site: Site) -> None:
    response = site.ask_for_link("sam.okafor at northwind")
    assert response.status_code == 400
    assert "is not an e-mail address" in response.text and "sam.okafor at northwind" in response.text
    header_injection = site.ask_for_link(f"{REP}\r\nBcc: {OUTSIDER}")
    assert header_injection.status_code == 400
    assert not site.outbox.exists() or not list(site.outbox.glob("*.eml"))


def test_the_link_points_at_the_configured_address_whatever_host_the_request_named(site: Site) -> None:
    site.ask_for_link(REP, headers={"host": "attacker.example"})
    link = signin_link(site.outbox, REP)
    assert link is not None and link.startswith(BASE + "/login/") and "attacker" not in link


def test_after_signing_in_the_visitor_lands_where_they_were_headed_but_never_on_another_site(site: Site) -> None:
    first = site.client.get(f"/handoffs/{ACCOUNT}")
    assert first.headers["location"] == f"/login?next=%2Fhandoffs%2F{ACCOUNT}"
    form = site.client.get(first.headers["location"])
    assert f'name="next" value="/handoffs/{ACCOUNT}"' in form.text
    token = TOKEN.search(form.text).group(1)  # type: ignore[union-attr]
    site.client.post("/login", data={"email": REP, "csrf_token": token, "next": f"/handoffs/{ACCOUNT}"})
    assert site.client.get(signin_link(site.outbox, REP)).headers["location"] == f"/handoffs/{ACCOUNT}"  # type: ignore[arg-type]
    for evil in ("//attacker.example/x", "https://attacker.example", "/\\attacker.example", "javascript:alert(1)"):
        other = site.new_client()
        token = TOKEN.search(other.get("/login").text).group(1)  # type: ignore[union-attr]
        other.post("/login", data={"email": REP, "csrf_token": token, "next": evil})
        assert other.get(signin_link(site.outbox, REP)).headers["location"] == "/"  # type: ignore[arg-type]


# -- sessions ---------------------------------------------------------------------------


def test_the_session_cookie_is_httponly_samesite_lax_with_a_fixed_lifetime(site: Site) -> None:
    site.ask_for_link(REP)
    response = site.client.get(signin_link(site.outbox, REP))  # type: ignore[arg-type]
    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and "handoff_session" in v)
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "max-age", "path"} <= attributes and "samesite=lax" in cookie.lower()
    assert "secure" not in attributes, "plain HTTP on loopback: a Secure cookie would never come back"
    assert f"Max-Age={12 * 3600}" in cookie
    site.advance(timedelta(hours=12, seconds=1))
    assert site.client.get("/").status_code == 303, "the session ends after HANDOFF_WEB_SESSION_HOURS, used or not"


def test_cookies_are_secure_when_the_public_address_is_https(world_db: Path, tmp_path: Path) -> None:
    for site in make_site(world_db, tmp_path, base_url="https://handoff.northwind.example"):
        response = site.client.get("/login")
        assert "secure" in response.headers["set-cookie"].lower()
        browser = site.new_client(base_url="https://testserver")  # a Secure cookie comes back over HTTPS only
        assert site.ask_for_link(REP, browser).status_code == 200
        assert (signin_link(site.outbox, REP) or "").startswith("https://handoff.northwind.example/login/")


def test_a_trusted_proxy_says_https_and_the_client_address_and_an_untrusted_one_is_ignored(
    world_db: Path, tmp_path: Path
) -> None:
    proxy = ("10.0.0.5", 40000)
    forwarded = {"x-forwarded-proto": "https", "x-forwarded-for": "203.0.113.9"}
    for site in make_site(
        world_db, tmp_path, client=proxy, web_trusted_proxies="10.0.0.0/8", web_logins_per_client_per_hour=1
    ):
        behind = site.client.get("/login", headers=forwarded)
        assert "secure" in behind.headers["set-cookie"].lower()
        assert site.ask_for_link(REP, headers=forwarded).status_code == 200
        assert site.ask_for_link(CSM, headers=forwarded).status_code == 429, "limited per client: the forwarded address"
        assert site.ask_for_link(CSM, headers={**forwarded, "x-forwarded-for": "198.51.100.7"}).status_code == 200
    # Without HANDOFF_WEB_TRUSTED_PROXIES the same headers change nothing.
    for site in make_site(world_db, tmp_path / "plain", client=proxy, web_logins_per_client_per_hour=1):
        direct = site.client.get("/login", headers=forwarded)
        assert "secure" not in direct.headers["set-cookie"].lower()
        assert site.ask_for_link(REP, headers=forwarded).status_code == 200
        other = {**forwarded, "x-forwarded-for": "198.51.100.7"}
        assert site.ask_for_link(CSM, headers=other).status_code == 429, "a forged header buys no fresh limit"


def test_sign_out_ends_the_session_for_good(site: Site) -> None:
    client = site.sign_in(REP)
    cookie = client.cookies["handoff_session"]
    page = client.get("/").text
    token = TOKEN.search(page).group(1)  # type: ignore[union-attr]
    out = client.post("/logout", data={"csrf_token": token})
    assert out.status_code == 200 and "signed out" in out.text
    replay = site.new_client(cookies={"handoff_session": cookie})
    assert replay.get("/").status_code == 303, "the old cookie is worthless after sign-out"


def test_signing_out_needs_the_form_token(site: Site) -> None:
    client = site.sign_in(REP)
    assert client.post("/logout", data={}).status_code == 403
    assert client.get("/").status_code == 200


# -- CSRF and rate limits ---------------------------------------------------------------


def test_a_cross_site_post_is_refused_and_sends_nothing(site: Site) -> None:
    form = site.client.get("/login")
    token = TOKEN.search(form.text).group(1)  # type: ignore[union-attr]
    data = {"email": REP, "csrf_token": token, "next": "/"}
    assert site.client.post("/login", data=data, headers={"sec-fetch-site": "cross-site"}).status_code == 403
    assert site.client.post("/login", data=data, headers={"origin": "https://attacker.example"}).status_code == 403
    assert site.client.post("/login", data={"email": REP}).status_code == 403, "no token"
    forged = {**data, "csrf_token": token.split(".")[0] + ".forged"}
    assert site.client.post("/login", data=forged).status_code == 403, "a token not signed by us"
    stranger = site.new_client()  # another browser: its own cookie, our page's token
    assert stranger.post("/login", data=data).status_code == 403
    assert mails_to(site.outbox, REP) == []
    assert site.client.post("/login", data=data, headers={"sec-fetch-site": "same-origin"}).status_code == 200
    assert len(mails_to(site.outbox, REP)) == 1


def test_requests_for_links_are_limited_per_address_and_per_client_alike_for_any_address(
    world_db: Path, tmp_path: Path
) -> None:
    for site in make_site(world_db, tmp_path, web_logins_per_address_per_hour=2, web_logins_per_client_per_hour=4):
        assert [site.ask_for_link(REP).status_code for _ in range(3)] == [200, 200, 429]
        assert [site.ask_for_link(OUTSIDER).status_code for _ in range(3)] == [200, 200, 429], "same for outsiders"
        limited = site.ask_for_link(CSM)
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0, "4 from this client"
        assert "try again in" in limited.text
        assert len(mails_to(site.outbox, REP)) == 2 and mails_to(site.outbox, CSM) == []
        site.advance(timedelta(hours=1, seconds=1))
        assert site.ask_for_link(CSM).status_code == 200


def test_a_huge_form_is_refused_before_it_is_read(site: Site) -> None:
    token = TOKEN.search(site.client.get("/login").text).group(1)  # type: ignore[union-attr]
    response = site.client.post("/login", data={"email": "x" * 200_000, "csrf_token": token})
    assert response.status_code == 413


def test_pages_carry_security_headers_and_are_not_cached(site: Site) -> None:
    response = site.client.get("/login")
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["x-frame-options"] == "DENY" and response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "same-origin"
