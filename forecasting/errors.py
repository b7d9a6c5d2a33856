"""Exceptions raised by :mod:`forecasting` (which never imports :mod:`staffing`)."""

from __future__ import annotations


class InputError(ValueError):
    """Bad user input: the message names the file/row/column, what was expected and what was found."""
