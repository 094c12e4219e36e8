"""The framework registry: the one list the CLI, reports, batch runner and summary read.

Adding a framework means adding its room (pure module, lesson, view, notebook,
tests) and one :class:`Framework` entry to :data:`REGISTRY`; nothing else.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from .errors import UnknownFramework

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"


@dataclass(frozen=True)
class Framework:
    """One registered framework.

    Attributes
    ----------
    name : str
        Identifier, also the stem of the client's input file and of the modules
        ``workbook.frameworks.<name>``, ``workbook.ui.<name>`` and
        ``workbook.lessons.<name>``.
    title : str
        Human title for reports and menus.
    citation : str
        The source article.
    notebook : str
        The notebook file in ``notebooks/``.
    headline_metrics : tuple of str
        The keys of ``headline()['metrics']`` the portfolio view shows.
    """

    name: str
    title: str
    citation: str
    notebook: str
    headline_metrics: tuple[str, ...] = ()

    @property
    def module(self) -> ModuleType:
        """The pure logic module (``Inputs``, ``TABLES``, ``evaluate``, ``headline``)."""
        return importlib.import_module(f"workbook.frameworks.{self.name}")

    @property
    def ui(self) -> ModuleType:
        """The widget view module."""
        return importlib.import_module(f"workbook.ui.{self.name}")

    @property
    def lesson(self) -> ModuleType:
        """The teaching module."""
        return importlib.import_module(f"workbook.lessons.{self.name}")

    @property
    def notebook_path(self) -> Path:
        """Absolute path of the framework's notebook."""
        return NOTEBOOK_DIR / self.notebook


REGISTRY: tuple[Framework, ...] = (
    Framework(
        name="sales_marketing",
        title="Sales and Marketing relationship",
        citation=('Philip Kotler, Neil Rackham and Suj Krishnaswamy, "Ending the War Between Sales '
                  'and Marketing", Harvard Business Review, July-August 2006'),
        notebook="sales_marketing.ipynb",
        headline_metrics=("team_total", "relationship_type", "respondents", "checklist_done"),
    ),
    Framework(
        name="value_proposition",
        title="Customer value propositions",
        citation=('James C. Anderson, James A. Narus and Wouter van Rossum, "Customer Value Propositions in '
                  'Business Markets", Harvard Business Review, March 2006'),
        notebook="value_proposition.ipynb",
        headline_metrics=("net_value_usd", "favorable_differences", "points_of_contention", "current_pitch"),
    ),
    Framework(
        name="purpose_brands",
        title="Purpose brands and jobs to be done",
        citation=('Clayton M. Christensen, Scott Cook and Taddy Hall, "Marketing Malpractice: The Cause and '
                  'the Cure", Harvard Business Review, December 2005'),
        notebook="purpose_brands.ipynb",
        headline_metrics=("brands", "jobs", "stretched_brands", "stretched_product_share"),
    ),
    Framework(
        name="clv",
        title="Customer value: lifetime value, customer equity and customer-centricity",
        citation=('Roland T. Rust, Christine Moorman and Gaurav Bhalla, "Rethinking Marketing", Harvard Business '
                  'Review, January-February 2010'),
        notebook="customer_value.ipynb",
        headline_metrics=("customer_equity", "mean_clv", "top_10_share", "audit_stage"),
    ),
    Framework(
        name="nps",
        title="Net Promoter Score",
        citation='Frederick F. Reichheld, "The One Number You Need to Grow", Harvard Business Review, December 2003',
        notebook="net_promoter.ipynb",
        headline_metrics=("nps", "margin_of_error", "n", "trend_points"),
    ),
    Framework(
        name="brand_communities",
        title="Brand communities",
        citation=('Susan Fournier and Lara Lee, "Getting Brand Communities Right", Harvard Business Review, '
                  'April 2009'),
        notebook="brand_communities.ipynb",
        headline_metrics=("dominant_form", "pool_score", "web_score", "hub_score"),
    ),
    Framework(
        name="female_economy",
        title="The female economy",
        citation='Michael J. Silverstein and Kate Sayre, "The Female Economy", Harvard Business Review, September 2009',
        notebook="female_economy.ipynb",
        headline_metrics=("total_at_stake_usd", "top_segment", "unserved_segments"),
    ),
    Framework(
        name="growth_stages",
        title="Five stages of growth",
        citation=('"The Path to Growth: Five Stages of Position-Product-People Alignment" (blog article; '
                  'author and date not given in the source)'),
        notebook="growth_stages.ipynb",
        headline_metrics=("stage", "weakest", "position", "product", "people"),
    ),
    Framework(
        name="deal_qualification",
        title="Deal qualification: ready, willing and able",
        citation='"To close, a purchaser must be ready, willing and able", Cheap Marketing Shop blog (date not given)',
        notebook="deal_qualification.ipynb",
        headline_metrics=("raw_forecast_usd", "qualified_forecast_usd", "gap_share"),
    ),
)


def names() -> list[str]:
    """Return the registered framework names in report order."""
    return [f.name for f in REGISTRY]


def get(name: str) -> Framework:
    """Return the framework called ``name``.

    Raises
    ------
    UnknownFramework
        Naming the registered frameworks.
    """
    for fw in REGISTRY:
        if fw.name == name:
            return fw
    raise UnknownFramework(f"framework: got {name!r}; allowed: {', '.join(names())}")
