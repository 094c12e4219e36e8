"""How fast the live Sales-Marketing form answers a click.

Prints, for 40 changed answers on a copy of an example client: the time from
the change to the saved file and updated form/text sections, and the time to
the redrawn charts (drawn off the click path), against the 100 ms goal.
Run: ``.venv/bin/python benchmarks/live_form.py``.
"""
from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workbook import notebook as wb  # noqa: E402

GOAL_MS = 100.0


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(ROOT / "data", Path(tmp) / "data")
        t0 = time.perf_counter()
        room = wb.open_room("sales_marketing", "meridian-bank", str(Path(tmp) / "data"), "live")
        room.form()
        for name in room.framework.ui.SECTIONS:
            room.section(name)
        build_ms = (time.perf_counter() - t0) * 1000
        view = room.view
        form_ms, chart_ms = [], []
        for k in range(40):
            buttons = view._answers[k % 20]
            start = time.perf_counter()
            buttons.value = 1 if buttons.value != 1 else 5
            form_ms.append((time.perf_counter() - start) * 1000)
            view.wait_for_charts()
            chart_ms.append(view.last_chart_s * 1000)
    p95 = lambda xs: sorted(xs)[int(0.95 * (len(xs) - 1))]  # noqa: E731
    print(f"open room and build form + {len(room.framework.ui.SECTIONS)} sections: {build_ms:.0f} ms")
    print(f"click -> saved + form/type/text updated: median {statistics.median(form_ms):.1f} ms, "
          f"p95 {p95(form_ms):.1f} ms  (goal {GOAL_MS:.0f} ms: {GOAL_MS / statistics.median(form_ms):.1f}x under)")
    print(f"click -> both charts redrawn:           median {statistics.median(chart_ms):.1f} ms, "
          f"p95 {p95(chart_ms):.1f} ms  (ratio to goal {statistics.median(chart_ms) / GOAL_MS:.2f})")


if __name__ == "__main__":
    main()
