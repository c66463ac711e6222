"""The Claude extractor: the handoff document read out of the sources by Claude, via the anthropic SDK.

What it is for: the public names of the package —
``ClaudeExtractor`` (extractor.py: batches, fallbacks, provenance), ``output_schema``
(schema.py: the structured-output JSON schema), ``system_prompt`` (prompt.py: the
fenced prompts), ``build_request`` / ``generation_of`` (request.py: what each model
generation accepts), ``extraction_from_answer`` / ``settle_feelings`` (answer.py:
reading the answer), ``map_anthropic_error`` (calls.py: retries and errors) and the
bulk re-extraction through the Message Batches API (bulk.py).
Not for: choosing the extractor (agent/extract/__init__.py).
"""

from agent.extract.claude.answer import extraction_from_answer, settle_feelings
from agent.extract.claude.calls import map_anthropic_error
from agent.extract.claude.extractor import ClaudeExtractor
from agent.extract.claude.prompt import system_prompt
from agent.extract.claude.request import build_request, generation_of
from agent.extract.claude.schema import output_schema

__all__ = [
    "ClaudeExtractor",
    "build_request",
    "extraction_from_answer",
    "generation_of",
    "map_anthropic_error",
    "output_schema",
    "settle_feelings",
    "system_prompt",
]
