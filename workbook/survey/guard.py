"""The survey server's defences: rate limits, cross-site request checks and the link directory.

Every refusal is logged (reason, address, link id or the first characters of
the token's hash; never the token).
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ..store import Store
from .links import Link, hash_token, now

log = logging.getLogger("workbook.survey")

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")   # token_urlsafe(32): 256 bits
CSRF_COOKIE = "wbs_csrf"


def refuse(reason: str, address: str, who: str = "-") -> None:
    """Log one refusal."""
    log.warning("refused %s: address=%s link=%s", reason, address, who)


@dataclass
class Bucket:
    """A token bucket: ``capacity`` requests at once, refilled at ``rate`` per second."""

    capacity: float
    rate: float
    level: float = -1.0
    stamp: float = 0.0

    def take(self, at: float) -> bool:
        """Use one request if there is one left."""
        if self.level < 0:
            self.level, self.stamp = self.capacity, at
        self.level = min(self.capacity, self.level + (at - self.stamp) * self.rate)
        self.stamp = at
        if self.level >= 1:
            self.level -= 1
            return True
        return False


@dataclass
class Limits:
    """Rate limits (workbook rules, chosen so a whole office behind one address can answer at once).

    Attributes
    ----------
    per_address : (capacity, per second)
        Every request from one address: 1200 at once, 20 a second after that
        (three requests per respondent, 400 respondents at the same moment).
    per_token : (capacity, per second)
        Requests through one link: 40 at once, one a second after that (a
        person moving through the pages never comes near it).
    failures : (capacity, per second)
        Unknown, expired or revoked links and refused posts from one address:
        20, then one every 3 seconds (guessing a 256-bit token is hopeless
        anyway; this keeps the log readable).
    max_body : int
        Largest request body accepted, in bytes (16 KiB: a full page of
        answers with a 1000-character reason fits several times).
    """

    per_address: tuple[float, float] = (1200, 20.0)
    per_token: tuple[float, float] = (40, 1.0)
    failures: tuple[float, float] = (20, 1 / 3)
    max_body: int = 16 * 1024


@dataclass
class RateLimiter:
    """Buckets per address, per link and for failures per address."""

    limits: Limits = field(default_factory=Limits)
    _buckets: dict = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _swept: float = 0.0

    def allow(self, kind: str, key: str) -> bool:
        """Take one request from the ``kind`` bucket of ``key`` (False when it is empty)."""
        at = time.monotonic()
        with self._lock:
            if at - self._swept > 60:
                self._sweep(at)
            bucket = self._buckets.get((kind, key))
            if bucket is None:
                bucket = self._buckets[(kind, key)] = Bucket(*getattr(self.limits, kind))
            return bucket.take(at)

    def spent(self, kind: str, key: str) -> bool:
        """True when the ``kind`` bucket of ``key`` is empty now (nothing is taken)."""
        at = time.monotonic()
        with self._lock:
            b = self._buckets.get((kind, key))
            return b is not None and min(b.capacity, b.level + (at - b.stamp) * b.rate) < 1

    def _sweep(self, at: float) -> None:
        """Forget buckets that have refilled (bounded memory under a flood of addresses)."""
        self._swept = at
        for key, b in list(self._buckets.items()):
            if b.level + (at - b.stamp) * b.rate >= b.capacity:
                del self._buckets[key]


class Csrf:
    """Double-submit check: a SameSite=Strict cookie and a form field derived from it and the link.

    A page from another site can neither read the cookie nor make the
    browser send it with a cross-site post, so it cannot produce a matching
    field. Posts whose ``Origin`` or ``Sec-Fetch-Site`` show another site are
    refused before that.
    """

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key or secrets.token_bytes(32)

    @staticmethod
    def new_cookie() -> str:
        """A fresh cookie value."""
        return secrets.token_urlsafe(24)

    def field(self, cookie: str, link: Link) -> str:
        """The hidden form value for ``cookie`` and ``link``."""
        return hmac.new(self._key, f"{cookie}|{link.id}".encode(), hashlib.sha256).hexdigest()

    def check(self, cookie: str | None, value: str | None, link: Link) -> bool:
        """True when the posted value matches the cookie and the link."""
        return bool(cookie and value) and hmac.compare_digest(self.field(cookie, link), value)


def same_origin(headers, expected: str | None) -> bool:
    """False when the request says it comes from another site (``Origin`` or ``Sec-Fetch-Site``)."""
    site = headers.get("sec-fetch-site")
    if site and site not in ("same-origin", "none"):
        return False
    origin = headers.get("origin")
    if origin is None:
        return True
    if origin == "null":
        return False
    if expected:
        want = urlsplit(expected)
        return origin.rstrip("/") == f"{want.scheme}://{want.netloc}"
    host = headers.get("host", "")
    return urlsplit(origin).netloc == host


@dataclass
class Directory:
    """Finds a link by its token's hash across the clients' link books.

    Link books are re-read when their file changes; an unknown token
    triggers a rescan of the clients (a directory listing and one ``stat``
    per client; only changed link books are read again), so links made after
    the server started are found at once. Addresses that spent their failure
    budget are refused before any scan (see :meth:`RateLimiter.spent`).
    """

    store: Store
    answers: object
    _index: dict = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def find(self, token: str) -> tuple[str, Link] | None:
        """``(client, link)`` for a well-formed token that was issued, else None."""
        if not TOKEN_PATTERN.fullmatch(token):
            return None
        digest = hash_token(token)
        client = self._index.get(digest)
        if client is None and self._rescan():
            client = self._index.get(digest)
        if client is None:
            return None
        link = self.answers.links_by_hash(client)[1].get(digest)  # a look-up by hash: the token itself is never compared
        return (client, link) if link is not None else None

    def _rescan(self) -> bool:
        with self._lock:
            index = {}
            for client in self.store.list_clients():
                for link in self.answers.links(client).links:
                    index[link.token_sha256] = client
            self._index = index
            return True


def fingerprint(token: str) -> str:
    """First 8 hex digits of the token's hash: names an unknown token in the log without revealing it."""
    return hash_token(token)[:8] if token else "-"


__all__ = ["Bucket", "Csrf", "Directory", "Limits", "RateLimiter", "refuse", "same_origin", "fingerprint", "now"]
