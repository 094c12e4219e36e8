"""Saves killed at random moments leave nothing corrupt: current files, tables, the profile and the history.

A forked child saves a framework document, a table and the profile in a loop,
acknowledging each save that returned; the parent kills it with SIGKILL at a
random moment, then checks that every file still validates and that no
acknowledged save was lost. Repeated :data:`KILLS` times.
"""
from __future__ import annotations

import json
import os
import random
import signal
import time

import pandas as pd
import pytest

from workbook.files import read_csv
from workbook.frameworks import nps
from workbook.frameworks import value_proposition as vp
from workbook.store import PROFILE, Profile, Store

KILLS = 200
CLIENT = "meridian-bank"


def _frame(tag: str, i: int) -> pd.DataFrame:
    n = 3 + i % 5
    return pd.DataFrame({"respondent_id": [f"{tag}-{i}-{k}" for k in range(n)], "date": ["2024-03-01"] * n,
                         "segment": [f"{tag}-{i}"] * n, "score": [str(k % 11) for k in range(n)]})


def _saver(data_dir: str, ack: int) -> None:  # runs in the forked child until killed
    store = Store(data_dir)
    tag = str(os.getpid())
    i = 0
    while True:
        i += 1
        store.update(CLIENT, "value_proposition", vp.Inputs, lambda d: setattr(d, "offering", f"{tag} {i}"))
        os.write(ack, f"doc {tag} {i}\n".encode())
        store.save_table(CLIENT, "nps", "responses", _frame(tag, i), nps.validate_responses)
        os.write(ack, f"table {tag} {i}\n".encode())
        store.update(CLIENT, PROFILE, Profile, lambda p: setattr(p, "notes", f"{tag} {i}"))
        os.write(ack, f"profile {tag} {i}\n".encode())


def _current(store: Store) -> dict[str, str]:
    doc = store.load(CLIENT, "value_proposition", vp.Inputs)
    table = store.load_table(CLIENT, "nps", "responses", nps.validate_responses)
    return {"doc": doc.offering, "table": str(table["segment"].iloc[0]).replace("-", " "),
            "profile": store.load_profile(CLIENT).notes}


def _check_history(data_dir) -> int:
    """Every archived version validates; returns how many there are."""
    folder = data_dir / "clients" / CLIENT / ".history"
    count = 0
    for path in folder.rglob("*"):
        if path.is_dir() or path.name.startswith(".") or "invalid" in path.parts:
            continue
        count += 1
        if path.suffix == ".json":
            body = json.loads(path.read_text("utf-8"))
            body.pop("_meta", None)
            model = {"value_proposition": vp.Inputs, "profile": Profile}.get(path.parent.name)
            if model is not None:
                model.model_validate(body)
        elif path.name.startswith("responses-"):
            nps.validate_responses(read_csv(path))
    return count


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_random_kills_corrupt_nothing_and_lose_no_acknowledged_save(data_dir):
    rng = random.Random(13)
    store = Store(data_dir)
    seen_values = 0
    for kill in range(KILLS):
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # child
            os.close(read)
            try:
                _saver(str(data_dir), write)
            finally:
                os._exit(1)
        os.close(write)
        time.sleep(rng.uniform(0.0, 0.15))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        with os.fdopen(read, "rb") as fh:
            acks = fh.read().decode().split()
        last = {}
        for kind, tag, i in zip(acks[0::3], acks[1::3], acks[2::3]):
            last[kind] = int(i)
        now = _current(Store(data_dir))  # every current file parses and validates
        for kind, i in last.items():
            on_disk = int(now[kind].split()[-1]) if now[kind].split()[0] == str(pid) else None
            # the acknowledged save, or the next one that was under way when the process died
            assert on_disk in (i, i + 1), (kill, kind, now[kind], i)
            seen_values += 1
    assert seen_values > KILLS // 2  # the kills landed at many points, after many saves
    assert _check_history(data_dir) > KILLS
    # temporary files of killed saves are swept by the next save once they are a minute old
    client = data_dir / "clients" / CLIENT
    folders = [client, client / "value_proposition", client / "nps", client / ".history" / "value_proposition",
               client / ".history" / "nps", client / ".history" / "profile"]
    old = time.time() - 120
    tmp = [p for f in folders if f.is_dir() for p in f.iterdir() if p.name.endswith(".tmp")]
    for path in tmp:
        os.utime(path, (old, old))
    store.update(CLIENT, "value_proposition", vp.Inputs, lambda d: setattr(d, "offering", "after"))
    store.save_table(CLIENT, "nps", "responses", _frame("after", 1), nps.validate_responses, check_version=False)
    store.update(CLIENT, PROFILE, Profile, lambda p: setattr(p, "notes", "after"))
    assert [p for f in folders if f.is_dir() for p in f.iterdir() if p.name.endswith(".tmp")] == []
