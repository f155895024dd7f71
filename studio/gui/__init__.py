"""The studio's Qt widgets: each one is a view of a model (``SpecModel``, the worker, ...).

Nothing outside ``studio.gui`` and ``studio.app`` imports PySide6 or pyqtgraph.
"""
