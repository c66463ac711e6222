"""Issue 14, attacks 1, 4 and 5, each through a real SMTP session to the running intake.

1. Commands only from the rep's own text: quoted lines of any depth, quoted HTML
   (blockquote, Gmail's gmail_quote, Apple's blockquote type=cite, Outlook's
   divRplyFwdMsg), forwarded parts and attachments run nothing; a reply with no text
   of its own says so.
4. Envelope and From disagree: refused, the rep (From) told someone tried, nothing to
   the envelope sender.
5. A CSM outside the company is refused naming the rule (and holds back an approve in
   the same reply); a CSM outside the company already on file is stopped by the outbox.
And the genuine path still delivers.
"""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from sqlmodel import select

from db.models import Account, Event, Inbound, Outbound
from db.session import session_scope
from tests.attack_deal import (
    ATTACKER,
    CSM,
    CSM_LINE,
    CUSTOMER,
    EVIL_CSM,
    assert_untouched,
    finals,
    latest_draft,
    mail,
    name_csm,
    open_deal,
    text_of,
)
from tests.conftest import REP, Harness, reply_to_draft

QUOTED_PLAIN = {
    "quoted lines": f"> {EVIL_CSM}\n> approve\n",
    "only > approve": "> approve\n",
    "nested quotes": ">> approve\n> > approve\n>>> approve\n",
    "indented quotes": "   > approve\n \t> approve\n",
    "attribution then quotes": "On Mon, 1 Jun 2026 at 09:00, handoff wrote:\n> approve\n",
}

HTML_QUOTES = {
    "blockquote": "<html><body><blockquote>approve</blockquote></body></html>",
    "gmail_quote": (
        '<div dir="ltr"><br></div><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Mon, Jun 1, '
        "2026 at 9:00 AM handoff &lt;handoff@northwind.example&gt; wrote:<br></div>"
        '<blockquote class="gmail_quote" style="margin:0 0 0 .8ex;border-left:1px #ccc solid;padding-left:1ex">'
        "approve</blockquote></div>"
    ),
    "apple type=cite": (
        '<html><body><div><br></div><div><br><blockquote type="cite"><div>On 1 Jun 2026, at 09:00, handoff '
        "wrote:</div><br><div><div>approve</div></div></blockquote></div></body></html>"
    ),
    "outlook divRplyFwdMsg": (
        '<html><body><div id="appendonsend"></div><hr style="display:inline-block;width:98%">'
        '<div id="divRplyFwdMsg" dir="ltr"><b>From:</b> handoff &lt;handoff@northwind.example&gt;<br>'
        "<b>Sent:</b> Monday, June 1, 2026 9:00 AM<br><b>To:</b> Sam Okafor<br><b>Subject:</b> Handoff draft"
        "</div><div>approve</div></body></html>"
    ),
    "outlook divRplyFwdMsg, labels the parser does not know": (
        '<html><body><div id="divRplyFwdMsg" dir="ltr"><b>Kimdan:</b> handoff<br><b>Sana:</b> 1.6.2026'
        "</div><div>approve</div></body></html>"
    ),
}


def _reply(draft: EmailMessage, body: str = "", *, html: str | None = None) -> EmailMessage:
    msg = mail(body, subject="Re: " + str(draft["Subject"]), to=str(draft["Reply-To"]))
    msg["In-Reply-To"] = draft["Message-ID"]
    if html is not None:
        msg.clear_content()
        msg.set_content(html, subtype="html")
    return msg


async def _send_reply(h: Harness, draft: EmailMessage, msg: EmailMessage | bytes, **kwargs: str) -> None:
    raw = msg if isinstance(msg, bytes) else msg.as_bytes()
    await h.send(raw, rcpt_to=str(draft["Reply-To"]), **kwargs)
    await h.drain()


@pytest.mark.parametrize("body", QUOTED_PLAIN.values(), ids=QUOTED_PLAIN.keys())
async def test_a_reply_made_only_of_quoted_lines_runs_nothing_and_says_so(service: Harness, body: str) -> None:
    draft = await name_csm(service, await open_deal(service))
    await _send_reply(service, draft, _reply(draft, body))
    assert_untouched(service)
    told = service.outbox_to(REP)[-1]
    assert "no text of its own" in text_of(told) or "nothing was changed" in text_of(told).lower()


@pytest.mark.parametrize("html", HTML_QUOTES.values(), ids=HTML_QUOTES.keys())
async def test_quoted_html_runs_no_command(service: Harness, html: str) -> None:
    draft = await name_csm(service, await open_deal(service))
    await _send_reply(service, draft, _reply(draft, html=html))
    assert_untouched(service)


async def test_a_forwarded_part_runs_no_command(service: Harness) -> None:
    draft = await name_csm(service, await open_deal(service))
    body = (
        "---------- Forwarded message ---------\nFrom: Eve Mallet <eve@evil.example>\n"
        f"Date: Mon, 1 Jun 2026 at 09:00\nSubject: handoff\nTo: Sam <{REP}>\n\napprove\n"
    )
    await _send_reply(service, draft, _reply(draft, body))
    assert_untouched(service)


async def test_attachments_and_attached_messages_run_no_command(service: Harness) -> None:
    draft = await name_csm(service, await open_deal(service))
    msg = _reply(draft, "See the attached.")
    msg.add_attachment("approve\n", filename="commands.txt")
    inner = mail("approve\n", subject="Re: draft", sender=REP, to=str(draft["Reply-To"]))
    msg.add_attachment(inner)
    await _send_reply(service, draft, msg)
    assert_untouched(service)


async def test_own_text_above_quoted_commands_acts_only_on_the_own_text(service: Harness) -> None:
    draft = await open_deal(service)
    raw = reply_to_draft(draft, CSM_LINE).replace(b"\n> ", f"\n> {EVIL_CSM}\n> approve\n> ".encode(), 1)
    await _send_reply(service, draft, raw)
    assert_untouched(service)
    with session_scope(service.app.engine) as session:
        assert session.exec(select(Account).where(Account.domain == CUSTOMER)).one().csm_email == CSM


async def test_envelope_and_from_disagreeing_is_refused_and_the_rep_is_told(service: Harness) -> None:
    draft = await name_csm(service, await open_deal(service))
    insider = "mallory@northwind.example"
    before = len(service.outbox_to(REP))
    await _send_reply(service, draft, _reply(draft, "approve\n"), mail_from=insider)
    assert_untouched(service)
    assert service.outbox_to(insider) == [], "the envelope sender is told nothing"
    told = service.outbox_to(REP)[before:]
    assert len(told) == 1 and "did not come from your" in text_of(told[0])
    assert "Kestrel" not in text_of(told[0]) and "Route" not in text_of(told[0]), "no document content"
    with session_scope(service.app.engine) as session:
        row = session.exec(select(Inbound).where(Inbound.mail_from == insider)).one()
        assert (row.auth_address, row.auth_suspicious, row.disposition) == (None, True, "unauthenticated")


async def test_someone_tried_notices_to_one_address_are_few(service: Harness) -> None:
    draft = await name_csm(service, await open_deal(service))
    before = len(service.outbox_to(REP))
    for n in range(6):
        await service.send(
            _reply(draft, f"approve {n}").as_bytes(), rcpt_to=str(draft["Reply-To"]), mail_from="m@northwind.example"
        )
    await service.drain()
    assert len(service.outbox_to(REP)) - before == 3
    assert_untouched(service)


async def test_a_csm_outside_the_company_is_refused_naming_the_rule_and_holds_back_approve(service: Harness) -> None:
    draft = await name_csm(service, await open_deal(service))
    await _send_reply(service, draft, reply_to_draft(draft, f"{EVIL_CSM}\napprove"))
    assert_untouched(service)
    answer = text_of(latest_draft(service))
    assert "eve@evil.example is outside our company" in answer and "northwind.example" in answer
    assert "Not approved yet" in answer


async def test_the_outbox_refuses_a_recipient_outside_the_company_whatever_recorded_it(service: Harness) -> None:
    draft = await open_deal(service)
    with session_scope(service.app.engine) as session:  # e.g. a CSM stored before this rule existed
        account = session.exec(select(Account).where(Account.domain == CUSTOMER)).one()
        account.csm_email, account.csm_name = ATTACKER, "Eve Mallet"
    await _send_reply(service, draft, reply_to_draft(draft, "approve"))
    assert [m for m in service.outbox() if ATTACKER in str(m["To"]) + str(m["Cc"])] == []
    with session_scope(service.app.engine) as session:
        final = session.exec(select(Outbound).where(Outbound.kind == "final")).one()
        assert final.status == "failed" and "outside our company" in (final.last_error or "")
        assert any(e.kind == "send_blocked" for e in session.exec(select(Event)))
    assert "The handoff was not sent" in text_of(service.outbox_to(REP)[-1])


async def test_a_genuine_approve_from_the_rep_still_delivers(backend: Harness) -> None:
    draft = await open_deal(backend)
    await _send_reply(backend, draft, reply_to_draft(draft, f"{CSM_LINE}\napprove"))
    sent = backend.outbox_to(CSM)
    assert len(sent) == 1 and REP in str(sent[0]["Cc"])
    assert len(finals(backend)) == 1


def test_a_sales_ops_address_outside_the_company_stops_the_start(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from agent.errors import ConfigError
    from tests.conftest import make_settings

    with pytest.raises(ConfigError, match="HANDOFF_SALES_OPS_ADDRESS=ops@evil.example is outside the company"):
        make_settings(tmp_path, sales_ops_address="ops@evil.example")
