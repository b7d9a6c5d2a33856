"""Column names and validators for the frames that cross module boundaries.

Forecast (input of :func:`staffing.requirements.requirements` and ``wfm staff``)
---------------------------------------------------------------------------
=================  =========  ==================================================
column             unit       meaning
=================  =========  ==================================================
``interval_start`` timestamp  start of the interval (ISO 8601, timezone optional)
``contacts``       contacts   contacts offered in the interval (>= 0, may be fractional)
``aht_seconds``    s          average handle time of those contacts (> 0)
``channel``        text       optional, default ``"voice"``
``shrinkage``      share      optional per-interval shrinkage in [0, 1)
=================  =========  ==================================================

Requirements (output of :func:`staffing.requirements.requirements`)
-----------------------------------------------------------------
See :data:`REQUIREMENTS_COLUMNS`; documented in the README under *File formats*.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from staffing.errors import InputError

INTERVAL_START: Final = "interval_start"
CHANNEL: Final = "channel"
CONTACTS: Final = "contacts"
AHT_SECONDS: Final = "aht_seconds"
SHRINKAGE: Final = "shrinkage"
ERLANGS: Final = "erlangs"
AGENTS_REQUIRED: Final = "agents_required"
AGENTS_TO_SCHEDULE: Final = "agents_to_schedule"
SERVICE_LEVEL: Final = "service_level"
ASA_SECONDS: Final = "asa_seconds"
OCCUPANCY: Final = "occupancy"
ABANDON_RATE: Final = "abandon_rate"
PROB_WAIT: Final = "prob_wait"
BACKLOG: Final = "backlog"
AGENTS: Final = "agents"

DEFAULT_CHANNEL: Final = "voice"

FORECAST_REQUIRED_COLUMNS: Final = (INTERVAL_START, CONTACTS, AHT_SECONDS)

REQUIREMENTS_COLUMNS: Final = (
    INTERVAL_START,
    CHANNEL,
    CONTACTS,
    AHT_SECONDS,
    ERLANGS,
    AGENTS_REQUIRED,
    AGENTS_TO_SCHEDULE,
    SERVICE_LEVEL,
    ASA_SECONDS,
    OCCUPANCY,
    ABANDON_RATE,
    PROB_WAIT,
    BACKLOG,
)


def _row_label(df: pd.DataFrame, position: int) -> str:
    """Human row number: data row ``position`` is line ``position + 2`` of a CSV with a header."""
    return f"row {position + 1} (CSV line {position + 2})"


def parse_timestamps(values: pd.Series, *, column: str, source: str) -> pd.Series:
    """Parse ISO 8601 timestamps, naming the first row that fails.

    Parameters
    ----------
    values : pandas.Series
        Raw values (strings or datetimes).
    column, source : str
        Column and file/frame name used in error messages.

    Returns
    -------
    pandas.Series
        ``datetime64`` values (timezone kept if every value has one).
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        return values
    parsed = pd.to_datetime(values, errors="coerce", format="ISO8601")
    bad = parsed.isna() & values.notna()
    bad |= values.isna()
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            f"{source}: {_row_label(values.to_frame(), pos)}, column '{column}': expected an ISO 8601 "
            f"timestamp such as 2026-11-30T08:00, found {values.iloc[pos]!r}."
        )
    return parsed


def _numeric_column(df: pd.DataFrame, column: str, source: str) -> np.ndarray:
    raw = df[column]
    values = pd.to_numeric(raw, errors="coerce")
    bad = values.isna().to_numpy() | ~np.isfinite(values.to_numpy(dtype=float, na_value=np.nan))
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"{source}: {_row_label(df, pos)}, column '{column}': expected a finite number, "
            f"found {raw.iloc[pos]!r}."
        )
    return values.to_numpy(dtype=float)


def validate_forecast(
    forecast: pd.DataFrame,
    *,
    source: str = "forecast",
    interval_minutes: float | None = None,
) -> pd.DataFrame:
    """Check and normalise a forecast frame (see the module docstring for its columns).

    Parameters
    ----------
    forecast : pandas.DataFrame
        Columns ``interval_start``, ``contacts``, ``aht_seconds``, optional ``channel``
        and ``shrinkage``. Extra columns are kept.
    source : str
        Name used in error messages (a file name for CLI input).
    interval_minutes : float, optional
        Expected interval length in minutes. When given, every gap between consecutive
        timestamps of a channel must be a whole multiple of it (closed hours may be
        missing), and the smallest gap must equal it.

    Returns
    -------
    pandas.DataFrame
        A copy sorted by channel and ``interval_start`` with parsed timestamps,
        float ``contacts``/``aht_seconds`` and a ``channel`` column.

    Raises
    ------
    InputError
        Naming the row and column of the first problem: a missing column, a
        non-numeric or negative ``contacts``, ``aht_seconds`` <= 0, a duplicate
        interval, or an interval length that does not match the timestamps.
    """
    if not isinstance(forecast, pd.DataFrame):
        raise InputError(f"{source}: expected a pandas DataFrame, found {type(forecast).__name__}.")
    missing = [c for c in FORECAST_REQUIRED_COLUMNS if c not in forecast.columns]
    if missing:
        raise InputError(
            f"{source}: missing column(s) {missing}; expected columns {list(FORECAST_REQUIRED_COLUMNS)} "
            f"(+ optional '{CHANNEL}', '{SHRINKAGE}'), found {list(forecast.columns)}."
        )
    df = forecast.reset_index(drop=True).copy()
    df[INTERVAL_START] = parse_timestamps(df[INTERVAL_START], column=INTERVAL_START, source=source)
    contacts = _numeric_column(df, CONTACTS, source)
    if (contacts < 0).any():
        pos = int(np.flatnonzero(contacts < 0)[0])
        raise InputError(
            f"{source}: {_row_label(df, pos)}, column '{CONTACTS}': expected a number >= 0, "
            f"found {contacts[pos]:g}."
        )
    aht = _numeric_column(df, AHT_SECONDS, source)
    if (aht <= 0).any():
        pos = int(np.flatnonzero(aht <= 0)[0])
        raise InputError(
            f"{source}: {_row_label(df, pos)}, column '{AHT_SECONDS}': expected a handle time > 0 "
            f"seconds, found {aht[pos]:g}."
        )
    df[CONTACTS] = contacts
    df[AHT_SECONDS] = aht
    if CHANNEL not in df.columns:
        df[CHANNEL] = DEFAULT_CHANNEL
    else:
        blank = df[CHANNEL].isna() | (df[CHANNEL].astype(str).str.strip() == "")
        if blank.any():
            pos = int(np.flatnonzero(blank.to_numpy())[0])
            raise InputError(
                f"{source}: {_row_label(df, pos)}, column '{CHANNEL}': expected a channel name, found "
                "an empty value."
            )
        df[CHANNEL] = df[CHANNEL].astype(str).str.strip()
    if SHRINKAGE in df.columns:
        shrink = _numeric_column(df, SHRINKAGE, source)
        bad = (shrink < 0) | (shrink >= 1)
        if bad.any():
            pos = int(np.flatnonzero(bad)[0])
            raise InputError(
                f"{source}: {_row_label(df, pos)}, column '{SHRINKAGE}': expected a share in [0, 1), "
                f"found {shrink[pos]:g}."
            )
        df[SHRINKAGE] = shrink
    dup = df.duplicated([CHANNEL, INTERVAL_START], keep="first")
    if dup.any():
        pos = int(np.flatnonzero(dup.to_numpy())[0])
        first = int(
            np.flatnonzero(
                ((df[CHANNEL] == df[CHANNEL].iloc[pos]) & (df[INTERVAL_START] == df[INTERVAL_START].iloc[pos])).to_numpy()
            )[0]
        )
        raise InputError(
            f"{source}: {_row_label(df, pos)}: duplicate interval {df[INTERVAL_START].iloc[pos]} for channel "
            f"'{df[CHANNEL].iloc[pos]}' (first seen at {_row_label(df, first)}); expected one row per "
            "interval and channel."
        )
    df["_row"] = np.arange(len(df))
    df = df.sort_values([CHANNEL, INTERVAL_START], kind="stable").reset_index(drop=True)
    if interval_minutes is not None:
        check_interval_length(df, interval_minutes, source=source)
    return df.drop(columns="_row")


def infer_interval_minutes(df: pd.DataFrame, *, source: str = "forecast") -> float:
    """Smallest gap between consecutive intervals of any channel, in minutes.

    Raises
    ------
    InputError
        If every channel has a single interval, so the length cannot be inferred.
    """
    gaps = df.groupby(CHANNEL, sort=False)[INTERVAL_START].diff().dropna()
    if gaps.empty:
        raise InputError(
            f"{source}: cannot infer the interval length from a single interval per channel; "
            "pass interval_minutes (CLI: --interval-minutes)."
        )
    return float(gaps.min().total_seconds() / 60.0)


def check_interval_length(df: pd.DataFrame, interval_minutes: float, *, source: str) -> None:
    """Raise if the timestamps are not on a grid of ``interval_minutes`` (gaps may skip closed hours)."""
    if not interval_minutes > 0:
        raise InputError(f"{source}: interval_minutes must be > 0, found {interval_minutes!r}.")
    step = pd.Timedelta(minutes=interval_minutes)
    gaps = df.groupby(CHANNEL, sort=False)[INTERVAL_START].diff()
    ratio = gaps / step
    off_grid = ratio.notna() & ((ratio - ratio.round()).abs() > 1e-9)
    too_short = ratio.notna() & (ratio < 1 - 1e-9)
    bad = (off_grid | too_short).to_numpy()
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        row = int(df["_row"].iloc[pos]) if "_row" in df.columns else pos
        raise InputError(
            f"{source}: {_row_label(df, row)}, column '{INTERVAL_START}': {df[INTERVAL_START].iloc[pos]} is "
            f"{gaps.iloc[pos]} after the previous interval of channel '{df[CHANNEL].iloc[pos]}', which does not "
            f"match an interval length of {interval_minutes:g} minutes."
        )
