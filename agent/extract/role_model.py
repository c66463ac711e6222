"""A role for a person no title, rep's word or cue places: a small model over what they do in the mail.

What it is for: ``role_read(said)`` reads a person's own words for a handful of acts —
talking money or signing, technical matters, objecting, using the thing day to day in their
own team, deciding, bringing colleagues in — counts each, and weighs the counts with a
softmax regression trained on labelled people (``data/role_rows.tsv``: counts and role only,
no text). It returns the role with their sentence that shows it, so the CSM sees why; a
person whose words show none of these acts gets nothing (no role is guessed from silence).
What others say of a person is roles.roles_shown's, not this model's: a sentence naming
someone carries everyone else's acts too. ``python -m
agent.extract.harvest training/deals --rows roles`` makes the rows (every reading of every
labelled person, through the evaluation loop) and ``python -m agent.extract.role_model``
retrains ``data/role_weights.json`` from them (``make models`` does both). Not for: titles
(people.ROLE_BY_TITLE), the rep's stated roles (roles.roles_said wins over this) or feelings.
"""

from __future__ import annotations

import json
import re
from contextvars import ContextVar
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from agent.document import Role
from agent.extract import sectioner
from agent.extract.lexicon import rx
from agent.extract.units import split_sentences

ROLES: tuple[Role, ...] = (
    "champion", "economic_buyer", "decision_maker", "technical_evaluator", "user", "blocker", "influencer",
)  # fmt: skip
# The acts a sentence shows, in English, German, French and Spanish. The role each act stands for is what the
# model learns; the act's name is only the role it is shown as evidence for.
ACTS: tuple[tuple[Role, re.Pattern[str]], ...] = (
    ("economic_buyer", rx(
        r"\bbudget\w*", r"\bpric(?:e|es|ing)\b", r"\bcosts?\b", r"\bdiscount\w*", r"\binvoic\w*", r"\bpayment\w*",
        r"\bi(?:'ll| will) sign\b", r"\bsign (?:it|the contract|off)\b", r"\bfixed (?:price|fee)\b", r"\bcurrency\b",
        r"\bpreis\w*", r"\bkosten\b", r"\bunterschreib\w*", r"\bfestpreis\b", r"\brabatt\w*",
        r"\bprix\b", r"\bco[uû]ts?\b", r"\bje signe\b", r"\bsignerai\b", r"\btarif\w*", r"\bremise\b",
        r"\bpresupuest\w*", r"\bprecios?\b", r"\bcostos?\b", r"\bfirmo\b", r"\bfirmar[eé]\b", r"\bdescuento\w*",
    )),
    ("technical_evaluator", rx(
        r"\bapis?\b", r"\bsso\b", r"\bsaml\b", r"\boidc\b", r"\bscim\b", r"\bintegrat\w*", r"\bintegraci\w*",
        r"\bschnittstelle\w*", r"\bconnectors?\b", r"\bkonnektor\w*", r"\bconnecteur\w*", r"\bconector\w*",
        r"\bdata ?(?:warehouse|lake)\b", r"\bdwh\b", r"\bsnowflake\b", r"\bbigquery\b", r"\bdatabricks\b", r"\bazure\b",
        r"\baws\b", r"\bencrypt\w*", r"\bmfa\b", r"\bendpoint\w*", r"\btenant\b", r"\bvpn\b", r"\bfirewall\b",
        r"\bschema\w*", r"\bexport(?:s|e|en)?\b", r"\bdatabase\w*", r"\bdatenbank\w*", r"\bbase de (?:datos|données)\b",
        r"\barchitect\w*", r"\barquitectura\b", r"\bsandbox\b", r"\bpen ?test\w*", r"\bversion \d",
    )),
    ("blocker", rx(
        r"\bi (?:will|won'?t|am not going to|do not|don'?t) (?:accept|allow|support|agree)\b", r"\bnot comfortable\b",
        r"\bconcern\w*", r"\bworr(?:y|ied)\b", r"\bmy (?:default|first) answer\b", r"\bwhy (?:another|a new|would we)\b",
        r"\bi'?m (?:out|against)\b", r"\bnot convinced\b", r"\bskeptic\w*", r"\bsceptic\w*", r"\bobject\w*",
        r"\bnicht zulassen\b", r"\bbin ich raus\b", r"\bbedenken\b", r"\bskepti\w*", r"\bdagegen\b", r"\babgelehnt\b",
        r"\bje refuse\b", r"\bpas question\b", r"\binquiet\w*", r"\bréserves?\b", r"\bje m'oppose\b", r"\bopposé\w*",
        r"\bno aceptar\w*", r"\bpreocupaci[oó]n\w*", r"\bno veo por qu[eé]\b", r"\bme opongo\b", r"\ben contra\b",
    )),
    ("user", rx(
        r"\bmy (?:team|crew|lads|guys|people|technicians|drivers|planners|staff|shift)\b", r"\bour (?:crew|shift|drivers)\b",
        r"\b(?:night|day|early|late)s?[- ]shifts?\b", r"\bon nights\b", r"\bevery (?:day|morning|shift)\b", r"\bdaily\b",
        r"\bday[- ]to[- ]day\b", r"\bby (?:\d{1,2} ?(?:am|h)|the morning)\b", r"\bhands[- ]on\b", r"\bhad a (?:proper )?go\b",
        r"\bmein(?:e)? (?:team|leute|mitarbeiter\w*|disponent\w*|techniker\w*)\b", r"\bschicht\w*", r"\btäglich\b",
        r"\bjeden (?:tag|morgen)\b", r"\bmes (?:équipes?|gars|techniciens|préparateurs|agents|conseillers)\b",
        r"\bau quotidien\b", r"\btous les (?:jours|matins)\b", r"\bmis (?:técnicos|choferes|conductores|operarios|asesores)\b",
        r"\bmi (?:equipo|gente|cuadrilla|turno)\b", r"\bturnos?\b", r"\ba diario\b", r"\btodos los d[ií]as\b",
    )),
    ("decision_maker", rx(
        r"\bour strategy\b", r"\bi(?:'ve| have)? decided\b", r"\bi (?:will |'ll )?decide\b", r"\bmy (?:decision|call)\b",
        r"\bthe board\b", r"\bdirectors\b", r"\bsigned\b", r"\bi want\b",
        r"\bstrategie\b", r"\b(?:ich )?entscheide\b", r"\bvorstand\b", r"\bich will\b",
        r"\bstratégie\b", r"\bje (?:décide|veux)\b", r"\bconseil\b",
        r"\bestrategia\b", r"\b(?:yo )?decido\b", r"\bjunta\b", r"\bconsejo\b", r"\bquiero\b",
    )),
    ("champion", rx(
        r"\b(?:adding|looping in|copying|cc'?ing|bringing in)\b", r"\bfor context\b", r"\bon our side\b",
        r"\binternally\b", r"\bi(?:'ll| will) (?:push|set up|arrange|get|make sure)\b", r"\bcount on me\b",
        r"\bich (?:kümmere mich|nehme .{0,20} dazu|setze .{0,20} in kopie)\b", r"\bintern\b",
        r"\bje mets .{0,20} en copie\b", r"\ben interne\b", r"\bcompter sur moi\b",
        r"\ble(?:s)? comparto\b", r"\bcopio a\b", r"\binternamente\b", r"\bcontar conmigo\b", r"\bcontexto\b",
    )),
)  # fmt: skip
CAP = 3  # an act said a fourth time tells nothing the third did not
EPOCHS = 600
L2 = 1e-2
WEIGHTS_FILE = "role_weights.json"
ROWS_FILE = "role_rows.tsv"
# Every reading's (address, their own words) while harvest.model_rows builds the training rows; None in the service.
READINGS: ContextVar[list[tuple[str, str]] | None] = ContextVar("role_readings", default=None)


def act_counts(text: str) -> list[int]:
    """How many sentences of ``text`` show each act (ACTS order)."""
    sentences = split_sentences(text) if text.strip() else []
    return [sum(1 for s in sentences if pattern.search(s)) for _, pattern in ACTS]


def note_reading(email: str, said: str) -> None:
    """One person's own words as one reading placed them (kept only while harvest.model_rows records)."""
    if (log := READINGS.get()) is not None:
        log.append((email, said))


def features(said: str) -> list[float]:
    """Their own acts, each capped and scaled to [0, 1], and a bias."""
    return [*(min(c, CAP) / CAP for c in act_counts(said)), 1.0]


def fit(rows: list[list[float]], labels: list[int]) -> np.ndarray:
    """The softmax regression on the rows (sectioner.fit: deterministic, every role weighing the same)."""
    return sectioner.fit(np.asarray(rows, dtype=np.float64), labels, len(ROLES), l2=L2, epochs=EPOCHS)


def read_rows(text: str) -> tuple[list[list[float]], list[int]]:
    """(feature rows, role indexes) of a rows file: ``role<TAB>f1<TAB>f2 …`` per line, ``#`` for comments."""
    rows, labels = [], []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        role, *values = line.split("\t")
        if role in ROLES:
            rows.append([float(v) for v in values])
            labels.append(ROLES.index(role))  # type: ignore[arg-type]
    return rows, labels


@lru_cache(maxsize=1)
def _weights() -> np.ndarray:
    data = resources.files("agent.extract") / "data" / WEIGHTS_FILE
    return np.asarray(json.loads(data.read_text(encoding="utf-8"))["weights"], dtype=np.float64)


def role_read(said: str, weights: np.ndarray | None = None) -> tuple[Role, str] | None:
    """The role what a person does in their own words shows, with their sentence that shows it, or None.

    Only a role whose act appears in their words is given, so the sentence shown to the CSM is the
    reason; silence gives None."""
    x = np.asarray(features(said))
    if not x[:-1].any():
        return None
    probs = sectioner.softmax(x @ (_weights() if weights is None else weights))
    sentences = split_sentences(said)
    acts = dict(ACTS)
    for index in np.argsort(-probs, kind="stable"):
        act = acts.get(ROLES[int(index)])
        shown = next((s for s in sentences if act.search(s)), None) if act is not None else None
        if shown:
            return ROLES[int(index)], shown.strip()
    return None


def rebuild_weights(path: Path | None = None) -> Path:
    """Fit on ``data/role_rows.tsv`` and write ``data/role_weights.json`` (``python -m agent.extract.role_model``)."""
    folder = Path(__file__).with_name("data")
    rows, labels = read_rows((folder / ROWS_FILE).read_text(encoding="utf-8"))
    target = path or folder / WEIGHTS_FILE
    weights = np.round(fit(rows, labels), 4).tolist()
    target.write_text(json.dumps({"roles": list(ROLES), "weights": weights}) + "\n", encoding="utf-8")
    return target


__all__ = [
    "ACTS", "READINGS", "ROLES", "act_counts", "features", "fit", "note_reading", "read_rows", "rebuild_weights",
    "role_read",
]  # fmt: skip

if __name__ == "__main__":
    print(f"wrote {rebuild_weights()}")
