"""The customer's people: who took part, their titles from signatures, and a role guess from cues.

What it is for: ``collect_people`` walks the new sources for customer participants
(senders, recipients, attendees, quoted header lines, CRM contact rows) and
``stakeholders_from`` turns them into ``Stakeholder`` entries with title (as the
signature writes it), role and influence (``role_for``: the title's role, unless what the mail shows
of them says more). Someone who never wrote but is named with a title in prose (titles.py) is a
stakeholder too. Never our own domains, never people named only inside an auto-reply, except the
colleague it hands over to (``referred_people``). Not for: section sentences (offline.py), titles in
prose (titles.py) or what is said of a person (roles.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from agent.document import Influence, Role, Stakeholder, fold, name_key
from agent.extract.base import ExtractionContext
from agent.extract.lexicon import rx
from agent.extract.titles import PERSON, named_titles, self_described, title_of
from agent.extract.units import crm_contact, crm_fields, table_rows
from mailflows.inbound.mail import Address, SignatureInfo, ThreadMessage
from mailflows.inbound.signatures import EMAIL_RE, TITLE_WORDS, parse_signature

# First match wins, so the specific comes before the general ("Chief Information Officer" before "Chief ... Officer").
ROLE_BY_TITLE: tuple[tuple[Role, Influence, re.Pattern[str]], ...] = (
    # "Assistant to the CFO" is not the CFO; an "Assistant Director" or "Assistant Vice President" is a rank, not an aide
    ("other", "low", rx(r"\bassistant\b(?!\s+(?:director|vice|manager|professor|head|dean|controller|treasurer))",
                        r"\bassistent(?:in)?\b", r"\basistente\b")),
    ("blocker", "high", rx(r"\bciso\b", r"\bchief information security\b", r"\bsecurity officer\b", r"\brssi\b",
                           r"\bcyber ?security\b", r"\binformationssicherheit", r"\bit-sicherheit",
                           r"\bs[ée]curit[ée] des syst[èe]mes d'information\b", r"\bseguridad de la informaci[óo]n\b")),
    ("technical_evaluator", "medium", rx(r"\bcio\b", r"\bcto\b", r"\bchief (?:information|technology|data|digital) officer\b")),
    ("influencer", "medium", rx(r"\bdata protection\b", r"\bprivacy\b", r"\blegal\b", r"\bcounsel\b", r"\bcompliance\b", r"\brisk officer\b", r"\bchief risk\b", r"\bquality\b",
                                 r"\bdatenschutz", r"\bprotection des données\b", r"\bprotección de datos\b", r"\bdpo\b",
                                 r"\bqualität", r"\bqualité\b", r"\bcalidad\b",
                                 r"\bconformit[ée]\b", r"\bcumplimiento\b", r"\brisikomanagement\b", r"\bgesti[óo]n de riesgos\b",
                                 r"\bgestion des risques\b", r"\bhuman resources\b", r"\bhr\b", r"\bpeople (?:and|&) culture\b",
                                 r"\brecursos humanos\b", r"\brrhh\b", r"\bressources humaines\b", r"\bdrh\b", r"\bpersonal(?:leit|abteil|wesen)",
                                 r"\brelaciones laborales\b", r"\brelations sociales\b", r"\blabou?r relations\b", r"\bbetriebsrat",
                                 r"\bworks council\b", r"\bcomit[ée] d'entreprise\b", r"\bcomit[ée] de empresa\b", r"\bsindica",
                                 r"\brepresentante (?:profesoral|sindical|de los trabajadores)\b", r"\brepr[ée]sentant(?:e)? du personnel\b",
                                 r"\bhse\b", r"\bhealth (?:and|&) safety\b", r"\barbeitssicherheit\b", r"\bseguridad y salud\b",
                                 r"\bsant[ée] et s[ée]curit[ée]\b")),
    ("economic_buyer", "high", rx(r"\bkaufmännische[rn]? (?:leiter|geschäftsführer)", r"\bfinanzvorst[aä]nd",
                                   r"\bvorst[aä]nd\w* finanzen\b", r"\bdirect(?:eur|rice) général(?:e)? (?:adjoint(?:e)? )?(?:aux )?finances\b")),
    ("decision_maker", "high", rx(r"\bceo\b", r"\bchief executive\b", r"(?<!vice )(?<!vice-)\bpr[ée]sident(?:e|a)?\b", r"\bpdg\b", r"\bmanaging (?:director|partner)\b",
                                   r"\bgeschäftsführer(?:in)?\b", r"\bdirect(?:eur|rice) général", r"\bdirector(?:a)? general\b",
                                   r"\bconsejer[oa] delegad[oa]\b", r"\bowner\b", r"\bfounder\b", r"\bvorstandsvorsitz",
                                   # who owns or runs the business: "Inhaberin", "gérante", "dueño", "socia directora"
                                   r"\binhaber(?:in)?\b", r"\bg[ée]rante?\b", r"\bdueñ[oa]\b", r"\bpropietari[oa]\b",
                                   r"\bsoci[oa] director(?:a)?\b", r"\bassociée? gérante?\b",
                                   r"\bgerente general\b", r"\bgeschäftsleitung\b", r"\bvorst[aä]nd(?:in)?\b",
                                   r"\b(?:board )?chair(?:man|woman|person)?\b", r"\bvorsitzende[rn]? des (?:vorstands|aufsichtsrats)\b")),  # "Gerente General" runs the company
    ("economic_buyer", "high", rx(r"\bcfo\b", r"\bchief financial\b", r"\bchief \w+ officer\b", r"\bcoo\b",
                                   r"\bfinance director\b", r"\bvp,? (?:of )?finance\b", r"\bcontroller\b",
                                   # not "Leiterin Controlling": the head of management accounting prepares the budget, the finance chief holds it
                                   r"\bfinanzvorstand\b", r"\bdaf\b", r"\bdirection financière\b", r"\bvorstand\w* finanzen\b", r"\bfinanzen\b", r"\bkaufmännische[rn]? (?:leiter|geschäftsführer)",
                                   r"\b(?:administratif et )?financi(?:er|ère)\b", r"\bfinancier[oa]\b", r"\bdirector(?:a)? financier[oa]\b",
                                   # who heads the money: "Head of Finance", "Finance Manager", "Leiterin Finanzen"
                                   r"\b(?:head|director|manager|vp|vice[- ]president|chief|lead|leiter(?:in)?|responsable|"
                                   r"gerente|jef[ea]|director[a]?|directeur|directrice)\b,?(?: \w+){0,2} (?:of |de |des |du )?finan[cz]\w*",
                                   r"\bfinan[cz]\w* (?:director|manager|lead|chief|head|leiter(?:in)?)\b",
                                   r"\bfinanzas\b", r"\bfinances\b")),
    ("other", "low", rx(r"\bprocurement\b", r"\bpurchasing\b", r"\bbuyer\b", r"\bsourcing\b", r"\bassistant\b",
                        r"\beinkauf\b", r"\bachats\b", r"\bcompras\b")),
    # an analyst works in the dashboards ("Data Analyst"), unless the subject is the systems or their security
    ("user", "low", rx(r"(?<!security )(?<!systems )(?<!system )(?<!it )\banalyst(?:in)?\b", r"\banalyste\b(?! (?:système|sécurité))",
                        r"\banalista\b(?! de (?:sistemas|seguridad))")),
    ("technical_evaluator", "medium", rx(r"\bengineer", r"\barchitect", r"\bdata\b", r"\barquitect", r"\barchitektur",
                                          r"\bdatos\b", r"\bdonnées\b", r"\bdaten\b", r"\bit manager\b", r"\bit\b",
                                          r"\bdeveloper\b", r"\binformation technology\b", r"\bvp,? (?:of )?it\b",
                                          r"\bhead of it\b", r"\btechnolog\w*", r"\bplatforms?\b", r"\bcloud\b",
                                          r"\benterprise applications?\b", r"\baplicaciones\b", r"\banwendungen\b",
                                          r"\bsystems\b", r"\bsistemas\b", r"\binformatique\b", r"\bdsi\b", r"\bedv\b",
                                          r"\binformatik\b", r"\binfrastructure\b", r"\binfraestructura\b",
                                          r"\bsystèmes? d'information\b", r"\bsistemas? de informaci[óo]n\b", r"\btecnolog\w*",
                                          r"\brechenzentrum\b", r"\binformática\b", r"\bti\b",
                                          # "Responsable SI", "Applikationsverantwortlicher", "Head of Enterprise Architecture"
                                          r"\b(?:responsable|directeur|directrice|direction|chef(?:fe)?)(?: des?| du)? si\b",
                                          r"\bapplikation\w*", r"\bbusiness intelligence\b", r"\bdata warehouse\b")),
    ("influencer", "medium", rx(r"\bleiter(?:in)?\b")),  # a German head of some function, when nothing more specific says
    ("user", "low", rx(r"\bstore manager\b", r"\bterminal manager\b", r"\bplant manager\b", r"\bnurse\b", r"\bgeneral manager\b",
                        r"\banalyst\b", r"\bsupervisor\b", r"\bsuccess\b", r"\bcoordinator\b", r"\bdispatcher\b",
                        r"\bcoordonnat(?:eur|rice)\b", r"\bcoordinador(?:a)?\b", r"\bkoordinator(?:in)?\b",
                        r"\bsuperintendent\b", r"\bmanager\b", r"\bgm\b", r"\bjef[ea] de\b", r"\bchef(?:fe)? de\b", r"\bgerente\b",
                        r"\bresponsable de\b", r"\bencargad[oa]\b", r"\bsachbearbeiter",
                        # who runs a shift, a crew or a plant floor, in French, Spanish and German
                        r"\bsupervis(?:ora|eure?|euse)\b", r"\bcontrema[îi]tre(?:sse)?\b", r"\bchef(?:fe)? d['’]\w+", r"\bentrep[ôo]t\b", r"\balmac[ée]n\b", r"\bwarehouse\b",
                        r"\bcapataz\b", r"\bdirect(?:eur|rice) d'usine\b", r"\b(?:team|schicht|werks|lager|filial)leit(?:er|erin|ung)\b",
                        r"\bvorarbeiter(?:in)?\b", r"\bhausleit", r"betrieb\b", r"\bteam lead(?:er)?\b",
                        r"\boperations?\b", r"\bops\b", r"\boperaciones\b", r"\bop[ée]rations?\b", r"\bmaintenance\b",
                        r"\bmantenimiento\b", r"\binstandhaltung\b", r"\btaller\b", r"\bwerkstatt", r"\bdispatch", r"\bdisposition\b",
                        r"\bdespacho\b", r"\bregional\b", r"\br[ée]gional(?:e)?\b", r"\bbranch\b", r"\bsucursal", r"\bsuccursale",
                        r"\bdistrict\b", r"\bdecan[oa]\b", r"\bdean\b", r"\bdoyen(?:ne)?\b", r"\bdekan(?:in)?\b",
                        # who leads a team, a crew or a shift on the ground ("I lead one of the leakage teams")
                        r"\bteams?\b", r"\bcrews?\b", r"\bshifts?\b", r"\béquipes?\b", r"\bequipos?\b", r"\bschicht\w*",
                        r"\bmannschaft\b", r"\bcuadrillas?\b", r"\bturnos?\b")),
)  # fmt: skip
BLOCKER_CUES = rx(
    r"\bnot convinced\b",
    r"\bskeptic",
    r"\bnot signing off\b",
    r"\bwill not sign off\b",
    r"\bwon'?t sign off\b",
    r"\bnot going to move\b",
    r"\bdon'?t have (?:any )?budget\b",
    r"\bwhy wouldn'?t we just\b",
    r"\bhold you to\b",
    r"\banother (?:bi )?(?:platform|tool)\b",
    r"\bi'?m against\b",
    r"\bblock",
    r"\bveto\b",
)
# What someone who evaluates the technical side talks about, in any of the four languages.
TECH_TALK = rx(
    r"\bapis?\b",
    r"\bsso\b",
    r"\bsaml\b",
    r"\bintegrat\w*",
    r"\bintegraci\w*",
    r"\bschnittstelle\w*",
    r"\bsecurity (?:review|questionnaire)\b",
    r"\bnetwork\b",
    r"\bfirewall\b",
    r"\bports?\b",
    r"\bvpn\b",
    r"\bdatabases?\b",
    r"\bdatenbank\w*",
    r"\bbase de (?:datos|données)\b",
    r"\bschema\b",
    r"\bservers?\b",
    r"\bservidor\w*",
    r"\bserveurs?\b",
    r"\bhosting\b",
    r"\bhosted\b",
    r"\balojan?\b",
    r"\bhébergé\w*",
    r"\bencrypt\w*",
    r"\bverschlüssel\w*",
    r"\bchiffr\w*",
    r"\bcifrad\w*",
    r"\bldap\b",
    r"\bactive directory\b",
    r"\berp\b",
    r"\bsql\b",
    r"\bread-only\b",
    r"\bhistorian\b",
    r"\bscada\b",
    r"\bwebhooks?\b",
    r"\bcsv\b",
    r"\bsandbox\b",
    r"\bdata model\b",
    r"\btags\b",
)
TECH_TALK_MIN = 3  # three technical matters in their own words: they are evaluating the technical side
CHAMPION_CUES = rx(r"\bchampion\b", r"\bruns point\b", r"\bhas my support\b", r"\binternal sell")

ADDRESS = re.compile(r"(?:\"?([^\"<>;,\n]{2,60}?)\"?\s*)?<([\w.+'-]+@[\w-]+(?:\.[\w-]+)+)>")
HEADER = re.compile(r"^\s*>?\s*(?:from|to|cc|attendees)\s*:\s*(.+)$", re.IGNORECASE | re.MULTILINE)
SERVICE_LOCAL = re.compile(
    # a sender that is a service, not a person: "newsletter@kfz-benchmark…" mails a report, not a stakeholder
    r"^(?:no-?reply|do-?not-?reply|mailer-daemon|postmaster|notifications?|calendar|handoff)|"
    r"^(?:newsletters?|news|marketing|mailings?|alerts?|updates|digest|reports?|bounces?|automated|system)$",
    re.I,
)
# A shared mailbox or a list, not a person: "it-support@", "Summit GMs <gms@…>", "Finance Team <finance@…>"
GROUP_LOCAL = re.compile(
    r"^(?:info|team|all|everyone|staff|sales|support|help|helpdesk|it|it-\w+|ops|operations|finance|accounts?|ap|ar|"
    r"billing|invoices?|hr|admin|office|contact|hello|procurement|purchasing|legal|security|gms|managers|dl[-._]\w+|"
    # a newsroom's, a sales desk's or a developer programme's mailbox, in the four languages
    r"redaktion|redaction|editorial|devrel|developers?|comercial|commercial|ventas|vertrieb|kontakt|contacto|"
    r"list[-._]\w+|\w+[-._](?:team|list|group|all))$",
    re.IGNORECASE,
)
GROUP_NAME = re.compile(
    r"\b(?:team|all|everyone|group|list|mailbox|department|dept|desk|GMs|managers|leads|staff|updates|newsletter|"
    r"redaktion|rédaction|redacción)$|^(?:equipo|équipe|team|newsletter|redaktion)\b",
    re.IGNORECASE,
)
FREE_MAIL = frozenset({"gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "aol.com", "proton.me"})


@dataclass(slots=True)
class Person:
    name: str
    email: str
    title: str = ""
    source_ids: list[str] = field(default_factory=list)
    authored: int = 0
    title_in_prose: bool = False  # from a sentence naming them, not their signature or a CRM row
    crm_role: str = ""  # the buying role a CRM row gives them ("Economic Buyer"): the rep's own word, in a column


def name_from_email(email: str) -> str:
    local = email.split("@", 1)[0]
    return " ".join(part.capitalize() for part in re.split(r"[._-]+", local) if part)


def is_customer(email: str, ctx: ExtractionContext) -> bool:
    local, _, domain = email.lower().partition("@")
    return bool(domain) and not ctx.is_ours(email) and domain not in FREE_MAIL and not SERVICE_LOCAL.match(local)


def works_for_rival(email: str, rivals: Iterable[str], ctx: ExtractionContext) -> bool:
    """Whether ``email`` is at a vendor the deal weighed against us: its domain is not the account's and spells a
    competitor's name ("thalvorsen@carrowlane.example" and "Carrow & Lane", "hugh@merrionsystems.example" and
    "Merrion Insight"). Their salesperson writing to the customer is no stakeholder; a partner at another domain
    (an IT firm, the parent company) whose name is no competitor's stays one."""
    domain = email.lower().rpartition("@")[2]
    account = (ctx.account.domain or "").lower()
    if not domain or (account and (domain == account or domain.endswith("." + account))):
        return False
    label = re.sub(r"[^a-z0-9]", "", fold(domain.split(".")[0]))
    for name in rivals:
        key = re.sub(r"[^a-z0-9]", "", fold(name))
        first = re.sub(r"[^a-z0-9]", "", fold(name.split()[0])) if name.split() else ""
        if len(key) >= 4 and (label == key or label.startswith(key) or (len(first) >= 5 and label.startswith(first))):
            return True
    return False


def is_group(addr: Address) -> bool:
    """A shared mailbox or a distribution list rather than one person."""
    return bool(GROUP_LOCAL.match(addr.email.split("@", 1)[0])) or bool(GROUP_NAME.search((addr.name or "").strip()))


# "Dr. Meera Deshpande", "Prim. Dr. Elisabeth Wallner", "Mag. Claudia Pichler": a degree or courtesy in a display
# name is not part of the name the mail calls them by ("Meera", "Wallner")
HONORIFICS = re.compile(
    r"^(?:(?:dr|dra|prof|prim|mag|dipl|ing|lic|mr|mrs|ms|herr|frau|mme|mlle|sr|sra|srta|don|doña|dott|dott\.ssa|"
    # Latin America's degrees before a name: "Mg. Jorge Paredes", "CPC Rosa Huamán", "Arq. Ana Ruiz", "Mtra. Lía Gil"
    r"mg|msc|mtro|mtra|arq|abg|abog|cpc|cp|psic|econ|qf)\.?\s+)+",
    re.IGNORECASE,
)


def _clean_name(name: str, email: str) -> str:
    name = re.sub(r"\s+", " ", name.strip(" '\"\t"))
    if "," in name and name.count(" ") <= 2:  # "Last, First"
        last, first = (p.strip() for p in name.split(",", 1))
        name = f"{first} {last}" if first and " " not in first else name
    bare = HONORIFICS.sub("", name)
    name = bare if " " in bare else name
    return name if name and "@" not in name else name_from_email(email)


def trailing_card(body: str, name: str) -> str:
    """A signature card the parser left in the body: the sender's full name alone on a line near the end, or their
    first name alone with their title on the line under it ("Priya" / "Lead Cloud Architect")."""
    lines = body.rstrip().splitlines()
    if not name or " " not in name.strip():
        return ""
    if card := _first_name_card(lines, name):
        return card
    for at in range(len(lines) - 1, max(-1, len(lines) - 16), -1):
        if fold(lines[at]).strip(" ,.-") == fold(name):
            block = []
            for line in lines[at : at + 6]:
                if not line.strip():
                    break
                block.append(line)
            return "\n".join(block) if len(block) > 1 else ""
    return ""


CARD_TITLE_WORDS = 8


def _first_name_card(lines: list[str], name: str) -> str:
    """ "Darren" / "Maintenance Superintendent -- Red Hill" near the end: a sign-off by first name with a title
    line right under it (not a sentence: no full stop, a title word, a few words), even when a line follows."""
    first = fold(name).split(" ")[0]
    for at in range(len(lines) - 2, max(-1, len(lines) - 12), -1):
        title = lines[at + 1].strip()
        if (
            fold(lines[at]).strip(" ,.-") == first
            and title
            and len(title.split()) <= CARD_TITLE_WORDS
            and not re.search(r"[.!?:]$", title)
            and TITLE_WORDS.search(title)
        ):
            return f"{name}\n{title}"
    return ""


def _same_person(a: str, b: str) -> bool:
    """ "Harold Byrnes" signs the mail "Hal Byrnes" sent: the same last name is the same person."""
    fa, fb = re.findall(r"[\w'’-]+", fold(a)), re.findall(r"[\w'’-]+", fold(b))
    if len(fa) > 1 and set(fa) == set(fb):
        return True  # "Ruiz, Ana" and "RUIZ Ana" in the From header sign "Ana Ruiz"
    short, full = sorted((fa, fb), key=len)
    if len(short) > 1 and full[: len(short)] == short:
        return True  # "Antonio Jiménez" signs "Antonio Jiménez Moreno", "Hannah Lister" "Hannah Lister BVSc"
    return fa == fb or (len(fa) > 1 and len(fb) > 1 and fa[-1] == fb[-1])


def _closing_card(body: str, sender_name: str) -> str:
    """The name-and-title lines that close an auto-reply ("Harold Byrnes / Chief Financial Officer")."""
    lines = [ln.strip() for ln in body.strip().splitlines() if ln.strip()]
    last = (sender_name or "").split()[-1:] or [""]
    for at in range(len(lines) - 1, max(-1, len(lines) - 6), -1):
        if last[0] and _same_person(lines[at], sender_name) and len(lines[at].split()) <= 4:
            return "\n".join(lines[at : at + 4])
    return ""


def _card_left_in_body(msg: ThreadMessage) -> SignatureInfo | None:
    """When the parser found no signature block: a card at the end of the body (an auto-reply's closing lines)."""
    if msg.sender is None:
        return None
    card = trailing_card(msg.body, msg.sender.name)
    if not card and msg.auto_generated:
        card = _closing_card(msg.body, msg.sender.name)
    return parse_signature(card, msg.sender) if card else None


def collect_people(sources: list[ThreadMessage], ctx: ExtractionContext) -> dict[str, Person]:
    """Customer participants of ``sources`` by lower-case email."""
    people: dict[str, Person] = {}

    def add(addr: Address | None, source_id: str, title: str = "", authored: bool = False) -> None:
        if addr is None or not addr.email or not is_customer(addr.email, ctx) or is_group(addr):
            return
        key = addr.email.lower()
        addr, labelled_title = _title_in_label(addr)
        title = title or labelled_title
        person = people.setdefault(key, Person(name=_clean_name(addr.name, key), email=key))
        if source_id not in person.source_ids:
            person.source_ids.append(source_id)
        if addr.name and " " in addr.name.strip() and " " not in person.name:
            person.name = _clean_name(addr.name, key)
        person.title = person.title or title
        person.authored += int(authored)

    for msg in sources:
        title = ""
        sender = _sender_of(msg)
        info = msg.card if msg.signature else _card_left_in_body(msg)
        if sender and info and info.title and (not info.name or _same_person(info.name, sender.name or info.name)):
            title = info.title
        if msg.auto_generated:
            # an out-of-office still says who its sender is (a CFO away at signing); whoever it names is not a
            # participant, except the colleague it hands over to
            add(sender, msg.id, title)
            for name, deputy_title, email in _deputies(msg.body):
                add(Address(name=name, email=email), msg.id, deputy_title)
            continue
        add(sender, msg.id, title, authored=True)
        for addr in [*msg.to, *msg.cc, *msg.attendees]:
            add(addr, msg.id)
        for header in HEADER.finditer(msg.body):
            for name, email in ADDRESS.findall(header.group(1)):
                add(Address(name=name, email=email), msg.id)
        for name, email in named_addresses(msg.body):  # "Shauna Pike (Practice Manager, Eugene, shauna.pike@…)"
            add(Address(name=name, email=email), msg.id)
        for fields in table_rows(msg.body):  # a table of contacts pasted into a mail: "Name | Title | Email"
            contact, email, title = crm_contact(fields)
            if email:
                add(Address(name=contact, email=email), msg.id, title)
        for addr, crm_title, role in _crm_rows(msg):
            add(addr, msg.id, crm_title)
            if (person := people.get(addr.email.lower())) is not None:  # a role address ("info@") is no one
                person.crm_role = person.crm_role or role
    return people


def _sender_of(msg: ThreadMessage) -> Address | None:
    """The message's sender; one quoted with a name alone ("Dr. Petra Wolf wrote:") takes the one address their own
    signature gives under that name ("petra.wolf@…")."""
    sender = msg.sender
    if sender is None or sender.email or not sender.name or not msg.signature:
        return sender
    last = fold(sender.name).split()[-1]
    own = {a.lower() for a in EMAIL_RE.findall(msg.signature) if last in fold(a.split("@", 1)[0])}
    return Address(name=sender.name, email=own.pop()) if len(own) == 1 else sender


def _title_in_label(addr: Address) -> tuple[Address, str]:
    """ "Park, Kim (VP Finance)" as an invite's attendee name: the name, and the title it carries."""
    labelled = re.match(r"^(.+?)\s*\(([^()]{2,80})\)\s*$", addr.name or "")
    if labelled and TITLE_WORDS.search(labelled.group(2)):
        return Address(name=labelled.group(1), email=addr.email), title_of(labelled.group(2))
    return addr, ""


def _crm_rows(msg: ThreadMessage) -> list[tuple[Address, str, str]]:
    """(contact, title, buying role as written) of each row of a CRM export."""
    found = []
    for row in msg.body.splitlines() if msg.kind == "crm" else []:
        fields = crm_fields(row)
        contact, email, title = crm_contact(fields)
        if not email:
            contact, email, title = _contact_by_shape(row)
        role = next((v for v in [*fields.values(), *_cells(row)] if buying_role(v)), "")
        if "@" in email and " " not in email:
            found.append((Address(name=contact, email=email), "" if buying_role(title) else title, role))
    return found


def _cells(row: str) -> list[str]:
    """The values of a "Key: value; Key: value" row, whatever its keys."""
    return [re.sub(r"^[^:]{1,30}:\s*", "", cell).strip() for cell in row.split(";")]


def _contact_by_shape(row: str) -> tuple[str, str, str]:
    """(name, email, title) of a CRM row whose values sit under another table's column names (a contacts table
    exported below the opportunity's header: "Opportunity ID: Ray Okonkwo; Account: IT Manager; Stage: ray@…"),
    read by what each value looks like; all "" unless the row holds one address and one name."""
    values = _cells(row)
    emails = [v for v in values if re.fullmatch(_EMAIL, v)]
    names = [v for v in values if re.fullmatch(PERSON, v) and not TITLE_WORDS.search(v) and not buying_role(v)]
    titles = [v for v in values if TITLE_WORDS.search(v) and not buying_role(v) and not re.fullmatch(_EMAIL, v)]
    if len(emails) != 1 or len(names) != 1:
        return "", "", ""
    return names[0], emails[0], titles[0] if len(titles) == 1 else ""


# The buying roles a CRM's contact-role column uses (Salesforce's "Economic Buyer", "Technical Buyer", "Business
# User", HubSpot's "Decision maker", "Blocker"), in four languages
BUYING_ROLES: tuple[tuple[Role, Influence, re.Pattern[str]], ...] = (
    ("economic_buyer", "high", rx(r"^(?:economic buyer|budget (?:holder|owner)|executive sponsor|acheteur économique|"
                                  r"comprador económico|wirtschaftliche[rn]? entscheider(?:in)?)$")),
    ("decision_maker", "high", rx(r"^(?:decision[- ]maker|entscheider(?:in)?|décideur|décisionnaire|decisor(?:a)?)$")),
    ("technical_evaluator", "medium", rx(r"^(?:technical (?:buyer|evaluator|decision maker)|evaluator|"
                                         r"technische[rn]? (?:entscheider|evaluator)(?:in)?|évaluateur technique|evaluador técnico)$")),
    ("champion", "high", rx(r"^(?:champion|coach|sponsor|internal champion|fürsprecher(?:in)?|championne?|campe[oó]n(?:a)?)$")),
    ("influencer", "medium", rx(r"^(?:influencer|influenceur|influenciador(?:a)?|beeinflusser(?:in)?)$")),
    ("user", "low", rx(r"^(?:(?:business|end|key|power) user|user|anwender(?:in)?|nutzer(?:in)?|utilisat(?:eur|rice)(?: final)?|"
                       r"usuari[oa](?: final)?)$")),
    ("blocker", "medium", rx(r"^(?:blocker|detractor|opponent|bloqueur|bloqueador(?:a)?|blockierer(?:in)?)$")),
)  # fmt: skip


def buying_role(value: str) -> tuple[Role, Influence] | None:
    """The role a CRM's buying-role value names ("Economic Buyer" -> economic_buyer), or None."""
    value = value.strip()
    return next(((role, weight) for role, weight, pattern in BUYING_ROLES if pattern.match(value)), None)


_EMAIL = r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+"
# "Ana Gil (ana.gil@…)", "Ana Gil (Store Manager, Alicante, ana.gil@…, dialed in)", "Ana Gil, jefa de tienda (ana.gil@…)"
NAMED_ADDRESS = re.compile(
    rf"(?<![\w-])(?P<name>{PERSON})(?:,[^,.;:()<>\n@]{{2,60}}?)?\s*\((?:[^()\n@]*?[,;]\s*)?(?P<email>{_EMAIL})\s*(?:[,;][^()\n]*)?\)"
)


# "Kim Park <kim.park@…>" written into a note or a list, not only in a header line
ANGLED_ADDRESS = re.compile(rf"(?<![\w-])(?P<name>{PERSON})\s*<(?:mailto:)?(?P<email>{_EMAIL})>")


def named_addresses(text: str) -> list[tuple[str, str]]:
    """(name, address) for each person ``text`` names with their address after the name, in parentheses or
    angle brackets."""
    found = [*NAMED_ADDRESS.finditer(text), *ANGLED_ADDRESS.finditer(text)]
    return [(re.sub(r"\s+", " ", m.group("name")), m.group("email").lower()) for m in found]


# What an out-of-office says to hand its reader over to someone: "please contact my deputy …", "wenden Sie sich an …",
# "contactez …", "contacte con …". The person it names there is a customer contact, unlike anyone else it names.
REFERRAL = rx(
    r"\bcontact(?:ing)?\b",
    r"\breach(?: out to)?\b",
    r"\bget in touch\b",
    r"\bwrite to\b",
    r"\bdeputy\b",
    r"\bstand-?in\b",
    r"\bcovering for me\b",
    r"\bin my absence\b",
    r"\bwenden sie sich\b",
    r"\bkontaktieren sie\b",
    r"\bvertret(?:ung|er|erin|en)\b",
    r"\bin dringenden fällen\b",
    r"\bcontacte[rz]?\b",
    r"\bjoindre\b",
    r"\bsuppléante?\b",
    r"\ben mon absence\b",
    r"\bcontacte con\b",
    r"\bcontactar con\b",
    r"\bpóngase en contacto\b",
    r"\bescriba a\b",
    r"\ben mi ausencia\b",
)


def referred_people(text: str) -> list[tuple[str, str, str]]:
    """(name, title, address or "") of the people an auto-reply hands its reader over to, in the paragraphs that
    do so: "please contact my deputy Calvin Stroud, Clinic Systems Lead (calvin.stroud@…)". Only one named with a
    title becomes a stakeholder; the title may be ""."""
    found: list[tuple[str, str, str]] = []
    for paragraph in re.split(r"\n\s*\n", text):
        if not REFERRAL.search(paragraph):
            continue
        addresses = {name_key(name): email for name, email in named_addresses(paragraph)}
        titled = {name_key(name): (name, title) for name, title in named_titles(paragraph)}
        for key, (name, title) in titled.items():
            found.append((name, title, addresses.pop(key, "")))
        found.extend((name, "", email) for name, email in named_addresses(paragraph) if name_key(name) in addresses)
    return found


def _deputies(text: str) -> list[tuple[str, str, str]]:
    """The colleagues an auto-reply hands over to, named with a title and an address ("contact Jo (jo@…)" alone
    is a mailbox to try, not a stakeholder)."""
    return [(name, title, email) for name, title, email in referred_people(text) if title and email]


def speaker_name(label: str) -> str:
    """The name in a transcript's speaker label: "Jorge Villarreal (Plant Manager, Saltillo)" -> "Jorge Villarreal"."""
    return re.sub(r"\s*\([^()]*\)\s*$", "", label).strip() or label


# The part of a customer's person nothing else tells. The labellers of the training deals call such a person a
# user far more often than anything else ("other" is 3 of their 391 labels): roles 283 -> 304/391 there, 82 -> 90/121
# on 24 fresh deals. An assistant or a buyer in procurement keeps "other" by their title's words.
DEFAULT_ROLE: Role = "user"
# ... unless a title no role's words match still says they lead something: a vice president is no mere user
SENIOR = rx(
    r"\bvice[- ]?president",
    r"\bvp\b",
    r"\bhead\b",
    r"\bchief\b",
    r"\bdirect(?:or|eur|rice|ora)\b",
    r"\bdirektor",
    r"\bleiter",
    r"\bpr[eé]sident",
    r"\bpartner\b",
    r"\bgerente\b",
    r"\bgesch[äa]ftsf[üu]hr",
)
# The roles what the mail shows of a person (roles.ROLE_SHOWN) may replace, by the role their title gives.
SHOWN_OVER: dict[Role, frozenset[Role]] = {
    # an evaluator's doubts are their job: only their own repeated doubt (role_for's strong_doubt) makes them a blocker
    "blocker": frozenset({"other", "user", "influencer", "economic_buyer"}),
    # a technical lead's "before I sign off" is their technical sign-off, not the budget's
    "economic_buyer": frozenset({"other", "user", "influencer"}),
    "technical_evaluator": frozenset({"other", "user", "influencer"}),
    "user": frozenset({"other", "influencer"}),
}
_SHOWN_INFLUENCE: dict[Role, Influence] = {"blocker": "medium", "economic_buyer": "high", "technical_evaluator": "medium",
                                           "user": "low"}  # fmt: skip
# A finance chief pushing back on price is negotiating as the economic buyer, not blocking.
FINANCE_TITLE = rx(
    r"\bcfo\b", r"\bchief financial\b", r"\bfinanc", r"\bfinanz", r"\bcontroll", r"\bkaufmännisch", r"\btreasur"
)


def role_for(title: str, said: str, about: str, shown: Role | None = None) -> tuple[Role, Influence]:
    """Role and influence from a title and cue phrases (``said``: their words; ``about``: words about them;
    ``shown``: the role what was said of or by them shows, roles.roles_shown)."""
    role: Role = "other"
    influence: Influence = "medium"
    matched = False
    described = "" if title else self_described(said)
    for candidate, weight, pattern in ROLE_BY_TITLE:
        if (title or described) and pattern.search(title or described):
            role, influence, matched = candidate, weight, True
            break
    finance_doubt = shown == "blocker" and FINANCE_TITLE.search(title)
    if shown is not None and role in SHOWN_OVER.get(shown, frozenset()) and not finance_doubt:
        return shown, _SHOWN_INFLUENCE[shown]
    strong_doubt = len(BLOCKER_CUES.findall(said)) >= 2
    if (role in {"technical_evaluator", "user"} or (role == "other" and title)) and strong_doubt:
        return "blocker", "medium"
    if role == "other" and CHAMPION_CUES.search(about):
        return "champion", "high"
    if role == "other" and not title and len(TECH_TALK.findall(said)) >= TECH_TALK_MIN:
        return "technical_evaluator", "medium"
    if role == "other" and not title:
        influence = "low"
    if role == "other" and not matched and not described and not SENIOR.search(title):
        role = DEFAULT_ROLE  # nothing tells their part (nor that they run something): they use what we sell
    return role, influence


def role_unknown(person: Stakeholder) -> bool:
    """Nothing but the default says what part ``person`` plays: no role stated or shown, and no title whose words
    make them a user (a title learnt since may say more; documents stored before the default was "user" hold
    "other")."""
    if person.role_said or person.role_shown or person.role not in {"other", DEFAULT_ROLE}:
        return False
    title = person.title or ""
    return person.role == "other" or not any(role == DEFAULT_ROLE and p.search(title) for role, _, p in ROLE_BY_TITLE)


def with_budget_holder(people: list[Stakeholder]) -> list[Stakeholder]:
    """The account's ``people`` with the one chief executive (a Geschäftsführer, a Gerente General, a directeur
    général) made the economic buyer when no one holds the budget by title, word or deed: in a company without a
    finance chief, the one who runs it approves the spend. A chief made so goes back to decision maker once a
    finance chief shows up in a later mail, whatever part that one plays ("the CFO is against it"); a role the rep
    stated or the mail showed is not overruled, except that the one person who decides is the economic buyer when
    in the end no one is ("Beat decides", with the finance lead as the champion: the labelled deals read so).
    Read over the whole account, so mail order does not matter."""
    chiefs = [
        s
        for s in people
        if not s.role_said
        and not (s.role_shown and s.role == "economic_buyer")
        and (
            s.role == "decision_maker"
            or (s.role == "economic_buyer" and role_for(s.title or "", "", "")[0] == "decision_maker")
        )
    ]
    if any(
        s not in chiefs and (s.role == "economic_buyer" or role_for(s.title or "", "", "")[0] == "economic_buyer")
        for s in people
    ):
        for chief in chiefs:
            if chief.role == "economic_buyer":
                chief.role, chief.influence = "decision_maker", "high"
    elif len(chiefs) == 1:
        chiefs[0].role, chiefs[0].influence = "economic_buyer", "high"
    deciders = [s for s in people if s.role == "decision_maker"]
    if len(deciders) == 1 and not any(s.role == "economic_buyer" for s in people):
        # the one who decides, when no one else holds the budget, approves the spend: "Javier decides" with the
        # finance lead as the champion makes Javier the economic buyer
        deciders[0].role, deciders[0].influence = "economic_buyer", "high"
    return people


def with_one_champion(people: list[Stakeholder]) -> list[Stakeholder]:
    """The account's ``people`` with a champion guessed for want of one (the customer who wrote most, while no one
    was named champion) put back to their title's role once the rep or the CRM names the champion: the rep's word
    on who champions the deal is the account's, whatever mail it came in. Read over the whole account."""
    named = [s for s in people if s.role == "champion" and (s.role_said or s.role_shown)]
    if not named:
        return people
    for person in people:
        if person.role == "champion" and not person.role_said and not person.role_shown:
            person.role, person.influence = role_for(person.title or "", "", "")
    return people


def stakeholders_from(
    people: dict[str, Person],
    said: dict[str, str],
    about: dict[str, str],
    champion_known: bool,
    shown: dict[str, tuple[Role, Influence, str]] | None = None,
) -> list[Stakeholder]:
    out: list[Stakeholder] = []
    shown = shown or {}
    for key, person in people.items():
        seen = shown.get(key)
        role, influence = role_for(person.title, said.get(key, ""), about.get(key, ""), seen[0] if seen else None)
        crm = buying_role(person.crm_role)
        if crm is not None:
            role, influence = crm
        out.append(
            Stakeholder(
                name=person.name,
                email=person.email or None,
                title=person.title or None,
                role=role,
                influence=influence,
                source_ids=list(person.source_ids),
                title_in_prose=bool(person.title) and person.title_in_prose,
                role_shown=seen[2] if seen and role == seen[0] else None,
                role_said=f"{person.crm_role} (CRM)" if crm is not None else None,
            )
        )
    if not champion_known:
        open_roles = [s for s in out if s.role in {"other", "user", "influencer"} and s.title]
        authored = {k: p.authored for k, p in people.items()}
        if open_roles:
            best = max(open_roles, key=lambda s: authored.get(s.email or "", 0))
            if authored.get(best.email or "", 0) > 0:
                best.role, best.influence = "champion", "high"
    return out
