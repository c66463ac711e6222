"""Recognising mail no person wrote: out-of-office, bounces, list mail, read receipts.

What it is for: ``is_auto_generated`` applies RFC 3834 (Auto-Submitted), Precedence
bulk/junk/list, X-Autoreply / X-Autorespond / X-Auto-Response-Suppress, List-Id,
mailer-daemon / postmaster senders, multipart/report (DSN, MDN, ARF) and localized
out-of-office subjects (and short German, French and Spanish out-of-office bodies) to a message; ``is_auto_reply_text`` does the same from a
subject and body alone, for messages found inside a forward. Such mail is kept out of
the handoff document. Not for: calendar accept/decline replies (``parse.py`` flags
those as ``calendar_reply``).
"""

from __future__ import annotations

import re
from email.message import EmailMessage, Message

OOO_SUBJECT_RE = re.compile(
    r"^\s*(?:automatic reply|auto(?:matic)?[- ]?(?:reply|response)|autoreply|out of (?:the )?office|ooo\b|"
    r"away from (?:the )?office|on vacation|vacation (?:reply|response)|abwesenheit|abwesenheitsnotiz|"
    r"automatische antwort|r[ée]ponse automatique|absence du bureau|absent(?:e)? du bureau|"
    r"(?:abwesend|absente?|absence|ausente|ausencia|urlaub|cong[ée]s?|vacaciones)\s*:|"
    r"respuesta autom[áa]tica|fuera de (?:la )?oficina|risposta automatica|fuori sede|automatisch antwoord|"
    r"afwezig|resposta autom[áa]tica|fora do escrit[óo]rio|automatisk svar|fraværende|frånvarande|"
    r"автоответ|自动回复|自動回覆|自動応答|不在|delivery status notification|undeliverable|"
    r"undelivered mail|mail delivery (?:failed|failure|system)|returned mail|failure notice|"
    r"delivery failure|nicht zustellbar|non remis|unzustellbar)",
    re.IGNORECASE,
)
OOO_BODY_RE = re.compile(
    r"\b(?:i am|i'm|i will be) (?:currently )?(?:out of (?:the )?office|away|on (?:vacation|leave|holiday|pto))"
    r"|\bout of (?:the )?office (?:until|through|from)\b|\bwith (?:limited|no) access to (?:e-?mail|email)\b"
    r"|\bich (?:bin|befinde mich)\b.{0,60}\b(?:abwesend|nicht im b[üu]ro|nicht erreichbar|im urlaub|au[ßs]er haus)"
    r"|\bje (?:suis|serai) (?:actuellement )?(?:absente?|en (?:cong[ée]s?|vacances|d[ée]placement)|hors du bureau)\b"
    r".{0,40}\b(?:jusqu['’]au|au|du)\b"
    r"|\b(?:estoy|estar[ée]) (?:actualmente )?(?:fuera de la oficina|de vacaciones|ausente)\b.{0,40}\b(?:hasta|del)\b"
    # "I will not read mail until …", "no atiendo el correo hasta …", "je ne lis pas mes courriels avant …"
    r"|\b(?:not (?:be )?(?:reading|checking|answering|able to (?:read|answer))|no (?:atiendo|leo|reviso|contesto)|"
    r"ne (?:lis|consulte|traite) pas|nicht (?:erreichbar|lesen|beantworten))\b.{0,30}\b(?:e-?mails?|correos?|"
    r"courriels?|mails?|nachrichten)\b.{0,30}\b(?:until|before|hasta|antes del|avant|jusqu|bis)\b"
    r"|\bwill (?:answer|reply|respond)\b.{0,20}\b(?:from|after|on my return|when i(?:'m| am) back)\b"
    r"|\b(?:responder[ée]|contestar[ée])\b.{0,20}\b(?:a mi regreso|a partir del|a la vuelta)\b"
    r"|\bje (?:r[ée]pondrai|vous r[ée]pondrai)\b.{0,20}\b(?:[àa] mon retour|[àa] partir du|d[èe]s mon retour)\b"
    r"|\bich (?:antworte|melde mich)\b.{0,30}\b(?:nach meiner r[üu]ckkehr|ab dem|ab)\b"
    # leave of any kind, said of oneself now and until a return: "I am on parental leave until 30 March" (not "I'm on
    # paternity leave from July 6", a person warning of it)
    r"|\b(?:i am|i'm) (?:currently )?on (?:parental|maternity|paternity|medical|sick|study|annual) leave (?:until|till|through)\b"
    r"|\bich (?:bin|befinde mich) (?:derzeit |aktuell )?(?:bis [^.]{3,30} )?in (?:elternzeit|mutterschutz)\b(?! ab\b)"
    r"|\bje suis (?:actuellement )?en cong[ée] (?:parental|maternit[ée]|paternit[ée]) jusqu"
    r"|\b(?:estoy|me encuentro) (?:actualmente )?de (?:baja|permiso) (?:por )?(?:maternidad|paternidad|parental) hasta\b"
    # a whole organisation closed for a stretch: "District offices are closed for summer break until …"
    r"|\b(?:offices?|university|school|district|campus|services|bureaux|services|b[üu]ros?|oficinas|universit[ée]|"
    r"universit[äa]t|universidad)\b.{0,30}\b(?:are|is|will be|remain|sont|seront|restent|sind|bleiben|est[áa]n|"
    r"permanecer[áa]n|estar[áa]n) (?:closed|ferm[ée]e?s?|geschlossen|cerrad[oa]s?)\b.{0,60}\b(?:until|from|for|through|"
    r"du|jusqu|pour|bis|vom|von|zwischen|hasta|del|desde|durante)\b"
    # a queue's receipt, not a person: "Your request #4411 has been received", "responses may take up to 7 days"
    r"|\byour (?:request|ticket|case|enquiry|inquiry)\b.{0,20}\bhas been (?:received|logged|created|opened)\b"
    r"|\breply above (?:this|the) line\b"
    r"|\bresponses? (?:may|might|will|can) take up to \d+\b"
    r"|\bthis (?:mailbox|inbox|e-?mail address) is (?:no longer|not) (?:monitored|checked|in use)\b",
    re.IGNORECASE,
)
DAEMON_RE = re.compile(r"^(?:mailer-daemon|postmaster|no-?reply|noreply|bounces?|mail-?daemon)@", re.IGNORECASE)
AUTO_HEADERS = ("x-autoreply", "x-autorespond", "x-autoresponder", "x-auto-reply", "x-apple-action")


def _header(msg: Message, name: str) -> str:
    try:
        value = msg.get(name)
    except Exception:  # malformed header values raise from the header registry
        return ""
    return str(value or "").strip()


def is_auto_reply_text(subject: str, body: str = "", sender_email: str = "") -> bool:
    """Whether a message (e.g. one found inside a forward) reads as an auto-reply or bounce."""
    if OOO_SUBJECT_RE.match(subject or ""):
        return True
    if sender_email and DAEMON_RE.match(sender_email.strip()):
        return True
    return bool(body) and len(body) < 1500 and bool(OOO_BODY_RE.search(body))


def is_auto_generated(msg: EmailMessage | Message) -> bool:
    """Whether ``msg`` was generated by a machine rather than typed by a person."""
    auto = _header(msg, "Auto-Submitted").lower()
    if auto and auto != "no":
        return True
    if _header(msg, "Precedence").lower() in ("bulk", "junk", "list", "auto_reply"):
        return True
    if any(_header(msg, h) for h in AUTO_HEADERS):
        return True
    suppress = _header(msg, "X-Auto-Response-Suppress").lower()
    if suppress in ("all", "oof", "autoreply") or "oof" in suppress.split(","):
        return True
    if _header(msg, "List-Id") or _header(msg, "List-Unsubscribe"):
        return True
    if msg.get_content_type() in ("multipart/report", "message/delivery-status", "message/disposition-notification"):
        return True
    sender = _header(msg, "From")
    match = re.search(r"[\w.+-]+@[\w.-]+", sender)
    if match and DAEMON_RE.match(match.group()):
        return True
    return bool(OOO_SUBJECT_RE.match(_header(msg, "Subject")))
