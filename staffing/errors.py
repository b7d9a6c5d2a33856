"""Exception types raised by the staffing library.

Every message says what is wrong, where (file, row, column or key), what was
expected and what was found, so the CLI and the app can show it as it is.
"""

from __future__ import annotations


class InputError(ValueError):
    """Bad user input: a file, a column, a row or a setting that breaks a documented rule."""


class InfeasibleError(ValueError):
    """The rules or targets cannot all be met; the message explains which ones conflict."""
