"""Strict JSON text parsing shared by spec files and ``results.json``.

:func:`loads_strict` differs from ``json.loads`` where the standard module is silently lenient
or fails without saying where: a duplicate key (``{"lr": 0.01, "lr": 50}`` means lr 50 to
``json``), ``NaN``/``Infinity`` (not JSON) and integers too long for ``int()`` are reported
with the path of the value, e.g. ``optimizer.lr``.
"""

from __future__ import annotations

import json
import numbers
from typing import Any

__all__ = ["QUOTE_LIMIT", "BigInt", "JSONProblem", "clip", "describe", "join_key", "loads_strict",
           "number_text"]

#: Longest quote of a user's value in a message: a 10 MB string once froze the GUI for 40 s
#: while Qt laid out the error dialog, and nobody reads past the first words anyway.
QUOTE_LIMIT = 80

#: Python refuses ``int()`` of longer digit strings (CVE-2020-10735); stay below its default.
_MAX_DIGITS = 4000


class JSONProblem(ValueError):
    """Text that is not acceptable JSON; ``path`` is ``""`` for a syntax error.

    Attributes
    ----------
    path : str
        Where, e.g. ``"optimizer.lr"`` or ``"layers[0]"``.
    message : str
        What is wrong, without the path.
    """

    def __init__(self, path: str, message: str) -> None:
        self.path, self.message = path, message
        super().__init__(f"{path}: {message}" if path else message)


class BigInt:
    """A JSON integer literal too long for ``int()``, kept so a field check can name it."""

    def __init__(self, literal: str) -> None:
        self.digits = len(literal.lstrip("-"))

    def __repr__(self) -> str:
        return f"an integer with {self.digits} digits"


class _Constant:
    """``NaN``/``Infinity``/``-Infinity`` where a value was: reported with its path."""

    def __init__(self, name: str) -> None:
        self.name = name


class _Object(dict):
    """A parsed object that had a repeated key (``duplicate`` is the first one)."""

    duplicate: str = ""


def clip(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text`` cut to ``limit`` characters, ending with ``…`` when cut."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def number_text(value: Any) -> str:
    """A number for a message; an integer too long to print becomes "an integer with ..."."""
    # str() of an int over 4300 digits raises ValueError; a long one is clipped anyway.
    if isinstance(value, BigInt):
        return repr(value)
    if isinstance(value, numbers.Integral) and abs(int(value)).bit_length() > 256:
        return f"an integer with about {int(abs(int(value)).bit_length() * 0.30103) + 1} digits"
    return clip(str(value))


def describe(value: Any) -> str:
    """``"<type> <repr>"`` of a user's value for a message, clipped to :data:`QUOTE_LIMIT`."""
    if isinstance(value, BigInt):
        return repr(value)
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return f"{type(value).__name__} {number_text(value)}"
    try:
        text = repr(value)
    except (ValueError, RecursionError):  # a huge int nested in a list, absurd nesting
        text = "..."
    return clip(f"{type(value).__name__} {text}")


def join_key(path: str, key: Any) -> str:
    """``path.key``; an empty, odd or long key is quoted (``optimizer.""``) and clipped."""
    key = str(key)
    if not key or not key.replace("_", "a").isalnum():
        key = json.dumps(key)
    key = clip(key, 40)
    return f"{path}.{key}" if path else key


def _find(data: Any) -> tuple[str, Any] | None:
    """Path and marker of the first duplicate key or constant, in document order."""
    stack = [("", data)]  # iterative: nesting is as deep as json.loads allowed
    while stack:
        path, value = stack.pop()
        if isinstance(value, _Constant):
            return path, value
        if isinstance(value, dict):
            if isinstance(value, _Object) and value.duplicate:
                return join_key(path, value.duplicate), value
            stack.extend((join_key(path, k), v) for k, v in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", v) for i, v in reversed(list(enumerate(value))))
    return None


def loads_strict(text: str) -> Any:
    """Parse ``text`` like ``json.loads``, refusing what it would silently accept.

    Raises
    ------
    JSONProblem
        Bad syntax (line and column), absurd nesting, a duplicate key, ``NaN``/``Infinity``;
        the last two with the path of the value.
    """
    flagged = []  # a walk over the parsed document only when something needs a path

    def pairs(items: list[tuple[str, Any]]) -> dict:
        obj = dict(items)
        if len(obj) == len(items):
            return obj
        seen: set[str] = set()
        dup = next(k for k, _ in items if k in seen or seen.add(k))
        flagged.append(dup)
        obj = _Object(items)
        obj.duplicate = dup
        return obj

    def constant(name: str) -> _Constant:
        flagged.append(name)
        return _Constant(name)

    def integer(literal: str) -> int | BigInt:
        return int(literal) if len(literal) <= _MAX_DIGITS else BigInt(literal)

    try:
        data = json.loads(text, object_pairs_hook=pairs, parse_constant=constant,
                          parse_int=integer)
    except json.JSONDecodeError as exc:
        raise JSONProblem("", f"invalid JSON at line {exc.lineno}, column {exc.colno}: "
                          f"{exc.msg}") from None
    except (ValueError, RecursionError) as exc:  # absurd nesting
        raise JSONProblem("", f"invalid JSON: {clip(str(exc))}") from None
    if flagged:
        found = _find(data)
        if found is not None:
            path, marker = found
            if isinstance(marker, _Constant):
                raise JSONProblem(path, f"{marker.name} is not valid JSON (JSON numbers are "
                                        "finite)")
            raise JSONProblem(path, "duplicate key (each key may appear once per object)")
    return data
