"""Cue phrases the offline extractor classifies sentences with: sections, promises, competitors, junk.

What it is for: the regular expressions and word lists that say "this sentence is a
pain point", "this is our promise", "this is a competitor", "this is a
disclaimer" (an injected instruction: injection.py). General phrasing only, never text from one
customer's mail. Not for: the logic that applies them (classify.py, offline.py), or
the title-to-role cues (people.py).
"""

from __future__ import annotations

import re


def rx(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(parts), re.IGNORECASE)


# BI / analytics / data vendors a prospect may compare us with; settings add more.
COMPETITORS: tuple[str, ...] = (
    "Power BI", "Tableau", "Looker Studio", "Looker", "Qlik Sense", "Qlik", "Domo", "Sigma Computing", "Sigma",
    "ThoughtSpot", "Metabase", "Mode Analytics", "Sisense", "MicroStrategy", "Strategy One", "Cognos",
    "SAP BusinessObjects", "BusinessObjects", "Oracle Analytics", "Spotfire", "Hex", "Superset", "Preset",
    "Redash", "Periscope", "Chartio", "Yellowfin", "GoodData", "Pyramid Analytics", "Zoho Analytics",
    "Amazon QuickSight", "QuickSight", "Alteryx", "SAS Visual Analytics", "SAS", "Holistics", "Lightdash",
    "Omni Analytics", "Klipfolio", "Databox", "Geckoboard",
)  # fmt: skip
# Names that are also ordinary words or tools people simply use: only counted next to a comparison cue.
WEAK_COMPETITORS = frozenset({"hex", "mode analytics", "sigma", "sas", "preset", "omni analytics"})
COMPARISON = rx(
    r"\b(?:also|we)\s+(?:looked at|evaluated|considered|trialed|talked to|demoed)\b",
    r"\bcompared? (?:to|with)\b",
    r"\bversus\b|\bvs\.?\b",
    r"\bshortlist",
    r"\bincumbent\b",
    r"\bcheaper\b",
    r"\bpric(?:e|ed|ing)\b",
    r"\bdropped\b",
    r"\binstead of\b",
    r"\balready (?:own|pay|have|use|license)",
    r"\bwhy wouldn't we\b",
    r"\brenew",
    r"\bcompetit",
    r"\balternative",
    r"\bbake-?off\b",
    r"\bper[- ](?:seat|user)\b",
    r"\blost\b",
    r"\bbeat\b",
    r"\bwent with\b",
    r"\bpartner\b",
    r"\bmigrat",
)
NOT_COMPANY = frozenset(
    [
        "we",
        "i",
        "they",
        "it",
        "the",
        "our",
        "this",
        "that",
        "you",
        "he",
        "she",
        "their",
        "its",
        "a",
        "an",
        "last",
        "next",
        "in-house",
        "inhouse",
        "building",
        "options",
        "vendors",
        "tools",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "q1",
        "q2",
        "q3",
        "q4",
        "year",
        "quarter",
        "month",
        "week",
        "lumen",
        "final",
        "revised",
        "updated",
        "draft",
        "new",
        "signed",
        "full",
        "short",
        "quick",
        "first",
        "second",
        "our",
        "my",
        "his",
        "her",
        "ceo",
        "cfo",
        "cio",
        "cto",
        "it",
        "ops",
        "sso",
        "api",
        "sql",
        "excel",
        "we've",
        "they've",
        "also",
        "one",
        "two",
        "three",
    ]
)

COMMITMENT = rx(
    r"\bi'll\b",
    r"\bi will\b",
    r"\bwe'll\b",
    r"\bwe will\b",
    r"\bwe commit",
    r"\bcommits? to\b",
    r"\bpromised?\b",
    r"\bwe guarantee\b",
    r"\bwill be (?:assigned|delivered|ready|configured|live|provided|sent)\b",
    r"\bwe owe\b",
    r"\bwe can have\b",
    r"\b(?:i|we) (?:am|are) going to\b",
    r"^\s*(?:[A-Z][a-z]+ )?to (?:send|deliver|provide|share|"
    r"schedule|set up|run|draft|get)\b",
)
COMMIT_ACTION = rx(
    r"\bsend",
    r"\bdeliver",
    r"\bprovide",
    r"\bshare",
    r"\bschedule",
    r"\bset (?:that )?up\b",
    r"\bget\b",
    r"\bhave\b",
    r"\bdo\b",
    r"\brun\b",
    r"\bassign",
    r"\bmake sure\b",
    r"\bconfigur",
    r"\bwrite",
    r"\bdraft",
    r"\bbuild",
    r"\bbring",
    r"\bhost",
    r"\btrain",
    r"\bcredit",
    r"\bmove",
    r"\bstand up\b",
    r"\bproduction",
    r"\blive\b",
    r"\bpurged?\b",
    r"\bintroduc",
    r"\bfollow up\b",
    r"\bwalk\b",
    r"\bjoin\b",
    r"\bcover\b",
    r"\binclude",
    r"\bready\b",
    r"\bfinish",
    r"\bcomplete",
)
# Our side telling the customer what they will receive from us: "You'll have our redlines back by Wednesday".
YOU_WILL_RECEIVE = rx(r"\byou(?:'ll| will) (?:have|get|receive|see) (?:our|the|a|an|your)\b")
# Meeting housekeeping is not a commitment a CSM inherits: sending the recording, the deck or a recap,
# introducing the CSM, following up. (The substance promised inside a recap is read where it is written.)
HOUSEKEEPING = rx(
    r"\b(?:send|share|circulate|forward|pass)\b(?:\s+\w+){0,2}?\s+(?:the |a |our |my )?(?:call |meeting )?"
    r"(?:recording|recap|summary|notes|slides|deck|invite|minutes)"
    r"(?:\s+(?:around|over|out|today|tonight|tomorrow|later|shortly|after\b.*|to (?:everyone|all|you)))*\s*[.!]?\s*$",
    r"\bintroduce (?:you to )?(?:your|the|our) (?:new )?(?:customer success|csm)\b",
    r"\b(?:follow up|get back to you|be in touch|circle back)\s*(?:soon|shortly|next week|later)?\s*[.!]?\s*$",
)
NOT_COMMITMENT = rx(
    r"\bi'll (?:be honest|admit|say|let you know if)\b",
    r"\bwe'll see\b",
    r"\bif you\b.{0,20}\bwe'll\b",
    r"\bwe'll show it live\b",
    r"^\s*(?:happy|glad) to\b",
    r"\bwould you\b",
    r"\?\s*$",
)
FORMAL_DOC = rx(r"\bproposal\b", r"\border form\b", r"\bmutual action plan\b", r"\bMAP\b", r"\bstatement of work\b",
                 r"\bSOW\b", r"\bmsa\b", r"\bcontract\b", r"\bquote\b")  # fmt: skip

SIGNED = rx(
    r"\b(?:signed|executed|countersigned)\b(?:\s+(?:the|our|in|it|via|on|today|this|a few))",
    r"\b(?:has|have|was|were|is|got|it's|it is)\s+(?:been\s+)?(?:fully\s+)?(?:signed|executed|countersigned)\b",
    r"\bsigned (?:in|via|through) docusign\b",
    r"^\s*signed\b",
    r"\bclosed!",
)
SIGNED_NOW = rx(
    r"\btoday\b",
    r"\bthis (?:morning|afternoon|evening)\b",
    r"\bminutes ago\b",
    r"\bjust now\b",
    r"\bjust\b",
    r"\border form\b",
    r"\bdocusign\b",
    r"\bcontract\b",
    r"\bcountersigned copy\b",
    r"\battached\b",
    r"^\s*signed\b",
    r"\bclosed\b",
    r"\byesterday\b",
)
NOT_SIGNED = rx(r"\bmany times\b", r"\bin the past\b", r"\bpreviously\b", r"\buntil\b", r"\bonce\b", r"\bbefore\b.{0,20}\bsign", r"\bwill\b", r"\bexpects?\b", r"\bif\b",
                 r"\bwhen\b", r"\bready to\b", r"\bcan sign\b", r"\bto be signed\b", r"\bnot (?:yet )?signed\b",
                 r"\bsigning off\b", r"\bsign off\b")  # fmt: skip

# Lines that must never reach the document: legal boilerplate, auto-replies, secrets (injected instructions:
# injection.py).
JUNK = rx(
    r"\bforward (?:this|the document|it) to\b",
    r"\bsend (?:this|the document|a copy|it) to\b",
    r"\bconfidential(?:ity)? notice\b",
    r"\bintended (?:solely |only )?"
    r"for\b",
    r"\bsole use\b",
    r"\bnotify the sender\b",
    r"\bdissemination\b",
    r"\bno liability\b",
    r"\bvirus",
    r"\bunsubscribe\b",
    r"\bout of (?:the )?office\b",
    r"\blimited access to email\b",
    r"\bno access to email\b",
    r"\bpassword\b",
    r"\bpasscode\b",
    r"\bcredentials?\b",
    r"\blogin:\s",
    r"\bnote to self\b",
    r"\binternal only\b",
    r"\bdeal desk\b",
    r"\bspif\b",
    r"\bcommission\b",
    r"\bquota\b",
    r"\bfloor (?:price|on this)\b",
    r"\bdiscount approval\b",
    r"\brefund \d+\s?%",
    r"\bprivileged\b",
    r"\bdial-in\b",
    r"\baccess code\b",
    r"\bmeeting id\b",
    r"\bzoom\.us\b",
    r"\bteams link\b",
    r"\boff the record\b",
    r"\bdo not repeat\b",
    r"\bnot for the handoff\b",
    r"\bintention exclusive\b",
    r"\bdestinataires? (?:désignés?|exclusifs?)\b",
    r"\bconfidentiel(?:le)?s?\b",
    r"\bausschließlich für den\b",
    r"\bvertraulich\w*\b",
    r"\bnicht weiter(?:geben|leiten)\b",
    r"\bdestinatario\b",
    r"\bconfidencial\w*\b",
)
GREETING = re.compile(
    r"^\s*(?:hi|hello|hey|dear|thanks|thank you|many thanks|best|regards|cheers|all|team|morning|good morning|"
    r"perfect|great|sounds good|okay|ok|got it|noted|yes|yeah|sure|works for me)\b[\w\s,.!-]{0,25}$",
    re.IGNORECASE,
)
# A heading that keeps what follows out of the document ("## INTERNAL - not for the handoff").
PRIVATE_HEADING = re.compile(
    r"^\s*(?:#+\s*|\*\*)?(?:internal\b|not for the handoff|off the record|private\b|do not share|intern\b|"
    r"nur intern|interne?\b|usage interne|solo interno|uso interno)",
    re.IGNORECASE,
)
HEADER_LINE = re.compile(r"^\s*(?:from|sent|to|cc|bcc|date|subject|reply-to|attendees|when|where|event)\s*:", re.I)

WHY_LEAD = re.compile(
    r"^(?:\w+,\s*)?(?:so\s+)?(?:why (?:this year|now|we're doing this)|here'?s why|the (?:real )?reason|timing (?:matters|is everything))\b",
    re.I,
)
# A label naming the vendor they chose, in any of the four languages ("Why Acme and not Beta:", "why us in Dana's words:",
# "Warum wir:", "Pourquoi X :"): its own sentence gives the reasons; the next often weighs the losers.
REASON_LABEL = re.compile(
    r"^\W*(?:why|warum|wieso|weshalb|pourquoi|por ?qu[ée])\s+(?:[^\W\d_][\w'’-]*\s*){1,6}[:—–]\s*\S", re.I
)
ANAPHOR = re.compile(
    r"^(?:\S+\s+){0,7}?(?:that|this|(?-i:it|It)|those|these|esa|ese|eso|esto|esta|este|esas|esos|cela|ça|cette|ces|ce chiffre|"
    r"das|diese[rsnm]?|dieses)\b",
    re.IGNORECASE,
)
NOTHING_YET = re.compile(
    r"^\s*(?:none|nothing|nope|no|n/a)\b[\s.,!-]*(?:yet|so far|really|that i know of|to add|here)?[\s.!]*$|"
    r"\bnothing (?:yet|to add|there|to report)\b|\bnot that i know of\b|\bit was just us\b|"
    r"\b(?:nothing (?:yet|to add|there)|leave (?:it|this) (?:open|empty|blank)|n/a|never came up|"
    r"not applicable|no idea yet|don'?t know yet)\b",
    re.IGNORECASE,
)
# Words a vendor's people say on a call; an unknown speaker who says them is on our side.
VENDOR_TALK = rx(
    r"\bour (?:connector|catalog|platform|product|alerting|solutions?|implementation|security team|soc ?2|roadmap|"
    r"customers|pricing|engineers?|support)\b",
    r"\bwe maintain\b",
    r"\bthat'?s on us\b",
    r"\blet me (?:show|share|walk)\b",
    r"\bunder our\b",
    r"\bwe'?d use\b",
    r"\bwe hear (?:it|that) a lot\b",
    r"\bin our connector\b",
    r"\bour sandbox\b",
)
