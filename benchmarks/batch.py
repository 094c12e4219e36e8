"""Batch reports: a naive papermill + nbconvert loop against ``workbook batch``.

Run: ``python benchmarks/batch.py`` (``--help`` for sizes). In one run, on the
same synthetic clients (copies of the fictional example clients, one per
client slug, each with every registered framework) it prints

1. where a naive notebook's seconds go (interpreter and imports, kernel start,
   execution, a second process for nbconvert);
2. the naive loop (``papermill`` then ``jupyter nbconvert --to html
   --no-input``, one process after another per notebook) against
   ``workbook batch --no-pdf`` on the same clients, and the ratio;
3. ``workbook batch`` on 100 clients (HTML pages and summaries), then the PDFs
   timed separately (a second run: the HTML is up to date, so only PDFs are
   printed), with the per-notebook cost breakdown and the peak memory (PSS of
   the whole process tree).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workbook import registry  # noqa: E402

BIN = Path(sys.executable).parent
EXAMPLES = ROOT / "data" / "clients"


# -- synthetic clients ------------------------------------------------------------------

def make_clients(data: Path, n: int, seed: int = 7) -> list[str]:
    """``n`` fictional clients; each gets every registered framework's inputs from an example client."""
    rng = random.Random(seed)
    examples = sorted(p for p in EXAMPLES.iterdir() if (p / "profile.json").is_file())
    sources = {fw.name: [e for e in examples if (e / f"{fw.name}.json").is_file() or (e / fw.name).is_dir()]
               for fw in registry.REGISTRY}
    slugs = []
    for i in range(n):
        slug = f"synthetic-{i:03d}"
        dest = data / "clients" / slug
        dest.mkdir(parents=True)
        base = examples[i % len(examples)]
        profile = json.loads((base / "profile.json").read_text())
        profile.update(name=f"Synthetic Client {i:03d}", fictional=True,
                       notes="Fictional client generated for the batch benchmark.")
        (dest / "profile.json").write_text(json.dumps(profile, indent=1))
        for name, have in sources.items():
            if not have:
                continue
            src = have[i % len(have)]
            if (src / f"{name}.json").is_file():
                doc = json.loads((src / f"{name}.json").read_text())
                if name == "sales_marketing":  # vary the answers a little, within 1..5
                    for person in doc.get("respondents", []):
                        person["answers"] = [min(5, max(1, a + rng.choice((-1, 0, 0, 1)))) if isinstance(a, int)
                                             else a for a in person.get("answers", [])]
                (dest / f"{name}.json").write_text(json.dumps(doc))
            if (src / name).is_dir():
                shutil.copytree(src / name, dest / name)
        slugs.append(slug)
    for example in examples:  # the lessons' worked examples read the fictional example clients
        shutil.copytree(example, data / "clients" / example.name)
    return slugs


# -- measuring ----------------------------------------------------------------------------

class MemorySampler:
    """Peak PSS (proportional set size) of a process tree, sampled every 0.5 s."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_pss = 0
        self.peak_processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "MemorySampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    @staticmethod
    def _pss(pid: int) -> int:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                root = psutil.Process(self.pid)
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                procs = []
            total = sum(self._pss(p.pid) for p in procs)
            self.peak_pss = max(self.peak_pss, total)
            self.peak_processes = max(self.peak_processes, len(procs))
            self._stop.wait(0.5)


FAILED: list[str] = []


def run(cmd: list[str], **kw) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, **kw)
    if done.returncode:
        FAILED.append(f"{' '.join(cmd[:3])}...: {(done.stderr.strip().splitlines() or ['?'])[-1][:160]}")
    return time.perf_counter() - t0


def workbook_batch(data: Path, reports: Path, *args: str, env=None) -> tuple[float, MemorySampler, int]:
    cmd = [str(BIN / "workbook"), "batch", "--data-dir", str(data), "--reports-dir", str(reports), *args]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    with MemorySampler(proc.pid) as mem:
        out, _ = proc.communicate()
    elapsed = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        print(out)
        raise SystemExit(f"workbook batch failed with exit code {proc.returncode}")
    if proc.returncode == 1:
        print("  (some notebooks failed:)\n" + "\n".join("    " + ln for ln in out.splitlines()[-12:]))
    return elapsed, mem, proc.returncode


def naive_loop(data: Path, out: Path, clients: list[str]) -> tuple[float, int, list[tuple[float, float]]]:
    """papermill, then nbconvert, one process after another for each notebook."""
    out.mkdir(parents=True, exist_ok=True)
    steps, n = [], 0
    t0 = time.perf_counter()
    for slug in clients:
        for fw in registry.REGISTRY:
            executed = out / f"{slug}-{fw.name}.ipynb"
            a = run([str(BIN / "papermill"), str(fw.notebook_path), str(executed), "-p", "client", slug,
                     "-p", "data_dir", str(data), "-p", "mode", "report", "--cwd", str(fw.notebook_path.parent)])
            b = run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)])
            steps.append((a, b))
            n += 1
    return time.perf_counter() - t0, n, steps


def cold_breakdown(data: Path, tmp: Path, slug: str) -> dict[str, float]:
    """Where one naive notebook's seconds go."""
    from jupyter_client.manager import start_new_kernel

    fw = registry.REGISTRY[0]
    parts = {"interpreter + papermill imports (per process)": run([sys.executable, "-c", "import papermill"]),
             "interpreter + nbconvert imports (per process)": run([sys.executable, "-c", "import nbconvert"])}
    t0 = time.perf_counter()
    km, kc = start_new_kernel(kernel_name="python3")
    parts["kernel start (new process, ZeroMQ, ready)"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    kc.execute_interactive("import pandas, matplotlib.pyplot, workbook.notebook", timeout=120, output_hook=lambda m: None)
    parts["imports inside the kernel"] = time.perf_counter() - t0
    kc.stop_channels()
    km.shutdown_kernel(now=True)
    executed = tmp / "one.ipynb"
    parts["papermill command, total"] = run([str(BIN / "papermill"), str(fw.notebook_path), str(executed), "-p", "client",
                                             slug, "-p", "data_dir", str(data), "-p", "mode", "report",
                                             "--cwd", str(fw.notebook_path.parent)])
    parts["nbconvert command, total"] = run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input",
                                             str(executed)])
    return parts


def warm_breakdown(reports: Path) -> tuple[dict[str, float], int]:
    """Mean seconds per executed notebook, by step, from the batch manifests."""
    sums: dict[str, float] = {}
    n = 0
    for manifest in reports.glob("*/manifest.json"):
        doc = json.loads(manifest.read_text())
        entries = [*doc.get("pages", {}).values(), doc.get("summary", {})]
        for e in entries:
            if e.get("ok") and e.get("seconds"):
                n += 1
                for k, v in e["seconds"].items():
                    sums[k] = sums.get(k, 0.0) + v
    return {k: v / n for k, v in sums.items()} if n else {}, n


LABELS = {"fork": "fork a warm child (the 'kernel start')", "execute": "execute the cells",
          "papermill": "papermill bookkeeping (parameters, metadata)", "export": "export HTML (reused exporter)",
          "write": "assemble and write pages"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=100, help="clients in the scale run (default 100)")
    ap.add_argument("--naive-clients", type=int, default=3, help="clients in the naive-vs-batch comparison")
    ap.add_argument("--workers", type=int, default=None, help="warm workers (default: the cores)")
    ap.add_argument("--skip-naive", action="store_true", help="skip the naive loop (slow: seconds per notebook)")
    ap.add_argument("--skip-pdf", action="store_true")
    ap.add_argument("--keep", type=Path, help="keep the synthetic data and reports in this folder")
    args = ap.parse_args()

    base = args.keep or Path(tempfile.mkdtemp(prefix="workbook-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    data = base / "data"
    if data.exists():
        shutil.rmtree(data)
    n_total = max(args.clients, args.naive_clients)
    slugs = make_clients(data, n_total)
    frameworks = [fw.name for fw in registry.REGISTRY]
    workers = ["--workers", str(args.workers)] if args.workers else []
    cores = len(os.sched_getaffinity(0))
    print(f"{len(frameworks)} registered frameworks ({', '.join(frameworks)}); {cores} cores; "
          f"synthetic clients in {data}")

    if not args.skip_naive:
        few = slugs[: args.naive_clients]
        print("\nWhere a naive notebook's time goes (one notebook, cold):")
        for label, secs in cold_breakdown(data, base, few[0]).items():
            print(f"  {label:<50} {secs:6.2f} s")
        naive_s, n_nb, steps = naive_loop(data, base / "naive", few)
        pm_mean = sum(a for a, _ in steps) / len(steps)
        nc_mean = sum(b for _, b in steps) / len(steps)
        batch_s, _, _ = workbook_batch(data, base / "reports-small", "--clients", ",".join(few), "--no-pdf",
                                       "--force", *workers)
        print(f"\nNaive loop vs workbook batch on the same {len(few)} client(s), {n_nb} framework notebooks:")
        print(f"  naive loop (papermill, then nbconvert)   {naive_s:7.1f} s  = {naive_s / n_nb:5.2f} s per notebook "
              f"(papermill {pm_mean:.2f} s + nbconvert {nc_mean:.2f} s)")
        print(f"  workbook batch --no-pdf (whole command)  {batch_s:7.1f} s  = {batch_s / n_nb:5.2f} s per notebook "
              f"(also writes the summaries and combined reports)")
        print(f"  ratio                                    {naive_s / batch_s:7.1f} x faster")
        if FAILED:
            print(f"  ({len(FAILED)} naive command(s) failed, e.g. {FAILED[0]})")

    reports = base / "reports"
    scale = slugs[: args.clients]
    n_notebooks = len(scale) * (len(frameworks) + 1)
    html_s, mem, code = workbook_batch(data, reports, "--clients", ",".join(scale), "--no-pdf", "--force", *workers)
    print(f"\nworkbook batch, {len(scale)} clients x ({len(frameworks)} frameworks + summary) = {n_notebooks} notebooks, "
          f"HTML only:")
    print(f"  wall time {html_s:6.1f} s ({html_s / n_notebooks * 1000:.0f} ms per notebook on {cores} cores); "
          f"goal under 180 s: {'met' if html_s < 180 else 'NOT met'}")
    print(f"  peak memory (PSS of the process tree) {mem.peak_pss / 2**20:.0f} MiB across up to "
          f"{mem.peak_processes} processes")
    means, n = warm_breakdown(reports)
    print(f"  per-notebook cost inside a worker (mean of {n}):")
    for key in ("fork", "execute", "papermill", "export", "write"):
        if key in means:
            print(f"    {LABELS[key]:<46} {means[key] * 1000:6.0f} ms")
    print(f"    {'total CPU-side per notebook':<46} {sum(means.values()) * 1000:6.0f} ms "
          f"(divided over {args.workers or cores} workers)")
    sizes = sorted((p.stat().st_size for p in reports.glob("*/report.html")), reverse=True)
    if sizes:
        print(f"  largest combined report.html {sizes[0] / 2**20:.2f} MiB (limit 2 MiB)")

    if not args.skip_pdf:
        pdf_s, pmem, _ = workbook_batch(data, reports, "--clients", ",".join(scale), *workers)
        pdfs = len(list(reports.glob("*/report.pdf")))
        print(f"\nPDFs (second run: HTML up to date, so only printing): {pdfs} PDFs in {pdf_s:.1f} s "
              f"({pdf_s / max(pdfs, 1):.2f} s each, one Chromium); peak memory {pmem.peak_pss / 2**20:.0f} MiB")
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    else:
        print(f"\nKept in {base}")


if __name__ == "__main__":
    main()
