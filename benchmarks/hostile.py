"""Hostile-input figures for the hardening work (issue 13), in the issue's shape.

Runs the hardening tests' generators once, at a larger size than CI, and
prints: bad inputs tried / clear errors / accepted / raw exceptions / files
changed; kills / corrupt; concurrent writes / lost; injection payloads /
active in output.

    PYTHONPATH=. python benchmarks/hostile.py [--examples 100]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def data_copy() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="wb-bench-")) / "data"
    shutil.copytree(ROOT / "data", folder, ignore=shutil.ignore_patterns(".lock"))
    return folder


def bad_inputs(examples: int) -> dict:
    stats = Path(tempfile.mkdtemp()) / "stats.json"
    env = {**os.environ, "WORKBOOK_HOSTILE_STATS": str(stats), "WORKBOOK_HOSTILE_EXAMPLES": str(examples),
           "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "ignore",
                           "tests/hardening/test_property.py", "tests/hardening/test_cli_hostile.py"],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    from tests.hardening.test_cli_hostile import BAD_LINES

    got = json.loads(stats.read_text())
    failed = proc.stdout.count("FAILED")
    return {"tried": got["tried"] + len(BAD_LINES), "clear errors": got["refused"] + len(BAD_LINES),
            "accepted": got["accepted"], "raw exceptions / failed checks": failed,
            "files changed on refusal": got["files_changed_on_refusal"]}


def kills() -> dict:
    from tests.hardening import test_crash

    try:
        test_crash.test_random_kills_corrupt_nothing_and_lose_no_acknowledged_save(data_copy())
        corrupt = 0
    except AssertionError as exc:  # pragma: no cover - reported, not hidden
        corrupt = f"failed: {exc}"
    return {"kills": test_crash.KILLS, "corrupt or lost": corrupt}


def concurrent() -> dict:
    from tests.hardening import test_concurrency as tc

    writes = tc.WRITERS * (tc.EACH * 4 + tc.PLAN_EACH)
    try:
        tc.test_four_writers_on_every_path_lose_nothing(data_copy())
        lost = 0
    except AssertionError as exc:  # pragma: no cover
        lost = f"failed: {exc}"
    return {"concurrent writes": writes, "lost": lost}


def injection() -> dict:
    from tests.hardening.payloads import PAYLOADS
    from tests.hardening.test_injection import FRAMEWORKS, example_docs, render_all
    from workbook.store import Store

    store = Store(data_copy())
    placed = active = 0
    for framework in FRAMEWORKS:
        client = next(c for f, c, _ in example_docs() if f == framework)
        for payload in PAYLOADS:
            _, problems, changed = render_all(framework, client, payload, store)
            placed += changed + 3  # + the profile's name, industry and notes
            active += len(problems)
    return {"payload placements (fields x payloads)": placed, "distinct payloads": len(PAYLOADS),
            "active in output": active}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100, help="hypothesis examples per framework and table")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    for name, figures in (("bad inputs", bad_inputs(args.examples)), ("kills", kills()),
                          ("concurrency", concurrent()), ("injection", injection())):
        print(f"{name}: " + " / ".join(f"{k} {v}" for k, v in figures.items()), flush=True)


if __name__ == "__main__":
    main()
