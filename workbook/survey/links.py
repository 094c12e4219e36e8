"""Personal survey links: tokens, link records, creating, listing and revoking them.

A link is ``<base url>/s/<token>``. The token is 256 random bits
(:func:`secrets.token_urlsafe`); only its SHA-256 is stored, in the client's
``survey_links.json`` (written through the store, under the client's lock).
A link opens one respondent's form, for one client and one framework, until it
expires or is revoked.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from .. import registry
from ..errors import InvalidInput, Problem
from ..questionnaire import Questionnaire, Respondent
from ..store import Store
from ..store_helpers import update_together

LINKS_DOC = "survey_links"
TOKEN_BYTES = 32                     # 256 random bits (the issue asks for at least 128)
DEFAULT_EXPIRY = dt.timedelta(days=14)
#: Longest life of a link (workbook rule: a survey stays open at most a quarter, so stale links stop working).
MAX_EXPIRY = dt.timedelta(days=92)
COUNT_MAX = 500                      # anonymous links made by one command (workbook rule: one mailing's worth)
EXPIRES_ALLOWED = "a duration such as 14d, 36h or 7 (days), from 1 hour to 92 days"


def now() -> dt.datetime:
    """The current time in UTC."""
    return dt.datetime.now(dt.timezone.utc)


class Link(BaseModel):
    """One personal link (the token itself is never stored)."""

    id: str = Field(pattern=r"^[0-9a-f]{12}$")
    token_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    framework: str
    respondent: str | None = None
    role: str | None = None
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None = None
    answered: list[str] = Field(default_factory=list)
    first_saved_at: dt.datetime | None = None
    last_saved_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None

    def state(self, at: dt.datetime | None = None) -> str:
        """``"open"``, ``"expired"`` or ``"revoked"``."""
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if (at or now()) >= self.expires_at else "open"

    @property
    def who(self) -> Respondent:
        """The respondent as the room's questionnaire functions see it."""
        return Respondent(self.id, self.respondent, self.role)


class LinkBook(BaseModel):
    """A client's survey links, stored as ``survey_links.json``."""

    schema_version: int = 1
    links: list[Link] = Field(default_factory=list)

    def get(self, link_id: str) -> Link | None:
        """The link with id ``link_id`` (None when absent)."""
        return next((link for link in self.links if link.id == link_id), None)


@dataclass(frozen=True)
class NewLink:
    """A link just made: the only moment its token is known."""

    link: Link
    token: str

    def url(self, base_url: str) -> str:
        """The address to send to the respondent."""
        return f"{base_url.rstrip('/')}/s/{self.token}"


def hash_token(token: str) -> str:
    """SHA-256 of a token, as stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@functools.lru_cache(maxsize=64)
def spec(framework: str):
    """The registered spec of ``framework`` (looked up once per process: the server asks on every request)."""
    return registry.get(framework)


def questionnaire_for(framework: str) -> Questionnaire:
    """The questionnaire a registered framework declares in its spec (read through the registry).

    Raises
    ------
    InvalidInput
        When the framework asks no questions of respondents.
    """
    found = getattr(spec(framework), "questionnaire", None)
    if not isinstance(found, Questionnaire):
        raise InvalidInput.one("framework", framework, "a framework with a questionnaire: " + ", ".join(with_questionnaire()))
    return found


def with_questionnaire() -> list[str]:
    """Names of the registered frameworks whose spec declares a questionnaire."""
    return [name for name in registry.names()
            if isinstance(getattr(registry.get(name), "questionnaire", None), Questionnaire)]


def parse_expiry(text: str | int | float) -> dt.timedelta:
    """Turn ``"14d"``, ``"36h"`` or ``7`` (days) into a duration, or raise :class:`InvalidInput`."""
    match = re.fullmatch(r"\s*(\d{1,4})\s*([dh]?)\s*", str(text).lower())
    if not match:
        raise InvalidInput.one("expires", text, EXPIRES_ALLOWED)
    amount, unit = int(match.group(1)), match.group(2) or "d"
    span = dt.timedelta(hours=amount) if unit == "h" else dt.timedelta(days=amount)
    if not dt.timedelta(hours=1) <= span <= MAX_EXPIRY:
        raise InvalidInput.one("expires", text, EXPIRES_ALLOWED)
    return span


def load_links(store: Store, client: str) -> LinkBook:
    """A client's link book (empty when no link was made)."""
    return store.load(client, LINKS_DOC, LinkBook, LinkBook())


def create_links(store: Store, client: str, framework: str, respondents: list[tuple[str, str | None]] = (),
                 count: int = 0, expires: dt.timedelta = DEFAULT_EXPIRY) -> list[NewLink]:
    """Make one link per named respondent, or ``count`` anonymous links.

    Parameters
    ----------
    respondents : list of (name, role)
        Named respondents (role ``None`` when the questionnaire asks none).
    count : int
        Anonymous links to make (only where the questionnaire allows them).
    expires : timedelta
        How long the links stay open.

    Named respondents are added to the room's inputs at once (with no answers),
    so the live session lists who has not answered yet.

    Raises
    ------
    InvalidInput
        Unknown framework, bad name or role, a name already holding an open
        link, anonymous links where names are needed, or a second link for a
        room that keeps one set of answers.
    """
    store.load_profile(client)  # unknown clients fail here, before anything is written
    q = questionnaire_for(framework)
    if bool(respondents) == bool(count):
        raise InvalidInput.one("respondents", f"{len(respondents)} named, {count} anonymous",
                               "either named respondents (--respondent) or --count N anonymous links")
    if count and not q.anonymous:
        raise InvalidInput.one("count", count, f"named respondents only: {q.title} links are personal")
    if count and not 1 <= count <= COUNT_MAX:
        raise InvalidInput.one("count", count, f"a whole number from 1 to {COUNT_MAX}")
    clean = [q.check_respondent(name, role) for name, role in respondents] or [(None, None)] * count
    names = [n.lower() for n, _ in clean if n]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise InvalidInput.one("respondent", repeated[0], "each name once per command")
    at = now()
    made = [NewLink(Link(id=secrets.token_hex(6), token_sha256="0" * 64, framework=framework, respondent=name,
                         role=role, created_at=at, expires_at=at + expires), secrets.token_urlsafe(TOKEN_BYTES))
            for name, role in clean]
    made = [NewLink(m.link.model_copy(update={"token_sha256": hash_token(m.token)}), m.token) for m in made]

    def add(book: LinkBook) -> None:
        problems = []
        open_links = [link for link in book.links if link.framework == framework and link.state(at) == "open"]
        if q.one_respondent and (open_links or len(made) > 1):
            problems.append(Problem("respondent", ", ".join(n or "anonymous" for n, _ in clean),
                                    f"one open link at a time: {q.title} keeps one set of answers per client"
                                    + (f" (revoke link {open_links[0].id} first)" if open_links else "")))
        taken = {link.respondent.lower() for link in open_links if link.respondent}
        problems += [Problem("respondent", n, "a name without an open link for this framework (revoke it first)")
                     for n, _ in clean if n and n.lower() in taken]
        if problems:
            raise InvalidInput(problems, f"survey links for {client}")
        book.links.extend(m.link for m in made)

    steps: list[tuple[Any, ...]] = [("doc", LINKS_DOC, LinkBook, add, None)]
    if q.table is None and any(m.link.respondent for m in made):
        model = spec(framework).Inputs

        def enrol(doc: Any) -> None:
            for m in made:
                q.write(doc, m.link.who, {})
        steps.append(("doc", framework, model, enrol, None))
    update_together(store, client, steps)
    return made


def revoke_links(store: Store, client: str, link_ids: list[str] = (), respondent: str | None = None,
                 framework: str | None = None, everything: bool = False) -> list[Link]:
    """Revoke links by id, by respondent name, or all (optionally of one framework); returns those revoked."""
    if not (link_ids or respondent or everything):
        raise InvalidInput.one("revoke", "nothing chosen", "link ids, --respondent NAME or --all")
    at = now()
    done: list[Link] = []

    def change(book: LinkBook) -> None:
        known = {link.id for link in book.links}
        missing = [i for i in link_ids if i not in known]
        if missing:
            raise InvalidInput([Problem("link", i, "a link id shown by 'workbook survey list'") for i in missing])
        for link in book.links:
            chosen = (everything or link.id in link_ids
                      or (respondent is not None and (link.respondent or "").lower() == respondent.strip().lower()))
            if chosen and (framework is None or link.framework == framework) and link.revoked_at is None:
                link.revoked_at = at
                done.append(link)
        if not done:
            raise InvalidInput.one("revoke", respondent or ", ".join(link_ids) or "all", "a link that is not revoked yet")

    update_together(store, client, [("doc", LINKS_DOC, LinkBook, change, None)])
    return done
