"""What the real Messages API refuses, per model generation, for the fake on loopback to refuse alike.

What it is for: ``MODELS`` (the generations the fake knows: Sonnet 5.5, the current one;
Sonnet 5, the one before; Sonnet 4.6 and Haiku 4.5 for older shapes) and
``refusal(request)``, which answers a request body the way the API does: a 400
``invalid_request_error`` for sampling parameters, assistant prefill, thinking budgets,
``thinking: {"type": "disabled"}`` and forced tool choice where the generation refuses
them, for effort levels and output limits a model lacks, for citations next to
structured outputs, and for JSON schemas structured outputs cannot compile; a 404 for
an unknown model. Messages are the API's own wording where it is published.
Not for: answering (anthropic_server.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ALL_EFFORTS = ("low", "medium", "high", "xhigh", "max")


@dataclass(frozen=True, slots=True)
class Rules:
    thinking_by_default: bool
    thinking_types: frozenset[str]
    efforts: tuple[str, ...]
    sampling: bool  # non-default temperature / top_p / top_k accepted
    prefill: bool
    forced_tool: str  # "yes" (without thinking), "never"
    max_output_tokens: int
    thinking_text_shown: bool  # display defaults to summarized (True) or omitted (False)


MODELS: dict[str, Rules] = {
    "claude-sonnet-5-5": Rules(
        True, frozenset({"adaptive", "between_tools"}), ALL_EFFORTS, False, False, "never", 128_000, False
    ),
    "claude-sonnet-5": Rules(True, frozenset({"adaptive", "disabled"}), ALL_EFFORTS, False, False, "yes", 128_000, False),
    "claude-sonnet-4-6": Rules(
        False, frozenset({"enabled", "adaptive", "disabled"}), ("low", "medium", "high", "max"), True, False, "yes",
        64_000, True,
    ),
    "claude-haiku-4-5": Rules(False, frozenset({"enabled", "disabled"}), (), True, True, "yes", 64_000, True),
}  # fmt: skip

_UNSUPPORTED_KEYWORDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength",
                         "maxLength", "maxItems", "uniqueItems", "patternProperties", "minProperties", "maxProperties")  # fmt: skip
OPTIONAL_LIMIT = 24
UNION_LIMIT = 16

Refusal = tuple[int, str, str]


def _bad(message: str) -> Refusal:
    return 400, "invalid_request_error", message


def thinking_on(request: dict[str, Any], rules: Rules) -> bool:
    kind = (request.get("thinking") or {}).get("type")
    if kind is None:
        return rules.thinking_by_default
    return kind in ("adaptive", "enabled")


def _schema_problem(node: Any, path: str, counts: dict[str, int]) -> str | None:
    if isinstance(node, list):
        for n, value in enumerate(node):
            problem = _schema_problem(value, f"{path}.{n}", counts)
            if problem:
                return problem
        return None
    if not isinstance(node, dict):
        return None
    kind = node.get("type")
    if isinstance(kind, list) or "anyOf" in node or "oneOf" in node:
        counts["unions"] += 1
    for keyword in _UNSUPPORTED_KEYWORDS:
        if keyword in node:
            return f"{path}: For '{kind}' type, property '{keyword}' is not supported"
    if kind == "array" and node.get("minItems", 0) not in (0, 1):
        return f"{path}: For 'array' type, 'minItems' values other than 0 and 1 are not supported"
    if kind == "object":
        if node.get("additionalProperties") is not False:
            return f"{path}: For 'object' type, 'additionalProperties' must be explicitly set to false"
        properties = node.get("properties", {})
        counts["optional"] += len(set(properties) - set(node.get("required", [])))
        for name, sub in properties.items():
            problem = _schema_problem(sub, f"{path}.properties.{name}", counts)
            if problem:
                return problem
    for key in ("items", "anyOf", "allOf", "$defs"):
        if key in node:
            value = node[key]
            problem = _schema_problem(list(value.values()) if key == "$defs" else value, f"{path}.{key}", counts)
            if problem:
                return problem
    return None


def schema_problem(schema: Any) -> str | None:
    """Why structured outputs cannot take this schema, in the API's words; None when it can."""
    counts = {"optional": 0, "unions": 0}
    problem = _schema_problem(schema, "output_config.format.schema", counts)
    if problem:
        return problem
    if counts["optional"] > OPTIONAL_LIMIT:
        return (
            f"Schemas contains too many optional parameters ({counts['optional']}), which would make grammar "
            f"compilation inefficient. Reduce the number of optional parameters in your tool schemas "
            f"(limit: {OPTIONAL_LIMIT})."
        )
    if counts["unions"] > UNION_LIMIT:
        return (
            f"Schemas contains too many parameters with union types ({counts['unions']}), which would make grammar "
            f"compilation inefficient. Reduce the number of parameters with union types (limit: {UNION_LIMIT})."
        )
    return None


def _has_citations(request: dict[str, Any]) -> bool:
    for message in request.get("messages", []):
        content = message.get("content")
        for block in content if isinstance(content, list) else []:
            if isinstance(block, dict) and (block.get("citations") or {}).get("enabled"):
                return True
    return False


def _limits(request: dict[str, Any], rules: Rules, counting: bool) -> Refusal | None:
    model = request["model"]
    if not counting:
        max_tokens = request.get("max_tokens")
        if not isinstance(max_tokens, int) or max_tokens < 1:
            return _bad("max_tokens: Field required")
        if max_tokens > rules.max_output_tokens:
            return _bad(
                f"max_tokens: {max_tokens} > {rules.max_output_tokens}, which is the maximum allowed number of "
                f"output tokens for {model}"
            )
    if not rules.sampling:
        for name, default in (("temperature", 1.0), ("top_p", 1.0), ("top_k", None)):
            if name in request and request[name] != default:
                return _bad(f"`{name}` is deprecated for this model.")
    messages = request.get("messages") or []
    if not messages:
        return _bad("messages: at least one message is required")
    if messages[-1].get("role") == "assistant" and not rules.prefill:
        return _bad("Prefilling assistant messages is not supported for this model.")
    return None


def _thinking(request: dict[str, Any], rules: Rules, counting: bool) -> Refusal | None:
    thinking = request.get("thinking") or {}
    kind = thinking.get("type")
    if kind is not None and kind not in rules.thinking_types:
        if kind == "disabled" and "between_tools" in rules.thinking_types:
            return _bad(
                '"thinking.type.disabled" is not supported for this model. Use "thinking.type.between_tools" '
                "to turn off up-front thinking."
            )
        if kind == "enabled":
            return _bad(
                '"thinking.type.enabled" is not supported for this model. Use "thinking.type.adaptive" and '
                '"output_config.effort" to control thinking behavior.'
            )
        return _bad(f'"thinking.type.{kind}" is not supported for this model.')
    if kind == "enabled":
        budget = thinking.get("budget_tokens")
        if not isinstance(budget, int) or budget < 1024 or (not counting and budget >= request["max_tokens"]):
            return _bad("thinking.budget_tokens: must be at least 1024 and less than max_tokens")
    return None


def _effort_and_tools(request: dict[str, Any], rules: Rules, counting: bool) -> Refusal | None:
    kind = (request.get("thinking") or {}).get("type")
    effort = (request.get("output_config") or {}).get("effort")
    if effort is not None:
        if not rules.efforts:
            return _bad("output_config.effort: effort is not supported for this model.")
        if effort not in rules.efforts:
            return _bad(f'output_config.effort: "{effort}" is not supported for this model.')
        if kind == "between_tools" and effort in ("xhigh", "max"):
            return _bad(f'thinking.type "between_tools" cannot be used with effort "{effort}"; use adaptive thinking.')
    choice = (request.get("tool_choice") or {}).get("type")
    if choice in ("tool", "any"):
        if rules.forced_tool == "never":
            return _bad('tool_choice: type "tool" and "any" are not supported for this model.')
        if thinking_on(request, rules):
            return _bad("Thinking may not be enabled when tool_choice forces tool use.")
    return None


def _output_format(request: dict[str, Any], rules: Rules, counting: bool) -> Refusal | None:
    output_format = (request.get("output_config") or {}).get("format")
    if output_format is None:
        return None
    if output_format.get("type") != "json_schema" or not isinstance(output_format.get("schema"), dict):
        return _bad('output_config.format: expected {"type": "json_schema", "schema": {...}}')
    if _has_citations(request):
        return _bad("Citations are not supported together with structured outputs (output_config.format).")
    problem = schema_problem(output_format["schema"])
    return _bad(problem) if problem else None


def refusal(request: dict[str, Any], *, counting: bool = False) -> Refusal | None:
    """The API's refusal of this request body, or None when the model accepts it."""
    model = str(request.get("model", ""))
    rules = MODELS.get(model)
    if rules is None:
        return 404, "not_found_error", f"model: {model}"
    for check in (_limits, _thinking, _effort_and_tools, _output_format):
        problem = check(request, rules, counting)
        if problem:
            return problem
    return None
