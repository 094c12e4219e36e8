"""Saving respondents' answers into the client's store, and reading them back for the form.

Submissions for the same client and framework that arrive while a save is
under way are saved together in the next one (a group commit): one locked,
atomic update of the room's inputs (or table) and of the link records, so that
hundreds of respondents answering at once cost a handful of writes, and a
request returns only once its answers are on disk.
"""
from __future__ import annotations

import asyncio
import logging
import os
import time
from dataclasses import dataclass, field
from typing import Any

from ..errors import InvalidInput, WorkbookError
from ..store import Store
from ..store_helpers import update_together
from .links import LINKS_DOC, Link, LinkBook, now, questionnaire_for, spec

log = logging.getLogger(__name__)

#: The first save of a quiet room waits until no submission has arrived for GATHER_QUIET_S seconds (at most
#: GATHER_MAX_S), so that a burst shares it. Every save rewrites the room's whole document (a 250-respondent
#: diagnostic costs about 50 ms), so 300 answers at once are saved in two or three writes (one or two per
#: room) instead of four or five; a lone respondent waits 5 ms longer. (These are the values
#: benchmarks/survey_load.py was measured with; 0.01 and 0.15 s gave no better p95.)
GATHER_QUIET_S = 0.005
GATHER_MAX_S = 0.04
#: Seconds a client's name, shown on the pages, is used before its profile is looked at again.
PROFILE_RECHECK_S = 1.0


class LinkClosed(WorkbookError):
    """The link expired or was revoked before the answers were saved."""

    def __init__(self, state: str) -> None:
        self.state = state
        super().__init__(f"link {state}")


@dataclass
class _Job:
    link_id: str
    answers: dict
    finished: bool
    future: asyncio.Future
    error: Exception | None = None
    link: Link | None = None


@dataclass
class _Cached:
    mtime: int | None
    value: Any = None


@dataclass
class AnswerStore:
    """The survey server's access to client data: cached reads and grouped, locked writes.

    Parameters
    ----------
    store : Store
        The data folder; the server is one session of it.
    """

    store: Store
    _pending: dict = field(default_factory=dict)
    _busy: set = field(default_factory=set)
    _cache: dict = field(default_factory=dict)
    _paths: dict = field(default_factory=dict)
    _profile_seen: dict = field(default_factory=dict)
    commits: int = 0

    # -- reading ---------------------------------------------------------------
    def _mtime(self, client: str, name: str, table: str | None = None) -> int | None:
        """When a document (or table) last changed, in ns, or None: one ``stat`` (paths are worked out once)."""
        path = self._paths.get((client, name, table))
        if path is None:
            path = os.fspath(self.store.table_path(client, name, table) if table else self.store.doc_path(client, name))
            self._paths[(client, name, table)] = path
        try:
            return os.stat(path).st_mtime_ns
        except FileNotFoundError:
            return None

    def _cached(self, key: tuple, mtime: int | None, load) -> Any:
        hit = self._cache.get(key)
        if hit is not None and hit.mtime == mtime and mtime is not None:
            return hit.value
        value = load()
        self._cache[key] = _Cached(mtime, value)
        return value

    def links(self, client: str) -> LinkBook:
        """The client's link book, re-read only when the file changed."""
        return self.links_by_hash(client)[0]

    def links_by_hash(self, client: str) -> tuple[LinkBook, dict[str, Link]]:
        """The client's link book and its links by token hash (one dictionary look-up per request)."""
        def load() -> tuple[LinkBook, dict[str, Link]]:
            book = self.store.load(client, LINKS_DOC, LinkBook, LinkBook())
            return book, {x.token_sha256: x for x in book.links}

        return self._cached(("links", client), self._mtime(client, LINKS_DOC), load)

    def profile_name(self, client: str) -> str:
        """The client's name from its profile, re-read when the profile changed (looked at once a second).

        Only pages show it, so a renamed client may show its old name for up to
        a second; this spares every request of a burst a file-system look-up.
        """
        at = time.monotonic()
        seen = self._profile_seen.get(client)
        if seen is not None and at - seen[0] < PROFILE_RECHECK_S:
            return seen[1]
        name = self._cached(("profile", client), self._mtime(client, "profile"),
                            lambda: self.store.load_profile(client).name)
        self._profile_seen[client] = (at, name)
        return name

    def saved_answers(self, client: str, link: Link) -> dict:
        """The answers this link has saved so far, ``{question id: value}`` (others left out)."""
        q = questionnaire_for(link.framework)
        fw = spec(link.framework)
        if q.table:
            saved = self._cached(("table", client, link.framework), self._mtime(client, link.framework, q.table),
                                 lambda: self.store.load_table(client, link.framework, q.table))
        else:
            saved = self._cached(("doc", client, link.framework), self._mtime(client, link.framework),
                                 lambda: self.store.load(client, link.framework, fw.Inputs, fw.Inputs()))
        answers = q.read(saved, link.who)
        return {qid: answers.get(qid) for qid in link.answered if answers.get(qid) is not None}

    # -- writing ---------------------------------------------------------------
    async def save(self, client: str, link: Link, answers: dict, finished: bool) -> Link:
        """Save one respondent's (already checked) answers; returns the link as saved.

        Raises
        ------
        LinkClosed
            When the link expired or was revoked in the meantime.
        InvalidInput
            When the answers do not fit the room's inputs.

        With ``finished`` and required questions still unanswered, the
        answers are saved and the link stays unfinished (``finished_at`` None).
        """
        key = (client, link.framework)
        job = _Job(link.id, answers, finished, asyncio.get_running_loop().create_future())
        self._pending.setdefault(key, []).append(job)
        if key not in self._busy:
            self._busy.add(key)
            asyncio.get_running_loop().create_task(self._drain(key))
        return await job.future

    async def _drain(self, key: tuple) -> None:
        try:
            # let a burst of submissions share the first save: wait until none arrived for GATHER_QUIET_S
            started = asyncio.get_running_loop().time()
            while True:
                waiting = len(self._pending.get(key, ()))
                await asyncio.sleep(GATHER_QUIET_S)
                if (len(self._pending.get(key, ())) == waiting
                        or asyncio.get_running_loop().time() - started >= GATHER_MAX_S):
                    break
            while self._pending.get(key):
                jobs = self._pending.pop(key)
                try:
                    await asyncio.to_thread(self._commit, key[0], key[1], jobs)
                except Exception as exc:  # the whole group failed: every request hears why
                    if not isinstance(exc, WorkbookError):
                        log.exception("saving %d survey answer(s) for %s/%s failed", len(jobs), *key)
                    for job in jobs:
                        job.error = job.error or exc
                for job in jobs:
                    if job.future.done():
                        continue
                    if job.error is not None:
                        job.future.set_exception(job.error)
                    else:
                        job.future.set_result(job.link)
        finally:
            self._busy.discard(key)

    def _commit(self, client: str, framework: str, jobs: list[_Job]) -> None:
        q = questionnaire_for(framework)
        at = now()
        accepted: list[_Job] = []

        def write_room(saved: Any) -> Any:
            book = self.store.load(client, LINKS_DOC, LinkBook, LinkBook())  # consistent: the lock is held
            by_id = {x.id: x for x in book.links}
            for job in jobs:
                link = by_id.get(job.link_id)
                state = "revoked" if link is None else link.state(at)
                if state != "open" or link.framework != framework:
                    job.error = LinkClosed(state)
                    continue
                if job.finished:  # finishing with required questions unanswered saves the answers, unfinished
                    have = {i for i in link.answered if job.answers.get(i, "kept") is not None}
                    have |= {i for i, v in job.answers.items() if v is not None}
                    job.finished = all(qu.id in have for qu in q.questions if qu.required)
                if q.write_many is not None:  # written together below
                    accepted.append(job)
                    continue
                try:
                    out = q.write(saved, link.who, job.answers)
                except (InvalidInput, ValueError) as exc:
                    job.error = exc
                    continue
                if q.table is not None:
                    saved = out
                accepted.append(job)
            if q.write_many is not None and accepted:
                try:
                    out = q.write_many(saved, [(by_id[job.link_id].who, job.answers) for job in accepted])
                except (InvalidInput, ValueError) as exc:  # the saved table itself is wrong: no one is saved
                    for job in accepted:
                        job.error = exc
                    accepted.clear()
                    return saved
                saved = out if q.table is not None else saved
            return saved

        def mark_links(book: LinkBook) -> None:
            by_id = {x.id: x for x in book.links}
            for job in accepted:
                link = by_id[job.link_id]
                ids = set(link.answered)
                ids |= {i for i, v in job.answers.items() if v is not None}
                ids -= {i for i, v in job.answers.items() if v is None}
                link.answered = [i for i in q.ids if i in ids]
                link.first_saved_at = link.first_saved_at or at
                link.last_saved_at = at
                if job.finished:
                    link.finished_at = at
                job.link = link.model_copy(update={"answered": list(link.answered)})  # the rest is immutable

        room_spec = spec(framework)
        room = (("table", framework, q.table, write_room, room_spec.tables[q.table]) if q.table
                else ("doc", framework, room_spec.Inputs, write_room, None))
        update_together(self.store, client, [room, ("doc", LINKS_DOC, LinkBook, mark_links, None)])
        self.commits += 1
        log.info("saved %d of %d survey answer(s) for %s/%s in one update", len(accepted), len(jobs), client, framework)
