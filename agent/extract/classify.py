"""Sentence-level rules shared by the source reader and the reply reader: section scores, horizons, vendors.

What it is for: ``section_scores`` / ``classify`` (which sections a sentence speaks
to, from the cue phrases in cues.py), ``place`` (the one section a sentence goes to: the
classifier's probabilities with cues and headings as added evidence), ``horizon_of`` (90d / 6m / 1y),
``competitor_in`` (the alternative a sentence names, known or by its frame) and ``dedupe``. Pure functions of
text. Not for: deciding who said what (offline.py) or reading the rep's reply (answers.py).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import lru_cache

from agent.document import Extraction, Horizon, fold
from agent.extract import cues, lexicon
from agent.extract.rival_cues import HEARD_NEWS
from agent.extract.rivals import Rival, loss_reason, news_only, rival_in
from agent.extract.shapes import setup_fact, shape_sections
from agent.extract.units import Unit
from agent.merge import merge_items

HORIZONS: tuple[tuple[Horizon, re.Pattern[str]], ...] = (
    ("90d", re.compile(r"\b(?:90|ninety|60|30|neunzig|quatre-vingt-dix|noventa)[\s-]+(?:days?|tage[n]?|jours|días)\b|"
                       r"\b(?:three|3|drei|trois|tres)[\s-]+(?:months?|monate[n]?|mois|meses)\b|\bfirst quarter\b|\bq1\b|"
                       r"\bersten quartal\b|\bpremier trimestre\b|\bprimer trimestre\b", re.I)),
    ("6m", re.compile(r"\b(?:six|6|sechs|seis)[\s-]+(?:months?|monate[n]?|mois|meses)\b|\bhalf a year\b|\bhalbes jahr\b|"
                      r"\bend of (?:the )?(?:year|semester)\b|\bfall semester\b", re.I)),
    ("1y", re.compile(r"\b(?:a|one|1|first|within a) year\b|\b12 months\b|\bannual\b|\bnext (?:spring|year)\b|"
                      r"\byear one\b|\bfirst year\b|\brenewals?\b|\b(?:ein|einem|un|una|1)\s+(?:jahr|an|año)\b|"
                      r"\b(?:12|zwölf|douze|doce)\s+(?:monate[n]?|mois|meses)\b|\bjahresende\b|\bfin d'année\b|"
                      r"\bfin de año\b", re.I)),
)  # fmt: skip
CUE_WEIGHT = 0.4  # a cue phrase of the section adds this to the classifier's probability
SHAPE_WEIGHT = 0.2  # a sentence's shape (shapes.py) adds this on top: it says what the sentence does, not a word
HEADING_WEIGHT = 0.4  # so does a heading or lead-in above the sentence
# Below this the best section is too weak a guess to file (the best may also be "none"). Set on the 30 labelled
# deals of training/deals: 0.35 kept 727 of their 1,119 facts, 0.15 kept 764 at 1.17 items per fact (0.97 before);
# a sentence a careful reader lists is often one the classifier spreads over two or three sections.
MIN_CONFIDENCE = 0.15
# ... and a guess that weak must say something of its own: a short sentence without a number ("One more from
# Tomasz, after the contract.") is a lead-in or a courtesy more often than a fact
SURE_CONFIDENCE = 0.35
WEAK_MIN_WORDS = 9
DRIVER_SHAPE_WEIGHT = 0.35  # a reason to buy by its shape (shapes.DRIVER) adds this instead: see shape_weights
# a fact of the setup by its shape (shapes.setup_fact: sign-in, hosting, data access, kickoff, a person's share of
# time) adds this instead: the classifier, trained on whole sentences, reads a bare "SSO: Google Workspace." as nothing
SETUP_SHAPE_WEIGHT = 0.5
NO_HORIZON_PENALTY = 0.2  # a would-be success metric with no horizon and no goal word loses this much
ROLLOUT_PENALTY = 0.4  # and one that only says what goes live, and when, loses this much


section_scores = cues.section_scores


def substantive(text: str) -> bool:
    """Enough words (or a number) to tell the CSM something on its own."""
    return len(text.split()) >= 5 or bool(re.search(r"\d", text))


def telling(text: str) -> bool:
    """Substantive, or a short line that states a fact of the setup ("SSO: Google Workspace.", "we're all Entra ID.")."""
    return substantive(text) or setup_fact(text)


def shape_weights(text: str) -> dict[str, float]:
    """What a sentence's shape adds to its sections' scores beyond a cue phrase (``SHAPE_WEIGHT`` each).

    A reason said without "why" (a date to beat, a price inside the limit, a retiring expert) reads to the
    classifier like the worry or the pain it mentions: its shape is the stronger evidence (``DRIVER_SHAPE_WEIGHT``).
    """
    weights = {key: DRIVER_SHAPE_WEIGHT if key == "purchase_drivers" else SHAPE_WEIGHT for key in shape_sections(text)}
    if "implementation" in weights and setup_fact(text):
        weights["implementation"] = SETUP_SHAPE_WEIGHT
    return weights


def _risk_under_other_heading(unit: Unit) -> bool:
    """A sentence shaped as a risk under a heading over a paragraph of another section ("Timeline"): the heading
    says what the paragraph is about, the shape what this sentence does. A label on its own line still files it."""
    return unit.heading not in {None, "risks"} and not unit.labelled and "risks" in shape_sections(unit.text)


def classify(unit: Unit) -> list[str]:
    """The sections a unit belongs to: the best-scoring ones, with its heading as a strong hint."""
    if not telling(unit.text):
        return []
    scores = section_scores(unit.text)
    for key in shape_sections(unit.text):
        scores[key] += 2  # a sentence's shape (a condition and its cost, what was bought) counts like two cues
    if (
        unit.heading in scores
        and (unit.heading != "success_metrics" or cues.SUCCESS_MEASURE.search(unit.text))
        and not _risk_under_other_heading(unit)
    ):
        scores[unit.heading] += 2
    best = max(scores.values())
    if best < 1 or (unit.text.rstrip().endswith("?") and unit.heading is None):
        return []
    return [key for key, score in scores.items() if score == best or (score >= 2 and score >= best - 1)]


def place(unit: Unit, probs: dict[str, float], allowed: frozenset[str] | None = None) -> str | None:
    """The one section a sentence goes to, or None when it tells a CSM nothing (filler, meta-talk, logistics).

    ``probs`` is the classifier's read of the sentence (sectioner.py); cue phrases and the
    heading above it add evidence, so a sentence lands where its function and its words agree.
    ``allowed`` limits the choice (a customer's sentence is never the rep's perspective, and a
    promise is decided by commitments.py, not here); "none" is always a choice.
    """
    if not telling(unit.text) or HEARD_NEWS.search(unit.text) or lexicon.PRIVATE.search(unit.text):
        return None  # too short to say anything, news about another company heard in passing, or private life
    scores = {k: v for k, v in probs.items() if allowed is None or k in allowed or k == "none"}
    for key in classify(unit):
        scores[key] = scores.get(key, 0.0) + CUE_WEIGHT
    for key, extra in shape_weights(unit.text).items():
        if key in scores:
            scores[key] += extra
    if unit.heading in scores and not _risk_under_other_heading(unit):
        # a label on the sentence's own line ("Risk: ...", "Why us: ...") is the writer filing it: twice a heading;
        # a heading over a paragraph ("Timeline") says what it is about, and a freeze or a threat in it is a risk
        scores[unit.heading] += HEADING_WEIGHT * (2 if unit.labelled else 1)
    if not (cues.HORIZON_ANY.search(unit.text) or cues.SUCCESS_GOAL.search(unit.text)):
        # a success metric mostly says by when, or that it is the goal: without either it needs more evidence
        scores["success_metrics"] = scores.get("success_metrics", 0.0) - NO_HORIZON_PENALTY
    if cues.ROLLOUT.search(unit.text) and not cues.SUCCESS_MEASURE.search(unit.text):
        # "all sites live by the end of Q3, a pilot first" is the rollout plan, not a target to measure
        scores["success_metrics"] = scores.get("success_metrics", 0.0) - ROLLOUT_PENALTY
        if "implementation" in scores:
            scores["implementation"] += ROLLOUT_PENALTY
    if not cues.LATER.search(unit.text) and "expansion" not in shape_sections(unit.text):
        # an expansion is about later or maybe: a time to come, a condition, a wish; or it has growth's shape
        # (a sister company with the same trouble, a merger that adds branches)
        scores.pop("expansion", None)
    best = max(scores, key=lambda key: scores[key])
    short = len(unit.text.split()) < WEAK_MIN_WORDS and not re.search(r"\d", unit.text)
    weak = short and (scores[best] < SURE_CONFIDENCE or bool(lexicon.FORWARD_LEAD.search(unit.text)))
    if best == "none" or scores[best] < MIN_CONFIDENCE or weak:
        return None
    if unit.text.rstrip().endswith("?") and unit.heading is None:
        return None
    return best


def horizon_of(text: str) -> Horizon | None:
    for key, pattern in HORIZONS:
        if pattern.search(text):
            return key
    return None


@lru_cache(maxsize=64)
def competitor_names(extra: tuple[str, ...], ours: frozenset[str]) -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern for every known vendor name (longest first) and the canonical spelling of each."""
    names = [n for n in dict.fromkeys([*extra, *lexicon.COMPETITORS]) if fold(n).replace(" ", "") not in ours]
    names.sort(key=len, reverse=True)
    alternation = "|".join(re.escape(n) for n in names) or r"(?!x)x"
    return re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])", re.IGNORECASE), {fold(n): n for n in names}


def competitor_in(
    text: str,
    names: tuple[re.Pattern[str], dict[str, str]],
    configured: set[str],
    not_names: Collection[str] = (),
) -> str | None:
    found = rival_of(text, names, configured, not_names)
    return found.name if found else None


def rival_of(
    text: str,
    names: tuple[re.Pattern[str], dict[str, str]],
    configured: set[str],
    not_names: Collection[str] = (),
) -> Rival | None:
    """The alternative ``text`` weighs us against: a known vendor's name (kind "named"), or what the sentence
    does with one (rivals.py); None when the vendor is only news ("saw that Tallis got acquired")."""
    if news_only(text, not_names):
        return None
    pattern, canonical = names
    for match in pattern.finditer(text):
        key = fold(match.group(0))
        name = canonical.get(key, match.group(0))
        # a name that is also a word counts only capitalised as a name and next to a comparison
        if key in lexicon.WORD_NAMES and (match.group(0)[0].islower() or lexicon.NOT_THE_NAME.match(text, match.end())):
            continue  # "un tableau de bord quotidien": the word, not the vendor
        weak = key in lexicon.WEAK_COMPETITORS and key not in configured
        if weak and not (match.group(0)[0].isupper() and lexicon.COMPARISON.search(text)):
            continue
        # named and weighed ("we also evaluated Tableau", "Tableau was too expensive"): by what the sentence does
        framed = rival_in(text, not_names)
        return Rival(name, framed.kind if framed else "vendor" if loss_reason(text) else "named")
    return rival_in(text, not_names)


def dedupe(extraction: Extraction) -> None:
    for key in ("company_overview", "pain_points", "success_metrics", "purchase_drivers", "implementation",
                "competitive_context", "commitments", "expansion", "risks", "rep_perspective"):  # fmt: skip
        setattr(extraction.sections, key, merge_items([], extraction.sections.items(key)))
