"""The respondents of ``survey_load.py``, played by Locust (run by that script, in its own process).

``python benchmarks/_survey_swarm.py JOBS.json BASE_URL OUT.json``: JOBS holds
one ``{"token", "answers"}`` per respondent. Locust starts one
:class:`Respondent` per job (its ``FastHttpUser`` keeps a cookie jar per user,
as a browser does); each opens its link, then all wait for one signal and send
their complete answers at the same instant, and each follows the redirect to
the thanks page. OUT receives every request's kind, status and time in
seconds, and this process's CPU time, so that the calling script can report
the server's figures apart from the load generator's. It prints ``ready`` when
every respondent waits for the signal and gives it when a line arrives on its
standard input.

It runs apart from the calling script because Locust patches the standard
library for gevent when imported.
"""
from __future__ import annotations

import json
import re
import sys
import time

import gevent
from gevent.event import Event
from locust import FastHttpUser, task
from locust.env import Environment
from locust.exception import StopUser

CSRF = re.compile(r'name="csrf" value="([0-9a-f]{64})"')


class Swarm:
    """What the respondents share: their jobs, the start signal and the record of every request."""

    jobs: list[dict] = []
    go = Event()
    opened = 0
    waiting = 0
    records: list[tuple[str, int, float]] = []
    acks: dict[str, bool] = {}
    next_job = 0


class Respondent(FastHttpUser):
    """One respondent: open the link, wait for everyone, submit every answer, see the thanks page."""

    network_timeout = 60.0
    connection_timeout = 60.0
    max_retries = 0
    wait_time = staticmethod(lambda: 0)

    def timed(self, kind: str, method: str, url: str, **kw):
        t0 = time.perf_counter()
        with self.client.request(method, url, name=kind, catch_response=True, **kw) as r:
            Swarm.records.append((kind, r.status_code or 0, time.perf_counter() - t0))
            r.success()          # the calling script judges the status codes itself
            return r

    @task
    def answer(self) -> None:
        job = Swarm.jobs[Swarm.next_job]
        Swarm.next_job += 1
        token, ok = job["token"], False
        try:
            r = self.timed("open", "GET", f"/s/{token}")
            found = CSRF.search(r.text or "") if r.status_code == 200 else None
            Swarm.opened += 1
            if found is None:
                return
            Swarm.waiting += 1
            Swarm.go.wait()
            form = {"csrf": found.group(1), "page": "1", "action": "finish",
                    **{f"q_{k}": str(v) for k, v in job["answers"].items()}}
            r = self.timed("submit", "POST", f"/s/{token}", data=form, allow_redirects=False,
                           headers={"origin": self.host.rstrip("/")})
            if r.status_code != 303:
                return
            self.timed("thanks", "GET", r.headers["location"])
            ok = True
        finally:
            Swarm.acks[token] = ok
            raise StopUser()


def main(jobs_path: str, base: str, out_path: str) -> None:
    Swarm.jobs = json.loads(open(jobs_path).read())
    total = len(Swarm.jobs)
    env = Environment(user_classes=[Respondent], host=base)
    runner = env.create_local_runner()
    runner.start(total, spawn_rate=total)
    deadline = time.monotonic() + 120
    while Swarm.opened < total and time.monotonic() < deadline:
        gevent.sleep(0.05)
    gevent.sleep(0.5)                     # every respondent is now parked on the signal
    print("ready", flush=True)            # the calling script notes the server's CPU time, then says go
    sys.stdin.readline()
    cpu0, t0 = time.process_time(), time.perf_counter()
    Swarm.go.set()
    while len(Swarm.acks) < total and time.monotonic() < deadline + 120:
        gevent.sleep(0.02)
    wall = time.perf_counter() - t0
    runner.quit()
    with open(out_path, "w") as out:
        json.dump({"records": Swarm.records, "acks": Swarm.acks, "wall_s": wall, "waiting": Swarm.waiting,
                   "cpu_s_during_submit": time.process_time() - cpu0, "cpu_s": time.process_time()}, out)


if __name__ == "__main__":
    main(*sys.argv[1:4])
