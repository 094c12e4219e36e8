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

The load tool is Locust (``FastHttpUser``, one user per respondent, each with
its own cookie jar), run as library in its own process by
``benchmarks/_survey_swarm.py`` so that it does not share an interpreter with
this script; it releases every submission together with one event. This script
then checks the client's store, which a load tool alone would not do, and
reports the server's CPU time apart from the load generator's: both share the
machine's two cores.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workbook.frameworks import nps, sales_marketing  # noqa: E402
from workbook.store import Store  # noqa: E402
from workbook.survey.links import create_links, load_links  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data: Path, port: int, limit_s: int, log: Path, workers: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with open(log, "wb") as out:
        proc = subprocess.Popen(["timeout", str(limit_s), sys.executable, "-m", "workbook", "survey", "serve",
                                 "--port", str(port), "--stop-after", str(limit_s - 5), "--workers", str(workers), "--data-dir", str(data)],
                                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 30
    local = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    while time.monotonic() < deadline:
        try:
            if local.open(f"http://127.0.0.1:{port}/healthz", timeout=1).read() == b"ok":
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the survey server did not start")


def run(base: str, jobs: list[tuple[str, dict]], tmp: Path, server_pid: int) -> tuple[dict, list, list[bool], float, dict]:
    """Play the respondents with Locust in its own process (``_survey_swarm.py``); returns its figures.

    The server's CPU time is read when every respondent has opened its form
    and again at the end, so ``swarm["server_cpu_submit_s"]`` is what the
    submissions (and the thanks pages) cost it.
    """
    jobs_file, out_file = tmp / "jobs.json", tmp / "swarm.json"
    jobs_file.write_text(json.dumps([{"token": t, "answers": a} for t, a in jobs]))
    swarm_proc = subprocess.Popen([sys.executable, str(ROOT / "benchmarks" / "_survey_swarm.py"), str(jobs_file), base,
                                   str(out_file)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    if swarm_proc.stdout.readline().strip() != "ready":
        raise SystemExit("the load generator did not get ready")
    cpu_go = cpu_seconds(server_pid)
    swarm_proc.stdin.write("go\n")
    swarm_proc.stdin.flush()
    swarm_proc.wait(300)
    cpu_end = cpu_seconds(server_pid)
    swarm = json.loads(out_file.read_text())
    swarm["server_cpu_submit_s"] = cpu_end - cpu_go
    times, refused = {}, []
    for kind, status, seconds in swarm["records"]:
        times.setdefault(kind, []).append(seconds)
        if status not in (200, 303):
            refused.append((kind, status))
    acks = [bool(swarm["acks"].get(t)) for t, _ in jobs]
    return times, refused, acks, swarm["wall_s"], swarm


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
    parser.add_argument("--workers", type=int, default=1, help="server processes (workbook survey serve --workers)")
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
    server = start_server(data, port, 300, tmp / "server.log", args.workers)
    try:
        cpu0 = cpu_seconds(server.pid)
        times, refused, acks, wall, swarm = run(f"http://127.0.0.1:{port}", jobs, tmp, server.pid)
        server_cpu, client_cpu = cpu_seconds(server.pid) - cpu0, swarm["cpu_s"]
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
          f"({server_cpu / max(1, len(everything)) * 1000:.1f} ms a request), of which {swarm['server_cpu_submit_s']:.2f} s "
          f"for the {len(sub)} submissions and their thanks pages; load generator CPU time: {client_cpu:.2f} s "
          f"({swarm['cpu_s_during_submit']:.2f} s while submitting); {args.workers} server process(es)")
    print(f"all requests ({len(everything)}): median {statistics.median(everything) * 1000:.0f} ms, "
          f"p95 {pct(everything, 95):.0f} ms; form opening p95 {pct(times.get('open', [0.0]), 95):.0f} ms")
    shutil.rmtree(tmp, ignore_errors=True)
    if lost or refused:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
