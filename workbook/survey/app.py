"""The survey web app: server-side pages where respondents answer through their personal link.

Routes: ``GET /s/<token>`` (a page of the form, ``?p=N``), ``POST /s/<token>``
(save the page, then go on), ``GET /s/<token>/thanks``, ``GET
/static/survey.css`` and ``GET /healthz``. Nothing lists clients, links or
respondents; an unknown token gets the same page as any other missing address.
"""
from __future__ import annotations

import gc

import json
import logging
import os
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from ..errors import InvalidInput
from ..store import Store
from .answers import AnswerStore, LinkClosed
from .guard import CSRF_COOKIE, Csrf, Directory, Limits, RateLimiter, fingerprint, refuse, same_origin
from .links import Link, questionnaire_for, spec, with_questionnaire

log = logging.getLogger("workbook.survey")

SECURITY_HEADERS = {
    "content-security-policy": ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                                "frame-ancestors 'none'; base-uri 'none'"),
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",       # the token is in the address: never pass it to another site
    "cache-control": "no-store",
    "x-frame-options": "DENY",
}
STATE_PAGES = {"expired": ("This link has expired", 410), "revoked": ("This link was withdrawn", 410)}


@dataclass
class Settings:
    """How the app runs.

    Attributes
    ----------
    data_dir : str
        The data folder holding ``clients/``.
    base_url : str or None
        The public address in front of the app (e.g. ``https://survey.example.com``),
        used to check the origin of posts and to mark the cookie Secure.
    limits : Limits
        Rate limits and the largest body; each worker process keeps its own counts.
    csrf_key : bytes or None
        Secret behind the form check. Worker processes of one server must share
        it (a form served by one may be posted to another); None makes a fresh one.
    """

    data_dir: str
    base_url: str | None = None
    limits: Limits = field(default_factory=Limits)
    csrf_key: bytes | None = None

    ENV = "WORKBOOK_SURVEY_SETTINGS"

    def to_env(self) -> dict[str, str]:
        """These settings as an environment variable, for worker processes (see :func:`app_from_env`)."""
        return {self.ENV: json.dumps({"data_dir": self.data_dir, "base_url": self.base_url,
                                      "csrf_key": (self.csrf_key or b"").hex()})}


class _Guarded:
    """ASGI wrapper: security headers on every response, bodies over the limit refused early."""

    def __init__(self, app, limits: Limits) -> None:
        self.app, self.limits = app, limits

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limits.max_body):
            refuse("body too large", (scope.get("client") or ("-",))[0], length.decode("latin-1"))
            return await PlainTextResponse("Request too large.", 413, headers=SECURITY_HEADERS)(scope, receive, send)

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message = {**message, "headers": list(message.get("headers", [])) +
                           [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items() if k.encode() not in names]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(settings: Settings) -> "_Guarded":
    """Build the survey app for one data folder."""
    store = Store(settings.data_dir)
    answers = AnswerStore(store)
    directory = Directory(store, answers)
    limiter = RateLimiter(settings.limits)
    csrf = Csrf(settings.csrf_key)
    base = settings.base_url.rstrip("/") if settings.base_url else None
    secure_cookie = bool(base and base.startswith("https://"))
    env = Environment(loader=PackageLoader("workbook", "templates/survey"), autoescape=select_autoescape(default=True), auto_reload=False,
                      trim_blocks=True, lstrip_blocks=True)
    # Load now what a first request would otherwise load while every other request waits on it (0.2 s and
    # more: with 300 respondents opening their links at once, the slowest form took twice as long): every
    # room that asks questions (its module, spec and questions) and every page, compiled.
    for framework in with_questionnaire():
        questionnaire_for(framework)
    for template in ("form.html", "message.html", "thanks.html"):
        env.get_template(template)
    gc.collect()
    gc.freeze()  # what is loaded now lives as long as the server: the collector need not walk it on every request

    def page(name: str, status: int = 200, **context) -> HTMLResponse:
        return HTMLResponse(env.get_template(name).render(**context), status_code=status)

    def message(title: str, text: str, status: int, **context) -> HTMLResponse:
        return page("message.html", status, title=title, text=text, **context)

    def not_found() -> HTMLResponse:
        return message("Nothing here", "This address does not open a survey. Check that the link was copied in full.",
                       404)

    def address(request: Request) -> str:
        return request.client.host if request.client else "-"

    def resolve(request: Request) -> tuple[str, Link] | Response:
        """The client and link of the request's token, or the refusal to send."""
        token, ip = request.path_params["token"], address(request)
        if not limiter.allow("per_address", ip):
            refuse("rate limit (address)", ip, fingerprint(token))
            return message("Too many requests", "Please wait a minute and try again.", 429,
                           headers={"retry-after": "60"})
        if limiter.spent("failures", ip):
            refuse("rate limit (failures)", ip, fingerprint(token))
            return message("Too many requests", "Please wait a minute and try again.", 429,
                           headers={"retry-after": "60"})
        found = directory.find(token)
        if found is None or found[1].state() != "open":
            if not limiter.allow("failures", ip):
                refuse("rate limit (failures)", ip, fingerprint(token))
                return message("Too many requests", "Please wait a minute and try again.", 429,
                               headers={"retry-after": "60"})
            if found is None:
                refuse("unknown token", ip, fingerprint(token))
                return not_found()
            state = found[1].state()
            refuse(f"{state} link", ip, found[1].id)
            title, status = STATE_PAGES[state]
            text = ("The survey this link opened is closed. If you still want to answer, ask the person who "
                    "sent it for a new link." if state == "expired" else
                    "The person who sent this link has withdrawn it, so it no longer opens the survey.")
            return message(title, text, status)
        if not limiter.allow("per_token", found[1].id):
            refuse("rate limit (link)", ip, found[1].id)
            return message("Too many requests", "Please wait a minute and try again.", 429,
                           headers={"retry-after": "60"})
        return found

    def context(client: str, link: Link) -> dict:
        q = questionnaire_for(link.framework)
        return {"q": q, "link": link, "citation": spec(link.framework).citation,
                "client_name": answers.profile_name(client)}

    def form(request: Request, client: str, link: Link, number: int, errors: list[str] = (),
             posted: dict | None = None, status: int = 200, error_title: str = "Not saved yet") -> HTMLResponse:
        ctx = context(client, link)
        q = ctx["q"]
        pages = q.pages
        saved = answers.saved_answers(client, link)
        if posted:
            saved.update({k: v for k, v in posted.items() if v is not None})
        cookie = request.cookies.get(CSRF_COOKIE) or csrf.new_cookie()
        response = page("form.html", status, **ctx, pages=pages, number=number, questions=pages[number - 1],
                        saved=saved, answered=sum(1 for qu in q.questions if saved.get(qu.id) is not None),
                        csrf=csrf.field(cookie, link), errors=errors, error_title=error_title,
                        action=request.url.path)
        response.set_cookie(CSRF_COOKIE, cookie, httponly=True, samesite="strict", secure=secure_cookie,
                            path="/s/", max_age=60 * 60 * 24 * 93)
        return response

    async def show(request: Request) -> Response:
        found = resolve(request)
        if isinstance(found, Response):
            return found
        client, link = found
        pages = questionnaire_for(link.framework).pages
        raw = request.query_params.get("p")
        if raw is None:
            saved = answers.saved_answers(client, link)
            number = next((i for i, p in enumerate(pages, 1) if any(saved.get(qu.id) is None for qu in p)), 1)
        elif raw.isdigit() and 1 <= int(raw) <= len(pages):
            number = int(raw)
        else:
            return not_found()
        return form(request, client, link, number)

    async def thanks(request: Request) -> Response:
        found = resolve(request)
        if isinstance(found, Response):
            return found
        client, link = found
        if link.finished_at is None:
            return RedirectResponse(f"/s/{request.path_params['token']}", 303)
        return page("thanks.html", **context(client, link), token_path=f"/s/{request.path_params['token']}")

    async def submit(request: Request) -> Response:
        found = resolve(request)
        if isinstance(found, Response):
            return found
        client, link = found
        ip = address(request)
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > settings.limits.max_body:
                refuse("body too large", ip, link.id)
                return PlainTextResponse("Request too large.", 413)
        if not same_origin(request.headers, base):
            limiter.allow("failures", ip)
            refuse("cross-site post", ip, link.id)
            return message("Not accepted", "Answers can only be sent from the survey's own page.", 403)
        try:
            fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=200, strict_parsing=False)
        except (UnicodeDecodeError, ValueError):
            refuse("unreadable body", ip, link.id)
            return message("Not accepted", "The answers could not be read. Please go back and try again.", 400)
        one = {k: v[-1] for k, v in fields.items()}
        if not csrf.check(request.cookies.get(CSRF_COOKIE), one.get("csrf"), link):
            limiter.allow("failures", ip)
            refuse("missing or wrong form check", ip, link.id)
            return message("Not accepted", "This form was out of date. Please open your link again and resend "
                           "your answers.", 403)
        q = questionnaire_for(link.framework)
        pages = q.pages
        number = int(one["page"]) if one.get("page", "").isdigit() and 1 <= int(one["page"]) <= len(pages) else 1
        raw = {k[2:]: v for k, v in one.items() if k.startswith("q_")}
        for qu in pages[number - 1]:
            if qu.free_text and qu.id not in raw:
                raw[qu.id] = ""
        action = one.get("action", "next")
        try:
            clean = q.check_answers(raw)
            link = await answers.save(client, link, clean, finished=(action == "finish"))
        except LinkClosed as exc:
            refuse(f"{exc.state} link", ip, link.id)
            title = STATE_PAGES.get(exc.state, STATE_PAGES["revoked"])[0]
            return message(title, "This link no longer accepts answers; nothing was changed.", 410)
        except InvalidInput as exc:
            log.info("answers refused for link %s: %s", link.id, exc)
            kept = {k: int(v) if v.isdigit() else (v or None) for k, v in raw.items() if k in q.ids}
            return form(request, client, link, number, errors=[str(p) for p in exc.problems], posted=kept, status=422)
        token_path = f"/s/{request.path_params['token']}"
        if action == "finish" and link.finished_at is None:
            page_of = {qu.id: i for i, p in enumerate(pages, 1) for qu in p}
            missing = [f"Question {n} (page {page_of[qu.id]}) still needs an answer."
                       for n, qu in enumerate(q.questions, 1) if qu.required and qu.id not in link.answered]
            return form(request, client, link, number, errors=missing, status=422,
                        error_title="Your answers are saved; a few questions are still open")
        if action == "finish":
            return RedirectResponse(f"{token_path}/thanks", 303)
        target = number - 1 if action == "back" else number + 1
        return RedirectResponse(f"{token_path}?p={max(1, min(target, len(pages)))}", 303)

    async def css(request: Request) -> Response:
        return Response(env.get_template("survey.css").render(), media_type="text/css")

    async def health(request: Request) -> Response:
        return PlainTextResponse("ok")

    async def missing(request: Request, exc: Exception) -> Response:
        return not_found()

    async def failure(request: Request, exc: Exception) -> Response:
        log.error("survey request failed: %s %s", request.method, request.url.path.split("/s/")[0], exc_info=exc)
        return message("Something went wrong", "Your earlier answers are safe. Please try again in a moment.", 500)

    routes = [Route("/s/{token}", show, methods=["GET"]), Route("/s/{token}", submit, methods=["POST"]),
              Route("/s/{token}/thanks", thanks, methods=["GET"]), Route("/static/survey.css", css),
              Route("/healthz", health)]
    app = Starlette(debug=False, routes=routes, exception_handlers={404: missing, 405: missing, Exception: failure})
    guarded = _Guarded(app, settings.limits)
    guarded.answers = answers
    return guarded


def app_from_env() -> "_Guarded":
    """The app of one worker process, from the settings its server put in the environment."""
    if not logging.getLogger().handlers:  # a worker process: log its refusals and saves as the server does
        logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("workbook.survey").setLevel(logging.INFO)
    raw = json.loads(os.environ[Settings.ENV])
    return create_app(Settings(raw["data_dir"], raw["base_url"], csrf_key=bytes.fromhex(raw["csrf_key"]) or None))
