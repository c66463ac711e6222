"""Quote grounding: the verifier (exact span of the source) against Citations (``cited_text`` of document blocks).

Run: ``.venv/bin/python bench/bench_quotes.py [CORPUS_DIR]`` (default ``../shared/corpus/deals``).
Takes every customer sentence of the corpus deals (mail from outside the seller's domain),
retypes it the ways a model does — case, typographic marks, folded whitespace, a dropped
full stop, a shorter span — and counterfeits it — one word changed, two pieces joined —
then asks ``find_span`` (agent/extract/base.py). Prints: how many retypings are grounded
to an exact span of the source, how many counterfeits get through, how long a stored
quote is next to what Citations would store (plain-text documents are cited by whole
sentences), and what a Citations pass would add per call: the API refuses citations
together with structured outputs, so it is a second request carrying the sources again.
Not for: a model's judgement (no model runs here).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from common import ROOT, print_table

from agent.extract.base import find_span
from mailflows.inbound.parse import parse_message

SELLER = "lumendata.example"
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"\u201c])")


def customer_bodies(corpus: Path) -> list[str]:
    bodies = []
    for eml in sorted(corpus.glob("*/inbox/*.eml")):
        for message in parse_message(eml.read_bytes()).messages:
            sender = message.sender.email if message.sender else ""
            if message.body.strip() and sender and not sender.lower().endswith(SELLER):
                bodies.append(message.body)
    return bodies


def retypings(sentence: str) -> dict[str, str]:
    words = sentence.split()
    middle = " ".join(words[len(words) // 5 : len(words) - len(words) // 5]) if len(words) > 6 else sentence
    plain = sentence.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"').replace("\u2014", "-")
    return {
        "exact": sentence,
        "lower case": sentence.lower(),
        "plain marks": plain,
        "folded whitespace": " ".join(sentence.split()),
        "no final stop": sentence.rstrip(".!?"),
        "shorter span": middle,
    }


def counterfeits(sentence: str, other: str) -> dict[str, str]:
    words = sentence.split()
    swapped = " ".join(words[:-2] + ["definitely", words[-1]]) if len(words) > 3 else sentence + " indeed"
    return {"one word changed": swapped, "two pieces joined": f"{sentence.rstrip('.')} ... {other}"}


def main(argv: list[str]) -> None:
    corpus = Path(argv[0]) if argv else ROOT.parent / "shared" / "corpus" / "deals"
    bodies = customer_bodies(corpus)
    grounded: dict[str, list[int]] = {}
    fooled: dict[str, list[int]] = {}
    stored_chars = cited_chars = spans = 0
    for body in bodies:
        sentences = [s.strip() for s in _SENTENCE.split(body) if len(s.split()) >= 5 and "\n" not in s.strip()]
        for n, sentence in enumerate(sentences):
            for kind, text in retypings(sentence).items():
                span = find_span(text, body)
                ok = span is not None and span in body
                grounded.setdefault(kind, [0, 0])[0] += ok
                grounded[kind][1] += 1
                if kind == "shorter span" and ok and span is not None:
                    stored_chars, cited_chars, spans = stored_chars + len(span), cited_chars + len(sentence), spans + 1
            other = sentences[(n + 1) % len(sentences)]
            for kind, text in counterfeits(sentence, other).items():
                through = find_span(text, body) is not None and other != sentence
                fooled.setdefault(kind, [0, 0])[0] += through
                fooled[kind][1] += 1
    rows = [[kind, f"{ok}/{total}", f"{ok / total:.3f}"] for kind, (ok, total) in grounded.items()]
    rows += [
        [f"counterfeit: {kind}", f"{bad}/{total} through", f"{bad / total:.3f}"]
        for kind, (bad, total) in fooled.items()
    ]
    print_table(
        f"Verifier on {len(bodies)} customer messages of {corpus}",
        ["retyping", "grounded to an exact span", "share"],
        rows,
        note="grounded = find_span returns a substring of the source, in the source's own characters",
    )
    body_tokens = sum(len(b) for b in bodies) // 4
    print(
        f"shorter spans: verifier stores {stored_chars / max(spans, 1):.0f} chars on average, Citations on plain-text "
        f"documents would store the whole sentence: {cited_chars / max(spans, 1):.0f} chars"
    )
    print(
        f"a Citations pass re-sends the sources: +{body_tokens:,} input tokens for this corpus (~chars/4), i.e. about "
        "+100% of the source tokens per batch, in a second request (citations and output_config.format are refused together)"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
