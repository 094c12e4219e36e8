"""Customer-centric marketing: lifetime value, customer equity, next best product (pure logic).

Source: Roland T. Rust, Christine Moorman and Gaurav Bhalla, "Rethinking
Marketing", Harvard Business Review, January-February 2010. A company that
cultivates customers instead of pushing products needs customer metrics
(customer lifetime value, customer equity, customer profitability), offers each
customer the next best product (American Express), is organized around customer
managers rather than product managers, and often has a chief customer officer.

Models (published definitions, implemented from the papers in :mod:`.models`):
BG/NBD, Fader, Hardie and Lee (2005), "'Counting Your Customers' the Easy Way:
An Alternative to the Pareto/NBD Model", Marketing Science 24(2); Gamma-Gamma,
Fader and Hardie (2013), "The Gamma-Gamma Model of Monetary Value".

The package is split by topic; every name is importable from here, and the
registry reads ``Inputs``, ``TABLES``, ``evaluate``, ``headline`` and
``changes`` from here:

* :mod:`.transactions`: the export's columns, validation, per-customer summary;
* :mod:`.fitting`: maximum-likelihood machinery shared by the two models;
* :mod:`.models`: BG/NBD and Gamma-Gamma likelihoods, fits and predictions;
* :mod:`.value`: lifetime value of each customer, its interval and simulated range;
* :mod:`.equity`: customer equity, bootstrap interval, value tiers;
* :mod:`.subscription`: retention-based value of a subscription line;
* :mod:`.next_product`: next best product from purchase sequences;
* :mod:`.centricity`: the customer-centricity audit;
* :mod:`.room`: inputs, tables, the whole analysis, headline and changes.
"""
from __future__ import annotations

from .centricity import (AUDIT, AUDIT_ALLOWED, AUDIT_IDS, AUDIT_MAX, AUDIT_MIN, AUDIT_MIN_ANSWERED, AUDIT_SCALE,
                         CCO_COUNT_2003, CCO_COUNT_2010, STAGES, AuditQuestion, AuditResult, audit, audit_stage)
from .equity import TIERS, BaseValue, customer_value, tier_labels, top_share, value_base
from .fitting import FitError, _compress
from .models import (MIN_CUSTOMERS_FOR_FIT, MIN_REPEATERS_FOR_SPEND, SPEND_CORRELATION_LIMIT, BetaGeo, GammaGamma,
                     fit_models, spend_frequency_correlation)
from .next_product import next_best_product, next_best_products, product_transitions
from .questionnaire import QUESTIONNAIRE
from .room import (CUSTOMER_METRICS, SOURCE, SPEC, TABLES, TOP_SHOWN, Inputs, Prepared, Result, changes, evaluate,
                   headline, prepare)
from .subscription import Subscription, SubscriptionValue, retention_clv, subscription_value
from .transactions import DAYS_PER_WEEK, WEEKS_PER_MONTH, TransactionColumns, summarize, validate_transactions
from .value import (EQUITY_DRAWS, EQUITY_SAMPLE, PREDICTIVE_DRAWS, PREDICTIVE_MONTHS, SIMULATION_SEED, VALUE_COLUMNS,
                    ValueModel, monthly_discount_factor, simulate_monthly_spend)

__all__ = [
    "QUESTIONNAIRE",
    "AUDIT", "AUDIT_ALLOWED", "AUDIT_IDS", "AUDIT_MAX", "AUDIT_MIN", "AUDIT_MIN_ANSWERED", "AUDIT_SCALE",
    "CCO_COUNT_2003", "CCO_COUNT_2010", "STAGES", "AuditQuestion", "AuditResult", "audit", "audit_stage",
    "TIERS", "BaseValue", "customer_value", "tier_labels", "top_share", "value_base",
    "FitError", "_compress",
    "MIN_CUSTOMERS_FOR_FIT", "MIN_REPEATERS_FOR_SPEND", "SPEND_CORRELATION_LIMIT", "BetaGeo", "GammaGamma",
    "fit_models", "spend_frequency_correlation",
    "next_best_product", "next_best_products", "product_transitions",
    "CUSTOMER_METRICS", "SOURCE", "SPEC", "TABLES", "TOP_SHOWN", "Inputs", "Prepared", "Result", "changes",
    "evaluate", "headline", "prepare",
    "Subscription", "SubscriptionValue", "retention_clv", "subscription_value",
    "DAYS_PER_WEEK", "WEEKS_PER_MONTH", "TransactionColumns", "summarize", "validate_transactions",
    "EQUITY_DRAWS", "EQUITY_SAMPLE", "PREDICTIVE_DRAWS", "PREDICTIVE_MONTHS", "SIMULATION_SEED", "VALUE_COLUMNS",
    "ValueModel", "monthly_discount_factor", "simulate_monthly_spend",
]
from .centricity import FROM_SOURCE, WORKBOOK_RULES  # noqa: E402 - the methods part of a report reads these
__all__ += ["FROM_SOURCE", "WORKBOOK_RULES"]
