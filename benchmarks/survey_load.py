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


def start_server(data: Path, port: int, limit_s: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with open(log, "wb") as out:
        proc = subprocess.Popen(["timeout", str(limit_s), sys.executable, "-m", "workbook", "survey", "serve",
                                 "--port", str(port), "--stop-after", str(limit_s - 5), "--data-dir", str(data)],
                                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1, trust_env=False).text == "ok":
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the survey server did not start")


async def respondent(http: httpx.AsyncClient, token: str, answers: dict, go: asyncio.Event, ready: list,
                     times: dict, refused: list) -> bool:
    """Open the link, wait for the start signal, submit everything, open the thanks page.

    Each respondent sends its own cookie (the shared client keeps none), and
    the submission goes over a fresh connection when the idle one was closed,
    as a browser does after a respondent spent minutes on the page.
    """
    async def timed(kind: str, method: str, url: str, **kw) -> httpx.Response | None:
        t0 = time.perf_counter()
        try:
            r = await http.request(method, url, **kw)
        except httpx.HTTPError as exc:
            refused.append((kind, type(exc).__name__))
            return None
        times.setdefault(kind, []).append(time.perf_counter() - t0)
        if r.status_code not in (200, 303):
            refused.append((kind, r.status_code))
        return r

    r = await timed("open", "GET", f"/s/{token}")
    if r is None or r.status_code != 200:
        ready.append(False)
        return False
    cookie = r.headers["set-cookie"].split(";")[0]
    csrf = CSRF.search(r.text).group(1)
    ready.append(True)
    await go.wait()
    form = {"csrf": csrf, "page": "1", "action": "finish", **{f"q_{k}": str(v) for k, v in answers.items()}}
    r = await timed("submit", "POST", f"/s/{token}", data=form, headers={"origin": str(http.base_url).rstrip("/"), "cookie": cookie})
    if r is None or r.status_code != 303:
        return False
    await timed("thanks", "GET", r.headers["location"], headers={"cookie": cookie})
    return True


async def run(base: str, jobs: list[tuple[str, dict]]) -> tuple[dict, list, list[bool], float]:
    go, ready, times, refused = asyncio.Event(), [], {}, []

    async def forget_cookies(response: httpx.Response) -> None:
        http.cookies.clear()          # runs before any other task can build a request

    limits = httpx.Limits(max_connections=len(jobs), max_keepalive_connections=len(jobs), keepalive_expiry=4)
    async with httpx.AsyncClient(base_url=base, timeout=60, trust_env=False, limits=limits,
                                 transport=httpx.AsyncHTTPTransport(retries=1, limits=limits),
                                 event_hooks={"response": [forget_cookies]}) as http:
        tasks = [asyncio.create_task(respondent(http, t, a, go, ready, times, refused)) for t, a in jobs]
        while len(ready) < len(jobs) and not all(t.done() for t in tasks):
            await asyncio.sleep(0.05)
        await asyncio.sleep(5)        # idle connections from the first visit are closed by the server (5 s)
        t0 = time.perf_counter()
        go.set()
        acks = await asyncio.gather(*tasks)
    return times, refused, acks, time.perf_counter() - t0


def cpu_seconds(root_pid: int) -> float:
    """User + system CPU seconds of a process and its children (the server runs under ``timeout``)."""
    total, todo = 0.0, [root_pid]
    while todo:
        pid = todo.pop()
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            todo += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except (OSError, ValueError, IndexError):
            continue
    return total


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
    server = start_server(data, port, 300, tmp / "server.log")
    try:
        cpu0, me0 = cpu_seconds(server.pid), time.process_time()
        times, refused, acks, wall = asyncio.run(run(f"http://127.0.0.1:{port}", jobs))
        server_cpu, client_cpu = cpu_seconds(server.pid) - cpu0, time.process_time() - me0
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
    commits = (tmp / "server.log").read_text(errors="replace").count("in one update")
    print(f"respondents: {len(jobs)} ({len(sm_links)} Sales-Marketing on one client, {len(nps_links)} NPS); "
          f"cores: {os.cpu_count()}; load average before/after: {load_before[0]:.2f}/{load_after[0]:.2f}")
    print(f"submissions acknowledged: {sum(acks)} (saved in {commits} locked updates); links marked finished: {finished}; NPS table rows: {nps_ok}")
    print(f"answers lost: {lost} (goal 0)")
    print(f"requests refused wrongly: {len(refused)} (goal 0){'  ' + str(refused[:5]) if refused else ''}")
    sub = times.get("submit", [0.0])
    print(f"submissions: median {statistics.median(sub) * 1000:.0f} ms, p95 {pct(sub, 95):.0f} ms, "
          f"max {max(sub) * 1000:.0f} ms (goal p95 < 300 ms); all {len(jobs)} done in {wall:.2f} s")
    print(f"server CPU time: {server_cpu:.2f} s for {len(everything)} requests "
          f"({server_cpu / max(1, len(everything)) * 1000:.1f} ms a request); load generator CPU time: {client_cpu:.2f} s")
    print(f"all requests ({len(everything)}): median {statistics.median(everything) * 1000:.0f} ms, "
          f"p95 {pct(everything, 95):.0f} ms; form opening p95 {pct(times.get('open', [0.0]), 95):.0f} ms")
    shutil.rmtree(tmp, ignore_errors=True)
    if lost or refused:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
