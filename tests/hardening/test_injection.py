"""Client text is inert everywhere it shows: HTML sections (reports and live views), charts and the PDF.

Every free-text field of every framework (and the client's profile and the text
columns of imported tables) is filled with hostile text; every section is
rendered; no payload may become markup, a formula or a crash.
"""
from __future__ import annotations

import shutil
import subprocess

import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from workbook import registry
from workbook.charts import png_bytes
from workbook.errors import InvalidInput, validated
from workbook.report import Part, render_page
from workbook.store import Profile, Store
from workbook.ui.base import Context

from .payloads import PAYLOADS, active_markup, example_docs, inject

#: Text columns of imported tables (table, columns) that reach sections.
TABLE_TEXT = {
    "nps": ("responses", ("segment", "respondent_id")),
    "clv": ("transactions", ("product", "customer_id")),
    "deal_qualification": ("pipeline", ("deal", "account", "owner", "ready_evidence", "willing_evidence",
                                        "able_evidence")),
}
FRAMEWORKS = sorted({fw for fw, _, _ in example_docs()})
RESULTS: dict[str, int] = {"payloads": 0, "fields": 0, "active": 0}


def _hostile_tables(store: Store, framework: str, client: str, payload: str) -> dict:
    module = registry.get(framework).module
    tables = {}
    for name, validator in getattr(module, "TABLES", {}).items():
        raw = store.load_table(client, framework, name)
        if raw is None:
            continue
        if framework in TABLE_TEXT and TABLE_TEXT[framework][0] == name:
            raw = raw.copy()
            for column in TABLE_TEXT[framework][1]:
                if column in raw.columns:
                    # a few distinct hostile values, each unique (ids must stay unique)
                    raw[column] = [f"{payload} {i % 3}" if column in ("segment", "product") else f"{payload} {i}"
                                   for i in range(len(raw))]
        tables[name] = validator(raw)
    for name in getattr(module, "RELATED", ()):
        if store.has(client, name):
            tables[name] = store.load(client, name, registry.get(name).module.Inputs)
    return tables


def _chart_texts(fig: Figure) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_text()]


def render_all(framework: str, client: str, payload: str, store: Store) -> tuple[list[str], list[str], int]:
    """(HTML of every section, problems found, fields filled) for one framework, client and payload."""
    fw = registry.get(framework)
    doc = dict(next(d for f, c, d in example_docs() if f == framework and c == client))
    hostile, changed, _ = inject(fw.module.Inputs, doc, payload)
    inputs = validated(fw.module.Inputs, hostile)
    tables = _hostile_tables(store, framework, client, payload)
    profile = Profile(name=f"{payload} Ltd", industry=payload, notes=payload)
    ctx = Context(client, profile, inputs, tables, fw.module.evaluate(inputs, tables))
    html, problems = [], []
    for name, renderer in fw.ui.SECTIONS.items():
        out = renderer(ctx)
        if isinstance(out, Figure):
            png_bytes(out)  # draws every text: a formula parser would fail here
            for text in _chart_texts(out):
                if "$" in text.get_text() and text.get_parse_math():
                    problems.append(f"{framework}.{name}: chart text {text.get_text()!r} would be typeset as maths")
        elif out:
            html.append(out)
            problems += [f"{framework}.{name}: {found}" for found in active_markup(out)]
    return html, problems, changed


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_hostile_text_stays_text_in_html_and_charts(framework, data_dir):
    store = Store(data_dir)
    client = next(c for f, c, _ in example_docs() if f == framework)
    problems = []
    for payload in PAYLOADS:
        _, found, changed = render_all(framework, client, payload, store)
        RESULTS["payloads"] += 1
        RESULTS["fields"] += changed
        problems += found
    assert problems == []
    # every framework with free text took the payloads somewhere (those without have table or profile text)
    assert RESULTS["fields"] > 0 or framework in TABLE_TEXT or framework == "growth_stages"


def test_control_characters_are_refused_with_a_clear_error():
    fw = registry.get("value_proposition")
    doc = next(d for f, _, d in example_docs() if f == "value_proposition")
    with pytest.raises(InvalidInput) as info:
        validated(fw.module.Inputs, {**doc, "offering": "bell\x07 nul\x00"})
    assert info.value.field == "offering" and "control characters" in info.value.allowed


def test_dollar_text_keeps_its_dollar_signs_in_charts(data_dir):
    """'Spend $1k-$5k' as a segment name is drawn as typed in the NPS chart."""
    store = Store(data_dir)
    fw = registry.get("nps")
    tables = _hostile_tables(store, "nps", "bluebird-coffee", "Spend $1k-$5k")
    inputs = store.load("bluebird-coffee", "nps", fw.module.Inputs)
    ctx = Context("bluebird-coffee", store.load_profile("bluebird-coffee"), inputs, tables,
                  fw.module.evaluate(inputs, tables))
    drawn = []
    for renderer in fw.ui.SECTIONS.values():
        out = renderer(ctx)
        if isinstance(out, Figure):
            png_bytes(out)
            drawn += [t.get_text() for t in _chart_texts(out)]
    assert any("Spend $1k-$5k" in t for t in drawn), drawn


def test_long_respondent_name_draws_the_sales_marketing_chart(data_dir):
    sm = registry.get("sales_marketing")
    doc = Store(data_dir).load("aurora-software", "sales_marketing", sm.module.Inputs).model_dump()
    doc["respondents"][0]["name"] = "N" * 100  # the longest name allowed
    inputs = validated(sm.module.Inputs, doc)
    ctx = Context("aurora-software", Profile(name="A"), inputs, {}, sm.module.evaluate(inputs, {}))
    for renderer in sm.ui.SECTIONS.values():
        out = renderer(ctx)
        if isinstance(out, Figure):
            assert png_bytes(out)[:4] == b"\x89PNG"


def test_report_page_escapes_the_profile():
    page = render_page(Profile(name=PAYLOADS[0], industry=PAYLOADS[2], notes=PAYLOADS[1]),
                       [Part("nps", PAYLOADS[1], "<p>x</p>")], PAYLOADS[3], cover=True)
    assert active_markup(page.split("</style>", 1)[1]) == []


@pytest.mark.skipif(shutil.which("chromium") is None or shutil.which("pdftotext") is None,
                    reason="needs Debian chromium and poppler-utils")
def test_pdf_shows_client_markup_as_text(data_dir, tmp_path):
    """One PDF of every framework's sections with hostile text: the payloads print as the characters typed."""
    from workbook.batch.pdf import PdfJob, print_pdfs

    store = Store(data_dir)
    parts = []
    for framework in FRAMEWORKS:
        client = next(c for f, c, _ in example_docs() if f == framework)
        for payload in PAYLOADS[:4]:
            html, problems, _ = render_all(framework, client, payload, store)
            assert problems == []
            parts.append(Part(framework, f"{framework} {payload}", "".join(html)))
    page = tmp_path / "hostile.html"
    page.write_text(render_page(Profile(name=PAYLOADS[0], industry=PAYLOADS[2]), parts, "Hostile text"), "utf-8")
    pdf = tmp_path / "hostile.pdf"
    assert print_pdfs([PdfJob("hostile", page, pdf, PAYLOADS[1])]) == []
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    for payload in PAYLOADS[:4]:
        assert payload in text, payload           # the markup is printed as the characters typed
    assert "bold</b>" in text                       # not turned into bold type
