"""`workbook survey create/list/revoke`: links, hashes, expiry, who has answered."""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from typer.testing import CliRunner

from workbook.cli import app
from workbook.errors import InvalidInput
from workbook.frameworks import sales_marketing
from workbook.store import Store
from workbook.survey.links import LINKS_DOC, create_links, load_links, parse_expiry, revoke_links

runner = CliRunner()
LINK = re.compile(r"https://survey\.example\.com/s/([A-Za-z0-9_-]{43})")


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_create_prints_one_link_per_respondent_and_stores_only_hashes(data_dir):
    out = run("survey", "create", "aurora-software", "sales_marketing", "--respondent", "Ana Lima", "--role", "Sales",
              "--respondent", "Ben Ode", "--role", "Marketing", "--base-url", "https://survey.example.com/",
              "--data-dir", str(data_dir))
    assert out.exit_code == 0, out.output
    tokens = LINK.findall(out.output)
    assert len(tokens) == 2 and len(set(tokens)) == 2
    assert "Ana Lima (Sales)" in out.output and "open until" in out.output
    raw = (data_dir / "clients" / "aurora-software" / f"{LINKS_DOC}.json").read_text()
    assert not any(t in raw for t in tokens)
    book = load_links(Store(data_dir), "aurora-software")
    assert [x.respondent for x in book.links] == ["Ana Lima", "Ben Ode"]
    assert all(x.expires_at - x.created_at == dt.timedelta(days=14) for x in book.links)
    # the respondents join the room at once, so the live session lists who has not answered
    doc = Store(data_dir).load("aurora-software", "sales_marketing", sales_marketing.Inputs)
    assert {"Ana Lima", "Ben Ode"} <= {r.name for r in doc.respondents}


def test_tokens_carry_at_least_128_random_bits(data_dir):
    made = create_links(Store(data_dir), "bluebird-coffee", "nps", count=50)
    tokens = [m.token for m in made]
    assert len(set(tokens)) == 50 and all(len(t) == 43 for t in tokens)  # 32 bytes = 256 bits, url-safe base64


def test_list_shows_who_has_answered_and_revoke_closes(data_dir):
    made = create_links(Store(data_dir), "aurora-software", "sales_marketing", [("Ana", "Sales"), ("Ben", "Marketing")])
    out = run("survey", "list", "aurora-software", "--data-dir", str(data_dir))
    assert re.search(r"Ana \(Sales\)\s+0/20\s+open\s+not yet", out.output)
    assert "0 of 2 respondent(s) finished." in out.output
    out = run("survey", "revoke", "aurora-software", "--link", made[1].link.id, "--data-dir", str(data_dir))
    assert f"revoked {made[1].link.id}" in out.output
    out = run("survey", "list", "aurora-software", "--data-dir", str(data_dir))
    assert re.search(r"Ben \(Marketing\)\s+0/20\s+revoked", out.output)
    with pytest.raises(InvalidInput, match="not revoked yet"):
        revoke_links(Store(data_dir), "aurora-software", [made[1].link.id])


def test_bad_requests_are_refused_with_what_is_allowed(data_dir):
    store = Store(data_dir)
    with pytest.raises(InvalidInput, match="personal"):
        create_links(store, "aurora-software", "sales_marketing", count=3)
    with pytest.raises(InvalidInput, match="Sales, Marketing"):
        create_links(store, "aurora-software", "sales_marketing", [("Ana", "Finance")])
    with pytest.raises(InvalidInput, match="each name once"):
        create_links(store, "aurora-software", "sales_marketing", [("Ana", "Sales"), ("ana", "Sales")])
    create_links(store, "aurora-software", "sales_marketing", [("Ana", "Sales")])
    with pytest.raises(InvalidInput, match="without an open link"):
        create_links(store, "aurora-software", "sales_marketing", [("ANA", "Sales")])
    first = create_links(store, "aurora-software", "growth_stages", [("Kim", None)])
    with pytest.raises(InvalidInput, match="one open link at a time"):
        create_links(store, "aurora-software", "growth_stages", [("Lee", None)])
    revoke_links(store, "aurora-software", [first[0].link.id])
    assert create_links(store, "aurora-software", "growth_stages", [("Lee", None)])
    with pytest.raises(InvalidInput, match="with a questionnaire"):
        create_links(store, "aurora-software", "value_proposition", [("Ana", None)])
    out = runner.invoke(app, ["survey", "create", "aurora-software", "nps", "--count", "2", "--expires", "200d",
                              "--data-dir", str(data_dir)])
    assert out.exit_code != 0 and "expires" in str(out.exception)


def test_expiry_parsing():
    assert parse_expiry("14d") == dt.timedelta(days=14)
    assert parse_expiry("36h") == dt.timedelta(hours=36)
    assert parse_expiry(7) == dt.timedelta(days=7)
    for bad in ("0h", "93d", "two weeks", "-1", "1.5d"):
        with pytest.raises(InvalidInput, match="from 1 hour to 92 days"):
            parse_expiry(bad)


def test_link_records_are_in_the_client_history(data_dir):
    store = Store(data_dir)
    create_links(store, "aurora-software", "nps", count=1)
    create_links(Store(data_dir), "aurora-software", "nps", count=1)  # another session
    snaps = Store(data_dir).history("aurora-software", LINKS_DOC)
    assert len(snaps) == 1 and len(json.loads(snaps[0].path.read_text())["links"]) == 1
