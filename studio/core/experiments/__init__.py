"""Experiments on any setup: N-seed bands, learning-rate range test, sweeps, chaos.

Built on :class:`~studio.core.session.Session` and on the experiment's process pool
(:mod:`studio.core.compare.pool`); Qt-free, with progress callbacks, cancel events and frozen
results for the GUI tabs that draw them.
"""
