"""Thin calls into the library where the app needs one entry point per task.

Each function forwards to the library function that owns the rule; a fallback exists
only where a partial build lacks the module, and is documented as such.
"""

from __future__ import annotations

import pandas as pd

from staffing import schema as S
from staffing.errors import InputError


def validate_history(raw: pd.DataFrame, source: str) -> pd.DataFrame:
    """Validate an interval history (columns ``interval_start``, ``contacts``, optional ``aht_seconds``, ``channel``).

    Uses :mod:`forecasting.io` when present (its rules: parseable and unique timestamps,
    counts >= 0, one interval length). Without it (partial build), falls back to
    :func:`staffing.schema.validate_forecast` with a placeholder handle time where none is given.

    Raises
    ------
    ValueError
        ``forecasting.errors.InputError`` or ``staffing.errors.InputError`` naming the row and column.
    """
    import importlib

    try:
        fio = importlib.import_module("forecasting.io")
    except ImportError:
        fio = None
    fn = getattr(fio, "validate_history", None)
    if callable(fn):
        out = fn(raw, source=source)
        return out[0] if isinstance(out, tuple) else out
    df = raw.copy()
    if S.CONTACTS not in df.columns or S.INTERVAL_START not in df.columns:
        raise InputError(
            f"{source}: missing column(s) {[c for c in (S.INTERVAL_START, S.CONTACTS) if c not in df.columns]}; "
            f"expected interval_start, contacts, optional aht_seconds and channel; found {list(df.columns)}."
        )
    had_aht = S.AHT_SECONDS in df.columns
    if not had_aht:
        df[S.AHT_SECONDS] = 1.0
    else:
        df[S.AHT_SECONDS] = pd.to_numeric(df[S.AHT_SECONDS], errors="coerce").fillna(1.0)
        df.loc[df[S.AHT_SECONDS] <= 0, S.AHT_SECONDS] = 1.0
    out = S.validate_forecast(df, source=source)
    if not had_aht:
        out = out.drop(columns=S.AHT_SECONDS)
    return out
