"""The example specs shipped with the studio, as package data (``*.json``).

This package holds data only; read it through :mod:`studio.core.examples`, which finds the
files with :mod:`importlib.resources` so they work from a wheel as well as from a checkout.
"""
