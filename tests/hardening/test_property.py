"""Property-based: hostile documents and files get a clear refusal or a valid result, never anything else.

For every framework, hypothesis mutates a real saved document (numbers made
infinite or huge, dates decades away, names of spaces, wrong types, missing and
unknown keys, control characters); for every table import it writes hostile
CSV files (header only, ragged rows, overflowing amounts, repeated ids, dates
out of range). Each must either be refused with :class:`InvalidInput` naming
the field and what is allowed, leaving the data folder byte-identical, or be
saved and evaluate to a result whose headline is standard JSON.
"""
from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbook import registry
from workbook.errors import InvalidInput
from workbook.store import Store

from .payloads import example_docs

ROOT = Path(__file__).resolve().parents[2]
STATS: dict[str, int] = {"tried": 0, "refused": 0, "accepted": 0, "files_changed_on_refusal": 0}
EXAMPLES = int(os.environ.get("WORKBOOK_HOSTILE_EXAMPLES", "30"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

HOSTILE = st.sampled_from([
    float("inf"), float("-inf"), float("nan"), 1e308, -1e308, 10 ** 30, -1, 0, 2 ** 63, True, None,
    "", "   ", "\x00\x07", "2099-01-01", "1899-12-31", "<script>alert(1)</script>", "x" * 5000, [], {},
    "NaN", "Infinity", "-0", "1e400", [None], {"x": 1}, "\U0001F600\u4ef7", 3.5, "Sales",
])
VALUES = st.one_of(HOSTILE, st.text(max_size=12), st.integers(-10 ** 6, 10 ** 6),
                   st.floats(allow_nan=True, allow_infinity=True))
#: Hostile values of the same kind as the value they replace (most bad input is the right type, wrong value).
NUMBERS = st.sampled_from([float("inf"), float("-inf"), float("nan"), 1e308, -1e308, 1e16, 10 ** 30, -1, 0, 0.5,
                           2 ** 63, -(2 ** 63)])
TEXTS = st.sampled_from(["", "   ", "\t\n ", "\x00\x07", "2099-01-01", "1899-12-31", "x" * 5000, "NaN", "Infinity",
                         "<script>alert(1)</script>", "\U0001F600\u4ef7", "Sales", "Marketing", "2099-01", "-a"])


def value_for(data, current):
    """A hostile replacement: usually of the same kind as ``current``, sometimes anything."""
    if data.draw(st.integers(0, 9), label="kind") < 7:
        if isinstance(current, bool):
            return data.draw(st.sampled_from([None, 2, "yes", 0.5]))
        if isinstance(current, (int, float)):
            return data.draw(NUMBERS, label="number")
        if isinstance(current, str):
            return data.draw(TEXTS, label="text")
    return data.draw(VALUES, label="value")


@pytest.fixture(scope="module")
def workspace():
    folder = Path(tempfile.mkdtemp(prefix="wb-hostile-"))
    shutil.copytree(ROOT / "data", folder / "data", ignore=shutil.ignore_patterns(".lock"))
    yield folder / "data"
    if os.environ.get("WORKBOOK_HOSTILE_STATS"):
        previous = {}
        out = Path(os.environ["WORKBOOK_HOSTILE_STATS"])
        if out.is_file():
            previous = json.loads(out.read_text())
        out.write_text(json.dumps({k: previous.get(k, 0) + v for k, v in STATS.items()}))
    shutil.rmtree(folder, ignore_errors=True)


def fingerprint(folder: Path) -> dict[str, str]:
    """Content hash of every file under ``folder`` (lock files aside)."""
    return {str(p.relative_to(folder)): hashlib.sha1(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != ".lock"}


def paths(doc, prefix=()):
    yield prefix
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from paths(v, prefix + (k,))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from paths(v, prefix + (i,))


def mutate(doc, path, action, value):
    if not path:
        return value if action == "replace" else doc
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    key = path[-1]
    if action == "replace":
        parent[key] = value
    elif action == "delete":
        del parent[key]
    elif action == "wrap":
        parent[key] = [parent[key]]
    elif action == "unknown" and isinstance(parent, dict):
        parent[f"unknown_{key}"] = value
    return doc


def check_refusal(exc: InvalidInput) -> None:
    assert exc.problems
    for p in exc.problems:
        assert isinstance(p.field, str) and p.field.strip(), exc
        assert isinstance(p.allowed, str) and p.allowed.strip(), exc
    assert "Traceback" not in str(exc)


def standard_json(headline: dict) -> None:
    json.dumps(headline, allow_nan=False)


def related_tables(store: Store, module, framework: str, client: str) -> dict:
    tables = {}
    for name, validator in getattr(module, "TABLES", {}).items():
        frame = store.load_table(client, framework, name, validator)
        if frame is not None:
            tables[name] = frame
    for name in getattr(module, "RELATED", ()):
        if store.has(client, name):
            tables[name] = store.load(client, name, registry.get(name).module.Inputs)
    return tables


DOCS = [(fw, client, doc) for fw, client, doc in example_docs() if fw != "summary"]
FIRST = {}
for _fw, _client, _doc in DOCS:
    FIRST.setdefault(_fw, (_client, _doc))


@pytest.mark.parametrize("framework", sorted(FIRST))
def test_hostile_documents_are_refused_clearly_or_evaluate(framework, workspace):
    module = registry.get(framework).module
    client, original = FIRST[framework]
    folder = workspace / "clients" / client
    store = Store(workspace)
    tables = related_tables(store, module, framework, client)

    @SETTINGS
    @given(data=st.data())
    def run(data):
        doc = copy.deepcopy(original)
        for _ in range(data.draw(st.integers(1, 3), label="mutations")):
            where = list(paths(doc))
            path = data.draw(st.sampled_from(where), label="path")
            action = data.draw(st.sampled_from(["replace", "replace", "replace", "delete", "wrap", "unknown"]))
            if not path and action != "replace":
                continue
            current = doc
            for key in path:
                current = current[key]
            doc = mutate(doc, path, action, value_for(data, current))
        STATS["tried"] += 1
        before = fingerprint(folder)
        try:
            saved = store.save(client, framework, module.Inputs, doc)
        except InvalidInput as exc:
            STATS["refused"] += 1
            check_refusal(exc)
            if fingerprint(folder) != before:
                STATS["files_changed_on_refusal"] += 1
            assert fingerprint(folder) == before
            try:  # evaluate called directly: a clear refusal too (or, for an empty document, the defaults)
                standard_json(module.headline(module.evaluate(doc, tables)))
            except InvalidInput as again:
                check_refusal(again)
            return
        STATS["accepted"] += 1
        raw = (folder / f"{framework}.json").read_text("utf-8")
        json.loads(raw, parse_constant=lambda c: pytest.fail(f"non-standard JSON {c} saved"))
        try:
            result = module.evaluate(saved, tables)
        except InvalidInput as exc:  # valid document the analysis cannot use with these tables: said clearly
            check_refusal(exc)
            return
        standard_json(module.headline(result))

    run()
    store.save(client, framework, module.Inputs, original)  # leave the example as it was for other tests


# -- table imports ------------------------------------------------------------------------

GOOD = {
    "transactions": {"customer_id": ["C1", "C2", "C3", "C1"], "date": ["2024-01-05", "2024-03-09", "2024-06-30"],
                     "amount": ["12.50", "99", "$1,200.00"], "product": ["Beans", "Mug", ""]},
    "responses": {"respondent_id": ["R1", "R2", "R3"], "date": ["2024-01-05", "2024-05-01", "2025-02-11"],
                  "segment": ["Retail", "Online", ""], "score": ["9", "10", "3", "7", ""]},
    "pipeline": {"deal": ["D1", "D2", "D3"], "account": ["Acme", "Globex"], "owner": ["Ann", ""],
                 "amount": ["48000", "$12,500", "0"], "close_month": ["2025-06", "2025-09-14"],
                 "probability": ["0.5", "60%", "1"], "ready": ["yes", "no"], "willing": ["y", "n"],
                 "able": ["true", "false"], "ready_evidence": ["budget", ""], "willing_evidence": [""],
                 "able_evidence": ["signed"]},
}
TABLE_OF = {"transactions": ("clv", "northwind-tools"), "responses": ("nps", "meridian-bank"),
            "pipeline": ("deal_qualification", "aurora-software")}
BAD_CELLS = st.sampled_from(["inf", "-inf", "nan", "1e308", "1e400", "-5", "", "   ", "2099-01-01", "1899-12-31",
                             "13", "abc", "<script>", "R1", "C1", "D1", "\x00", "\U0001F600", "9.5", "2024-13-45",
                             "=1+1", '"quoted, comma"', "0x10", "1_000"])


def csv_cell(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n') else text


@pytest.mark.parametrize("table", sorted(GOOD))
def test_hostile_table_files_are_refused_clearly_or_evaluate(table, workspace, tmp_path_factory):
    framework, client = TABLE_OF[table]
    module = registry.get(framework).module
    validator = module.TABLES[table]
    store = Store(workspace)
    folder = workspace / "clients" / client
    columns = list(GOOD[table])
    inputs = store.load(client, framework, module.Inputs) or module.Inputs()
    out_dir = tmp_path_factory.mktemp(f"hostile-{table}")
    saved_path = store.table_path(client, framework, table)
    original = saved_path.read_bytes()

    @SETTINGS
    @given(data=st.data())
    def run(data):
        header = list(columns)
        shape = data.draw(st.sampled_from(["good", "good", "good", "drop", "shuffle", "header_only", "ragged"]))
        if shape == "drop":
            header.pop(data.draw(st.integers(0, len(header) - 1)))
        elif shape == "shuffle":
            header = data.draw(st.permutations(header))
        n = 0 if shape == "header_only" else data.draw(st.integers(1, 8), label="rows")
        lines = [",".join(header)]
        for r in range(n):
            cells = []
            for c in header:
                if data.draw(st.integers(0, 9)) < 8:
                    pool = GOOD[table][c]
                    cell = pool[r % len(pool)]
                    if c in ("customer_id", "respondent_id", "deal") and table != "transactions":
                        cell = f"{cell}-{r}"
                else:
                    cell = data.draw(BAD_CELLS, label=f"cell {c}")
                cells.append(csv_cell(cell))
            if shape == "ragged" and r == n - 1:
                cells = cells[:-1] if data.draw(st.booleans()) else cells + ["extra"]
            lines.append(",".join(cells))
        source = out_dir / f"{table}.csv"
        source.write_text("\n".join(lines) + "\n", "utf-8")
        STATS["tried"] += 1
        before = fingerprint(folder)
        try:
            store.import_table(client, framework, table, source, None, validator)
        except InvalidInput as exc:
            STATS["refused"] += 1
            check_refusal(exc)
            if fingerprint(folder) != before:
                STATS["files_changed_on_refusal"] += 1
            assert fingerprint(folder) == before
            return
        STATS["accepted"] += 1
        tables = related_tables(store, module, framework, client)
        try:
            result = module.evaluate(inputs, tables)
        except InvalidInput as exc:
            check_refusal(exc)
            return
        standard_json(module.headline(result))

    try:
        run()
    finally:
        saved_path.write_bytes(original)
