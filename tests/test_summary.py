"""The executive summary: plan edits through the locked update, hostile text, the page split."""
from __future__ import annotations

import html
import multiprocessing
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from workbook.errors import InvalidInput
from workbook.frameworks import summary as logic
from workbook.store import Store
from workbook.summary import plan
from workbook.summary.layout import PAGE_MM, char_em, page_mm, page_split, text_lines, visible
from workbook.summary.page import more_html, plan_html, readings_html, status_html, header_html
from workbook.summary.state import SummaryState

CLIENT = "aurora-software"
FRAMEWORKS = [("sales_marketing", "Sales and Marketing"), ("nps", "Net Promoter"),
              ("deal_qualification", "Deal qualification")]
HEADLINES = {"sales_marketing": {"status": "red", "summary": "Undefined.", "metrics": {"relationship_type": "Undefined"}},
             "nps": {"status": "amber", "summary": "NPS down.", "metrics": {"trend_points": -12}}}


def _state(store: Store) -> SummaryState:
    inputs = store.load(CLIENT, "summary", logic.Inputs) or logic.Inputs()
    return SummaryState(CLIENT, store.load_profile(CLIENT), inputs, HEADLINES, FRAMEWORKS)


def _saved(data: Path) -> logic.Inputs:
    return Store(data).load(CLIENT, "summary", logic.Inputs)


# -- two editors --------------------------------------------------------------------

def _editor_adds(data: str, who: str, start, count: int) -> None:
    """One editor (its own store session, state and widget) adds ``count`` actions through the form."""
    from workbook.ui.summary import ActionPlanView

    store = Store(data)
    view = ActionPlanView(store, _state(store))
    box = view.widget()
    add = box.children[1].children[0]
    start.wait(30)
    for i in range(count):
        add.click()
        rows = box.children[0].children
        rows[-1].children[1].value = f"{who} action {i + 1}"  # the row just added: type its text
        rows[-1].children[2].value = f"{who} owner"


def test_two_editor_processes_add_fifteen_actions_each_and_all_thirty_survive(data_dir):
    ctx = multiprocessing.get_context("fork")
    start = ctx.Barrier(2)
    procs = [ctx.Process(target=_editor_adds, args=(str(data_dir), who, start, 15)) for who in ("Ann", "Bob")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    actions = _saved(data_dir).actions
    texts = [a.action for a in actions]
    for who in ("Ann", "Bob"):
        mine = [a for a in actions if a.action.startswith(who)]
        assert sorted(a.action for a in mine) == sorted(f"{who} action {i}" for i in range(1, 16))
        assert {a.owner for a in mine} == {f"{who} owner"}
    assert "New action" not in texts  # every added line got its text, none was lost in between
    proposed = logic.evaluate(logic.Inputs(), HEADLINES, FRAMEWORKS).proposed
    assert [a.id for a in actions[:len(proposed)]] == [a.id for a in proposed]  # the proposed lines, once
    assert len({a.id for a in actions}) == len(actions) == len(proposed) + 30


def test_a_stale_editor_never_overwrites_the_other_editors_changes(data_dir):
    from workbook.ui.summary import ActionPlanView

    a_store, b_store = Store(data_dir), Store(data_dir)
    ann = ActionPlanView(a_store, _state(a_store))
    bob = ActionPlanView(b_store, _state(b_store))  # both read the plan before either edits it
    a_box, b_box = ann.widget(), bob.widget()
    first = ann.state.result.plan[0].id
    a_box.children[0].children[0].children[1].value = "Ann's wording"
    b_box.children[0].children[0].children[2].value = "Bob"  # Bob's view still shows the old wording
    saved = _saved(data_dir).actions
    assert (saved[0].id, saved[0].action, saved[0].owner) == (first, "Ann's wording", "Bob")
    assert b_box.children[0].children[0].children[1].value == "Ann's wording"  # Bob's form caught up

    ann.add({"action": "Ann's extra"})
    bob.remove(first)  # Bob removes the first line; Ann still shows it
    assert [a.action for a in _saved(data_dir).actions][-1] == "Ann's extra"
    assert not ann.edit(first, "owner", "Ann")  # editing a removed line: refused, nothing comes back
    assert "removed" in a_box.children[-1].value and "Not saved" in a_box.children[-1].value
    assert first not in [a.id for a in _saved(data_dir).actions]
    assert first not in [a.id for a in ann.state.result.plan]  # Ann's view now shows the saved plan

    b_box.children[2].value = "Bob's note"
    ann.add({"action": "After the note"})
    assert _saved(data_dir).note == "Bob's note"  # Ann's add did not bring back her (empty) note


def test_plan_edits_keep_ids_and_refuse_bad_values():
    proposed = logic.evaluate(logic.Inputs(), HEADLINES, FRAMEWORKS).proposed
    assert all(a.id for a in proposed)
    again = logic.evaluate(logic.Inputs(), HEADLINES, FRAMEWORKS).proposed
    assert [a.id for a in again] == [a.id for a in proposed]  # the same lines, the same ids in every session
    doc = plan.add_action(logic.Inputs(), proposed, {"action": "Call the CEO"})
    assert doc.edited and [a.action for a in doc.actions][-1] == "Call the CEO"
    with pytest.raises(InvalidInput) as err:
        plan.set_field(doc, proposed, doc.actions[0].id, "timeframe", "someday")
    assert err.value.field == "timeframe"
    with pytest.raises(InvalidInput) as err:
        plan.set_field(doc, proposed, doc.actions[0].id, "action", "   ")
    assert err.value.field == "action"
    with pytest.raises(InvalidInput):
        logic.validate({"actions": [{"id": "x", "action": "a"}, {"id": "x", "action": "b"}]})
    legacy = logic.validate({"edited": True, "actions": [{"action": "Old line"}, {"action": "Old line"}]})
    assert len({a.id for a in legacy.actions}) == 2  # saved before ids: given repeatable, distinct ids
    assert [a.id for a in logic.validate(legacy.model_dump()).actions] == [a.id for a in legacy.actions]


# -- any text ------------------------------------------------------------------------

#: Every code point, unpaired surrogates and control characters included.
ANY_TEXT = st.text(st.characters(codec=None, categories=None, exclude_categories=()), max_size=120)
ALLOWED_TAGS = {"section", "p", "b", "ul", "li", "table", "tr", "th", "td", "span", "h2", "h3", "header", "i"}


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.text = set(), []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)

    def handle_data(self, data):
        self.text.append(data)


def _action(text: str, owner: str, priority: int = 1) -> logic.Action | None:
    try:
        return logic.Action(action=text or "x", owner=owner[:80], priority=priority)
    except Exception as exc:  # noqa: BLE001 - only a clear refusal is allowed
        assert isinstance(logic.validate_action({"action": text or "x", "owner": owner[:80]}), logic.Action) or exc
        return None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(ANY_TEXT, min_size=3, max_size=14), note=ANY_TEXT)
def test_any_text_in_actions_owners_and_headlines_builds_the_page_as_inert_text(texts, note):
    actions = []
    for i in range(0, len(texts) - 1, 2):
        try:
            actions.append(logic.validate_action({"action": texts[i][:300] or "x", "owner": texts[i + 1][:80],
                                                  "priority": 1 + i % 3}))
        except InvalidInput as exc:  # refused only for an unpaired surrogate or a blank action, named
            assert exc.field in ("action", "owner") and "allowed" in str(exc)
            assert not (texts[i][:300] or "x").strip() or any("\ud800" <= c <= "\udfff" for c in texts[i] + texts[i + 1])
    headlines = {name: {"status": "red", "summary": texts[i % len(texts)], "metrics": {}}
                 for i, (name, _) in enumerate(FRAMEWORKS)}
    titles = [(name, texts[-1] or title) for name, title in FRAMEWORKS]
    try:
        inputs = logic.validate({"edited": True, "actions": [a.model_dump() for a in actions], "note": note[:2000]})
    except InvalidInput:
        inputs = logic.Inputs(edited=True, actions=actions)
    result = logic.evaluate(inputs, headlines, titles)
    split = page_split(result)
    assert len(split.actions) + len(split.more_actions) == len(result.plan)
    assert page_mm(result, 0, 1, False) > 0
    page = "".join([status_html(result), readings_html(result, split), plan_html(result, split),
                    more_html(result, split), readings_html(result), plan_html(result)])
    page.encode("utf-8")  # writable as the report file
    parser = _Tags()
    parser.feed(page)
    assert parser.tags <= ALLOWED_TAGS
    shown = "".join(parser.text)
    for text in [ln.summary for ln in result.lines] + [a.action for a in result.plan] + [a.owner for a in result.plan]:
        assert visible(text) in shown  # each string reads as itself, as text
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069\ud800-\udfff]", shown)


def test_emoji_cjk_and_control_characters_are_measured_and_shown():
    for char in "\u4e2d\u6587\U0001F600\u0007\u0000\u202e\ud800\U000E0001\u0301\uFFFF":
        assert char_em(visible(char)[:1] or " ") >= 0
    assert text_lines("\u4ef7\u503c\u4e3b\u5f20" * 40, 200, 9) > 1  # no spaces, still wraps
    assert visible("Owner\u0007 \u202eevil") == "Owner\u2407 [U+202E]evil"
    assert visible("line\nbreak\ttab") == "line break tab"


# -- the page split --------------------------------------------------------------------

def test_nothing_moves_to_the_next_page_while_the_summary_page_has_room_for_it():
    actions = [logic.Action(action=f"Action number {i} with a sentence of ordinary length for a plan line",
                            owner="Head of Sales", priority=1 + i % 3) for i in range(40)]
    for n in (2, 6, 9, 14, 25, 40):
        result = logic.evaluate(logic.Inputs(edited=True, actions=actions[:n]), HEADLINES, FRAMEWORKS)
        split = page_split(result)
        shown = len(split.actions)
        if split.more_actions:  # the next action would not have fitted
            assert page_mm(result, len(split.readings) - 1, shown + 1, False) > PAGE_MM
        else:
            assert shown == n
        assert page_mm(result, len(split.readings) - 1, shown, bool(split.note)) <= PAGE_MM
