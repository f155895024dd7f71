"""``minidl-studio examples``: list the example specs shipped with the package.

Each line gives the name to pass to ``--headless`` (or to open from the GUI's Examples menu)
and a one-line summary of the network and data. Qt-free, like :mod:`studio.cli`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from studio.core import SpecError, StudioIOError
from studio.core.examples import describe, example_names, load_example

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    return argparse.ArgumentParser(
        prog="minidl-studio examples",
        description="List the example specs; train one with "
                    "`minidl-studio --headless NAME --out DIR`.")


def main(argv: Sequence[str] | None = None) -> int:
    """List the examples on stdout; return the exit code (1 if one of them is broken)."""
    try:
        _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:  # --help or a stray argument: argparse has printed why
        return int(exc.code or 0)
    names = example_names()
    width = max((len(name) for name in names), default=0)
    code = 0
    for name in names:
        try:
            summary = describe(load_example(name))
        except (SpecError, StudioIOError) as exc:
            # Still list it: a damaged installation should say which file, not hide it.
            summary, code = f"cannot load: {exc}", 1
        print(f"{name:<{width}}  {summary}")
    if not names:
        print("no examples are installed", file=sys.stderr)
        return 1
    print(f"\ntrain one headless: minidl-studio --headless {names[0]} --out DIR")
    return code


if __name__ == "__main__":
    sys.exit(main())
