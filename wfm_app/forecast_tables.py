"""Forecast events and manager overrides as editable tables, and frames for the forecast chart.

The tables hold text (dates ``YYYY-MM-DD``, times ``HH:MM``, weekdays ``Mon;Fri``) so that they
persist as JSON; :func:`events_from_frame` and :func:`overrides_from_frame` turn them into the
library's ``forecasting.Event`` / ``forecasting.Override`` objects, which validate them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

EVENT_COLUMNS = ("name", "start", "end", "multiplier", "channels")
OVERRIDE_COLUMNS = ("note", "scale_percent", "set_contacts", "channel", "date_from", "date_to", "weekdays",
                    "time_from", "time_to")
_NUMERIC = {"multiplier", "scale_percent", "set_contacts"}
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _frame(rows: Iterable[Mapping[str, Any]], columns: tuple[str, ...]) -> pd.DataFrame:
    df = pd.DataFrame(list(rows), columns=list(columns))
    for c in columns:
        if c in _NUMERIC:
            df[c] = pd.to_numeric(df[c], errors="coerce").astype(float)
        else:
            df[c] = df[c].astype(object).where(df[c].notna(), None)
    return df


def events_frame(rows: Iterable[Mapping[str, Any]] = ()) -> pd.DataFrame:
    """Editable events table (columns :data:`EVENT_COLUMNS`)."""
    return _frame(rows, EVENT_COLUMNS)


def overrides_frame(rows: Iterable[Mapping[str, Any]] = ()) -> pd.DataFrame:
    """Editable overrides table (columns :data:`OVERRIDE_COLUMNS`)."""
    return _frame(rows, OVERRIDE_COLUMNS)


def _blank(v: Any) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip())


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Non-empty rows as JSON-able dicts (blank cells dropped)."""
    out = []
    for row in frame.to_dict("records"):
        rec = {k: (str(v) if not isinstance(v, (int, float)) else v) for k, v in row.items() if not _blank(v)}
        if rec:
            out.append(rec)
    return out


def _date(v: Any, where: str) -> dt.date | None:
    if _blank(v):
        return None
    try:
        return pd.Timestamp(str(v)).date()
    except (ValueError, TypeError):
        raise ValueError(f"{where}: expected a date YYYY-MM-DD, found {v!r}.") from None


def _time(v: Any, where: str) -> dt.time | None:
    if _blank(v):
        return None
    text = str(v).strip()
    try:
        hh, mm = text.split(":")[:2]
        return dt.time(int(hh), int(mm))
    except (ValueError, TypeError):
        raise ValueError(f"{where}: expected a time HH:MM, found {v!r}.") from None


def _num(v: Any, where: str) -> float | None:
    if _blank(v):
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        raise ValueError(f"{where}: expected a number, found {v!r}.") from None


def events_from_frame(frame: pd.DataFrame) -> list[Any]:
    """``forecasting.Event`` objects from the events table; rows without a name are ignored.

    Raises ValueError naming the row and column of a bad cell (and the library's InputError for bad values).
    """
    from forecasting import Event

    out = []
    for i, row in enumerate(frame.to_dict("records")):
        if _blank(row.get("name")):
            continue
        w = f"events row {i + 1}"
        start = _date(row.get("start"), f"{w}, column 'start'")
        if start is None:
            raise ValueError(f"{w}, column 'start': expected a date YYYY-MM-DD, found an empty cell.")
        end = _date(row.get("end"), f"{w}, column 'end'") or start
        chans = tuple(c.strip() for c in str(row.get("channels") or "").replace(",", ";").split(";") if c.strip())
        out.append(Event(str(row["name"]).strip(), start, end, _num(row.get("multiplier"), f"{w}, column 'multiplier'"),
                         chans))
    return out


def overrides_from_frame(frame: pd.DataFrame) -> list[Any]:
    """``forecasting.Override`` objects from the overrides table; rows without a note are ignored."""
    from forecasting import Override

    out = []
    for i, row in enumerate(frame.to_dict("records")):
        if _blank(row.get("note")):
            continue
        w = f"overrides row {i + 1}"
        days = tuple(
            _WEEKDAYS.index(d.strip()[:3].title())
            for d in str(row.get("weekdays") or "").replace(",", ";").split(";")
            if d.strip() and d.strip()[:3].title() in _WEEKDAYS
        )
        bad_days = [d for d in str(row.get("weekdays") or "").replace(",", ";").split(";")
                    if d.strip() and d.strip()[:3].title() not in _WEEKDAYS]
        if bad_days:
            raise ValueError(f"{w}, column 'weekdays': expected names like Mon;Fri, found {bad_days}.")
        out.append(Override(
            note=str(row["note"]).strip(),
            scale_percent=_num(row.get("scale_percent"), f"{w}, column 'scale_percent'"),
            set_contacts=_num(row.get("set_contacts"), f"{w}, column 'set_contacts'"),
            channel=None if _blank(row.get("channel")) else str(row["channel"]).strip(),
            date_from=_date(row.get("date_from"), f"{w}, column 'date_from'"),
            date_to=_date(row.get("date_to"), f"{w}, column 'date_to'"),
            weekdays=days,
            time_from=_time(row.get("time_from"), f"{w}, column 'time_from'"),
            time_to=_time(row.get("time_to"), f"{w}, column 'time_to'"),
        ))
    return out


def chart_frame(history: pd.DataFrame, forecast: pd.DataFrame, channel: str, history_days: int = 21,
                measure: str = "contacts") -> pd.DataFrame:
    """Long frame for the forecast chart: the last ``history_days`` of history, the forecast, and
    the statistical forecast where overrides changed it (column ``series``; quantile columns kept).

    ``measure`` is ``contacts`` or ``aht_seconds``; the values are in a column of that name.
    """
    h = history[history["channel"].astype(str) == channel] if "channel" in history else history
    ts = pd.to_datetime(h["interval_start"])
    cut = ts.max() - pd.Timedelta(days=history_days)
    keep = (ts > cut).to_numpy()
    values = h[measure].to_numpy(dtype=float)[keep] if measure in h else np.full(int(keep.sum()), np.nan)
    hist = pd.DataFrame({"interval_start": ts[keep].to_numpy(), measure: values, "series": "history"})
    f = forecast[forecast["channel"].astype(str) == channel].copy()
    f["interval_start"] = pd.to_datetime(f["interval_start"])
    qcols = [c for c in f.columns if c.startswith("contacts_p")] if measure == "contacts" else []
    fc = f[["interval_start", measure, *qcols]].assign(series="forecast")
    parts = [hist, fc]
    if measure == "contacts" and "contacts_statistical" in f.columns:
        changed = (f["contacts_statistical"] - f["contacts"]).abs() > 1e-9
        if changed.any():
            parts.append(pd.DataFrame({"interval_start": f["interval_start"], "contacts": f["contacts_statistical"],
                                       "series": "statistical"}))
    return pd.concat(parts, ignore_index=True)


def override_summary(forecast: pd.DataFrame) -> pd.DataFrame:
    """Per override note and channel: intervals touched, statistical and final contacts, change (%)."""
    f = forecast[forecast["override_note"].astype(str) != ""]
    g = f.groupby(["override_note", "channel"], as_index=False).agg(
        intervals=("contacts", "size"), contacts_statistical=("contacts_statistical", "sum"),
        contacts=("contacts", "sum"))
    g["change_percent"] = 100.0 * (g["contacts"] / g["contacts_statistical"].where(g["contacts_statistical"] > 0) - 1.0)
    return g
