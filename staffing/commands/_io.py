"""Input helpers shared by the ``wfm`` subcommands (not a command: the name starts with ``_``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from staffing.errors import InputError


def read_csv_input(path: Path, what: str = "input") -> pd.DataFrame:
    """Read a CSV file given on the command line, with errors that name the file.

    Raises
    ------
    InputError
        The file is missing, empty, or not parseable as CSV.
    """
    try:
        return pd.read_csv(path)
    except FileNotFoundError:
        raise InputError(f"{path}: {what} file not found.") from None
    except pd.errors.EmptyDataError:
        raise InputError(f"{path}: the {what} file is empty; expected a CSV with a header row.") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: the {what} file is not a readable CSV ({exc}).") from None


def select_days(frame: pd.DataFrame, start: str | None, days: int | None, source: str) -> pd.DataFrame:
    """Rows whose ``interval_start`` lies in ``[start, start + days)`` (``--start``/``--days``).

    ``start`` defaults to the first day of the file, ``days`` to everything after it.

    Raises
    ------
    InputError
        Missing ``interval_start`` column, a ``--start`` that is not a date, ``--days`` < 1,
        or a window with no rows (the message gives the file's first and last interval).
    """
    if start is None and days is None:
        return frame
    if "interval_start" not in frame.columns:
        raise InputError(f"{source}: missing column 'interval_start'.")
    ts = pd.to_datetime(frame["interval_start"], errors="coerce", format="ISO8601")
    if getattr(ts.dt, "tz", None) is not None:
        ts = ts.dt.tz_localize(None)
    try:
        first = pd.Timestamp(start) if start else ts.min().normalize()
    except ValueError:
        raise InputError(f"--start: expected a date YYYY-MM-DD, found {start!r}.") from None
    if pd.isna(first) or first != first.normalize():
        raise InputError(f"--start: expected a date YYYY-MM-DD, found {start!r}.")
    if days is not None and days < 1:
        raise InputError(f"--days: expected a whole number of days >= 1, found {days}.")
    keep = ts >= first
    if days is not None:
        keep &= ts < first + pd.Timedelta(days=days)
    if not keep.any():
        within = f" within {days} day(s)" if days is not None else ""
        raise InputError(f"{source}: no interval from {first:%Y-%m-%d}{within}; the file covers "
                         f"{ts.min()} to {ts.max()}.")
    return frame[keep.to_numpy()].reset_index(drop=True)
