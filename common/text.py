"""Turning user-written Markdown into safe HTML.

cmark-gfm (GitHub's fork of the CommonMark reference parser) runs in linear time on any input:
brackets, emphasis runs or deeply nested lists that made the former pure-Python parser take
seconds or raise RecursionError render in milliseconds (bench/markdown.py). Raw HTML in the
text is dropped by cmark and the result is cleaned by nh3 all the same.
"""

import re

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}

# User text sits inside a page that has its own h1 and (mostly) h2 sections: "#" in the
# text becomes an h3 unless a page says otherwise.
DEFAULT_HEADING_LEVEL = 3
_HEADING_TAG = re.compile(r"<(/?)h([1-6])\b")

# cmark nests as deep as the text asks ("> > > …" 50,000 times); the HTML sanitiser's cost
# grows with the square of the depth. Elements deeper than this are unwrapped (their text
# stays). cmark's output is well-formed and escapes "<" and ">" in text and attributes, so
# a scan over its tags is exact.
MAX_NESTING = 24
_TAG = re.compile(r"<(/?)([a-z][a-z0-9]*)\b[^>]*>")
_VOID_TAGS = {"br", "hr", "img", "input"}
# Most deep nesting comes from one line of container markers ("> > > …", "1. 1. 1. …").
# Cutting such runs before parsing (a regex without backtracking: every marker starts with
# a non-blank) leaves the exact scan above little to do.
_CONTAINER_MARKER = r"(?:>|[-+*][ \t]|\d{1,9}[.)][ \t])[ \t]*"
_MARKER_RUN = re.compile(
    rf"^([ \t]*(?:{_CONTAINER_MARKER}){{{MAX_NESTING}}})(?:{_CONTAINER_MARKER})+", re.MULTILINE
)


def _shift_headings(html: str, top_level: int) -> str:
    shift = top_level - 1

    def replace(match):
        level = min(int(match.group(2)) + shift, 6)
        return f"<{match.group(1)}h{level}"

    return _HEADING_TAG.sub(replace, html) if shift else html


def _limit_nesting(html: str, max_depth: int = MAX_NESTING) -> str:
    parts = []
    depth = 0
    position = 0
    for match in _TAG.finditer(html):
        closing, name = match.group(1), match.group(2)
        if name in _VOID_TAGS:
            continue
        if not closing:
            depth += 1
        if depth > max_depth:
            parts.append(html[position : match.start()])
            position = match.end()
        if closing:
            depth -= 1
    parts.append(html[position:])
    return "".join(parts)


def markdown_to_safe_html(text: str, *, heading_level: int = DEFAULT_HEADING_LEVEL) -> str:
    """Render Markdown and keep only harmless tags; scripts and event handlers are dropped.

    heading_level is the tag a top-level heading ("#") of the text becomes; deeper ones
    follow below it, none deeper than h6.
    """
    # A lone surrogate can't be encoded for the C parser; it becomes U+FFFD.
    text = (text or "").encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    text = _MARKER_RUN.sub(r"\1", text)
    html = cmarkgfm.github_flavored_markdown_to_html(text, options=Options.CMARK_OPT_VALIDATE_UTF8)
    html = _shift_headings(_limit_nesting(html), max(1, min(heading_level, 6)))
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
