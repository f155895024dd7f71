"""``minidl-studio`` / ``python -m studio``: the GUI, or ``--headless`` training runs.

Usage::

    minidl-studio [FILE.json]
    minidl-studio --headless CONFIG.json|EXAMPLE --out DIR [--epochs N] [--device cpu|cuda]
                  [--quiet]
    minidl-studio examples
    minidl-studio compare [--runs 20] [--epochs 200] [--configs ce-sgd,ce-mom,mse-sgd,mse-mom]
                          [--workers 2] [--seed 0] [--out DIR] [--rerun results.json] [--quiet]
                          [--base SPEC.json [--vary PATH=V1,V2 ...]]
                          [--margin-loss 0.005] [--margin-acc 0.005]
    minidl-studio seeds SPEC.json [--n 10] [--workers 2] [--out DIR]
    minidl-studio lr-find SPEC.json [--steps 300] [--lr-min 1e-5] [--lr-max 10] [--out DIR]
    minidl-studio sweep SWEEP.json [--workers 2] [--scheduler ADDRESS] [--out DIR]

The headless and compare paths need no display: they select Qt's offscreen platform before Qt
is imported (only to render the PNGs), and without PySide6 they still train and write the CSVs.
The GUI without a display says so in one line (Qt itself would abort with a core dump).
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Sequence

__all__ = ["main"]


NO_DISPLAY = ("error: no display found (DISPLAY and WAYLAND_DISPLAY are unset); "
              "use --headless to train without a window")


def _has_display() -> bool:
    if os.environ.get("QT_QPA_PLATFORM"):  # the user chose a platform (offscreen, vnc…)
        return True
    if not sys.platform.startswith("linux"):  # macOS and Windows always have one
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _offscreen_if_no_display() -> None:
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        _quiet_offscreen_notes()


def _quiet_offscreen_notes() -> None:
    # The offscreen platform says "This plugin does not support propagateSizeHints()" for
    # every widget it lays out; in a headless run that is noise, other Qt messages are not.
    try:
        from PySide6.QtCore import qInstallMessageHandler
    except ImportError:  # no GUI extra: no PNGs, no Qt messages either
        return

    def handler(_mode, _context, message: str) -> None:
        if not message.startswith("This plugin does not support"):
            print(message, file=sys.stderr)

    global _QT_HANDLER  # Qt keeps only a raw pointer: the function must stay alive
    _QT_HANDLER = handler
    qInstallMessageHandler(handler)


_QT_HANDLER = None


def _headless(argv: list[str]) -> int:
    _offscreen_if_no_display()
    from studio import cli

    try:
        from studio.gui.run.export import png_writer
    except ImportError as exc:  # the GUI extra is optional for headless runs
        print(f"note: PNG output disabled ({exc.name or exc} is not installed); "
              "writing config.json and curves.csv only", file=sys.stderr)
        png_writer = None
    return cli.main(argv, png_writer=png_writer)


def _compare(argv: list[str]) -> int:
    _offscreen_if_no_display()
    from studio import compare_cli

    try:
        from studio.gui.compare.compare_export import png_writer
    except ImportError as exc:
        print(f"note: PNG output disabled ({exc.name or exc} is not installed)", file=sys.stderr)
        png_writer = None
    return compare_cli.main(argv, png_writer=png_writer)


def _running_app():
    """The ``QApplication`` if Qt is imported and one exists, else ``None``."""
    widgets = sys.modules.get("PySide6.QtWidgets")
    return widgets.QApplication.instance() if widgets is not None else None


def _on_sigint(_signum: int, _frame: object) -> None:
    """Ctrl+C in the GUI: quit at once while starting, close the windows once they exist.

    Python's default handler raises ``KeyboardInterrupt`` wherever the main thread is; in the
    first seconds that is inside the torch and Qt imports or Qt's initialisation, which then
    aborted with a traceback. Before a window exists there is nothing to save.
    """
    app = _running_app()
    if app is None or not app.topLevelWidgets():
        sys.stderr.write("\ninterrupted\n")
        sys.stderr.flush()
        os._exit(130)  # no exception to unwind half-way through an import
    else:
        app.closeAllWindows()  # as a click on close: unsaved work is asked about


def main(argv: Sequence[str] | None = None) -> int:
    """Run the launcher with ``argv`` (default ``sys.argv[1:]``); return the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["compare"]:
        return _compare(args[1:])
    if args[:1] and args[0] in ("seeds", "lr-find", "sweep"):
        from studio import experiments_cli

        return experiments_cli.main(args)
    if args[:1] == ["examples"]:
        from studio import examples_cli

        return examples_cli.main(args[1:])
    if "--headless" in args:
        return _headless(args)
    if any(a in ("-h", "--help") for a in args):
        usage = __doc__.split("\n\n")[2]  # the indented usage block of this docstring
        print("usage:\n" + usage)
        return 0
    # Installed before the slow imports: Ctrl+C at any moment of startup quits cleanly.
    try:
        signal.signal(signal.SIGINT, _on_sigint)
    except ValueError:  # not the main thread (an embedding caller): leave signals to it
        pass
    if not _has_display():
        print(NO_DISPLAY, file=sys.stderr)
        return 2
    try:
        from studio.app import main as gui_main
    except ImportError as exc:
        print(f"error: the GUI needs PySide6 and pyqtgraph ({exc}); "
              "install minidl-studio[gui] or use --headless", file=sys.stderr)
        return 2
    return gui_main([a for a in args if not a.startswith("-")])


if __name__ == "__main__":
    sys.exit(main())
