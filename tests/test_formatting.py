"""The one money style, percentage style and status vocabulary (workbook.formatting)."""
import math

import pytest

from workbook import formatting as fmt
from workbook.html import STATUS_COLOURS, badge


def test_money_rounds_to_whole_units_except_small_amounts_with_cents():
    assert fmt.money(102_000) == "$102,000"
    assert fmt.money(1_234_567.89) == "$1,234,568"
    assert fmt.money(9.5) == "$9.50"              # a monthly margin keeps its cents
    assert fmt.money(85) == "$85"
    assert fmt.money(-1250) == "-$1,250"
    assert fmt.money(-0.001) == "$0"              # never "-$0"
    assert fmt.money(12.345, cents=False) == "$12"
    assert fmt.money(1200, cents=True) == "$1,200.00"


def test_money_uses_the_clients_currency_and_shows_missing_values_as_a_dash():
    assert fmt.money(1200, "EUR") == "EUR 1,200"
    assert fmt.money(None) == fmt.money(math.nan) == "\u2013"


def test_amount_for_form_boxes_keeps_the_cents():
    assert fmt.amount(1250.5) == "1,250.50" and fmt.amount(7_500_000) == "7,500,000" and fmt.amount(None) == ""


def test_percent_and_points():
    assert fmt.percent(0.25) == "25%" and fmt.percent(0.1234, 1) == "12.3%" and fmt.percent(None) == "\u2013"
    assert fmt.points(12.4) == "+12" and fmt.points(-3.2) == "-3" and fmt.points(math.nan) == "\u2013"


def test_one_status_vocabulary_with_words_colours_and_ranks():
    assert set(fmt.STATUSES) == set(fmt.STATUS_WORDS) == set(fmt.STATUS_COLOURS) == set(fmt.STATUS_RANK)
    assert fmt.STATUSES[0] == "red" and fmt.STATUSES[-1] == "grey"
    assert STATUS_COLOURS is fmt.STATUS_COLOURS
    assert fmt.STATUS_COLOURS["green"] in badge("Aligned", "green")
    assert fmt.check_status("amber") == "amber"
    with pytest.raises(ValueError, match="allowed: red, amber, green, grey"):
        fmt.check_status("blue")
