"""The question bank: what a draft asks the rep, specific to what the document lacks.

What it is for: ``questions_for`` (specific questions for missing or thin sections —
titles of the people named, the success horizons not covered, the integrations to
plan — then the rep-perspective ones) and ``questions_from_account`` (the questions
the last draft asked, which the rep's numbered answers refer to). Used by the draft
(agent/delivery.py) and by reading a reply (agent/conversation.py). Not for: reading
the answers (the extractors' ``read_answers``).
"""

from __future__ import annotations

import gettext
import re

from agent.document import HORIZON_LABELS, N_, SENTIMENT_LABELS, HandoffDocument, Stakeholder
from agent.extract.answers import read_by_rep
from agent.extract.base import Question
from agent.wording import translations
from db.models import Account

_KNOWN_TECH = (
    "Salesforce",
    "HubSpot",
    "NetSuite",
    "SAP",
    "Oracle",
    "Workday",
    "Snowflake",
    "BigQuery",
    "Redshift",
    "Databricks",
    "Okta",
    "Azure AD",
    "Entra",
    "Shopify",
    "Zendesk",
    "Jira",
    "Slack",
    "Teams",
    "Epic",
    "Cerner",
    "McLeod",
    "Samsara",
    "Marketo",
    "Dynamics",
    "SharePoint",
    "Power BI",
    "Tableau",
    "Looker",
)

REP_QUESTIONS = [
    N_("Who really makes the decision, and how does that differ from the official buyer?"),
    N_("What internal politics should the CSM know about (allies, skeptics, people to keep in the loop)?"),
    N_("How strong is the champion, and is their position secure?"),
    N_("Any personal details that help the relationship (interests, career goals, how they like to work)?"),
    N_("How strategically important is this account to us, and why?"),
    N_("Are there budget limits the CSM should know before talking expansion?"),
]


def _mentioned_tech(doc: HandoffDocument) -> list[str]:
    text = " ".join(
        i.text for key in ("implementation", "purchase_drivers", "pain_points") for i in doc.sections.items(key)
    )
    return [t for t in _KNOWN_TECH if re.search(rf"\b{re.escape(t)}\b", text)]


def questions_for(doc: HandoffDocument, account: Account) -> list[Question]:
    """Specific questions for missing or thin sections, then the rep-perspective ones, in the document's language."""
    s = doc.sections
    tr = translations(doc.language)
    _ = tr.gettext
    asks: list[tuple[str, str]] = []
    company = {"company": doc.account.name}
    if not s.company_overview:
        asks.append(
            (
                "company_overview",
                _("What does %(company)s do, and roughly how big is it (people, sites, revenue)?") % company,
            )
        )
    if not s.stakeholders:
        asks.append(
            (
                "stakeholders",
                _("Who are the people at %(company)s the CSM will work with, and what are their roles?") % company,
            )
        )
    else:
        no_title = [p.name for p in s.stakeholders if not p.title][:3]
        if no_title:
            asks.append(("stakeholders", _("What are the titles of %(names)s?") % {"names": ", ".join(no_title)}))
        # once the rep has given their own read on the people, the question has its answer: not asked again
        if not any(read_by_rep(p) for p in s.stakeholders):
            asks.append(("stakeholders", _sentiment_question(s.stakeholders, tr)))
    if not s.pain_points:
        asks.append(
            ("pain_points", _("What problem made %(company)s start looking — what was it costing them?") % company)
        )
    if not s.success_metrics:
        asks.append(
            (
                "success_metrics",
                _("How will the customer measure success at 90 days, 6 months and 1 year (numbers if you have them)?"),
            )
        )
    else:
        have = {i.horizon for i in s.success_metrics}
        gaps = [h for h in ("90d", "6m", "1y") if h not in have]
        if gaps:
            spans = _(" and ").join(_(HORIZON_LABELS[g]) for g in gaps)
            asks.append(("success_metrics", _("What does success look like at %(spans)s?") % {"spans": spans}))
    if not s.purchase_drivers:
        asks.append(("purchase_drivers", _("Why did they buy now, and why us?")))
    tech = _mentioned_tech(doc)
    if not s.implementation:
        asks.append(
            (
                "implementation",
                _(
                    "What is the implementation timeline, who on their side does the work, and which systems must we "
                    "integrate with?"
                ),
            )
        )
    elif tech:
        named = ", ".join(tech[:-1]) + _(" and ") + tech[-1] if len(tech) > 1 else tech[0]
        asks.append(
            (
                "implementation",
                _("You mention %(systems)s — are there other integrations the CSM must plan for?") % {"systems": named},
            )
        )
    if not s.competitive_context:
        asks.append(
            (
                "competitive_context",
                _("Which alternatives did they consider (including doing nothing or building it), and why did we win?"),
            )
        )
    if not s.commitments:
        asks.append(
            ("commitments", _("Did we promise anything — dates, features, people, discounts — even in passing?"))
        )
    if not s.expansion:
        asks.append(
            ("expansion", _("Where could %(company)s grow with us (other teams, sites, products), and when?") % company)
        )
    if not s.risks:
        asks.append(("risks", _("What could make this account churn or stall (people, data, budget, timing)?")))
    if not account.csm_email:
        asks.append(("csm", _("Who should be the CSM? Reply with a line such as  CSM: Name <name@company.com>")))
    if not s.rep_perspective:
        asks.extend(("rep_perspective", _(q)) for q in REP_QUESTIONS)
    return [Question(n=i, section=section, text=text) for i, (section, text) in enumerate(asks, 1)]


def _sentiment_question(people: list[Stakeholder], tr: gettext.NullTranslations) -> str:
    """Ask the rep to confirm or correct the read in "How they feel", naming what was read."""
    _ = tr.gettext
    read = [
        f"{p.name.split(' ')[0]} {_(SENTIMENT_LABELS.get(p.sentiment, p.sentiment))}"
        for p in people
        if p.sentiment != "unknown"
    ][:5]
    unread = [p.name.split(" ")[0] for p in people if p.sentiment == "unknown"][:4]
    parts = []
    if read:
        parts.append(
            _("From the mail I read %(reads)s: is that right, or how do they really feel?") % {"reads": ", ".join(read)}
        )
    if unread:
        parts.append(
            _("How do %(names)s feel about the purchase (keen, on board, doubtful)?") % {"names": ", ".join(unread)}
        )
    return " ".join(parts)


def questions_from_account(account: Account) -> list[Question]:
    return [Question(**q) for q in account.questions]
