"""How fast every room answers in a real browser: JupyterLab in headless Chromium.

For each framework notebook (on the example client its parameters cell names)
this opens the notebook in a private JupyterLab, runs it, then makes the same
real edit through the widgets many times (a click in a button group, another
option in a dropdown, a slider moved with the keyboard, a job typed into a box;
``BENCH_EDITS``: each moves the room's text and its on-screen chart) and times,
in the page, from the user's input event to

- the first result text that says something new (an HTML widget on the results
  side of the session screen, not the save line), and
- the first updated chart (a new picture in a chart image there).

It also times opening each room as a consultant does (a click on the start
page's link for the client, the kernel starting, *Run All* clicked the moment
it is idle) to a usable form (the inputs on screen and the kernel idle, so a
click is answered at once), and the *Run All* part of that on its own. Both are timed on the
page's clock from the click itself (the link's ``click``, the menu item's ``pointerup``), so the
driver's own steps before a click do not count. The server is run with the project's
configuration, so a warm kernel waits for each notebook (``workbook.kernelpool``); the first room is
opened ``--settle`` seconds (default 10) after the start page shows, as a consultant reading the client
list would, by which time the server's waiting kernels have warmed up. Prints a table; ``--json PATH`` also writes
``{"rooms": {framework: {"median_text_ms", "p95_text_ms", "median_chart_ms",
"p95_chart_ms", ...}}, "run_all_ms": ..., "open_ms": ...}``.

Run: ``PYTHONPATH=$PWD .venv/bin/python benchmarks/browser_latency.py [--json out.json]
[--repeats 20] [--rooms sales_marketing,clv] [--repo PATH]`` (``--repo`` measures
another checkout's notebooks and package, e.g. a copy of ``main`` for a baseline).
The machine's load average is printed with the results: they depend on it.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import conftest as lab  # noqa: E402  (server and browser helpers)
from tests.browser.test_every_notebook import CLIENTS  # noqa: E402
from workbook import registry  # noqa: E402
from workbook.store import Store  # noqa: E402
from dataclasses import dataclass  # noqa: E402


@dataclass(frozen=True)
class Edit:
    """An edit the benchmark repeats, alternating so that every edit changes something.

    ``kind``: ``toggle`` (the next button of a ToggleButtons group), ``select`` (another option of the
    dropdown labelled ``label``), ``button`` (a yes/no toggle button), ``slider`` (one keyboard step on the
    slider labelled ``label``) or ``text`` (type ``option`` into a text box, then its first value again,
    each sent with Enter). ``target`` is a CSS selector of the widget to edit (default: the first of its
    kind on screen); ``nth`` picks among several matches; ``tab`` opens a form tab first.
    """

    kind: str
    label: str = ""
    tab: str = ""
    option: str = ""
    target: str = ""
    nth: int = 0


#: One real edit per room that moves the room's text AND the chart on its session screen (the spec's
#: browser-test edit often changes only the saved file: e.g. a statement outside the dominant form).
BENCH_EDITS = {
    **{fw.name: Edit(fw.browser_edit.kind, fw.browser_edit.label, fw.browser_edit.tab)
       for fw in registry.REGISTRY if getattr(fw, "browser_edit", None)},
    "value_proposition": Edit("select", "Customer"),
    "clv": Edit("slider", "Gross margin"),
    # This year's revenue, past the next stage's threshold and back: the headline's stage and revenue, and
    # the stage marked on the path chart (the alignment answers move a chart kept under "More results").
    "growth_stages": Edit("text", tab="Revenue", target=".wb-revenue input", option="12000000"),
    # A statement of the dominant form (hub) moves the headline's score and the scores chart.
    "brand_communities": Edit("toggle", target=".wb-statement-hub_1"),
    # Moving a product to another job changes the job count and the brand-by-job chart.
    "purpose_brands": Edit("text", target=".wb-product-job input", nth=4,
                           option="leave a site clean at the end of the day"),
    # AUR-101 lacks only "able": marking it met qualifies the deal (headline and forecast chart).
    "deal_qualification": Edit("button", tab="Deals", target=".wb-able", nth=0),
}

GOALS = {"text_ms": 100.0, "chart_ms": 150.0, "sales_marketing_chart_ms": 100.0,
         "run_all_ms": 1500.0, "open_ms": 3000.0}

#: Installed once per page: records the input event and the first result text and chart that change
#: after it, on the results side of the session screen (the whole output where there is none). A text
#: counts only when what it says differs from before the edit (a rebuilt widget saying the same thing is
#: not an update); a chart counts when its picture is replaced.
_PROBE_JS = """() => {
  if (window.__wbProbe) return;
  const probe = window.__wbProbe = {armed: false, t0: null, text: null, chart: null, was: new WeakMap(),
                                    seen: new Set()};
  const start = () => { if (probe.armed && probe.t0 === null) probe.t0 = performance.now(); };
  for (const ev of ['pointerdown', 'keydown', 'change', 'input']) document.addEventListener(ev, start, true);
  const quiet = el => el.closest('.wb-save-state, .wb-sync, .wb-field-note, .widget-readout');
  const scope = el => el.closest('.wb-col-results')
      || (!document.querySelector('.wb-col-results') && el.closest('.jp-OutputArea-output'));
  const texts = root => root.nodeType !== 1 ? [] : [
      ...(root.matches('.widget-html-content') ? [root] : []),
      ...(root.closest('.widget-html-content') && !root.matches('.widget-html-content')
          ? [root.closest('.widget-html-content')] : []),
      ...root.querySelectorAll('.widget-html-content')].filter(t => scope(t) && !quiet(t));
  probe.snapshot = () => {
    probe.was = new WeakMap(); probe.seen = new Set();
    for (const t of texts(document.body)) { probe.was.set(t, t.textContent); probe.seen.add(t.textContent); }
  };
  const changed = t => probe.was.has(t) ? probe.was.get(t) !== t.textContent : !probe.seen.has(t.textContent);
  const isChart = n => n.nodeType === 1 && (n.matches('img.widget-image') || n.querySelector('img.widget-image'));
  new MutationObserver(records => {
    if (probe.t0 === null) return;
    const now = performance.now();
    for (const r of records) {
      const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      if (!el || !scope(el)) continue;
      if ((r.type === 'attributes' && el.matches('img.widget-image'))
          || (r.type === 'childList' && [...r.addedNodes].some(isChart))) {
        if (probe.chart === null) probe.chart = now - probe.t0;
        continue;
      }
      if (probe.text !== null) continue;
      const candidates = [...texts(el), ...[...r.addedNodes].flatMap(texts)];
      if (candidates.some(changed)) probe.text = now - probe.t0;
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true,
                             attributeFilter: ['src']});
}"""

_ARM_JS = "() => { const p = window.__wbProbe; p.snapshot(); p.armed = true; p.t0 = null; p.text = null; p.chart = null; }"
_READ_JS = "() => { const p = window.__wbProbe; return {t0: p.t0, text: p.text, chart: p.chart}; }"


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _client_of(nb: Path, framework: str) -> str:
    if "@start-page" in nb.read_text():
        return CLIENTS[framework]
    for cell in json.loads(nb.read_text())["cells"]:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            found = re.search(r'^client\s*=\s*"([^"]+)"', "".join(cell["source"]), re.M)
            if found:
                return found.group(1)
    return "?"


def _form(page):
    outputs = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output")
    return outputs.filter(has=page.locator(".wb-save-state")).first


def _wait_usable(page, timeout_ms: float = 60_000) -> float:
    """Until an input of the form is on screen and the kernel is idle (every cell has run).

    Returns the page's clock (``performance.now()``, ms) at the first frame where both hold.
    """
    return page.wait_for_function("""() => {
        const s = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .wb-save-state')];
        if (!s.length) return false;
        const out = s[0].closest('.jp-OutputArea-output');
        const idle = (document.querySelector('#jp-main-statusbar') || {}).textContent || '';
        return !!out.querySelector('button:not([disabled]), select, input') && /\\(workbook\\) \\| Idle/.test(idle)
            && performance.now();
    }""", timeout=timeout_ms, polling="raf").json_value()


#: Records, on the page's own clock, when the user's click lands: on the start page's link to a room
#: (``click``) and on *Run All Cells* (``pointerup``, when the menu runs its command). Timing from there
#: leaves out the test driver's own steps (finding the menu, checking the element can take a click).
_CLICK_CLOCK_JS = """() => {
    window.__wbClicks = {};
    if (window.__wbClockOn) return;
    window.__wbClockOn = true;
    document.addEventListener('click', e => {
        const a = e.target.closest && e.target.closest('a[class*="wb-open-"]');
        if (a && window.__wbClicks.open === undefined) window.__wbClicks.open = performance.now();
    }, true);
    document.addEventListener('pointerup', e => {
        const item = e.target.closest && e.target.closest('.lm-Menu-item');
        if (item && /Run All Cells/.test(item.textContent) && window.__wbClicks.run === undefined)
            window.__wbClicks.run = performance.now();
    }, true);
}"""


def _edit_once(page, form, edit: Edit, step: int, arm) -> None:
    """One real edit; alternates so that every edit changes something. ``arm()`` starts the clock's watch."""
    def target(default: str):
        return form.locator(edit.target or default).filter(visible=True).nth(edit.nth)

    if edit.kind == "toggle":  # the next answer, then the first one again
        group = target(".widget-toggle-buttons")
        if step == 0:
            _FIRST_TEXT[edit] = group.locator("button").evaluate_all("""bs => {
                const on = bs.findIndex(b => b.classList.contains('mod-active'));
                const i = on < 0 ? 0 : (on + 1 < bs.length ? on + 1 : on - 1);
                return [Math.max(on, 0), bs[i] && !bs[i].disabled ? i : -1]; }""")
        first, other = _FIRST_TEXT[edit]
        arm()
        group.locator("button").nth(max(other, 0) if step % 2 == 0 else first).click()
    elif edit.kind == "select":
        select = form.locator(".widget-dropdown", has=page.get_by_text(edit.label, exact=True)).locator("select").first
        labels = select.evaluate("s => [...s.options].map(o => o.label)")
        current = select.evaluate("s => s.selectedIndex")
        arm()
        select.select_option(index=(current + 1) % len(labels) if step % 2 == 0 else (current - 1) % len(labels))
    elif edit.kind == "button":  # a yes/no toggle button (deal qualification's criteria)
        button = target(".widget-toggle-button")
        arm()
        button.click()
    elif edit.kind == "slider":
        slider = form.locator(".widget-slider", has=page.get_by_text(edit.label, exact=True))
        slider.locator(".noUi-handle").focus()
        arm()
        page.keyboard.press("ArrowRight" if step % 2 == 0 else "ArrowLeft")
    elif edit.kind == "text":  # typed first, timed from the Enter that sends it
        box = target("input")
        if step == 0:
            _FIRST_TEXT[edit] = box.input_value()
        box.fill(edit.option if step % 2 == 0 else _FIRST_TEXT[edit])
        arm()
        box.press("Enter")
    else:
        raise ValueError(f"unknown edit kind {edit.kind!r}")


#: What an edit found before its first change (a text, or a toggle's first and other answer): put back
#: on every other edit, so that each edit changes something.
_FIRST_TEXT: dict[Edit, object] = {}


START = "notebooks/00_start_here.ipynb"


#: The notebook's own kernel idle (not "No Kernel | Idle" while its session is still being made).
KERNEL_IDLE = re.compile(r"\(workbook\) \| Idle")


def _wait_idle(page, server, rel: str) -> None:
    """Until notebook ``rel``'s kernel is connected and idle, polled every 20 ms (the open time counts it)."""
    if not lab.wait_kernel_ready(page, server, rel, 60, KERNEL_IDLE, poll_ms=20):
        raise AssertionError("the kernel never became idle")


def _open_start_page(page, server) -> None:
    """The start page in the default workspace (sidebars closed, as ``workbook lab`` opens), run once."""
    page.goto(server.url(f"lab/tree/{START}"), wait_until="domcontentloaded")
    page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(timeout=60_000)
    _wait_idle(page, server, START)
    lab.run_all(page)
    page.locator(".wb-start-page").first.wait_for(timeout=60_000)


def _close_active(page) -> None:
    """File > Close and Shut Down Notebook, answering its dialogs (the copy under test may be saved)."""
    page.get_by_role("menuitem", name="File", exact=True).click()
    page.get_by_role("menuitem", name=re.compile(r"^Close and Shut Down Notebook")).click()
    accept = page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept")
    for _ in range(2):
        try:
            accept.first.click(timeout=3000)
        except Exception:  # noqa: BLE001 - no (more) dialog
            break
    page.locator(".lm-TabBar-tab", has_text="00_start_here").first.click()


def _measure_room(page, server, nb: Path, framework: str, repeats: int) -> dict:
    """Open the room from the start page's link, Run All as soon as the kernel is idle, then time edits.

    ``open_ms`` runs from the click on the start page's link to a usable form
    (inputs on screen and the kernel idle, so that a click is answered at
    once); ``run_all_ms`` is its last part, from *Run All* (clicked the moment
    the kernel is idle) to the same point.
    """
    start = page.locator(".wb-start-page").first
    if "@start-page" in nb.read_text():  # pick the room's example client in the start page's list
        name = Store(server.root / "data").load_profile(CLIENTS[framework]).name
        listing = start.locator(".wb-client-list select")
        labels = listing.evaluate("s => [...s.options].map(o => o.textContent)")
        listing.select_option(index=next(i for i, label in enumerate(labels) if name in label.replace("\xa0", " ")))
        start.locator(".wb-chosen-client", has_text=name).first.wait_for(timeout=30_000)
    start.locator(f"a.wb-open-{framework}").scroll_into_view_if_needed()
    page.evaluate(_CLICK_CLOCK_JS)
    start.locator(f"a.wb-open-{framework}").click()
    page.locator(".lm-TabBar-tab.lm-mod-current", has_text=nb.name).first.wait_for(timeout=60_000)
    _wait_idle(page, server, nb.relative_to(server.root).as_posix())
    lab.run_all(page)
    t_usable = _wait_usable(page)
    clicks = page.evaluate("window.__wbClicks")
    page.evaluate(_PROBE_JS)
    form = _form(page)
    edit = BENCH_EDITS[framework]
    if edit.tab:
        form.locator(".lm-TabBar-tab", has_text=edit.tab).first.click()
    form.scroll_into_view_if_needed()
    page.wait_for_timeout(1500)  # let the first charts arrive before timing
    texts, charts, missed = [], [], 0
    for step in range(repeats):
        _edit_once(page, form, edit, step, lambda: page.evaluate(_ARM_JS))
        deadline = time.monotonic() + 3.0
        probe = page.evaluate(_READ_JS)
        while time.monotonic() < deadline and (probe["text"] is None or probe["chart"] is None):
            page.wait_for_timeout(20)
            probe = page.evaluate(_READ_JS)
        if probe["text"] is not None:
            texts.append(probe["text"])
        else:
            missed += 1
        if probe["chart"] is not None:
            charts.append(probe["chart"])
        page.wait_for_timeout(250)  # the next edit starts from a quiet page
    row = {
        "client": _client_of(nb, framework), "edits": repeats, "edits_without_text_update": missed,
        "median_text_ms": statistics.median(texts) if texts else None, "p95_text_ms": _pct(texts, 0.95),
        "median_chart_ms": statistics.median(charts) if charts else None, "p95_chart_ms": _pct(charts, 0.95),
        "charts_measured": len(charts), "text_ms": [round(t, 1) for t in texts],
        "chart_ms": [round(c, 1) for c in charts],
        "run_all_ms": t_usable - clicks["run"], "open_ms": t_usable - clicks["open"],
    }
    _close_active(page)
    for session in server.api("api/sessions") or []:  # the room's kernel must not poll on during the next room
        if not session.get("path", "").endswith("00_start_here.ipynb"):
            server.api(f"api/sessions/{session['id']}", method="DELETE", timeout=10)
    return row


def _fmt(value: float | None) -> str:
    return "   -  " if value is None else f"{value:6.0f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--repeats", type=int, default=20, help="edits per room (default 20)")
    parser.add_argument("--rooms", default="", help="comma-separated frameworks (default: all)")
    parser.add_argument("--settle", type=float, default=10.0,
                        help="seconds on the start page before the first room is opened (default 10: the server's "
                             "waiting kernels finish warming up meanwhile; 0 opens the first room at once)")
    parser.add_argument("--repo", type=Path, default=ROOT, help="checkout whose notebooks and package to measure")
    args = parser.parse_args(argv)
    from workbook import registry

    repo = args.repo.resolve()
    wanted = [r for r in args.rooms.split(",") if r] or [fw.name for fw in registry.REGISTRY]
    load_before = os.getloadavg()
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        root = tmp / "workbook"
        ignore = shutil.ignore_patterns(".ipynb_checkpoints", "*.lock", "__pycache__")
        for name in ("notebooks", "data"):
            shutil.copytree(repo / name, root / name, ignore=ignore)
        os.environ["PYTHONPATH"] = str(repo)  # the kernels import the measured checkout's package
        with lab._running_lab(root, tmp, 1800) as server, lab._chromium_context(server) as context:
            page = context.new_page()
            page.set_viewport_size({"width": 1440, "height": 900})
            _open_start_page(page, server)
            page.wait_for_timeout(args.settle * 1000)  # a consultant reads the start page before picking a room
            for fw in registry.REGISTRY:
                if fw.name not in wanted:
                    continue
                try:
                    results[fw.name] = _measure_room(page, server, root / "notebooks" / fw.notebook, fw.name,
                                                     args.repeats)
                except Exception as exc:  # noqa: BLE001 - report the room and go on
                    page.screenshot(path=str(Path(tempfile.gettempdir()) / f"browser-latency-failed-{fw.name}.png"))
                    results[fw.name] = {"error": f"{type(exc).__name__}: {(str(exc).splitlines() or [repr(exc)])[0][:200]}"}
                    page.close()
                    page = context.new_page()
                    page.set_viewport_size({"width": 1440, "height": 900})
                    _open_start_page(page, server)
            page.close()
    load_after = os.getloadavg()
    print(f"browser latency, {args.repeats} edits per room; load average before {load_before[0]:.2f} "
          f"after {load_after[0]:.2f} on {os.cpu_count()} cores")
    print(f"{'room':20} {'text med':>8} {'p95':>6} {'chart med':>9} {'p95':>6} {'run all':>8} {'open':>6} "
          f"{'seen text/chart':>15}")
    for name, row in results.items():
        if "error" in row:
            print(f"{name:20} failed: {row['error']}")
            continue
        print(f"{name:20} {_fmt(row['median_text_ms']):>8} {_fmt(row['p95_text_ms']):>6} "
              f"{_fmt(row['median_chart_ms']):>9} {_fmt(row['p95_chart_ms']):>6} "
              f"{_fmt(row['run_all_ms']):>8} {_fmt(row['open_ms']):>6} "
              f"{row['edits'] - row['edits_without_text_update']:>7}/{row['charts_measured']}")
    print(f"goals: p95 text < {GOALS['text_ms']:.0f} ms, p95 chart < {GOALS['chart_ms']:.0f} ms "
          f"(sales_marketing < {GOALS['sales_marketing_chart_ms']:.0f}), run all < {GOALS['run_all_ms']:.0f} ms, "
          f"open < {GOALS['open_ms']:.0f} ms")
    if args.json:
        ok = [r for r in results.values() if "error" not in r]
        payload = {"rooms": results, "load_average": [load_before[0], load_after[0]],
                   "run_all_ms": max((r["run_all_ms"] for r in ok), default=None),
                   "open_ms": max((r["open_ms"] for r in ok), default=None), "goals": GOALS}
        args.json.write_text(json.dumps(payload, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
