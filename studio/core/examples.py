"""The example specs shipped inside the package (``studio/examples/*.json``).

The files are package data, found through :mod:`importlib.resources` only: an installed wheel
has no repository around it, so no path is ever computed from ``__file__``. Loading goes
through :func:`~studio.core.io.load_spec`, so a broken example fails exactly like a broken
file the user opened (same exceptions, same messages).

An example's *name* is its file name without ``.json`` (``"seed_a"``); its *label*, shown in
the GUI's Examples menu, is the spec's own ``name`` field.
"""

from __future__ import annotations

import os
from importlib import resources

from .io import StudioIOError, load_spec
from .spec import RunSpec, SpecError

__all__ = ["EXAMPLES_PACKAGE", "UnknownExampleError", "describe", "example_labels",
           "example_names", "load_example", "load_spec_or_example"]

#: The package whose ``*.json`` files are the examples.
EXAMPLES_PACKAGE = "studio.examples"

_SUFFIX = ".json"


class UnknownExampleError(LookupError):
    """No example has this name; ``str(error)`` lists the available names.

    Attributes
    ----------
    name : str
        The name that was asked for.
    available : tuple of str
        The names that exist (:func:`example_names`).
    """

    def __init__(self, name: str, available: tuple[str, ...]) -> None:
        self.name = name
        self.available = available
        listed = ", ".join(available) or "none are installed"
        super().__init__(f"no example named {name!r} (available: {listed})")


def example_names() -> tuple[str, ...]:
    """The names of the shipped examples: the seed networks first, then the lessons, sorted.

    Returns
    -------
    tuple of str
        File names without ``.json``, e.g. ``("seed_a", "seed_b")``.
    """
    root = resources.files(EXAMPLES_PACKAGE)
    names = (entry.name[:-len(_SUFFIX)] for entry in root.iterdir()
             if entry.name.endswith(_SUFFIX) and entry.is_file())
    # The seed tasks are what the studio is about; the lessons come after them.
    return tuple(sorted(names, key=lambda name: (not name.startswith("seed_"), name)))


def load_example(name: str) -> RunSpec:
    """Load the example called ``name``.

    Parameters
    ----------
    name : str
        One of :func:`example_names` (no ``.json`` suffix).

    Returns
    -------
    RunSpec
        The parsed spec.

    Raises
    ------
    UnknownExampleError
        ``name`` is not an example; the message lists the available names.
    SpecError
        The example's file is not a valid spec (as :func:`~studio.core.io.load_spec`).
    StudioIOError
        The example's file cannot be read.
    """
    available = example_names()
    # Checked against the listing, not by opening: "../x" or "seed_a.json" must not resolve.
    if name not in available:
        raise UnknownExampleError(name, available)
    resource = resources.files(EXAMPLES_PACKAGE).joinpath(name + _SUFFIX)
    # as_file gives a real path even from a zip import (extracted for the duration), so the
    # one spec reader, load_spec, does the parsing and names the file in its errors.
    with resources.as_file(resource) as path:
        return load_spec(path)


def example_labels() -> tuple[tuple[str, str], ...]:
    """``(name, label)`` of each example that loads, the label being the spec's ``name``.

    An example that fails to load is left out: a broken file must not break a menu (the test
    suite loads every example, so this only guards against a damaged installation).

    Returns
    -------
    tuple of (str, str)
        In :func:`example_names` order.
    """
    out = []
    for name in example_names():
        try:
            spec = load_example(name)
        except (SpecError, StudioIOError):
            continue
        out.append((name, spec.name or name))
    return tuple(out)


def describe(spec: RunSpec) -> str:
    """A one-line summary of ``spec``'s network, training and data.

    Parameters
    ----------
    spec : RunSpec
        The spec to summarise.

    Returns
    -------
    str
        E.g. ``"2-25-25-25-2 relu, cross_entropy, sgd lr 0.1 momentum 0.2, batch 100,
        200 epochs; disk data 1000 train / 1000 test"``.
    """
    kinds = [layer.activation for layer in spec.layers]
    if not kinds:
        activations = "linear"  # no hidden layer: a linear classifier
    else:
        activations = kinds[0] if len(set(kinds)) == 1 else "/".join(kinds)
    opt = spec.optimizer
    optimizer = f"{opt.name} lr {opt.lr:g}"
    if opt.name == "sgd" and opt.momentum:
        optimizer += f" momentum {opt.momentum:g}"
    sizes = "-".join(str(size) for size in spec.sizes)
    return (f"{sizes} {activations}, {spec.loss}, {optimizer}, "
            f"batch {spec.batch_size}, {spec.epochs} epochs; "
            f"{spec.data.name} data {spec.data.n_train} train / {spec.data.n_test} test"
            + ("" if spec.data.features == ("x", "y")
               else f", features {','.join(spec.data.features)}"))


def load_spec_or_example(arg: str | os.PathLike) -> RunSpec:
    """Load ``arg`` as a spec file, or else as an example name (the CLI's ``--headless``).

    A file that exists wins, so a local ``seed_a`` file is never shadowed by the example.

    Parameters
    ----------
    arg : str or path-like
        A spec file path, or one of :func:`example_names`.

    Returns
    -------
    RunSpec
        The loaded spec.

    Raises
    ------
    SpecError
        The file or example is not a valid spec.
    StudioIOError
        No such file and no such example; the message also points to
        ``minidl-studio examples``.
    """
    if not os.path.exists(arg) and os.fspath(arg) in example_names():
        return load_example(os.fspath(arg))
    try:
        return load_spec(arg)
    except StudioIOError as exc:
        if os.path.exists(arg):
            raise  # a real file that cannot be read: an example name is no help here
        error = StudioIOError(f"{exc}; not an example name either "
                              "(`minidl-studio examples` lists them)")
        error.errno = exc.errno
        raise error from None
