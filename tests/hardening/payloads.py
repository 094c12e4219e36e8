"""Hostile text and document helpers shared by the hardening tests."""
from __future__ import annotations

import copy
from html.parser import HTMLParser
from typing import Any, Iterator

from workbook import registry
from workbook.errors import InvalidInput, validated
from workbook.store import Store

#: Text a hostile (or unlucky) user may type into any field.
PAYLOADS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "</style><b>bold</b>",
    "[click](javascript:alert(1))",
    "Spend $1k-$5k $x$",
    "Basic $10/mo - Pro $30/mo",
    "\U0001F600 \u4ef7\u503c\u4e3b\u5f20 \u00e9",
    "tab\there, a\nline break, bell\x07 esc\x1b nul\x00 end",
)
DANGEROUS_TAGS = {"script", "img", "iframe", "object", "embed", "svg", "math", "style"}


class _Active(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in DANGEROUS_TAGS:
            self.found.append(f"<{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{name} attribute on <{tag}>")
            if name in ("href", "src") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: {name} on <{tag}>")
        self._stack.append(tag)

    def handle_endtag(self, tag):
        if tag == "style":
            self.found.append("</style> end tag")
        if self._stack and self._stack[-1] == tag:
            self._stack.pop()

    def handle_data(self, data):
        if self._stack and self._stack[-1] == "b" and data.strip() == "bold":
            self.found.append("<b>bold</b> formatting from client text")


def active_markup(html: str) -> list[str]:
    """Every piece of live markup in ``html`` that could only have come from a payload."""
    parser = _Active()
    parser.feed(html)
    parser.close()
    return parser.found


def example_docs() -> Iterator[tuple[str, str, dict]]:
    """(framework, client, saved document as a dict) for every framework each example client has."""
    import json

    from tests.conftest import DATA

    for fw in registry.REGISTRY:
        for client_dir in sorted((DATA / "clients").iterdir()):
            path = client_dir / f"{fw.name}.json"
            if path.is_file():
                doc = json.loads(path.read_text("utf-8"))
                doc.pop("_meta", None)
                yield fw.name, client_dir.name, doc


def string_paths(doc: Any, path: tuple = ()) -> Iterator[tuple]:
    """Paths of every string value in a JSON-like document."""
    if isinstance(doc, dict):
        for key, value in doc.items():
            yield from string_paths(value, path + (key,))
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            yield from string_paths(value, path + (i,))
    elif isinstance(doc, str):
        yield path


def set_at(doc: Any, path: tuple, value: Any) -> None:
    """Set the value at ``path`` (in place)."""
    for key in path[:-1]:
        doc = doc[key]
    doc[path[-1]] = value


def inject(model, doc: dict, payload: str) -> tuple[dict, int, int]:
    """``doc`` with every free-text field that accepts it set to ``payload`` (made unique per field).

    Returns
    -------
    (document, fields changed, fields that refused the payload with InvalidInput)
    """
    out = copy.deepcopy(doc)
    changed = refused = 0
    for n, path in enumerate(string_paths(doc)):
        if path and path[-1] == "schema_version":
            continue
        trial = copy.deepcopy(out)
        set_at(trial, path, f"{payload} {n}")
        try:
            validated(model, trial)
        except InvalidInput:
            refused += 1
            continue
        out = trial
        changed += 1
    return out, changed, refused


def store_for(data_dir) -> Store:
    return Store(data_dir)
