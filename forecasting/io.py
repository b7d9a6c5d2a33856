"""Read, validate, aggregate and resample contact history; report gaps and closed hours.

Daylight saving time
--------------------
Contact centres plan in local wall-clock time, so every frame in :mod:`forecasting`
carries *naive local* timestamps (``interval_start`` without a timezone):

* Naive input timestamps are taken as local wall-clock time, unchanged.
* Timestamps with an offset (``2026-03-08T09:00-05:00``) or ``Z`` are converted to
  ``timezone`` when it is given (an IANA name such as ``"America/New_York"``), else
  each one keeps the wall-clock time written in the file; the offset is then dropped.
* On the autumn change the wall-clock hour 01:00-02:00 happens twice.  Rows whose
  wall-clock times coincide but whose UTC instants differ are *merged*: contacts are
  summed and handle time is contact-weighted (the count is in
  ``frame.attrs["dst_merged_rows"]``).  Two rows with the same naive timestamp are an
  error (a real duplicate), because nothing says they are different instants.
* On the spring change the wall-clock hour 02:00-03:00 does not exist; those intervals
  show up in :func:`gap_report` as missing (most centres are closed then anyway).
* Day-of-week and time-of-day patterns are therefore defined on local time, which is
  what callers follow; a one-hour shift of the pattern against UTC is expected twice a
  year and is not an error.

Gaps
----
Missing intervals are never filled silently.  :func:`gap_report` tells *closed hours*
(a slot of the week that is normally absent) from *gaps* (a normally open slot that is
missing) and *missing days*; :func:`fill_gaps` applies the treatment the user picks.
Models skip missing intervals (they use ``nan``-aware statistics).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from forecasting.errors import InputError
from forecasting.schema import (
    AHT_SECONDS,
    CHANNEL,
    CONTACTS,
    DEFAULT_CHANNEL,
    INTERVAL_START,
    SUPPORTED_INTERVAL_MINUTES,
)

__all__ = [
    "DayGrid",
    "GapReport",
    "aggregate_contact_records",
    "fill_gaps",
    "gap_report",
    "infer_interval_minutes",
    "read_history",
    "resample_history",
    "to_grids",
    "validate_history",
]

_OFFSET_RE = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})\s*$")
#: Common vendor/ACD column names, renamed once on the way in.
COLUMN_ALIASES: dict[str, str] = {
    "timestamp": INTERVAL_START,
    "interval": INTERVAL_START,
    "datetime": INTERVAL_START,
    "ds": INTERVAL_START,
    "calls": CONTACTS,
    "offered": CONTACTS,
    "calls_offered": CONTACTS,
    "y": CONTACTS,
    "aht": AHT_SECONDS,
    "queue": CHANNEL,
}


def _row_label(position: int) -> str:
    """Human row number: data row ``position`` (0-based) is line ``position + 2`` of a CSV."""
    return f"row {position + 1} (CSV line {position + 2})"


def _parse_timestamps(values: pd.Series, source: str, timezone: str | None) -> tuple[pd.Series, np.ndarray | None]:
    """Parse to naive local wall-clock times; return also UTC instants when offsets were given."""
    if pd.api.types.is_datetime64_any_dtype(values):
        ts = pd.Series(values)
        if ts.dt.tz is not None:
            utc = ts.dt.tz_convert("UTC")
            local = ts.dt.tz_convert(timezone) if timezone else ts
            return local.dt.tz_localize(None), utc.dt.tz_localize(None).to_numpy()
        return ts, None
    text = values.astype("string").str.strip()
    missing = text.isna() | (text == "")
    if missing.any():
        pos = int(np.flatnonzero(missing.to_numpy())[0])
        raise InputError(
            f"{source}: {_row_label(pos)}, column '{INTERVAL_START}': expected an ISO 8601 timestamp "
            "such as 2026-11-30T08:00, found an empty value."
        )
    has_offset = text.str.contains(_OFFSET_RE)
    if has_offset.any() and not has_offset.all():
        pos = int(np.flatnonzero(~has_offset.to_numpy())[0])
        raise InputError(
            f"{source}: {_row_label(pos)}, column '{INTERVAL_START}': mixes timestamps with and without "
            f"a UTC offset (found {text.iloc[pos]!r}); use one form for the whole file."
        )
    if has_offset.all():
        utc = pd.to_datetime(text, errors="coerce", format="ISO8601", utc=True)
        bad = utc.isna()
        if bad.any():
            pos = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(
                f"{source}: {_row_label(pos)}, column '{INTERVAL_START}': expected an ISO 8601 timestamp "
                f"such as 2026-11-30T08:00-05:00, found {values.iloc[pos]!r}."
            )
        if timezone:
            local = utc.dt.tz_convert(timezone).dt.tz_localize(None)
        else:  # keep the wall-clock time written in the file
            local = pd.to_datetime(text.str.replace(_OFFSET_RE, "", regex=True), format="ISO8601")
        return local, utc.dt.tz_localize(None).to_numpy()
    parsed = pd.to_datetime(text, errors="coerce", format="ISO8601")
    bad = parsed.isna()
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            f"{source}: {_row_label(pos)}, column '{INTERVAL_START}': expected an ISO 8601 timestamp "
            f"such as 2026-11-30T08:00, found {values.iloc[pos]!r}."
        )
    if timezone:  # naive times in a named zone: still wall clock, nothing to convert
        pass
    return parsed.astype("datetime64[ns]"), None


def _numeric(df: pd.DataFrame, column: str, source: str, *, allow_nan: bool = False) -> np.ndarray:
    raw = df[column]
    values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    blank = raw.isna().to_numpy()
    bad = ~np.isfinite(values) & ~(allow_nan & blank)
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"{source}: {_row_label(pos)}, column '{column}': expected a finite number, found {raw.iloc[pos]!r}."
        )
    return values


def infer_interval_minutes(history: pd.DataFrame, *, source: str = "history") -> int:
    """Interval length in minutes: the most common gap between consecutive intervals.

    Parameters
    ----------
    history : pandas.DataFrame
        Validated history (columns ``channel``, ``interval_start`` sorted per channel).

    Returns
    -------
    int
        Most frequent positive difference between consecutive ``interval_start`` of a
        channel, in whole minutes.
    """
    diffs = history.groupby(CHANNEL, sort=False)[INTERVAL_START].diff().dropna()
    minutes = (diffs.dt.total_seconds() / 60.0).to_numpy()
    minutes = minutes[minutes > 0]
    if minutes.size == 0:
        raise InputError(
            f"{source}: cannot infer the interval length from a single interval per channel; "
            "pass interval_minutes (CLI: --interval-minutes)."
        )
    values, counts = np.unique(np.round(minutes, 6), return_counts=True)
    step = float(values[np.argmax(counts)])
    if step != int(step) or 1440 % int(step):
        raise InputError(
            f"{source}: the most common interval length is {step:g} minutes; expected a whole number of "
            "minutes that divides a day (5, 10, 15, 30 or 60)."
        )
    return int(step)


def _check_grid(df: pd.DataFrame, step: int, source: str) -> None:
    """Raise on timestamps off the ``step`` grid or days whose spacing differs (mixed lengths)."""
    ts = df[INTERVAL_START]
    minute_of_day = ts.dt.hour.to_numpy() * 60 + ts.dt.minute.to_numpy()
    off = (minute_of_day % step != 0) | (ts.dt.second.to_numpy() != 0)
    if off.any():
        pos = int(np.flatnonzero(off)[0])
        row = int(df["_row"].iloc[pos])
        raise InputError(
            f"{source}: {_row_label(row)}, column '{INTERVAL_START}': {ts.iloc[pos]} is not on the "
            f"{step}-minute grid of the rest of the file (mixed interval lengths?); expected starts at "
            f"multiples of {step} minutes after midnight."
        )
    diff_min = (df.groupby(CHANNEL, sort=False)[INTERVAL_START].diff().dt.total_seconds() / 60.0)
    same_day = df[INTERVAL_START].dt.normalize().eq(
        df.groupby(CHANNEL, sort=False)[INTERVAL_START].shift().dt.normalize()
    )
    d = pd.DataFrame(
        {"channel": df[CHANNEL], "day": ts.dt.normalize(), "diff": diff_min.where(same_day), "row": df["_row"]}
    ).dropna(subset=["diff"])
    if d.empty:
        return
    # modal spacing per channel and day; a day whose spacing is mostly wider than the step
    # (and has at least 4 intervals) was exported at another interval length
    counts = d.groupby(["channel", "day", "diff"], sort=False).size().rename("k").reset_index()
    counts["_neg"] = -counts["k"]
    modal = counts.sort_values(["channel", "day", "_neg", "diff"], kind="stable").drop_duplicates(["channel", "day"])
    n = counts.groupby(["channel", "day"], sort=False)["k"].sum()
    modal = modal.set_index(["channel", "day"])
    modal["n"] = n
    bad = modal.loc[(modal["diff"] != step) & (modal["n"] >= 3), "diff"]
    if not bad.empty:
        channel, day = bad.index[0]
        rows = d.loc[(d["channel"] == channel) & (d["day"] == day), "row"]
        raise InputError(
            f"{source}: mixed interval lengths: channel '{channel}' has {bad.iloc[0]:g}-minute intervals on "
            f"{day.date()} ({_row_label(int(rows.min()) - 1)} to {_row_label(int(rows.max()))}) but "
            f"{step}-minute intervals elsewhere; resample the file to one length first "
            "(forecasting.io.resample_history)."
        )


def validate_history(
    history: pd.DataFrame,
    *,
    source: str = "history",
    interval_minutes: int | None = None,
    timezone: str | None = None,
    column_map: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Check and normalise a contact history frame.

    Parameters
    ----------
    history : pandas.DataFrame
        Columns ``interval_start`` (ISO 8601), ``contacts`` (>= 0), optional
        ``aht_seconds`` (> 0 s; may be empty where ``contacts`` is 0) and optional
        ``channel``.  Common vendor names (``timestamp``, ``calls``, ``offered``,
        ``aht``, ``queue``...) are renamed; ``column_map`` adds more.
    source : str
        File or frame name used in error messages.
    interval_minutes : int, optional
        Expected interval length; inferred (most common spacing) when omitted.
    timezone : str, optional
        IANA zone to convert offset-carrying timestamps to (see the module docstring).
    column_map : dict, optional
        Extra ``{vendor_name: schema_name}`` renames.

    Returns
    -------
    pandas.DataFrame
        Columns ``interval_start`` (naive ``datetime64``), ``channel`` (str),
        ``contacts`` (float), ``aht_seconds`` (float, ``nan`` if absent), sorted by
        channel and time.  ``attrs["interval_minutes"]`` holds the interval length and
        ``attrs["dst_merged_rows"]`` the rows merged at a DST change.

    Raises
    ------
    InputError
        Naming the row and column of the first problem: a missing column, an
        unparseable or duplicate timestamp, a non-numeric or negative count, a handle
        time <= 0, a blank channel, or mixed interval lengths.
    """
    if not isinstance(history, pd.DataFrame):
        raise InputError(f"{source}: expected a pandas DataFrame, found {type(history).__name__}.")
    aliases = {k: v for k, v in COLUMN_ALIASES.items() if v not in history.columns}
    aliases.update(column_map or {})
    df = history.rename(columns={c: aliases.get(str(c).strip().lower(), c) for c in history.columns})
    df = df.rename(columns=lambda c: str(c).strip())
    missing = [c for c in (INTERVAL_START, CONTACTS) if c not in df.columns]
    if missing:
        raise InputError(
            f"{source}: missing column(s) {missing}; expected columns '{INTERVAL_START}', '{CONTACTS}' "
            f"(+ optional '{AHT_SECONDS}', '{CHANNEL}'), found {list(history.columns)}."
        )
    if len(df) == 0:
        raise InputError(f"{source}: no rows; expected at least one interval of history.")
    df = df.reset_index(drop=True)
    local, utc = _parse_timestamps(df[INTERVAL_START], source, timezone)
    contacts = _numeric(df, CONTACTS, source)
    if (contacts < 0).any():
        pos = int(np.flatnonzero(contacts < 0)[0])
        raise InputError(
            f"{source}: {_row_label(pos)}, column '{CONTACTS}': expected a count >= 0, found {contacts[pos]:g}."
        )
    if AHT_SECONDS in df.columns:
        aht = _numeric(df, AHT_SECONDS, source, allow_nan=True)
        bad = aht <= 0  # nan (blank) is allowed: no handled contacts
        if bad.any():
            pos = int(np.flatnonzero(bad)[0])
            raise InputError(
                f"{source}: {_row_label(pos)}, column '{AHT_SECONDS}': expected a handle time > 0 seconds, "
                f"found {aht[pos]:g}."
            )
    else:
        aht = np.full(len(df), np.nan)
    if CHANNEL in df.columns:
        ch = df[CHANNEL].astype("string").str.strip()
        blank = ch.isna() | (ch == "")
        if blank.any():
            pos = int(np.flatnonzero(blank.to_numpy())[0])
            raise InputError(
                f"{source}: {_row_label(pos)}, column '{CHANNEL}': expected a channel name, found an empty value."
            )
        channel = ch.astype(str).to_numpy()
    else:
        channel = np.full(len(df), DEFAULT_CHANNEL, dtype=object)
    out = pd.DataFrame(
        {INTERVAL_START: local.to_numpy(), CHANNEL: channel, CONTACTS: contacts, AHT_SECONDS: aht,
         "_row": np.arange(len(df))}
    )
    out[CHANNEL] = out[CHANNEL].astype(str)
    dst_merged = 0
    dup = out.duplicated([CHANNEL, INTERVAL_START], keep=False).to_numpy()
    if dup.any() and utc is not None:
        # wall-clock duplicates at a DST change are distinct instants: merge them
        real = pd.DataFrame({"c": out[CHANNEL], "u": utc}).duplicated(keep="first").to_numpy()
        if real.any():
            pos = int(np.flatnonzero(real)[0])
            raise InputError(
                f"{source}: {_row_label(pos)}: duplicate timestamp {df[INTERVAL_START].iloc[pos]!r} for channel "
                f"'{out[CHANNEL].iloc[pos]}'; expected one row per interval and channel."
            )
        work = out.loc[dup].copy()
        work["_w"] = work[AHT_SECONDS].fillna(0) * work[CONTACTS]
        merged = work.groupby([CHANNEL, INTERVAL_START], as_index=False).agg(
            contacts=(CONTACTS, "sum"), _w=("_w", "sum"), _row=("_row", "min")
        )
        merged[AHT_SECONDS] = np.where(merged[CONTACTS] > 0, merged["_w"] / merged[CONTACTS].where(merged[CONTACTS] > 0, 1), np.nan)
        dst_merged = int(dup.sum() - len(merged))
        out = pd.concat([out.loc[~dup], merged.drop(columns="_w")], ignore_index=True)
    elif dup.any():
        first_dup = out.duplicated([CHANNEL, INTERVAL_START], keep="first").to_numpy()
        pos = int(np.flatnonzero(first_dup)[0])
        key = (out[CHANNEL] == out[CHANNEL].iloc[pos]) & (out[INTERVAL_START] == out[INTERVAL_START].iloc[pos])
        first = int(np.flatnonzero(key.to_numpy())[0])
        raise InputError(
            f"{source}: {_row_label(pos)}, column '{INTERVAL_START}': duplicate interval "
            f"{out[INTERVAL_START].iloc[pos]} for channel '{out[CHANNEL].iloc[pos]}' (first seen at "
            f"{_row_label(first)}); expected one row per interval and channel."
        )
    out = out.sort_values([CHANNEL, INTERVAL_START], kind="stable").reset_index(drop=True)
    step = int(interval_minutes) if interval_minutes is not None else infer_interval_minutes(out, source=source)
    if step <= 0 or 1440 % step:
        raise InputError(f"{source}: interval_minutes must divide a day (5, 15, 30, 60...), found {step!r}.")
    _check_grid(out, step, source)
    out = out.drop(columns="_row")
    out.attrs["interval_minutes"] = step
    out.attrs["dst_merged_rows"] = dst_merged
    out.attrs["source"] = source
    return out


def read_history(
    path_or_frame: str | Path | pd.DataFrame,
    *,
    interval_minutes: int | None = None,
    timezone: str | None = None,
    column_map: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Read a history CSV (or take a DataFrame) and validate it with :func:`validate_history`.

    Parameters
    ----------
    path_or_frame : str, Path or pandas.DataFrame
        CSV file with a header row, or a frame.
    interval_minutes, timezone, column_map
        See :func:`validate_history`.

    Returns
    -------
    pandas.DataFrame
        Validated history (columns ``interval_start``, ``channel``, ``contacts``, ``aht_seconds``).
    """
    if isinstance(path_or_frame, pd.DataFrame):
        return validate_history(path_or_frame, interval_minutes=interval_minutes, timezone=timezone,
                                column_map=column_map)
    path = Path(path_or_frame)
    try:
        raw = pd.read_csv(path, dtype={INTERVAL_START: "string"})
    except FileNotFoundError:
        raise InputError(f"{path}: file not found.") from None
    except pd.errors.EmptyDataError:
        raise InputError(f"{path}: the file is empty; expected a CSV with a header row.") from None
    return validate_history(raw, source=str(path), interval_minutes=interval_minutes, timezone=timezone,
                            column_map=column_map)


def aggregate_contact_records(
    records: pd.DataFrame,
    *,
    interval_minutes: int = 15,
    arrival_column: str = "arrival_time",
    handle_column: str | None = "handle_seconds",
    channel_column: str | None = "channel",
    source: str = "contact records",
) -> pd.DataFrame:
    """Aggregate per-contact records (one row per contact) into interval history.

    Parameters
    ----------
    records : pandas.DataFrame
        One row per contact: ``arrival_column`` (ISO 8601 arrival time),
        optional ``handle_column`` (handle time, seconds; blank for abandoned
        contacts) and optional ``channel_column``.
    interval_minutes : int
        Interval length, minutes (must divide a day).

    Returns
    -------
    pandas.DataFrame
        History with one row per interval and channel that had at least one arrival:
        ``contacts`` = number of arrivals, ``aht_seconds`` = mean handle time of the
        handled ones (``nan`` if none).  Intervals without arrivals are absent; use
        :func:`gap_report` / :func:`fill_gaps` to tell closed hours from zero-volume hours.
    """
    if arrival_column not in records.columns:
        raise InputError(
            f"{source}: missing column '{arrival_column}' (arrival time of each contact); found "
            f"{list(records.columns)}."
        )
    if interval_minutes <= 0 or 1440 % interval_minutes:
        raise InputError(f"{source}: interval_minutes must divide a day, found {interval_minutes!r}.")
    arrival, _ = _parse_timestamps(records[arrival_column].reset_index(drop=True), source, None)
    frame = pd.DataFrame({INTERVAL_START: arrival.dt.floor(f"{interval_minutes}min").to_numpy()})
    if channel_column and channel_column in records.columns:
        frame[CHANNEL] = records[channel_column].astype(str).to_numpy()
    else:
        frame[CHANNEL] = DEFAULT_CHANNEL
    if handle_column and handle_column in records.columns:
        handle = _numeric(records.reset_index(drop=True), handle_column, source, allow_nan=True)
        if (handle < 0).any():
            pos = int(np.flatnonzero(handle < 0)[0])
            raise InputError(
                f"{source}: {_row_label(pos)}, column '{handle_column}': expected a handle time >= 0 s, "
                f"found {handle[pos]:g}."
            )
    else:
        handle = np.full(len(frame), np.nan)
    frame["_h"] = handle
    frame["_n_h"] = np.isfinite(handle).astype(float)
    out = frame.groupby([CHANNEL, INTERVAL_START], as_index=False).agg(
        contacts=("_n_h", "size"), _h=("_h", "sum"), _n_h=("_n_h", "sum")
    )
    out[AHT_SECONDS] = np.where(out["_n_h"] > 0, out["_h"] / out["_n_h"].where(out["_n_h"] > 0, 1), np.nan)
    out[CONTACTS] = out[CONTACTS].astype(float)
    out = out[[INTERVAL_START, CHANNEL, CONTACTS, AHT_SECONDS]]
    out.attrs["interval_minutes"] = interval_minutes
    return out


def resample_history(
    history: pd.DataFrame,
    interval_minutes: int,
    *,
    from_minutes: int | None = None,
) -> pd.DataFrame:
    """Aggregate or disaggregate history between 5, 15, 30 and 60-minute intervals.

    Parameters
    ----------
    history : pandas.DataFrame
        Validated history (see :func:`validate_history`).
    interval_minutes : int
        Target length, minutes (one of 5, 15, 30, 60).
    from_minutes : int, optional
        Source length; default ``history.attrs["interval_minutes"]`` or inferred.

    Returns
    -------
    pandas.DataFrame
        Same columns.  Aggregation sums ``contacts`` and contact-weights
        ``aht_seconds``; a coarse interval with some sub-intervals missing is kept
        (its sum covers the rows present).  Disaggregation splits each interval's
        contacts evenly over its sub-intervals (fractional counts) and copies its
        handle time.  Totals per channel are preserved exactly in both directions.
    """
    if interval_minutes not in SUPPORTED_INTERVAL_MINUTES:
        raise InputError(
            f"interval_minutes: expected one of {SUPPORTED_INTERVAL_MINUTES}, found {interval_minutes!r}."
        )
    src = from_minutes or history.attrs.get("interval_minutes") or infer_interval_minutes(history)
    if src == interval_minutes:
        out = history.copy()
    elif interval_minutes > src:
        if interval_minutes % src:
            raise InputError(f"cannot aggregate {src}-minute intervals into {interval_minutes}-minute ones.")
        work = history.copy()
        work[INTERVAL_START] = work[INTERVAL_START].dt.floor(f"{interval_minutes}min")
        work["_w"] = work[AHT_SECONDS] * work[CONTACTS]
        work["_wc"] = np.where(work[AHT_SECONDS].notna(), work[CONTACTS], 0.0)
        out = work.groupby([CHANNEL, INTERVAL_START], as_index=False).agg(
            contacts=(CONTACTS, "sum"), _w=("_w", "sum"), _wc=("_wc", "sum")
        )
        out[AHT_SECONDS] = np.where(out["_wc"] > 0, out["_w"] / out["_wc"].where(out["_wc"] > 0, 1), np.nan)
        out = out[[INTERVAL_START, CHANNEL, CONTACTS, AHT_SECONDS]]
    else:
        if src % interval_minutes:
            raise InputError(f"cannot split {src}-minute intervals into {interval_minutes}-minute ones.")
        k = src // interval_minutes
        rep = history.loc[history.index.repeat(k)].reset_index(drop=True)
        offset = np.tile(np.arange(k) * interval_minutes, len(history))
        rep[INTERVAL_START] = rep[INTERVAL_START] + pd.to_timedelta(offset, unit="min")
        rep[CONTACTS] = rep[CONTACTS] / k
        out = rep
    out = out.sort_values([CHANNEL, INTERVAL_START], kind="stable").reset_index(drop=True)
    out.attrs = {**history.attrs, "interval_minutes": interval_minutes}
    return out


@dataclass(frozen=True)
class DayGrid:
    """History of one channel as a (days x slots-per-day) matrix; ``nan`` = no row.

    Attributes
    ----------
    channel : str
    interval_minutes : int
    first_day : numpy.datetime64
        Date of row 0 (``datetime64[D]``).
    contacts, aht_seconds : numpy.ndarray
        Shape ``(n_days, 1440 // interval_minutes)``; ``nan`` where the history has no row.
    """

    channel: str
    interval_minutes: int
    first_day: np.datetime64
    contacts: np.ndarray
    aht_seconds: np.ndarray

    def __post_init__(self) -> None:
        spd = 1440 // self.interval_minutes
        if self.contacts.ndim != 2 or self.contacts.shape[1] != spd:
            raise ValueError(f"contacts must have shape (n_days, {spd}), found {self.contacts.shape}.")
        if self.aht_seconds.shape != self.contacts.shape:
            raise ValueError("aht_seconds must have the shape of contacts.")

    @property
    def n_days(self) -> int:
        return int(self.contacts.shape[0])

    @property
    def slots_per_day(self) -> int:
        return int(self.contacts.shape[1])

    @property
    def days(self) -> np.ndarray:
        """Dates of the rows, ``datetime64[D]``."""
        return self.first_day + np.arange(self.n_days).astype("timedelta64[D]")

    def head_days(self, n: int) -> DayGrid:
        """The first ``n`` days (used by backtests to cut history at an origin)."""
        return DayGrid(self.channel, self.interval_minutes, self.first_day, self.contacts[:n], self.aht_seconds[:n])


def to_grids(history: pd.DataFrame, interval_minutes: int | None = None) -> dict[str, DayGrid]:
    """Split a validated history into one :class:`DayGrid` per channel (vectorised)."""
    step = int(interval_minutes or history.attrs.get("interval_minutes") or infer_interval_minutes(history))
    spd = 1440 // step
    grids: dict[str, DayGrid] = {}
    for channel, part in history.groupby(CHANNEL, sort=True):
        ts = part[INTERVAL_START]
        day = ts.dt.normalize().to_numpy().astype("datetime64[D]")
        first = day.min()
        row = (day - first).astype(int)
        col = ((ts.dt.hour * 60 + ts.dt.minute) // step).to_numpy()
        n_days = int(row.max()) + 1
        contacts = np.full((n_days, spd), np.nan)
        aht = np.full((n_days, spd), np.nan)
        contacts[row, col] = part[CONTACTS].to_numpy(float)
        aht[row, col] = part[AHT_SECONDS].to_numpy(float)
        grids[str(channel)] = DayGrid(str(channel), step, first, contacts, aht)
    return grids


def open_pattern(present: np.ndarray, days: np.ndarray, *, weeks: int = 8, threshold: float = 0.5) -> np.ndarray:
    """Normally open slots per weekday: present in >= ``threshold`` of the recent days with data.

    Parameters
    ----------
    present : numpy.ndarray of bool, shape (n_days, slots)
        Whether each interval has a row (or a non-zero count).
    days : numpy.ndarray of datetime64[D], shape (n_days,)
    weeks : int
        How many of the most recent same-weekday days with data to look at.

    Returns
    -------
    numpy.ndarray of bool, shape (7, slots)
        Row ``w`` is Monday (0) .. Sunday (6).  A weekday never seen is all False.
    """
    dow = (days.astype("datetime64[D]").astype(int) + 3) % 7  # 1970-01-01 was a Thursday
    has_data = present.any(axis=1)
    out = np.zeros((7, present.shape[1]), bool)
    for w in range(7):
        idx = np.flatnonzero((dow == w) & has_data)[-weeks:]
        if idx.size:
            out[w] = present[idx].mean(axis=0) >= threshold
    return out


def weekday_of(days: np.ndarray) -> np.ndarray:
    """Day of week (Monday=0 .. Sunday=6) of ``datetime64[D]`` values."""
    return (days.astype("datetime64[D]").astype(np.int64) + 3) % 7


@dataclass(frozen=True)
class GapReport:
    """Result of :func:`gap_report`.

    Attributes
    ----------
    gaps : pandas.DataFrame
        One row per run of consecutive missing intervals inside normally open hours:
        ``channel``, ``start``, ``end`` (exclusive), ``n_intervals``, ``kind``
        (``"gap"`` = part of a day missing; ``"missing_day"`` = a normally open day
        with no rows at all, e.g. a holiday closure or an export failure).
    opening_hours : pandas.DataFrame
        Normal opening hours per channel and weekday as seen in the last 8 weeks of
        each weekday: ``channel``, ``weekday`` (Mon..Sun), ``open_from``, ``open_to``
        (HH:MM, end exclusive), ``open_intervals``; intervals outside are *closed
        hours* and are not gaps.  ``open_intervals`` 0 means closed all day.
    """

    gaps: pd.DataFrame
    opening_hours: pd.DataFrame

    @property
    def n_missing_intervals(self) -> int:
        return int(self.gaps["n_intervals"].sum()) if len(self.gaps) else 0

    def summary(self) -> str:
        """Plain-text summary for the CLI."""
        lines = []
        for channel, part in self.gaps.groupby("channel", sort=True):
            by_kind = part.groupby("kind")["n_intervals"].agg(["size", "sum"])
            text = ", ".join(f"{int(r['size'])} {k} run(s) = {int(r['sum'])} intervals" for k, r in by_kind.iterrows())
            lines.append(f"  {channel}: {text}")
        return "\n".join(lines) if lines else "  no gaps inside opening hours"


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def gap_report(history: pd.DataFrame, *, interval_minutes: int | None = None) -> GapReport:
    """Report missing intervals (gaps, missing days) and opening hours without filling anything.

    Parameters
    ----------
    history : pandas.DataFrame
        Validated history.
    interval_minutes : int, optional
        Default: ``history.attrs["interval_minutes"]`` or inferred.

    Returns
    -------
    GapReport
    """
    grids = to_grids(history, interval_minutes)
    gap_rows = []
    hour_rows = []
    names = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    for channel, g in grids.items():
        present = ~np.isnan(g.contacts)
        days = g.days
        pattern = open_pattern(present, days)
        dow = weekday_of(days)
        expected = pattern[dow]
        missing = expected & ~present
        day_empty = ~present.any(axis=1)
        flat = missing.ravel()
        if flat.any():
            idx = np.flatnonzero(flat)
            breaks = np.flatnonzero(np.diff(idx) != 1) + 1
            starts = idx[np.r_[0, breaks]]
            ends = idx[np.r_[breaks - 1, idx.size - 1]] + 1
            spd = g.slots_per_day
            kind = np.where(day_empty[starts // spd], "missing_day", "gap")
            base = g.first_day.astype("datetime64[m]")
            step = np.timedelta64(g.interval_minutes, "m")
            gap_rows.append(
                pd.DataFrame(
                    {
                        "channel": channel,
                        "start": base + starts * step,
                        "end": base + ends * step,
                        "n_intervals": ends - starts,
                        "kind": kind,
                    }
                )
            )
        for w in range(7):
            open_idx = np.flatnonzero(pattern[w])
            if open_idx.size:
                first, last = open_idx[0], open_idx[-1] + 1
                hour_rows.append((channel, names[w], _hhmm(first * g.interval_minutes),
                                  _hhmm(last * g.interval_minutes), int(open_idx.size)))
            else:
                hour_rows.append((channel, names[w], "", "", 0))
    gaps = (
        pd.concat(gap_rows, ignore_index=True)
        if gap_rows
        else pd.DataFrame(columns=["channel", "start", "end", "n_intervals", "kind"])
    )
    hours = pd.DataFrame(hour_rows, columns=["channel", "weekday", "open_from", "open_to", "open_intervals"])
    return GapReport(gaps=gaps, opening_hours=hours)


GapTreatment = Literal["leave", "zero", "seasonal", "interpolate"]


def fill_gaps(history: pd.DataFrame, how: GapTreatment = "leave", *, interval_minutes: int | None = None) -> pd.DataFrame:
    """Fill the gaps of :func:`gap_report` (inside normal opening hours) the way the user chooses.

    Parameters
    ----------
    history : pandas.DataFrame
        Validated history.
    how : {"leave", "zero", "seasonal", "interpolate"}
        ``leave``: no change (models skip missing intervals; the default).
        ``zero``: the interval was open with no contacts.
        ``seasonal``: the mean of the same interval on the same weekday in the
        surrounding 4 weeks with data (for export failures).
        ``interpolate``: linear in time within the day (short gaps).
        Missing whole days are filled only by ``zero`` and ``seasonal``.

    Returns
    -------
    pandas.DataFrame
        History with added rows; ``attrs["filled_intervals"]`` counts them.
    """
    if how not in ("leave", "zero", "seasonal", "interpolate"):
        raise InputError(f"gap treatment: expected leave, zero, seasonal or interpolate, found {how!r}.")
    if how == "leave":
        return history
    grids = to_grids(history, interval_minutes)
    frames = []
    filled = 0
    for channel, g in grids.items():
        present = ~np.isnan(g.contacts)
        pattern = open_pattern(present, g.days)
        dow = weekday_of(g.days)
        missing = pattern[dow] & ~present
        if how == "interpolate":
            missing &= present.any(axis=1)[:, None]
        values = g.contacts.copy()
        if how == "zero":
            values[missing] = 0.0
        elif how == "seasonal":
            for lag in (7, -7, 14, -14):
                shifted = np.full_like(values, np.nan)
                if lag > 0:
                    shifted[lag:] = g.contacts[:-lag]
                else:
                    shifted[:lag] = g.contacts[-lag:]
                take = missing & np.isnan(values) & ~np.isnan(shifted)
                values[take] = shifted[take]
            values[missing & np.isnan(values)] = 0.0
        else:
            x = np.arange(values.size)
            flat = values.ravel()
            ok = ~np.isnan(flat)
            interp = np.interp(x, x[ok], flat[ok]).reshape(values.shape)
            values[missing] = interp[missing]
        take = missing & ~np.isnan(values)
        filled += int(take.sum())
        r, c = np.nonzero(take)
        start = (g.first_day + r.astype("timedelta64[D]")).astype("datetime64[m]") + (c * g.interval_minutes).astype(
            "timedelta64[m]"
        )
        frames.append(pd.DataFrame({INTERVAL_START: start.astype("datetime64[ns]"), CHANNEL: channel,
                                    CONTACTS: values[r, c], AHT_SECONDS: np.nan}))
    out = pd.concat([history, *frames], ignore_index=True)
    out = out.sort_values([CHANNEL, INTERVAL_START], kind="stable").reset_index(drop=True)
    out.attrs = {**history.attrs, "filled_intervals": filled}
    return out
