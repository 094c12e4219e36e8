"""Net Promoter Score: score, margin of error, segments, trend and peers (pure logic).

Source: Frederick F. Reichheld, "The One Number You Need to Grow", Harvard
Business Review, December 2003. Customers answer one question, how likely they
are to recommend the company to a friend or colleague, on a 0-10 scale. Those
answering 9 or 10 are promoters, 7 or 8 passives and 0 to 6 detractors; the
Net Promoter Score is the percentage of promoters minus the percentage of
detractors, so it runs from -100 to +100. Reichheld set the score of each
competitor beside its revenue growth in industries such as airlines, internet
service providers and car rentals and found the two moving together; the peer
table here repeats that comparison for a client's own competitors (the example
peers that ship with the workbook are fictional). GE's adoption of the score is
noted in the Cheap Marketing Shop blog (the post's date is not given).

The package is split by topic; every name is importable from here, and the
registry reads ``Inputs``, ``TABLES``, ``evaluate``, ``headline`` and
``changes`` from here:

* :mod:`.survey`: the 0-10 scale, the export's columns, the responses table;
* :mod:`.stats`: score interval, Wald interval and the two-sample score test
  (the statistics are explained there);
* :mod:`.scores`: one score from answers or counts, and comparing two;
* :mod:`.groups`: scores by segment and by quarter, pairs of groups;
* :mod:`.peers`: competitors' scores against their revenue growth;
* :mod:`.room`: inputs, tables, the whole analysis, headline and changes.
"""
from __future__ import annotations

from .groups import GROUP_COLUMNS, group_score, group_scores, pairwise, scores_table
from .peers import SOURCE_INDUSTRIES, Peer, PeerFit, fit_peers
from .questionnaire import QUESTIONNAIRE
from .room import AMBER_FROM, GREEN_FROM, SOURCE, SPEC, TABLES, Inputs, Result, band, changes, evaluate, headline
from .scores import MIN_RESPONSES, Comparison, NpsScore, compare, count_answers, from_counts, score
from .stats import _restricted_var, score_interval, score_test, wald_interval
from .survey import (DETRACTOR_MAX, NO_DATE, NO_SEGMENT, PROMOTER_MIN, SCALE_MAX, SCALE_MIN, SCORE_ALLOWED, ColumnMap,
                     quarter_label, validate_responses)

__all__ = [
    "QUESTIONNAIRE",
    "GROUP_COLUMNS", "group_score", "group_scores", "pairwise", "scores_table",
    "SOURCE_INDUSTRIES", "Peer", "PeerFit", "fit_peers",
    "AMBER_FROM", "GREEN_FROM", "SOURCE", "SPEC", "TABLES", "Inputs", "Result", "band", "changes", "evaluate",
    "headline",
    "MIN_RESPONSES", "Comparison", "NpsScore", "compare", "count_answers", "from_counts", "score",
    "_restricted_var", "score_interval", "score_test", "wald_interval",
    "DETRACTOR_MAX", "NO_DATE", "NO_SEGMENT", "PROMOTER_MIN", "SCALE_MAX", "SCALE_MIN", "SCORE_ALLOWED", "ColumnMap",
    "quarter_label", "validate_responses",
]
from .room import FROM_SOURCE, WORKBOOK_RULES  # noqa: E402 - the methods part of a report reads these
__all__ += ["FROM_SOURCE", "WORKBOOK_RULES"]
