#!/usr/bin/env python3
"""Make the pasted-transcript fixtures: mails whose body holds a call transcript a rep pasted, and look-alikes.

    .venv/bin/python scripts/pasted_fixtures.py [--out tests/fixtures/mail/pasted]

What it is for: tests/test_parse_pasted_transcripts.py reads these .eml files through the real
parser. Each is built with the stdlib ``email`` package (plain text, HTML-only, and a forward
carrying the transcript in the customer's mail), in English, German, Spanish and French, in the
shapes the copy of a call takes (Zoom "[00:04:12] Name: text", Otter "Name  00:04", Teams
"Last, First   4:12 PM", Gong "Name (00:04:12): text", plain "Name : text"), plus mails that
only look like one (a rep's "Budget: / Timeline: / Risks:" notes, an Outlook forward's printed
header blocks). One more is sent by s-nail (Debian's ``s-nail`` package, batch mode) when it is
installed: exactly what it hands to its MTA is kept. All text is invented for these tests. Not
for: the test suite itself (the fixtures are committed; the tests never need s-nail).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REP = "Sam Okafor <sam.okafor@northwind.example>"
INBOX = "handoff@northwind.example"


def _mail(name: str, subject: str, day: int, sender: str = REP) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = INBOX
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime(2026, 3, day, 9, 30, tzinfo=UTC))
    msg["Message-ID"] = f"<pasted-{name}@northwind.example>"
    return msg


EN_ZOOM = """Hi team,

Bluefin Freight signed on Friday. I pasted the kickoff call below, the bits that matter
are Ines on the invoice backlog and Tariq on single sign-on.

Budget: $48k per year, approved by Omar
Timeline: go-live before the end of Q3

Transcript
[00:00:04] Sam Okafor: Thanks for making time, everyone. Ines, where does it hurt today?
[00:00:11] Ines Moreau: Freight invoices. We check every carrier invoice by hand against the
rate cards, and it takes my team four days each month.
[00:00:32] Sam Okafor: What would good look like for you?
[00:00:36] Ines Moreau: One day, and no surprises at quarter end. I need that before the audit.
[00:00:51] Tariq Bell: From the IT side we won't go live without single sign-on through Okta.
[00:01:02] Sam Okafor: Understood, we support Okta out of the box and I'll send the setup guide.
[00:01:10] Tariq Bell: Good. Can you also send the security questionnaire this week?

Let me know if anything is unclear before the handoff call.

Sam
--
Sam Okafor | Account Executive | Northwind
Tel: +1 555 0100
"""

DE_OTTER_CUSTOMER = """Hallo Herr Okafor,

wie versprochen das Transkript unseres Gesprächs vom Dienstag (aus Otter kopiert).

Transkript – Abstimmung Rechnungsprüfung
Teilnehmer: Jürgen Weiß (Leiter Buchhaltung, Kranich Logistik), Sam Okafor (Northwind)

Jürgen Weiß  00:03
Danke für die Zeit. Unser größtes Problem ist die Prüfung der Frachtrechnungen, das machen wir
noch komplett in Excel.

Sam Okafor  00:21
Wie viele Rechnungen sind das im Monat?

Jürgen Weiß  00:27
Rund viertausend. Wir brauchen die Lösung vor der Jahresabschlussprüfung im Dezember.

Sam Okafor  00:44
Das schaffen wir. Wer gibt am Ende das Budget frei?

Jürgen Weiß  00:50
Frau Özdemir, unsere Finanzchefin. Sie will vorher eine Referenz sprechen.

Mit freundlichen Grüßen
Jürgen Weiß
Leiter Buchhaltung
Kranich Logistik GmbH
"""

DE_FORWARD_NOTE = """Kurz zur Info: das Gespräch mit Jürgen, er ist unser Champion.

---------- Weitergeleitete Nachricht ---------
Von: Jürgen Weiß <juergen.weiss@kranich-logistik.example>
Datum: Mi., 4. März 2026 um 16:12 Uhr
Betreff: Transkript unseres Gesprächs
An: Sam Okafor <sam.okafor@northwind.example>

"""

ES_TEAMS_HTML = """<html><body>
<p>Hola equipo,</p>
<p>Os pego la transcripción de Teams de la llamada con Ana y Rodrigo. El punto clave es la fecha de septiembre.</p>
<p><b>Transcripción</b></p>
<p>Vega, Ana de la&nbsp;&nbsp;&nbsp;4:12 PM</p>
<p>Nuestro problema es la conciliación de facturas con los transportistas. ¿Ustedes lo automatizan?</p>
<p>Okafor, Sam&nbsp;&nbsp;&nbsp;4:13 PM</p>
<p>Sí, cada noche, y le enviamos un informe de diferencias.</p>
<p>Peña, Rodrigo&nbsp;&nbsp;&nbsp;4:14 PM</p>
<p>Necesitamos que esté en marcha antes de septiembre, cuando cerramos el trimestre.</p>
<p>Okafor, Sam&nbsp;&nbsp;&nbsp;4:15 PM</p>
<p>Entendido, lo dejamos por escrito en el plan.</p>
<p>Vega, Ana de la&nbsp;&nbsp;&nbsp;4:16 PM</p>
<p>Perfecto. Yo firmo el pedido esta semana.</p>
<p>Peña, Rodrigo&nbsp;&nbsp;&nbsp;4:16 PM</p>
<p>Y yo preparo el acceso a nuestro ERP.</p>
<p>Saludos,<br>Sam</p>
</body></html>
"""

FR_PLAIN = """Bonjour à tous,

Voici l'échange avec Hélène et François, copié de mes notes d'appel.

Participants : Hélène Lefèvre (DAF, Groupe Mistral), François Méndez (DSI), Sam Okafor

Hélène Lefèvre : Nous perdons deux jours par mois sur le rapprochement des factures.
Sam Okafor : Combien de personnes sont concernées ?
Hélène Lefèvre : Trois comptables. Je voudrais qu'une seule personne suffise d'ici l'été.
François Méndez : Pour nous la condition, c'est l'hébergement des données en France.
Sam Okafor : C'est le cas, notre centre de données est à Paris.
François Méndez : Très bien, vous m'envoyez le plan de sécurité ?

Merci et bonne journée,
Sam
"""

EN_GONG_IN_OUTLOOK_FORWARD = """Tariq's write-up of the technical call, with the transcript he pasted.

Sam

From: Tariq Bell <tariq.bell@bluefin.example>
Sent: Thursday, March 5, 2026 4:02 PM
To: Sam Okafor <sam.okafor@northwind.example>
Cc: Ines Moreau <ines.moreau@bluefin.example>
Subject: RE: Technical call

Sam,

Here is the part of the call we discussed:

Tariq Bell (00:12:40): Our ERP is on-premise, so the connector has to run inside our network.
Sam Okafor (00:12:55): That works, the agent runs on a Windows or Linux host you provide.
Tariq Bell (00:13:08): How much bandwidth does the nightly sync need?
Sam Okafor (00:13:14): Under a gigabyte a night for your volumes.
Tariq Bell (00:13:20): Fine. I need the firewall rules by the 20th.

Regards,
Tariq
"""

NEG_REP_NOTES = """Notes for the CSM before the handoff call.

Budget: $48k per year, approved by Omar
Timeline: go-live before the end of Q3
Risks: IT is stretched; Tariq wants single sign-on first
Champion: Ines Moreau
Agenda: kickoff, data access, training

Who is who:
Ines: owns the invoice process, signed the order form
Tariq: runs IT, asked for a sandbox
Ines: prefers calls on Tuesdays
Tariq: on leave in April

Note: the contract says net 45.
P.S.: Omar is the one to keep happy.

Sam
--
Sam Okafor | Account Executive
Tel: +1 555 0100
Mobile: +1 555 0199
"""

NEG_OUTLOOK_CHAIN = """FYI, the thread where they agreed to the pilot.

From: Ines Moreau <ines.moreau@bluefin.example>
Sent: Monday, March 2, 2026 10:00 AM
To: Sam Okafor <sam.okafor@northwind.example>
Cc: Tariq Bell <tariq.bell@bluefin.example>
Subject: RE: Pilot

Sam, agreed. Please start the pilot on the 16th.

From: Sam Okafor <sam.okafor@northwind.example>
Sent: Friday, February 27, 2026 3:00 PM
To: Ines Moreau <ines.moreau@bluefin.example>
Cc: Tariq Bell <tariq.bell@bluefin.example>
Subject: Pilot

Ines, could we start the pilot on the 16th?
Agenda: access, data load, first report
Note: Tariq needs the firewall rules first.
"""

SNAIL_BODY = """Hi team,

Zoom copy of the renewal-scope call with Lucía, pasted straight from the transcript panel.

Lucía Fernández  00:02
Thanks for joining. For us the priority is the Monday margin report, we build it by hand today.

Sam Okafor  00:15
How long does it take your team?

Lucía Fernández  00:19
Most of Monday morning. I want it in my inbox at eight.

Sam Okafor  00:31
We can schedule that. Who else needs it?

Lucía Fernández  00:36
Our regional managers, about twelve people.

Thanks,
Sam
"""


def _snail(out: Path) -> None:
    """The SNAIL_BODY mail as s-nail sends it (batch mode, its MTA a script that keeps what it gets)."""
    snail = shutil.which("s-nail")
    if snail is None:
        print("s-nail not installed: snail_zoom_copy.eml not made (apt-get install s-nail)")
        return
    with tempfile.TemporaryDirectory() as home:
        mta = Path(home) / "mta.sh"
        mta.write_text('#!/bin/sh\ncat > "$CAPTURE_OUT"\n')
        mta.chmod(0o755)
        target = out / "snail_zoom_copy.eml"
        env = {**os.environ, "HOME": home, "MAILRC": "/dev/null", "CAPTURE_OUT": str(target), "LC_ALL": "C.UTF-8"}
        subprocess.run(
            [snail, "-:/", "-#", "-S", "v15-compat", "-S", f"mta={mta}", "-S", "ttycharset=utf-8",
             "-S", "sendcharsets=utf-8", "-r", REP, "-s", "Renewal scope: call with Lucía", INBOX],
            input=SNAIL_BODY.encode(), env=env, check=True, timeout=30,
        )  # fmt: skip
    print(f"wrote {target} (s-nail)")


def build(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    made: dict[str, EmailMessage] = {}

    made["en_zoom_after_note"] = msg = _mail("en-zoom", "Bluefin Freight: closed, kickoff transcript", 6)
    msg.set_content(EN_ZOOM)

    made["de_otter_in_forward"] = msg = _mail("de-otter", "WG: Transkript unseres Gesprächs", 5)
    msg.set_content(DE_FORWARD_NOTE + DE_OTTER_CUSTOMER)

    made["es_teams_html"] = msg = _mail("es-teams", "Transportes Albada: transcripción", 9)
    msg.set_content(ES_TEAMS_HTML, subtype="html")

    made["fr_plain_names"] = msg = _mail("fr-plain", "Groupe Mistral : notes d'appel", 10)
    msg.set_content(FR_PLAIN)

    made["en_gong_in_outlook_forward"] = msg = _mail("en-gong", "FW: Technical call", 6)
    msg.set_content(EN_GONG_IN_OUTLOOK_FORWARD)

    made["neg_rep_notes"] = msg = _mail("neg-notes", "Bluefin Freight: notes for the CSM", 6)
    msg.set_content(NEG_REP_NOTES)

    made["neg_outlook_chain"] = msg = _mail("neg-outlook", "FW: Pilot", 3)
    msg.set_content(NEG_OUTLOOK_CHAIN)

    for name, message in made.items():
        (out / f"{name}.eml").write_bytes(bytes(message))
        print(f"wrote {out / name}.eml")
    _snail(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "tests" / "fixtures" / "mail" / "pasted")
    build(parser.parse_args().out)


if __name__ == "__main__":
    main()
