"""The executive summary and the portfolio, in the shape of a room.

- :mod:`workbook.frameworks.summary`: pure logic (traffic lights, readings, the proposed plan);
- :mod:`workbook.summary.plan`: edits to the plan, as pure functions of the saved document;
- :mod:`workbook.summary.state`: :class:`SummaryState`, reading and saving through the store;
- :mod:`workbook.summary.layout`: what fits on the A4 summary page (text measured safely);
- :mod:`workbook.summary.page`: the HTML and :class:`SummaryPage`, what the notebook calls;
- :mod:`workbook.summary.portfolio`: every client's headlines, for the consultancy;
- :mod:`workbook.ui.summary`: the plan editor (the only part with widgets).
"""
