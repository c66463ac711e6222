"""HTML mail bodies to readable plain text, with hidden text dropped and reported.

What it is for: ``html_to_text`` turns the HTML a mail client wrote (Outlook Word
HTML, Gmail divs, Apple Mail blockquotes) into text the rest of the parser reads like
a plain-text body: paragraphs and ``<br>`` as line breaks, lists as "- item" / "1.
item", table rows as "cell | cell", ``<blockquote>`` as "> " quoting, and Outlook's
reply header (``div#divRplyFwdMsg``) opened by an "-----Original Message-----" line,
so the history below it is never read as the author's own text. Text a reader
cannot see (display:none, visibility:hidden, zero font size, white on white, mso-hide)
is dropped and named in the defects, because it is a known prompt-injection vector.
Not for: finding quoted history or signatures in the result (``quotes.py``,
``signatures.py``).
"""

from __future__ import annotations

import re
import warnings

from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

try:
    from bs4 import MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning
except ImportError:  # pragma: no cover - older bs4
    MarkupResemblesLocatorWarning = XMLParsedAsHTMLWarning = UserWarning  # type: ignore[misc,assignment]

SKIP_TAGS = frozenset({"script", "style", "head", "title", "meta", "noscript", "template", "xml", "svg", "object"})
BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "header",
        "footer",
        "main",
        "aside",
        "nav",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "pre",
        "address",
        "center",
        "form",
        "fieldset",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "caption",
        "hr",
        "body",
        "html",
        "figure",
    }
)
PARAGRAPH_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "table", "ul", "ol"})
WHITE = re.compile(r"^(?:#fff(?:fff)?|white|rgb\(\s*255\s*,\s*255\s*,\s*255\s*\))$", re.IGNORECASE)
ZERO_SIZE = re.compile(r"^0(?:\.0+)?(?:px|pt|em|rem|%)?$")
# A font too small to read is hidden too (a 1px white line is the usual vehicle of an injected instruction):
# at most 2 px or pt, a fifth of the surrounding size in em, rem or %
FONT_SIZE = re.compile(r"^(\d*\.?\d+)\s*(px|pt|em|rem|%)$")
UNREADABLE = {"px": 2.0, "pt": 2.0, "em": 0.2, "rem": 0.2, "%": 20.0}
MAX_DEPTH = 200
SOFT = "\x01"  # a block boundary: one line break, however many blocks meet there
PARA = "\x02"  # a paragraph boundary: one blank line
WS_CHARS = " \t\n\x01\x02"
INNER_SPACES_RE = re.compile(r"(?<=\S)[ \t]{2,}")
LAYOUT_SEPARATOR_RE = re.compile(r"\s*\|\s*(?=\x01)|(?<=\x01)\s*\|\s*")  # a cell separator next to a layout cell
BREAKS_RE = re.compile(r"[ \t]*[\x01\x02][\x01\x02 \t]*")
WS_RE = re.compile(r"[ \t\r\n\f]+")
EDGE_TAGS = BLOCK_TAGS | {"li", "tr", "td", "th", "p", "br", "blockquote", "hr"}
REPLY_HEADER_IDS = frozenset({"divrplyfwdmsg"})
ORIGINAL_MESSAGE = "-----Original Message-----"


def _next_to_block(node: NavigableString) -> bool:
    for sibling in (node.previous_sibling, node.next_sibling):
        if sibling is None or isinstance(sibling, Tag) and sibling.name in EDGE_TAGS:
            return True
    return False


def _style(tag: Tag) -> dict[str, str]:
    raw = tag.get("style")
    if not raw or not isinstance(raw, str):
        return {}
    out: dict[str, str] = {}
    for decl in raw.split(";"):
        key, sep, value = decl.partition(":")
        if sep:
            out[key.strip().lower()] = value.strip().lower().replace("!important", "").strip()
    return out


def _hidden_reason(tag: Tag, background_white: bool) -> str | None:
    if tag.has_attr("hidden") or tag.get("aria-hidden") == "true" and tag.name in ("div", "span", "p"):
        return "hidden attribute" if tag.has_attr("hidden") else "aria-hidden"
    style = _style(tag)
    if not style:
        return None
    if style.get("display") == "none":
        return "display:none"
    if style.get("visibility") == "hidden":
        return "visibility:hidden"
    if style.get("mso-hide") == "all":
        return "mso-hide:all"
    if "font-size" in style and ZERO_SIZE.match(style["font-size"]):
        return "zero font size"
    size = FONT_SIZE.match(style.get("font-size", ""))
    if size and float(size.group(1)) <= UNREADABLE[size.group(2)]:
        return "font too small to read"
    if style.get("opacity") and ZERO_SIZE.match(style["opacity"]):
        return "opacity:0"
    if (style.get("max-height") and ZERO_SIZE.match(style["max-height"])) and style.get("overflow") == "hidden":
        return "max-height:0"
    color = style.get("color", "")
    if color and WHITE.match(color):
        bg = style.get("background-color") or style.get("background") or ""
        if (not bg and background_white) or (bg and WHITE.match(bg.split()[0])):
            return "white text on white"
    return None


def _is_white_background(tag: Tag, inherited: bool) -> bool:
    style = _style(tag)
    bg = style.get("background-color") or style.get("background") or str(tag.get("bgcolor") or "")
    if not bg:
        return inherited
    return bool(WHITE.match(bg.split()[0]))


class _Renderer:
    def __init__(self) -> None:
        self.defects: list[str] = []
        self.hidden: list[str] = []

    def render(self, node: Tag, depth: int = 0, white_bg: bool = True) -> str:
        parts: list[str] = []
        ol_index = 0
        for child in node.children:
            if isinstance(child, (Comment, Declaration, Doctype, ProcessingInstruction)):
                continue
            if isinstance(child, NavigableString):
                value = str(child)
                if not value.strip() and "\n" in value and _next_to_block(child):
                    continue
                parts.append(WS_RE.sub(" ", value))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name.lower() if child.name else ""
            if name in SKIP_TAGS or ":" in name and name not in ("o:p",) and name.startswith(("v:", "w:", "m:")):
                continue
            reason = _hidden_reason(child, white_bg)
            if reason:
                text = child.get_text(" ", strip=True)
                if text:
                    self.hidden.append(text)
                    self.defects.append(f"hidden text dropped ({reason}): {text[:80]!r}")
                continue
            if name == "br":
                parts.append("\n")
                continue
            if name == "img":
                continue
            if depth > MAX_DEPTH:
                parts.append(child.get_text(" "))
                continue
            if str(child.get("id") or "").lower() in REPLY_HEADER_IDS:
                # Outlook's reply/forward header: whatever its labels' language, history starts here.
                parts.append(PARA + ORIGINAL_MESSAGE + PARA)
            bg = _is_white_background(child, white_bg)
            inner = self.render(child, depth + 1, bg)
            if name == "li":
                ol_index += 1
            parts.append(_wrap(name, child, inner, ol_index))
        return "".join(parts)


def _breaks(match: re.Match[str]) -> str:
    return "\n\n" if "\x02" in match.group() else "\n"


def _wrap(name: str, tag: Tag, inner: str, ol_index: int) -> str:
    """The text of one rendered element with the breaks its kind calls for."""
    if name == "li":
        parent = tag.parent.name if tag.parent is not None else "ul"
        marker = f"{ol_index}. " if parent == "ol" else "- "
        return SOFT + marker + inner.strip(WS_CHARS) + SOFT
    if name in ("td", "th"):
        if re.search(r"\S\s*[\n\x01\x02]+\s*\S", inner):
            # lines in a cell are a layout (a signature beside its logo: name, title, phone), not a table's value
            return SOFT + inner.strip(WS_CHARS) + SOFT
        return re.sub(r"\s*[\n\x01\x02]+\s*", " ", inner).strip() + " | "
    if name == "tr":
        row = LAYOUT_SEPARATOR_RE.sub(SOFT, inner.strip())
        return SOFT + (row[:-2].rstrip() if row.endswith(" |") else row) + SOFT
    if name == "blockquote":
        quoted = _tidy(inner)
        return PARA + "\n".join("> " + ln if ln else ">" for ln in quoted.split("\n")) + PARA
    if name == "pre":
        return PARA + tag.get_text() + PARA
    if name == "p":
        raw_cls: object = tag.get("class") or []
        cls = [raw_cls] if isinstance(raw_cls, str) else [str(c) for c in raw_cls] if isinstance(raw_cls, list) else []
        style = str(tag.get("style") or "").replace(" ", "")
        single = any(str(c).lower().startswith("mso") for c in cls) or "margin:0" in style
        return (SOFT if single else PARA) + inner + (SOFT if single else PARA)
    if name in PARAGRAPH_TAGS:
        return PARA + inner + PARA
    if name in BLOCK_TAGS or name == "hr":
        return SOFT + inner + SOFT
    return inner


def _tidy(text: str) -> str:
    text = BREAKS_RE.sub(_breaks, text)
    lines = [INNER_SPACES_RE.sub(" ", ln.strip(" \t")) for ln in text.replace("\u00a0", " ").split("\n")]
    out: list[str] = []
    blank = 0
    for ln in lines:
        if ln:
            blank = 0
            out.append(ln)
        else:
            blank += 1
            if blank == 1 and out:
                out.append("")
    return "\n".join(out).strip()


def html_to_text(html: str) -> tuple[str, list[str]]:
    """Render ``html`` as plain text; the defects name hidden text that was dropped."""
    if not html or not html.strip():
        return "", []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(html, "lxml")
    renderer = _Renderer()
    root = soup.body or soup
    text = renderer.render(root)
    return _tidy(text), renderer.defects
