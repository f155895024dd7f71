"""minidl-studio: watch small neural networks written with minidl train.

``studio.core`` holds the Qt-free logic (specs, the training engine, file I/O) shared by the
GUI, the headless CLI (``python -m studio.cli``) and the tests.
"""
