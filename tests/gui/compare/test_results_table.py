"""The experiment's results table shows every header whole, the last one included."""

from __future__ import annotations

from studio.gui.compare.compare_plots import ResultsTable


def test_every_header_fits_its_column(qtbot) -> None:
    table = ResultsTable()
    qtbot.addWidget(table)
    table.resize(1320, 200)
    table.show()
    qtbot.waitExposed(table)
    header = table.horizontalHeader()
    metrics = header.fontMetrics()
    last = len(ResultsTable.HEADERS) - 1
    assert header.sectionSize(last) >= metrics.horizontalAdvance(ResultsTable.HEADERS[last])
