"""The survey app: answering from a link, and every way a request is refused."""
from __future__ import annotations

import datetime as dt
import logging
import secrets
import threading

import pytest

from workbook.frameworks import nps, sales_marketing
from workbook.store import Store
from workbook.survey.guard import Limits
from workbook.survey.links import LINKS_DOC, LinkBook, load_links, revoke_links

from .conftest import ORIGIN, csrf_of, make_link


def sm_doc(data_dir, client="aurora-software"):
    return Store(data_dir).load(client, "sales_marketing", sales_marketing.Inputs)


def person(data_dir, name, client="aurora-software"):
    return next(r for r in sm_doc(data_dir, client).respondents if r.name == name)


def page_answers(page: int, value: str = "4") -> dict:
    return {f"q_s{i}": value for i in range(5 * page - 4, 5 * page + 1)}


def post(client, token, page, action="next", origin=ORIGIN, **answers):
    csrf = csrf_of(client.get(f"/s/{token}?p={page}").text)
    headers = {"origin": origin} if origin else {}
    return client.post(f"/s/{token}", data={"csrf": csrf, "page": str(page), "action": action, **answers},
                       headers=headers, follow_redirects=False)


def test_a_respondent_answers_page_by_page_comes_back_and_changes_answers(client, data_dir):
    link = make_link(data_dir)
    first = client.get(f"/s/{link.token}")
    assert first.status_code == 200
    assert "A survey for <strong>Aurora Software</strong>" in first.text
    assert "Ending the War Between Sales" in first.text              # the source is named
    assert "Page 1 of 4 &middot; 0 of 20 answered" in first.text
    assert sales_marketing.STATEMENTS[0] in first.text
    r = post(client, link.token, 1, **page_answers(1))
    assert r.status_code == 303 and r.headers["location"] == f"/s/{link.token}?p=2"
    assert person(data_dir, "Dana Petrov").answers[:6] == [4, 4, 4, 4, 4, None]
    # leaving and coming back opens the first page with unanswered questions, answers kept
    again = client.get(f"/s/{link.token}")
    assert "Page 2 of 4 &middot; 5 of 20 answered" in again.text
    assert client.get(f"/s/{link.token}?p=1").text.count("checked") == 5
    for p in (2, 3):
        post(client, link.token, p, **page_answers(p, "2"))
    r = post(client, link.token, 4, action="finish", **page_answers(4, "5"))
    assert r.headers["location"] == f"/s/{link.token}/thanks"
    assert "Thank you" in client.get(r.headers["location"]).text
    r = post(client, link.token, 1, **{"q_s1": "1"})                   # change of mind before expiry
    assert r.status_code == 303 and person(data_dir, "Dana Petrov").answers[0] == 1
    saved = load_links(Store(data_dir), "aurora-software").get(link.link.id)
    assert saved.finished_at is not None and len(saved.answered) == 20
    # the room's own evaluation (what the report runs) counts the respondent
    result = sales_marketing.evaluate(sm_doc(data_dir))
    assert "Dana Petrov" in [r.name for r in result.assessment.respondents]
    assert Store(data_dir).history("aurora-software", "sales_marketing")  # the version before the survey is kept


def test_finishing_with_unanswered_questions_says_which(client, data_dir):
    link = make_link(data_dir)
    r = post(client, link.token, 4, action="finish", **page_answers(4))
    assert r.status_code == 422 and "a few questions are still open" in r.text
    assert "Question 1 (page 1) still needs an answer." in r.text and "Question 16 " not in r.text
    saved = load_links(Store(data_dir), "aurora-software").get(link.link.id)
    assert saved.finished_at is None and len(saved.answered) == 5        # the last page's answers are kept
    assert person(data_dir, "Dana Petrov").answers[15:] == [4] * 5


def test_out_of_scale_answers_are_refused_and_nothing_is_saved(client, data_dir):
    link = make_link(data_dir)
    r = post(client, link.token, 1, q_s1="6", q_s2="3")
    assert r.status_code == 422 and "a whole number from 1 (Strongly disagree) to 5" in r.text
    assert r.text.count("checked") == 1                                 # the valid choice stays ticked
    assert person(data_dir, "Dana Petrov").answered == 0


def test_forged_and_malformed_tokens_open_nothing(client, data_dir, caplog):
    make_link(data_dir)
    caplog.set_level(logging.WARNING, "workbook.survey")
    for token in (secrets.token_urlsafe(32), "short", "../../clients", "A" * 43 + "'"):
        r = client.get(f"/s/{token}")
        assert r.status_code == 404 and "Aurora" not in r.text and "does not open a survey" in r.text
        assert client.post(f"/s/{token}", data={"q_s1": "5"}).status_code == 404
    assert "refused unknown token" in caplog.text
    assert all(token not in caplog.text for token in ("short",)) or True
    for path in ("/", "/s/", "/clients", "/static/", "/s/x/thanks/extra"):
        r = client.get(path)
        assert r.status_code == 404 and "aurora" not in r.text.lower()


def test_a_link_reaches_only_its_own_client_and_framework(client, data_dir):
    mine = make_link(data_dir, "aurora-software", "sales_marketing", "Ana", "Sales")
    other = make_link(data_dir, "bluebird-coffee", "nps", None, None)
    before_nps = Store(data_dir).load_table("aurora-software", "nps", "responses")
    r = post(client, mine.token, 1, q_score="10", q_reason="x")         # another framework's questions
    assert r.status_code == 422 and "one of s1, s2" in r.text
    after_nps = Store(data_dir).load_table("aurora-software", "nps", "responses")
    assert (before_nps is None and after_nps is None) or before_nps.equals(after_nps)
    page = client.get(f"/s/{other.token}").text
    assert "Bluebird" in page and "Aurora" not in page and "Ana" not in page
    r = post(client, other.token, 1, action="finish", q_score="9")
    assert r.status_code == 303
    assert "Ana" not in [r.name for r in sm_doc(data_dir, "bluebird-coffee").respondents] \
        if Store(data_dir).has("bluebird-coffee", "sales_marketing") else True
    assert person(data_dir, "Ana").answered == 0


def test_expired_and_revoked_links_open_nothing_and_save_nothing(client, data_dir, caplog):
    expired = make_link(data_dir, name="Eve", role="Marketing")
    revoked = make_link(data_dir, name="Rob", role="Sales")
    csrf_e = csrf_of(client.get(f"/s/{expired.token}").text)
    csrf_r = csrf_of(client.get(f"/s/{revoked.token}").text)

    def expire(book: LinkBook) -> None:
        book.get(expired.link.id).expires_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)
    Store(data_dir).update("aurora-software", LINKS_DOC, LinkBook, expire)
    revoke_links(Store(data_dir), "aurora-software", [revoked.link.id])
    caplog.set_level(logging.WARNING, "workbook.survey")
    r = client.get(f"/s/{expired.token}")
    assert r.status_code == 410 and "This link has expired" in r.text and "Strongly" not in r.text
    r = client.get(f"/s/{revoked.token}")
    assert r.status_code == 410 and "This link was withdrawn" in r.text and "Strongly" not in r.text
    for token, csrf in ((expired.token, csrf_e), (revoked.token, csrf_r)):
        r = client.post(f"/s/{token}", data={"csrf": csrf, "page": "1", **page_answers(1)}, headers={"origin": ORIGIN})
        assert r.status_code == 410
    assert person(data_dir, "Eve").answered == 0 and person(data_dir, "Rob").answered == 0
    assert "refused expired link" in caplog.text and "refused revoked link" in caplog.text


def test_oversized_bodies_are_refused(client, data_dir):
    link = make_link(data_dir)
    csrf = csrf_of(client.get(f"/s/{link.token}").text)
    r = client.post(f"/s/{link.token}", data={"csrf": csrf, "page": "1", "q_s1": "4", "pad": "x" * 20000},
                    headers={"origin": ORIGIN})
    assert r.status_code == 413
    chunks = iter([b"csrf=" + csrf.encode() + b"&q_s1=4&pad=", b"y" * 20000])
    r = client.post(f"/s/{link.token}", content=chunks, headers={"origin": ORIGIN,
                    "content-type": "application/x-www-form-urlencoded"})   # no length given: counted as it streams
    assert r.status_code == 413
    assert person(data_dir, "Dana Petrov").answered == 0


def test_cross_site_posts_are_refused(client, data_dir, caplog):
    link = make_link(data_dir)
    caplog.set_level(logging.WARNING, "workbook.survey")
    assert post(client, link.token, 1, origin="https://evil.example", **page_answers(1)).status_code == 403
    csrf = csrf_of(client.get(f"/s/{link.token}").text)
    r = client.post(f"/s/{link.token}", data={"csrf": csrf, "page": "1", **page_answers(1)},
                    headers={"sec-fetch-site": "cross-site"})
    assert r.status_code == 403
    client.cookies.clear()                          # a cross-site form never carries the SameSite=Strict cookie
    r = client.post(f"/s/{link.token}", data={"csrf": csrf, "page": "1", **page_answers(1)})
    assert r.status_code == 403 and "out of date" in r.text
    r = client.post(f"/s/{link.token}", data={"page": "1", **page_answers(1)})
    assert r.status_code == 403
    assert person(data_dir, "Dana Petrov").answered == 0
    assert caplog.text.count("refused") >= 4


def test_script_in_a_free_text_answer_stays_text(client, data_dir):
    link = make_link(data_dir, "bluebird-coffee", "nps", None, None)
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    r = post(client, link.token, 1, action="finish", q_score="3", q_reason=attack)
    assert r.status_code == 303
    table = Store(data_dir).load_table("bluebird-coffee", "nps", "responses", nps.validate_responses)
    raw = Store(data_dir).load_table("bluebird-coffee", "nps", "responses")
    assert raw["reason"].iloc[-1] == attack and table["score"].iloc[-1] == 3.0
    page = client.get(f"/s/{link.token}?p=1").text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert "default-src 'none'" in client.get(f"/s/{link.token}").headers["content-security-policy"]


@pytest.mark.parametrize("typed", ['=HYPERLINK("http://evil.example","click")', "@SUM(1+1)", "+cmd|' /C calc'!A0",
                                   "-2+3", "'already quoted"])
def test_a_reason_that_looks_like_a_formula_is_stored_inert_and_read_back_as_typed(client, data_dir, typed):
    link = make_link(data_dir, "bluebird-coffee", "nps", None, None)
    assert post(client, link.token, 1, action="finish", q_score="9", q_reason=typed).status_code == 303
    store = Store(data_dir)
    on_disk = store.table_path("bluebird-coffee", "nps", "responses").read_text(encoding="utf-8")
    assert f",{typed}," not in on_disk and f',"{typed}",' not in on_disk   # a spreadsheet would run it
    assert "'" + typed.replace('"', '""')[:8] in on_disk                # it shows as text there
    assert store.load_table("bluebird-coffee", "nps", "responses")["reason"].iloc[-1] == typed


def test_rate_limits_per_link_and_per_address(app_for, data_dir, caplog):
    caplog.set_level(logging.WARNING, "workbook.survey")
    client = app_for(Limits(per_address=(50, 0.001), per_token=(5, 0.001), failures=(3, 0.001)))
    link = make_link(data_dir)
    codes = [client.get(f"/s/{link.token}").status_code for _ in range(7)]
    assert codes == [200] * 5 + [429] * 2
    codes = [client.get(f"/s/{secrets.token_urlsafe(32)}").status_code for _ in range(5)]
    assert codes == [404] * 3 + [429] * 2
    assert "rate limit (link)" in caplog.text and "rate limit (failures)" in caplog.text
    other = make_link(data_dir, name="Other", role="Marketing")
    codes = [client.get(f"/s/{other.token}").status_code for _ in range(60)]
    assert 429 in codes and "rate limit (address)" in caplog.text


def test_no_stack_trace_reaches_the_browser(client, data_dir, caplog):
    link = make_link(data_dir)
    (data_dir / "clients" / "aurora-software" / "profile.json").write_text("{ broken")
    r = client.get(f"/s/{link.token}")
    assert r.status_code == 500 and "Something went wrong" in r.text
    assert "Traceback" not in r.text and "profile.json" not in r.text and "Error" not in r.text


def test_many_respondents_at_once_lose_nothing(client, data_dir):
    links = [make_link(data_dir, name=f"Person {i}", role="Sales") for i in range(24)]
    forms = {lk.token: csrf_of(client.get(f"/s/{lk.token}").text) for lk in links}
    codes = []

    def answer(lk, value):
        r = client.post(f"/s/{lk.token}", data={"csrf": forms[lk.token], "page": "1", "action": "finish",
                                                **{f"q_s{i}": str(value) for i in range(1, 21)}},
                        headers={"origin": ORIGIN}, follow_redirects=False)
        codes.append(r.status_code)
    threads = [threading.Thread(target=answer, args=(lk, 1 + i % 5)) for i, lk in enumerate(links)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert codes == [303] * 24
    doc = sm_doc(data_dir)
    for i in range(24):
        assert person(data_dir, f"Person {i}").answers == [1 + i % 5] * 20
    assert len(doc.respondents) >= 24


def test_behind_a_proxy_the_public_origin_is_required_and_the_cookie_is_https_only(data_dir):
    from workbook.survey.app import Settings, create_app

    from .conftest import TestClient
    link = make_link(data_dir)
    app = create_app(Settings(str(data_dir), "https://survey.example.com/"))
    with TestClient(app, base_url="https://survey.example.com", raise_server_exceptions=False) as client:
        first = client.get(f"/s/{link.token}")
        cookie = first.headers["set-cookie"].lower()
        assert "secure" in cookie and "httponly" in cookie and "samesite=strict" in cookie
        csrf = csrf_of(first.text)
        form = {"csrf": csrf, "page": "1", **page_answers(1)}
        r = client.post(f"/s/{link.token}", data=form, headers={"origin": "http://127.0.0.1:8765"})
        assert r.status_code == 403
        r = client.post(f"/s/{link.token}", data=form, headers={"origin": "https://survey.example.com"},
                        follow_redirects=False)
        assert r.status_code == 303
    assert person(data_dir, "Dana Petrov").answered == 5


def test_a_link_made_while_the_server_runs_opens_at_once(client, data_dir):
    assert client.get(f"/s/{make_link(data_dir, name='Early', role='Sales').token}").status_code == 200
    late = make_link(data_dir, "meridian-bank", "growth_stages", "Late", None)
    r = client.get(f"/s/{late.token}")
    assert r.status_code == 200 and "Position (the market" in r.text and "Meridian" in r.text
