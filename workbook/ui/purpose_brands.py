"""The purpose-brands room: result sections and the live portfolio editor."""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pandas as pd

from matplotlib.lines import Line2D

from ..charts import PALETTE, label_margin, layered, new_figure, style_axes
from ..frameworks import purpose_brands as pb
from ..html import badge, bullets, card, esc, para, table
from ..methods import marker
from .base import Context, RoomView

PLACE_COLOURS = {pb.ONE_PRODUCT_ONE_JOB: PALETTE["good"], pb.MANY_PRODUCTS_ONE_JOB: PALETTE["accent"],
                 pb.MANY_JOBS_ONE_BRAND: PALETTE["bad"], pb.ENDORSER: PALETTE["muted"]}
NO_ENDORSER = "(none)"


# -- sections (shared by the live view and the report) ---------------------------

def headline_section(ctx: Context) -> str:
    """Status and one-line reading of the portfolio."""
    h = pb.headline(ctx.result)
    company = ctx.inputs.company or ctx.profile.name
    return card("Summary", para(f"Portfolio of {company}: {len(ctx.result.brands)} brand(s), "
                                f"{len(ctx.result.jobs)} job(s).")
                + f'<p style="font-size:115%">{badge(h["status"].upper(), h["status"])} &nbsp; {esc(h["summary"])}</p>'
                + marker(pb.WORKBOOK_RULES, "status"))


def _matrix_key(ctx: Context):
    m, b = ctx.result.matrix, ctx.result.brands
    return (tuple(m.index), tuple(m.columns), tuple(map(tuple, m.to_numpy().tolist())),
            tuple(zip(b["brand"], b["place"])))


def _wrap(text: str, width: int = 22) -> str:
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    return "\n".join(lines[:4]) + ("\u2026" if len(lines) > 4 else "")


#: Font sizes of the brand-by-job chart: the figure grows with the portfolio
#: (taller for more jobs, labels tilted for more brands) rather than the text shrinking.
CHART_FONT = 8.5
#: Narrowest column (inches) that still fits a brand name written across.
FLAT_LABEL_MIN_COLUMN = 0.95


def _matrix_layout(brands: list[str], jobs: list[str]) -> dict:
    """The brand-by-job chart's geometry, from the brands and jobs alone (inches)."""
    job_labels = [_wrap(j, 34) for j in jobs]
    left = label_margin([max(x.split("\n"), key=len) for x in job_labels], CHART_FONT) + 0.1
    width, right = 7.0, 0.3
    column = (width - left - right - 0.1) / max(len(brands), 1)
    flat = column >= FLAT_LABEL_MIN_COLUMN
    if not flat:  # leave room on the right for the last tilted name
        reach = len(brands[-1]) * CHART_FONT / 72 * 0.55 * 0.85
        right = min(2.0, max(right, reach - column / 2))
        column = (width - left - right - 0.1) / len(brands)
    brand_labels = [_wrap(b, max(8, int(column * 13))) if flat else b for b in brands]
    if flat:
        top = 0.75 + 0.16 * max(x.count("\n") + 1 for x in brand_labels)
        bottom = 0.6
    else:  # tilted names need height in proportion to the longest one
        top = 0.75 + 0.6 * max(len(b) for b in brands) * CHART_FONT / 72 * 0.55
        bottom = 0.45
    height = top + bottom + sum(0.22 + 0.15 * (x.count("\n") + 1) for x in job_labels) + 0.2
    return dict(job_labels=job_labels, brand_labels=brand_labels, flat=flat, width=width, height=height,
                left=left, right=right, top=top, bottom=bottom)


def _matrix_places(ctx: Context) -> dict:
    return dict(zip(ctx.result.brands["brand"], ctx.result.brands["place"]))


def _matrix_static(ctx: Context):
    """The brands and jobs (rows, columns, names), and the places in the legend when there is one."""
    m = ctx.result.matrix
    if m.empty:
        return None
    brands, jobs = tuple(m.index), tuple(m.columns)
    flat = _matrix_layout(list(brands), list(jobs))["flat"]
    shown = None if flat else tuple(k for k in pb.PATH_ORDER if k in _matrix_places(ctx).values())
    return brands, jobs, shown


def _matrix_data(ax, ctx: Context) -> list:
    """Dots (products per job), the line joining a brand's jobs and, written across, each brand's place."""
    m = ctx.result.matrix
    place = _matrix_places(ctx)
    brands, jobs = list(m.index), list(m.columns)
    counts = m.to_numpy().astype(int)
    artists, xs, ys, sizes, colours, numbers = [], [], [], [], [], []
    for i, brand in enumerate(brands):
        colour = PLACE_COLOURS[place[brand]]
        filled = [j for j in range(len(jobs)) if counts[i, j]]
        if len(filled) > 1:
            artists += ax.plot([i, i], [min(filled), max(filled)], color=colour, linewidth=3, alpha=0.45, zorder=2)
        for j in filled:
            n = int(counts[i, j])
            xs.append(i), ys.append(j), sizes.append(150 + 90 * min(n - 1, 4)), colours.append(colour)
            numbers.append((i, j, str(n)))
    if xs:
        artists.append(ax.scatter(xs, ys, s=sizes, color=colours, zorder=3))
    artists += [ax.text(i, j, n, ha="center", va="center", fontsize=7.5, color="white", zorder=4)
                for i, j, n in numbers]
    if _matrix_static(ctx)[2] is None:  # brand names written across: the place goes under each column
        artists += [ax.text(i, len(jobs) - 0.35, _wrap(pb.PATH[place[b]].label, 12), ha="center", va="top",
                            fontsize=7.5, color=PLACE_COLOURS[place[b]]) for i, b in enumerate(brands)]
    return artists


@layered(_matrix_static, _matrix_data, _matrix_key)
def matrix_section(ctx: Context):
    """Jobs by brands: a brand whose column has several dots is stretched across jobs.

    The text keeps one size however large the portfolio: each job gets its own
    row (the figure grows taller), and when the brands no longer fit side by
    side their names are tilted and the places on the path move to a legend.
    """
    brands, jobs, shown = _matrix_static(ctx)
    g = _matrix_layout(list(brands), list(jobs))
    flat, height = g["flat"], g["height"]
    fig = new_figure(g["width"], height, left=g["left"], top=g["top"], bottom=g["bottom"], right=g["right"])
    ax = fig.add_subplot()
    ax.set_yticks(range(len(jobs)), g["job_labels"], fontsize=CHART_FONT)
    ax.xaxis.tick_top()
    if flat:
        ax.set_xticks(range(len(brands)), g["brand_labels"], fontsize=CHART_FONT)
    else:
        ax.set_xticks(range(len(brands)), g["brand_labels"], fontsize=CHART_FONT, rotation=40, ha="left",
                      rotation_mode="anchor")
        handles = [Line2D([], [], marker="o", linestyle="", markersize=7, color=PLACE_COLOURS[k],
                          label=pb.PATH[k].label) for k in shown]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0, -0.01), ncols=len(shown),
                  fontsize=7.5, frameon=False, handletextpad=0.3, columnspacing=1.0)
    ax.set_xlim(-0.6, len(brands) - 0.4)
    ax.set_ylim(len(jobs) - 0.5 + (0.45 if flat else 0), -0.5)
    ax.grid(color=PALETTE["grid"], zorder=0)
    ax.set_axisbelow(True)
    fig.text(0.02, 1 - 0.08 / height, "Products per job, brand by brand", ha="left", va="top", fontsize=10.5,
             color=PALETTE["ink"])
    fig.text(0.02, 1 - 0.3 / height, "A brand with dots in several rows is stretched across jobs",
             ha="left", va="top", fontsize=8, color=PALETTE["muted"])
    style_axes(ax)
    for side in ("bottom", "top", "right", "left"):
        ax.spines[side].set_visible(False)
    return fig, ax


def brands_section(ctx: Context) -> str:
    """Each brand's place on the path and the advice for it."""
    b = ctx.result.brands
    if b.empty:
        return card("Brands on the path", para("No brand has been entered yet."))
    view = b[["brand", "endorsed_by", "products", "jobs", "label", "advice"]].rename(columns={
        "brand": "Brand", "endorsed_by": "Endorsed by", "products": "Products", "jobs": "Jobs",
        "label": "Place on the path", "advice": "Advice"})
    return card("Brands on the path", table(view) + "<h4>Recommendations</h4>" + bullets(ctx.result.recommendations)
                + marker(pb.WORKBOOK_RULES, "same_job"))


def path_section(ctx: Context) -> str:
    """The article's path, with the client's brands placed on it."""
    at = {k: [r.brand for r in ctx.result.brands.itertuples() if r.place == k] for k in pb.PATH_ORDER}
    rows = []
    for key in pb.PATH_ORDER:
        p = pb.PATH[key]
        rows.append({"Place": p.label, "What it looks like": p.shape,
                     "The article's examples": "; ".join(p.examples) or "\u2013",
                     "Client's brands here": ", ".join(at[key]) or "\u2013"})
    return card("The purpose-brand path", para(
        "Strong brands start with one product for one job. A brand can then carry more products for the same "
        "job. Once a brand is stretched over different jobs, the article's remedy is for it to step back as an "
        "endorser and let new purpose brands each own a job, as Marriott and Milwaukee did.")
        + table(pd.DataFrame(rows)) + marker(pb.WORKBOOK_RULES, "endorser_place"))


def jobs_section(ctx: Context) -> str:
    """Every job, the brands customers can hire for it and how many products."""
    j = ctx.result.jobs
    if j.empty:
        return ""
    return card("Jobs in the portfolio", table(j.rename(columns={"job": "Job", "brands": "Brands",
                                                                 "products": "Products"})))


SECTIONS = {
    "headline": headline_section,
    "matrix": matrix_section,
    "brands": brands_section,
    "path": path_section,
    "jobs": jobs_section,
}


# -- the live form --------------------------------------------------------------

def _jobs(state) -> list[str]:
    """Every job in the portfolio (the choices of the job boxes)."""
    return list(state.result.jobs["job"])


def _structure(state) -> tuple:
    """What the brand boxes are built from: brands, their endorsers and their products' ids."""
    return tuple((b.name, b.endorsed_by, tuple(p.id for p in b.products)) for b in state.inputs.brands)


class View(RoomView):
    """Edit the portfolio: brands, their products and the job each product is hired for."""

    framework = "purpose_brands"
    sections = SECTIONS
    empty_chart = "No chart yet: add a brand with its first product and the job it does."

    def _build_inputs(self) -> widgets.Widget:
        self._company = widgets.Text(self.state.inputs.company, description="Company", continuous_update=False,
                                     layout=widgets.Layout(width="50%"))
        self._company.observe(lambda c: self._set_company(c["new"]), names="value")
        self._bind(self._company, lambda state: state.inputs.company)
        self._brands = widgets.VBox()
        lay = widgets.Layout
        self._new_brand = widgets.Text(placeholder="New brand", layout=lay(width="180px"))
        self._new_product = widgets.Text(placeholder="its first product", layout=lay(width="180px"))
        self._new_job = self._bind(widgets.Combobox(placeholder="the job it is hired to do", layout=lay(width="300px")),
                                   _jobs, "options")
        add = widgets.Button(description="Add brand", icon="plus")
        add.on_click(lambda _: self._add_brand())
        self._part("brands", self._brands, lambda: [self._keep(self._box_key(b), lambda b=b: self._brand_box(b))
                                                    for b in self.state.inputs.brands], _structure)
        return widgets.VBox([
            self._company,
            widgets.HTML("<b>Brands</b> <i>(say each job from the customer's side; pick an existing job from the "
                         "list when two products do the same job)</i>"),
            self._brands, widgets.HBox([self._new_brand, self._new_product, self._new_job, add]),
        ])

    # -- building ------------------------------------------------------------------
    def _box_key(self, brand: pb.Brand) -> tuple:
        """What a brand's box is built from: its name, its products and the brands it may be endorsed by."""
        others = tuple(b.name for b in self.state.inputs.brands if b.name != brand.name and not b.endorsed_by)
        return brand.name, tuple(p.id for p in brand.products), others

    def _brand_box(self, brand: pb.Brand) -> widgets.Widget:
        lay = widgets.Layout
        name = brand.name
        others = [b.name for b in self.state.inputs.brands if b.name != name and not b.endorsed_by]
        title = widgets.Text(name, continuous_update=False, layout=lay(width="200px"))
        title.observe(lambda c: self._rename(name, c["new"]), names="value")
        endorser = widgets.Dropdown(options=[NO_ENDORSER, *others], value=brand.endorsed_by or NO_ENDORSER,
                                    description="endorsed by", layout=lay(width="270px"))
        endorser.style.description_width = "95px"
        endorser.observe(lambda c: self._endorse(name, c["new"]), names="value")
        self._bind(title, lambda state: name)  # a refused rename or endorsement shows the saved one again
        self._bind(endorser, lambda state: state.inputs.brand(name).endorsed_by or NO_ENDORSER)
        remove = widgets.Button(icon="trash", tooltip=f"Remove brand {name}", layout=lay(width="36px"))
        remove.on_click(lambda _: self._remove_brand(name))

        def show_place(state) -> str:
            return f"&nbsp;<i>{esc(state.result.brands.set_index('brand').loc[name, 'label'])}</i>"
        place = self._bind(widgets.HTML(show_place(self.state)), show_place)
        rows = [widgets.HBox([title, endorser, remove, place])]
        for product in brand.products:
            rows.append(self._product_row(name, product))
        new_product = widgets.Text(placeholder="add a product", layout=lay(width="200px"))
        new_job = self._bind(widgets.Combobox(placeholder="job", options=_jobs(self.state), layout=lay(width="320px")),
                             _jobs, "options")
        add = widgets.Button(icon="plus", tooltip="Add product", layout=lay(width="36px"))
        add.on_click(lambda _: self._add_product(name, new_product.value, new_job.value))
        rows.append(widgets.HBox([widgets.HTML("&nbsp;", layout=lay(width="24px")), new_product, new_job, add]))
        box = widgets.VBox(rows, layout=lay(border="1px solid #e4e7eb", padding="2px 4px", margin="3px 0"))
        box.add_class("wb-brand")
        return box

    def _product_row(self, brand: str, product: pb.Product) -> widgets.Widget:
        lay = widgets.Layout
        pid = product.id  # edits name the product by its stable id, never by its position
        name = widgets.Text(product.name, continuous_update=False, layout=lay(width="200px"))
        job = widgets.Combobox(value=product.job, options=_jobs(self.state), continuous_update=False,
                               layout=lay(width="320px"))
        job.add_class("wb-product-job")
        self._bind(name, lambda state: state.inputs.brand(brand).product(pid).name)
        self._bind(job, lambda state: state.inputs.brand(brand).product(pid).job)
        self._bind(job, _jobs, "options")
        name.observe(lambda c: self._set_product(brand, pid, "name", c["new"]), names="value")
        job.observe(lambda c: self._set_product(brand, pid, "job", c["new"]), names="value")
        remove = widgets.Button(icon="trash", tooltip=f"Remove product {product.name}", layout=lay(width="36px"))
        remove.on_click(lambda _: self._remove_product(brand, pid))
        return widgets.HBox([widgets.HTML("&nbsp;\u2022", layout=lay(width="24px")), name, job, remove])

    # -- events --------------------------------------------------------------------
    def _changed(self, change) -> None:
        if self._syncing:
            return
        if not self._apply(change):
            # Show what is saved now (another session may have changed it); the status says why.
            # (A saved change sets the form itself, after the results and charts: see RoomView._refresh.)
            saved = self._store.load(self._client, self.framework, pb.Inputs)
            if saved is not None:
                self.state.replace(inputs=saved)
            self._show_saved()

    def _set_company(self, value: str) -> None:
        def change(doc: pb.Inputs) -> None:
            doc.company = value
        self._apply(change)

    def _add_brand(self) -> None:
        name, product, job = self._new_brand.value, self._new_product.value, self._new_job.value

        def change(doc: pb.Inputs) -> None:
            doc.add_brand(name, product, job)
        if self._apply(change):
            self._new_brand.value = self._new_product.value = self._new_job.value = ""

    def _rename(self, old: str, new: str) -> None:
        self._changed(lambda doc: doc.rename_brand(old, new))

    def _endorse(self, name: str, endorser: str) -> None:
        def change(doc: pb.Inputs) -> None:
            doc.brand(name).endorsed_by = None if endorser == NO_ENDORSER else endorser
        self._changed(change)

    def _remove_brand(self, name: str) -> None:
        self._changed(lambda doc: doc.remove_brand(name))

    def _add_product(self, brand: str, product: str, job: str) -> None:
        def change(doc: pb.Inputs) -> None:
            doc.brand(brand).add_product(product, job)
        self._changed(change)

    def _set_product(self, brand: str, product_id: str, field: str, value: str) -> None:
        def change(doc: pb.Inputs) -> None:
            doc.brand(brand).set_product(product_id, **{field: value})
        self._changed(change)

    def _remove_product(self, brand: str, product_id: str) -> None:
        def change(doc: pb.Inputs) -> None:
            doc.brand(brand).remove_product(product_id, endorses=doc.endorses(brand))
        self._changed(change)
