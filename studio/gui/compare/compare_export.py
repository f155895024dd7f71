"""Exports of a compare experiment: PNG band plots (offscreen-capable) plus the core files.

``png_writer(out_dir, results)`` is what the headless ``compare`` command is given; the window's
Export… button calls :func:`export_experiment` with a folder from :func:`choose_directory`
(kept separate and tiny so tests can monkeypatch it).
"""

from __future__ import annotations

import os
from pathlib import Path

from studio.core import atomic_write_bytes
from studio.core.compare.experiment import ExperimentResult
from studio.core.compare.report import write_outputs

__all__ = ["choose_directory", "export_experiment", "png_writer"]


def _ensure_app():
    # A headless caller may have no QApplication; choosing the platform (offscreen when there
    # is no display) is the launcher's job, as for studio.gui.run.export.png_writer.
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def png_writer(out_dir: str | os.PathLike, results: ExperimentResult) -> list[Path]:
    """Render the band plots of every configuration to ``bands_<label>.png`` in ``out_dir``.

    Returns
    -------
    list of Path
        The files written.
    """
    app = _ensure_app()
    from PySide6.QtCore import QRectF

    from studio.gui.compare.compare_plots import BandPlots
    from studio.gui.image import png_bytes, render_item
    from studio.gui.style import configure_pyqtgraph

    configure_pyqtgraph()  # the window's white look, not pyqtgraph's default black

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for config in results.configs:
        view = BandPlots()
        view.resize(1200, 800)
        view.show_result(results, config.label)
        view.title.setText(f"{config.title}: minidl (red) vs torch.nn (blue, dashed), "
                         f"mean ± std over {results.n_runs} runs"
                         + (" (partial)" if results.partial else ""))
        # Not shown, so nothing sizes the layout: give it the page size, then let it settle.
        view.ci.setGeometry(QRectF(0, 0, 1200, 800))
        app.processEvents()
        path = out / f"bands_{config.label}.png"
        try:  # bytes first, then one atomic write: a failed export leaves no partial PNG
            atomic_write_bytes(path, png_bytes(render_item(view.scene(), 1200)))
        finally:
            view.close()
            view.deleteLater()
        written.append(path)
    return written


def export_experiment(out_dir: str | os.PathLike, results: ExperimentResult,
                      margins: dict[str, float] | None = None) -> list[Path]:
    """Write table CSV/Markdown (verdicts against ``margins``), curves CSV, results JSON and
    the PNGs to ``out_dir``."""
    return write_outputs(out_dir, results, margins) + png_writer(out_dir, results)


def choose_directory(parent=None) -> str | None:
    """Ask for an output folder; ``None`` when cancelled."""
    from PySide6.QtWidgets import QFileDialog

    path = QFileDialog.getExistingDirectory(parent, "Export comparison to folder")
    return path or None
