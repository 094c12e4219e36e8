"""Four writers at once on every write path lose nothing.

Framework documents and the executive summary's action plan and the profile
are saved with the store's locked update; tables and plain documents with the
public load-then-save, whose version check refuses a stale save
(:class:`ConflictError`) so the writer reloads and tries again instead of
overwriting the others' work.
"""
from __future__ import annotations

import multiprocessing as mp

import pandas as pd
import pytest

from workbook.errors import ConflictError
from workbook.frameworks import nps
from workbook.frameworks import sales_marketing as sm
from workbook.frameworks import summary
from workbook.store import PROFILE, Profile, Store

WRITERS = 4
EACH = 20
PLAN_EACH = 10  # 4 x 10 = the plan's 40-line limit
CLIENT = "meridian-bank"


def _retry(step) -> int:
    """Run a load-then-save step until it is not refused as stale; returns how many times it was refused."""
    refused = 0
    while True:
        try:
            step()
            return refused
        except ConflictError:
            refused += 1


def _writer(data_dir: str, w: int, out) -> None:
    store = Store(data_dir)
    refused = 0
    for i in range(EACH):
        name = f"w{w}-{i}"
        store.update(CLIENT, "sales_marketing", sm.Inputs, lambda d: d.add_respondent(name, "Sales"))
        store.update(CLIENT, PROFILE, Profile, lambda p: setattr(p, "notes", p.notes + f"\n{name}"))

        def add_row() -> None:
            frame = store.load_table(CLIENT, "nps", "responses")
            row = pd.DataFrame({"respondent_id": [name], "date": ["2024-05-01"], "segment": ["Retail"],
                                "score": ["9"]})
            store.save_table(CLIENT, "nps", "responses", pd.concat([frame, row], ignore_index=True),
                             nps.validate_responses)

        def add_peer_note() -> None:  # a plain document, loaded then saved
            doc = store.load(CLIENT, "nps", nps.Inputs)
            doc.notes = f"{doc.notes} {name}"
            store.save(CLIENT, "nps", nps.Inputs, doc)

        refused += _retry(add_row)
        refused += _retry(add_peer_note)
        if i < PLAN_EACH:
            store.update(CLIENT, "summary", summary.Inputs,
                         lambda d: d.actions.append(summary.Action(action=f"plan {name}", owner=f"owner {w}")))
    out.put(refused)


@pytest.mark.slow
def test_four_writers_on_every_path_lose_nothing(data_dir):
    ctx = mp.get_context("fork")
    out = ctx.Queue()
    before = len(Store(data_dir).load_table(CLIENT, "nps", "responses"))
    procs = [ctx.Process(target=_writer, args=(str(data_dir), w, out)) for w in range(WRITERS)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    refused = sum(out.get(timeout=5) for _ in procs)
    store = Store(data_dir)
    names = {f"w{w}-{i}" for w in range(WRITERS) for i in range(EACH)}
    respondents = {r.name for r in store.load(CLIENT, "sales_marketing", sm.Inputs).respondents}
    assert names <= respondents
    assert names <= set(store.load_profile(CLIENT).notes.split())
    table = store.load_table(CLIENT, "nps", "responses", nps.validate_responses)
    raw = store.load_table(CLIENT, "nps", "responses")
    assert len(table) == before + WRITERS * EACH and names <= set(raw["respondent_id"])
    plan = {a.action for a in store.load(CLIENT, "summary", summary.Inputs).actions}
    assert {f"plan w{w}-{i}" for w in range(WRITERS) for i in range(PLAN_EACH)} <= plan
    assert names <= set(store.load(CLIENT, "nps", nps.Inputs).notes.split())
    assert refused > 0  # stale saves were refused and redone, not written over the others' edits


def test_stale_save_raises_a_clear_conflict_and_writes_nothing(data_dir):
    first, second = Store(data_dir), Store(data_dir)
    doc = first.load(CLIENT, "sales_marketing", sm.Inputs)
    second.update(CLIENT, "sales_marketing", sm.Inputs, lambda d: d.add_respondent("Second", "Marketing"))
    path = data_dir / "clients" / CLIENT / "sales_marketing.json"
    before = path.read_bytes()
    doc.add_respondent("First", "Sales")
    with pytest.raises(ConflictError, match="changed in another session"):
        first.save(CLIENT, "sales_marketing", sm.Inputs, doc)
    assert path.read_bytes() == before
    again = first.load(CLIENT, "sales_marketing", sm.Inputs)
    again.add_respondent("First", "Sales")
    first.save(CLIENT, "sales_marketing", sm.Inputs, again)
    assert {"First", "Second"} <= {r.name for r in Store(data_dir).load(CLIENT, "sales_marketing", sm.Inputs).respondents}


def test_two_sessions_saving_in_turn_archive_once_each(data_dir):
    a, b = Store(data_dir, session="a"), Store(data_dir, session="b")
    before = len(a.history(CLIENT, "sales_marketing"))
    for i in range(5):
        a.update(CLIENT, "sales_marketing", sm.Inputs, lambda d: d.add_respondent(f"a{i}", "Sales"))
        b.update(CLIENT, "sales_marketing", sm.Inputs, lambda d: d.add_respondent(f"b{i}", "Sales"))
    assert len(a.history(CLIENT, "sales_marketing")) == before + 2
