"""What of the executive summary fits on its A4 page, and text that never stops the layout.

The summary prints on one A4 page: every framework's status, the overview
sentence and as many readings and actions as fit; whatever does not fit goes
on the page after it ("Executive summary, continued"). To know what fits, each
piece of text is wrapped into lines with the report font's own glyph widths
(DejaVu Sans, as matplotlib ships it; without kerning, so a little wider than
Chromium sets it) at the column widths and sizes of the ``#summary`` rules in
``templates/report.css``; the heights were measured in Chromium's print layout.
Change the two together.

Measuring never fails, whatever the text: :func:`visible` first turns control
characters into visible marks (the same text the page prints), and
:func:`char_em` gives every other character a width: its own where the font
has the glyph, a full em for wide East Asian characters, nothing for
combining marks and joiners, and an average letter (rounded up) for anything
else the font lacks.
"""
from __future__ import annotations

import functools
import logging
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..frameworks import summary as logic

log = logging.getLogger(__name__)

__all__ = ["PAGE_MM", "PageSplit", "char_em", "page_mm", "page_split", "text_lines", "visible"]

#: Height of the page's text area (A4 less 16 mm top and 18 mm bottom margins), less a reserve
#: for a client header that wraps.
PAGE_MM = 297 - 16 - 18 - 7
#: Title and intro, client header, three headings, the overall line, both table headers, the
#: plan's one-line intro and the edges of the three cards.
FIXED_MM = 90.0
#: Table text (9 pt, line-height 1.3): one line, and a row's padding and rule.
TABLE_PT, LINE_MM, ROW_MM = 9.0, 4.15, 1.1
#: Card text (9.5 pt, line-height 1.35): one line, and the space a paragraph or bullet adds.
TEXT_PT, TEXT_MM, GAP_MM = 9.5, 4.52, 0.7
_MM = 72 / 25.4  # points per millimetre
_PX = 72 / 96  # points per CSS pixel
#: Text widths in points: a card's inside (180 mm less 2 x 11 px), the status table's headline
#: column (less the 33 mm status column), the plan's action column (less priority 17 mm, owner
#: 33 mm, when 29 mm and, when shown, done 13 mm) and owner column, each less 10 px of padding.
CARD_PT = 180 * _MM - 22 * _PX
HEADLINE_PT = CARD_PT - 33 * _MM - 10 * _PX
ACTION_PT = CARD_PT - (17 + 33 + 29) * _MM - 10 * _PX
OWNER_PT = 33 * _MM - 10 * _PX
DONE_PT = 13 * _MM
BULLET_PT = CARD_PT - 1.1 * TEXT_PT
#: The workbook's allowance for a glyph the font lacks and that is not a wide East Asian one:
#: the font's average letter and digit, plus 15 % (the fallback font Chromium picks is unknown,
#: and guessing a little wide only moves a line to the next page, never off the bottom).
FALLBACK_MARGIN = 1.15
NO_RESULT_READING = "No pattern across frameworks stands out; each framework is read on its own page."

# -- text as printed --------------------------------------------------------------

#: Bidirectional embeddings, overrides and isolates: they would reorder the text around them.
_BIDI = {0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069}


def _mark(char: str) -> str:
    code = ord(char)
    if char in "\t\n\r\x0b\x0c\u2028\u2029\x85":
        return " "
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: U+0007 shows as a small "BEL"
    if code == 0x7F:
        return "\u2421"
    if 0xD800 <= code <= 0xDFFF:
        return "\ufffd"
    return f"[U+{code:04X}]"


_HIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff" + "".join(chr(c) for c in sorted(_BIDI)) + "]")


def visible(text: object) -> str:
    """``text`` as the summary prints it: control characters as visible marks, never hidden.

    Line breaks and tabs become spaces; other C0 controls their Control
    Pictures sign (U+0007 as U+2407); C1 controls and bidirectional overrides
    ``[U+202E]``; unpaired surrogates the replacement character. Everything
    else (emoji, CJK, accents, joiners) is kept as typed.
    """
    return _HIDDEN.sub(lambda m: _mark(m.group()), "" if text is None else str(text))


# -- measuring --------------------------------------------------------------------

@functools.lru_cache(maxsize=2)
def _font(bold: bool):
    """The report font at 100 pt and its character map, or None when it cannot be opened."""
    try:
        import matplotlib
        from matplotlib import ft2font

        name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
        font = ft2font.FT2Font(str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name))
        font.set_size(100, 72)
        return font, font.get_charmap()
    except Exception:  # noqa: BLE001 - measuring falls back to average widths, never fails
        log.warning("report font not found; the summary page is laid out with average widths", exc_info=True)
        return None


def _advance(bold: bool, char: str) -> float | None:
    found = _font(bold)
    if found is None:
        return None
    font, charmap = found
    index = charmap.get(ord(char))
    if not index:
        return None
    try:
        from matplotlib import ft2font

        flags = getattr(getattr(ft2font, "LoadFlags", None), "NO_HINTING", None)
        flags = ft2font.LOAD_NO_HINTING if flags is None else flags
        return font.load_glyph(index, flags).linearHoriAdvance / 65536 / 100
    except Exception:  # noqa: BLE001 - a damaged glyph: use the fallback width
        return None


@functools.lru_cache(maxsize=2)
def _average(bold: bool) -> float:
    widths = [_advance(bold, c) for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"]
    known = [w for w in widths if w]
    return FALLBACK_MARGIN * (sum(known) / len(known) if known else 0.62)


@functools.lru_cache(maxsize=4096)
def char_em(char: str, bold: bool = False) -> float:
    """Advance width of one character in ems; defined for every code point."""
    if unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0.0
    width = _advance(bold, char)
    if width is not None:
        return width
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    return _average(bold)


_BREAK_AFTER = re.compile(r"(?<=[-\u2013\u2014])(?=.)")  # a line may also break after a dash


_WIDE = re.compile("([\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef])")


def _parts(text: str) -> list[tuple[str, bool]]:
    """Pieces a line may break between, each with whether a space comes before it: words, parts
    after dashes, and each East Asian character (Chromium breaks between them without spaces)."""
    out = []
    for word in text.split():
        pieces = [p for part in _BREAK_AFTER.split(word) for p in _WIDE.split(part) if p]
        out.extend((piece, i == 0) for i, piece in enumerate(pieces))
    return out


def text_lines(text: str, width_pt: float, size_pt: float, bold: str = "") -> int:
    """Lines ``bold`` (in bold) followed by ``text`` take when wrapped to ``width_pt``."""
    lines, used = 1, 0.0
    for heavy, source in ((True, bold), (False, text)):
        for part, spaced in _parts(visible(source)):
            width = sum(char_em(c, heavy) for c in part) * size_pt
            space = char_em(" ", heavy) * size_pt if spaced else 0.0
            if used and used + space + width <= width_pt:
                used += space + width
                continue
            if used:
                lines += 1
            if width > width_pt:  # too long for a line: broken between letters, up to an em short of the edge
                full = math.ceil(width / max(width_pt - size_pt, size_pt)) - 1
                lines += full
                width -= full * (width_pt - size_pt)
            used = width
    return lines


def _text_mm(text: str, width_pt: float = CARD_PT, bold: str = "") -> float:
    return text_lines(text, width_pt, TEXT_PT, bold) * TEXT_MM + GAP_MM


def _action_mm(action: logic.Action, done: bool) -> float:
    width = ACTION_PT - (DONE_PT if done else 0)
    lines = max(text_lines(action.action, width, TABLE_PT), text_lines(action.owner or "-", OWNER_PT, TABLE_PT))
    return lines * LINE_MM + ROW_MM


def page_mm(result: logic.Result, readings: int, actions: int, note: bool) -> float:
    """Estimated height (mm) of the summary page showing the overview, ``readings`` more
    readings, the top ``actions`` actions and (``note``) the consultant's note."""
    overview, *rest = result.readings
    height = FIXED_MM + sum(text_lines(ln.summary, HEADLINE_PT, TABLE_PT, bold=f"{ln.title}.") * LINE_MM + ROW_MM
                            for ln in result.lines)
    height += _text_mm(overview.text) + sum(_text_mm(r.text, BULLET_PT) for r in rest[:readings])
    if not rest:
        height += _text_mm(NO_RESULT_READING)
    shown = result.ranked_plan[:actions]
    done = any(a.done for a in shown)
    height += sum(_action_mm(a, done) for a in shown)
    if len(rest) > readings or (result.note and not note):
        height += _text_mm("On the next page: 1 more reading and the consultant's note.")
    if len(result.plan) > actions:  # the intro says how many more are on the next page
        height += (text_lines("As agreed with the consultant, highest priority first; 40 more actions on the "
                              "next page.", CARD_PT, TEXT_PT) - 1) * TEXT_MM
    if note:
        height += _text_mm(result.note, bold="Consultant\u2019s note.")
    return height


@dataclass(frozen=True)
class PageSplit:
    """What prints on the summary page itself, and what on the page after it."""

    readings: tuple[logic.Reading, ...]  # the overview first
    more_readings: tuple[logic.Reading, ...]
    actions: tuple[logic.Action, ...]
    more_actions: tuple[logic.Action, ...]
    note: str  # the consultant's note on the summary page ...
    more_note: str  # ... or, when it is too long, on the next

    @property
    def has_more(self) -> bool:
        return bool(self.more_readings or self.more_actions or self.more_note)


#: The order in which readings (r) and actions (a) first claim the room left on the summary page
#: after the status table, the overview sentence and the top action; after it, the rest of the
#: actions and then the rest of the readings take what room is left.
FILL_ORDER = "raaraa"


def page_split(result: logic.Result) -> PageSplit:
    """Choose what fits on the summary page.

    Every framework's status line, the overview sentence and the top action
    (open ones first, by priority) always print. Then, in :data:`FILL_ORDER`
    and while :func:`page_mm` stays within :data:`PAGE_MM`, the next most
    important reading or action; then every further action and reading that
    still fits, so nothing moves to the next page while this one has room
    for it. A kind stops at its first item that does not fit (the order is
    kept). Last, the consultant's note when it fits.
    """
    limit = {"r": len(result.readings) - 1, "a": len(result.plan)}
    count = {"r": 0, "a": min(len(result.plan), 1)}
    for kind in FILL_ORDER + "a" * len(result.plan) + "r" * len(result.readings):
        if count[kind] >= limit[kind]:
            continue
        more = {**count, kind: count[kind] + 1}
        if page_mm(result, more["r"], more["a"], False) <= PAGE_MM:
            count = more
        else:
            limit[kind] = count[kind]
    readings, actions = count["r"], count["a"]
    note = bool(result.note) and page_mm(result, readings, actions, True) <= PAGE_MM
    ranked = result.ranked_plan
    return PageSplit(result.readings[:readings + 1], result.readings[readings + 1:], ranked[:actions],
                     ranked[actions:], result.note if note else "", "" if note else result.note)
