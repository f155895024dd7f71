"""GUI tests: the feature folders (setup/, run/, compare/) share ``window_helpers``.

pytest's default ``prepend`` import mode already puts this folder on ``sys.path`` when it
loads this conftest; saying so here keeps ``from window_helpers import ...`` working in the
sub-folders without a package ``__init__`` (which would change how every test is imported).
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
