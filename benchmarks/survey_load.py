"""Survey server under load: 300 respondents submitting at the same moment.

Run: ``python benchmarks/survey_load.py`` (``--help`` for sizes). On a private
copy of the example data it makes 300 links (by default 250 Sales-Marketing
respondents of one client, the worst case since they all write one file, and
50 anonymous NPS links of another), starts ``workbook survey serve`` on
127.0.0.1 on a free port (it stops by itself), and then:

1. every respondent opens its link (the form and its cookie);
2. all of them send their complete answers at the same instant;
3. each follows the redirect to the thanks page.

It prints the answers lost (sent, acknowledged, but not in the client's store:
goal 0), the requests refused wrongly (any answer other than the form, the
redirect or the thanks page: goal 0), and the median and 95th percentile
response time of the submissions and of all requests (goal: p95 under 300 ms).

The load tool is ``httpx`` with ``asyncio`` (already a dependency of the
workbook): one process holds 300 connections and releases every submission
together with one event, and the run then checks the client's store, which a
generic load tool would not do.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workbook.frameworks import nps, sales_marketing  # noqa: E402
from workbook.store import Store  # noqa: E402
from workbook.survey.links import create_links, load_links  # noqa: E402

CSRF = re.compile(r'name="csrf" value="([0-9a-f]{64})"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data: Path, port: int, limit_s: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(["timeout", str(limit_s), sys.executable, "-m", "workbook", "survey", "serve",
                             "--port", str(port), "--stop-after", str(limit_s - 5), "--data-dir", str(data)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1, trust_env=False).text == "ok":
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the survey server did not start")


async def respondent(base: str, token: str, answers: dict, go: asyncio.Event, ready: list, times: dict,
                     refused: list) -> bool:
    """Open the link, wait for the start signal, submit everything, open the thanks page."""
    async with httpx.AsyncClient(base_url=base, timeout=60, trust_env=False) as http:
        async def timed(kind: str, method: str, url: str, **kw) -> httpx.Response:
            t0 = time.perf_counter()
            r = await http.request(method, url, **kw)
            times.setdefault(kind, []).append(time.perf_counter() - t0)
            return r
        r = await timed("open", "GET", f"/s/{token}")
        if r.status_code != 200:
            refused.append(("open", r.status_code))
            ready.append(False)
            return False
        csrf = CSRF.search(r.text).group(1)
        ready.append(True)
        await go.wait()
        form = {"csrf": csrf, "page": "1", "action": "finish", **{f"q_{k}": str(v) for k, v in answers.items()}}
        r = await timed("submit", "POST", f"/s/{token}", data=form, headers={"origin": base})
        if r.status_code != 303:
            refused.append(("submit", r.status_code))
            return False
        r = await timed("thanks", "GET", r.headers["location"])
        if r.status_code != 200:
            refused.append(("thanks", r.status_code))
        return True


async def run(base: str, jobs: list[tuple[str, dict]]) -> tuple[dict, list, list[bool], float]:
    go, ready, times, refused = asyncio.Event(), [], {}, []
    tasks = [asyncio.create_task(respondent(base, t, a, go, ready, times, refused)) for t, a in jobs]
    while len(ready) < len(jobs) and not all(t.done() for t in tasks):
        await asyncio.sleep(0.05)
    t0 = time.perf_counter()
    go.set()
    acks = await asyncio.gather(*tasks)
    return times, refused, acks, time.perf_counter() - t0


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] * 1000 if len(values) > 1 else values[0] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--diagnostic", type=int, default=250, help="Sales-Marketing respondents (one client)")
    parser.add_argument("--nps", type=int, default=50, help="anonymous NPS respondents (another client)")
    args = parser.parse_args()
    rng = random.Random(14)
    tmp = Path(tempfile.mkdtemp(prefix="survey-load-"))
    data = tmp / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns(".lock"))
    store = Store(data)
    people = [(f"Respondent {i:03d}", rng.choice(["Sales", "Marketing"])) for i in range(args.diagnostic)]
    sm_links = create_links(store, "aurora-software", "sales_marketing", people) if people else []
    nps_links = create_links(store, "bluebird-coffee", "nps", count=args.nps) if args.nps else []
    jobs = [(m.token, {f"s{i}": rng.randint(1, 5) for i in range(1, 21)}) for m in sm_links]
    jobs += [(m.token, {"score": rng.randint(0, 10), "reason": f"reason {i} <b>&</b>"}) for i, m in enumerate(nps_links)]
    sent = {m.token: (m, a) for m, (_, a) in zip(sm_links + nps_links, jobs)}
    port = free_port()
    load_before = os.getloadavg()
    server = start_server(data, port, 300)
    try:
        times, refused, acks, wall = asyncio.run(run(f"http://127.0.0.1:{port}", jobs))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(10)
    load_after = os.getloadavg()

    doc = Store(data).load("aurora-software", "sales_marketing", sales_marketing.Inputs)
    by_name = {r.name: r.answers for r in doc.respondents}
    table = Store(data).load_table("bluebird-coffee", "nps", "responses")
    lost = 0
    for (token, answers), ack in zip(jobs, acks):
        m, _ = sent[token]
        if not ack:
            continue
        if m.link.framework == "sales_marketing":
            lost += by_name.get(m.link.respondent) != [answers[f"s{i}"] for i in range(1, 21)]
        else:
            rows = table.loc[table["link"] == m.link.id]
            lost += len(rows) != 1 or int(float(rows["score"].iloc[0])) != answers["score"] \
                or rows["reason"].iloc[0] != answers["reason"]
    finished = sum(x.finished_at is not None for c in ("aurora-software", "bluebird-coffee")
                   for x in load_links(Store(data), c).links)
    nps_ok = len(nps.validate_responses(table)) if table is not None else 0
    everything = [t for v in times.values() for t in v]
    print(f"respondents: {len(jobs)} ({len(sm_links)} Sales-Marketing on one client, {len(nps_links)} NPS); "
          f"cores: {os.cpu_count()}; load average before/after: {load_before[0]:.2f}/{load_after[0]:.2f}")
    print(f"submissions acknowledged: {sum(acks)}; links marked finished: {finished}; NPS table rows: {nps_ok}")
    print(f"answers lost: {lost} (goal 0)")
    print(f"requests refused wrongly: {len(refused)} (goal 0){'  ' + str(refused[:5]) if refused else ''}")
    sub = times.get("submit", [0.0])
    print(f"submissions: median {statistics.median(sub) * 1000:.0f} ms, p95 {pct(sub, 95):.0f} ms, "
          f"max {max(sub) * 1000:.0f} ms (goal p95 < 300 ms); all {len(jobs)} done in {wall:.2f} s")
    print(f"all requests ({len(everything)}): median {statistics.median(everything) * 1000:.0f} ms, "
          f"p95 {pct(everything, 95):.0f} ms; form opening p95 {pct(times.get('open', [0.0]), 95):.0f} ms")
    shutil.rmtree(tmp, ignore_errors=True)
    if lost or refused:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
