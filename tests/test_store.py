"""The client store: safe slugs, atomic saves, locks, history, validation before writing."""
from __future__ import annotations

import json
import multiprocessing as mp
import os
import subprocess
import sys
import textwrap

import pandas as pd
import pytest

from workbook.errors import ClientExists, InvalidInput, InvalidSlug, SchemaVersionError, UnknownClient
from workbook.frameworks import sales_marketing as sm
from workbook.store import Profile, Store, check_slug


@pytest.mark.parametrize("slug", ["", "..", "../etc", "a/b", "Acme", "acme_tools", "-acme", "acme-", "a--b",
                                  "acme tools", "a" * 65, None, 42, "acme\n"])
def test_unsafe_slugs_are_refused_with_what_is_allowed(slug, empty_data):
    with pytest.raises(InvalidSlug) as info:
        Store(empty_data).create_client(slug, {"name": "X"})
    assert info.value.field == "client"
    assert "lowercase letters" in info.value.allowed
    assert list((empty_data / "clients").iterdir()) == []


@pytest.mark.parametrize("slug", ["acme", "acme-tools", "a1", "3m-europe"])
def test_good_slugs(slug):
    assert check_slug(slug) == slug


def test_create_list_and_refuse_duplicates(empty_data):
    store = Store(empty_data)
    store.create_client("acme", {"name": "Acme", "revenue_usd": 1_000_000})
    assert store.list_clients() == ["acme"]
    assert store.load_profile("acme").revenue_usd == 1_000_000
    with pytest.raises(ClientExists):
        store.create_client("acme", {"name": "Acme again"})
    with pytest.raises(UnknownClient):
        store.load_profile("nobody")


def test_bad_profile_names_field_and_writes_nothing(empty_data):
    store = Store(empty_data)
    with pytest.raises(InvalidInput) as info:
        store.create_client("acme", {"name": "Acme", "revenue_usd": -5})
    assert info.value.field == "revenue_usd" and info.value.value == -5
    assert not (empty_data / "clients" / "acme" / "profile.json").exists()


def test_failed_save_leaves_the_saved_file_untouched(data_dir):
    store = Store(data_dir)
    path = data_dir / "clients" / "aurora-software" / "sales_marketing.json"
    before = path.read_bytes()
    doc = store.load("aurora-software", "sales_marketing", sm.Inputs).model_dump()
    doc["respondents"][0]["answers"][3] = 7
    with pytest.raises(InvalidInput) as info:
        store.save("aurora-software", "sales_marketing", sm.Inputs, doc)
    assert info.value.field == "respondents[0].answers[3]" and info.value.value == 7
    assert path.read_bytes() == before


CRASH = textwrap.dedent("""
    import os, sys
    from workbook.store import Store
    from workbook.frameworks import sales_marketing as sm
    store = Store(sys.argv[1])
    doc = store.load("aurora-software", "sales_marketing", sm.Inputs)
    doc.respondents[0].answers = [5] * 20
    real_fsync = os.fsync
    def crash(fd):
        os._exit(9)          # the power goes out after the bytes are written, before the rename
    os.fsync = crash
    store.save("aurora-software", "sales_marketing", sm.Inputs, doc)
""")


def test_crash_mid_write_keeps_the_previous_file(data_dir):
    path = data_dir / "clients" / "aurora-software" / "sales_marketing.json"
    before = path.read_bytes()
    proc = subprocess.run([sys.executable, "-c", CRASH, str(data_dir)], capture_output=True)
    assert proc.returncode == 9
    assert path.read_bytes() == before
    # The half-written temporary file is not mistaken for data.
    store = Store(data_dir)
    assert store.load("aurora-software", "sales_marketing", sm.Inputs).respondents[0].answers != [5] * 20


def _add_respondents(data_dir: str, prefix: str, count: int) -> None:
    store = Store(data_dir)
    for i in range(count):
        store.update("bluebird-coffee", "sales_marketing", sm.Inputs,
                     lambda doc, i=i: doc.add_respondent(f"{prefix}-{i}", "Sales"))


def test_two_processes_saving_at_once_lose_no_update(data_dir):
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_add_respondents, args=(str(data_dir), p, 25)) for p in ("left", "right")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    doc = Store(data_dir).load("bluebird-coffee", "sales_marketing", sm.Inputs)
    names = {r.name for r in doc.respondents}
    assert {f"left-{i}" for i in range(25)} <= names and {f"right-{i}" for i in range(25)} <= names


def test_history_keeps_one_version_per_earlier_session(data_dir):
    first = Store(data_dir, session="s1")
    doc = first.load("bluebird-coffee", "sales_marketing", sm.Inputs)
    before = len(first.history("bluebird-coffee", "sales_marketing"))
    doc.respondents[0].answers[0] = 5
    first.save("bluebird-coffee", "sales_marketing", sm.Inputs, doc)       # new session: archive the old file
    doc.respondents[0].answers[1] = 5
    first.save("bluebird-coffee", "sales_marketing", sm.Inputs, doc)       # same session: autosave, no archive
    assert len(first.history("bluebird-coffee", "sales_marketing")) == before + 1
    second = Store(data_dir, session="s2")
    doc.respondents[0].answers[2] = 5
    second.save("bluebird-coffee", "sales_marketing", sm.Inputs, doc)
    snaps = second.history("bluebird-coffee", "sales_marketing")
    assert len(snaps) == before + 2 and snaps[-1].session == "s1"
    assert second.load_snapshot(snaps[-1], sm.Inputs).respondents[0].answers[:2] == [5, 5]
    restored = second.restore("bluebird-coffee", "sales_marketing", sm.Inputs, snaps[-1])
    assert restored.respondents[0].answers[2] != 5


def test_newer_schema_version_is_refused_clearly(data_dir):
    path = data_dir / "clients" / "aurora-software" / "sales_marketing.json"
    doc = json.loads(path.read_text())
    doc["schema_version"] = 99
    path.write_text(json.dumps(doc))
    with pytest.raises(SchemaVersionError, match="schema_version 99"):
        Store(data_dir).load("aurora-software", "sales_marketing", sm.Inputs)


def test_table_import_from_xlsx_with_column_mapping(data_dir, tmp_path):
    source = tmp_path / "export.xlsx"
    pd.DataFrame({"Q1 Recommend": [9, 10, 3], "Region": ["N", "S", "N"]}).to_excel(source, index=False)
    store = Store(data_dir)
    frame = store.import_table("aurora-software", "sales_marketing", "survey", source, {"Q1 Recommend": "score"})
    assert list(frame.columns) == ["score", "Region"]
    assert store.load_table("aurora-software", "sales_marketing", "survey")["score"].tolist() == ["9", "10", "3"]
    with pytest.raises(InvalidInput) as info:
        store.import_table("aurora-software", "sales_marketing", "survey", source, {"Missing": "score"})
    assert info.value.field == "column mapping" and info.value.value == "Missing"
    with pytest.raises(InvalidInput):
        store.import_table("aurora-software", "sales_marketing", "survey", tmp_path / "nope.txt")


def test_saved_files_are_readable_json_with_schema_version(data_dir):
    store = Store(data_dir)
    store.save_profile("aurora-software", Profile(name="Aurora", fictional=True))
    raw = json.loads((data_dir / "clients" / "aurora-software" / "profile.json").read_text())
    assert raw["schema_version"] == 1 and raw["_meta"]["session"] == store.session
    assert not [p for p in (data_dir / "clients" / "aurora-software").iterdir() if p.name.endswith(".tmp")]


def test_damaged_spreadsheet_is_a_clear_error_and_saves_nothing(data_dir, tmp_path):
    broken = tmp_path / "survey.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is not really a workbook")
    store = Store(data_dir)
    with pytest.raises(InvalidInput) as info:
        store.import_table("aurora-software", "sales_marketing", "survey", broken)
    assert info.value.field == "source" and "readable .xlsx" in info.value.allowed
    assert store.load_table("aurora-software", "sales_marketing", "survey") is None


def test_blank_lines_keep_row_numbers_as_in_the_file(data_dir, tmp_path):
    source = tmp_path / "survey.csv"
    source.write_text("score,segment\n9,A\n\n10,B\n")
    frame = Store(data_dir).import_table("aurora-software", "sales_marketing", "survey", source)
    # spreadsheet rows: header 1, '9' on 2, blank on 3, '10' on 4
    assert frame.index[frame["score"] == "10"][0] + 2 == 4
