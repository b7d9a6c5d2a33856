"""Manager overrides, kept separately from the statistical forecast.

The statistical forecast stays in ``contacts_statistical``; ``contacts`` and the quantile
columns carry the forecast after overrides, and ``override_note`` says which overrides
touched each interval.  Overrides are applied in order, each on the result of the
previous one.

Overrides CSV (``wfm forecast --overrides FILE``)
-------------------------------------------------
=================  ==========  ==========================================================
column             unit        meaning
=================  ==========  ==========================================================
``note``           text        shown in ``override_note`` (required)
``scale_percent``  %           change of volume, e.g. ``15`` = +15 %, ``-30`` = -30 %
``set_contacts``   contacts    total volume of the matched intervals (spread in proportion
                               to the statistical shape; evenly if it is zero)
``channel``        text        channel to change (empty = all)
``date_from``      date        first date (YYYY-MM-DD; empty = no limit)
``date_to``        date        last date, inclusive (empty = same as date_from if given)
``weekdays``       text        day types, e.g. ``Sat;Sun`` or ``Mon-Fri`` (empty = all)
``time_from``      HH:MM       first interval start of the day (empty = 00:00)
``time_to``        HH:MM       end of the time range, exclusive (empty = 24:00)
=================  ==========  ==========================================================

Exactly one of ``scale_percent`` and ``set_contacts`` per row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from forecasting.errors import InputError
from forecasting.schema import (
    CHANNEL,
    CONTACTS,
    CONTACTS_STATISTICAL,
    INTERVAL_START,
    OVERRIDE_NOTE,
)

__all__ = ["Override", "apply_overrides", "read_overrides"]

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Override:
    """One manager override: scale a slice of the forecast by a percentage or set its volume.

    Parameters
    ----------
    note : str
        Why (shown in ``override_note``).
    scale_percent : float, optional
        Volume change in percent (+15 = x1.15); must be > -100.
    set_contacts : float, optional
        Total contacts of the matched intervals (a known event's volume).
    channel : str, optional
        Channel; ``None`` = all channels.
    date_from, date_to : datetime.date, optional
        Inclusive date range (``date_to`` defaults to ``date_from``).
    weekdays : tuple of int
        Day types, Monday = 0 .. Sunday = 6; empty = all.
    time_from, time_to : datetime.time, optional
        Interval starts in ``[time_from, time_to)``; ``None`` = start/end of day.
    """

    note: str
    scale_percent: float | None = None
    set_contacts: float | None = None
    channel: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    weekdays: tuple[int, ...] = ()
    time_from: dt.time | None = None
    time_to: dt.time | None = None

    def __post_init__(self) -> None:
        if not self.note or not str(self.note).strip():
            raise InputError("override: a note is required (it is shown next to the forecast).")
        if (self.scale_percent is None) == (self.set_contacts is None):
            raise InputError(f"override '{self.note}': give exactly one of scale_percent and set_contacts.")
        if self.scale_percent is not None and not self.scale_percent > -100:
            raise InputError(f"override '{self.note}': scale_percent must be > -100, found {self.scale_percent!r}.")
        if self.set_contacts is not None and not self.set_contacts >= 0:
            raise InputError(f"override '{self.note}': set_contacts must be >= 0, found {self.set_contacts!r}.")
        if any(w not in range(7) for w in self.weekdays):
            raise InputError(f"override '{self.note}': weekdays must be 0 (Mon) .. 6 (Sun), found {self.weekdays}.")
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise InputError(f"override '{self.note}': date_to {self.date_to} is before date_from {self.date_from}.")

    def matches(self, frame: pd.DataFrame) -> np.ndarray:
        """Boolean mask of the rows of a forecast frame this override applies to."""
        ts = frame[INTERVAL_START]
        m = np.ones(len(frame), bool)
        if self.channel is not None:
            m &= (frame[CHANNEL] == self.channel).to_numpy()
        day = ts.dt.normalize()
        if self.date_from is not None:
            m &= (day >= pd.Timestamp(self.date_from)).to_numpy()
            m &= (day <= pd.Timestamp(self.date_to or self.date_from)).to_numpy()
        elif self.date_to is not None:
            m &= (day <= pd.Timestamp(self.date_to)).to_numpy()
        if self.weekdays:
            m &= np.isin(ts.dt.day_of_week.to_numpy(), self.weekdays)
        minute = (ts.dt.hour * 60 + ts.dt.minute).to_numpy()
        if self.time_from is not None:
            m &= minute >= self.time_from.hour * 60 + self.time_from.minute
        if self.time_to is not None:
            end = self.time_to.hour * 60 + self.time_to.minute
            m &= minute < (end if end > 0 else 1440)
        return m

    def label(self) -> str:
        what = f"{self.scale_percent:+g}%" if self.scale_percent is not None else f"set {self.set_contacts:g}"
        return f"{self.note} ({what})"


def apply_overrides(forecast: pd.DataFrame, overrides: Sequence[Override]) -> pd.DataFrame:
    """Apply overrides to a forecast; keep the statistical forecast beside the result.

    Parameters
    ----------
    forecast : pandas.DataFrame
        Columns ``interval_start``, ``channel``, ``contacts`` and optional quantile
        columns ``contacts_pNN``; a ``contacts_statistical`` column is added if absent
        (copy of ``contacts``).
    overrides : sequence of Override

    Returns
    -------
    pandas.DataFrame
        Copy with ``contacts`` and the quantile columns multiplied by each override's
        factor on its rows, ``contacts_statistical`` unchanged and ``override_note``
        listing the overrides applied ("; "-separated).  ``attrs["override_matches"]``
        maps each override's label to the number of intervals it matched.

    Notes
    -----
    Scale: factor ``1 + scale_percent / 100``.  Set: factor ``set_contacts / sum(contacts)``
    over the matched rows (rows with 0 contacts get ``set_contacts / n`` instead when the
    sum is 0).  Quantiles are multiplied by the same factor (the spread scales with the
    volume), which keeps them ordered.
    """
    out = forecast.copy()
    if CONTACTS_STATISTICAL not in out.columns:
        out[CONTACTS_STATISTICAL] = out[CONTACTS].astype(float)
    qcols = [c for c in out.columns if c.startswith(f"{CONTACTS}_p")]
    notes = np.array(out[OVERRIDE_NOTE].fillna("").astype(str).to_numpy() if OVERRIDE_NOTE in out.columns
                     else np.full(len(out), ""), dtype=object)
    matches: dict[str, int] = {}
    for ov in overrides:
        m = ov.matches(out)
        matches[ov.label()] = int(m.sum())
        if not m.any():
            continue
        contacts = out[CONTACTS].to_numpy(float).copy()
        if ov.scale_percent is not None:
            factor = np.where(m, 1 + ov.scale_percent / 100.0, 1.0)
            add = np.zeros(len(out))
        else:
            total = contacts[m].sum()
            if total > 0:
                factor = np.where(m, ov.set_contacts / total, 1.0)
                add = np.zeros(len(out))
            else:
                factor = np.where(m, 0.0, 1.0)
                add = np.where(m, ov.set_contacts / m.sum(), 0.0)
        out[CONTACTS] = contacts * factor + add
        for q in qcols:
            out[q] = out[q].to_numpy(float) * factor + add
        label = ov.label()
        notes[m] = [f"{n}; {label}" if n else label for n in notes[m]]
    out[OVERRIDE_NOTE] = notes.astype(str)
    out.attrs = {**forecast.attrs, "override_matches": matches}
    return out


def _parse_weekdays(text: str, where: str) -> tuple[int, ...]:
    days: list[int] = []
    for part in str(text).replace(",", ";").split(";"):
        part = part.strip().lower()
        if not part:
            continue
        if "-" in part:
            a, b = (p.strip()[:3] for p in part.split("-", 1))
            if a not in _DAYS or b not in _DAYS:
                raise InputError(f"{where}: weekday range {part!r} not understood; use e.g. Mon-Fri.")
            i, j = _DAYS.index(a), _DAYS.index(b)
            days += list(range(i, j + 1)) if i <= j else list(range(i, 7)) + list(range(j + 1))
        elif part[:3] in _DAYS:
            days.append(_DAYS.index(part[:3]))
        else:
            raise InputError(f"{where}: weekday {part!r} not understood; use Mon, Tue, ... Sun.")
    return tuple(sorted(set(days)))


def read_overrides(path: str | Path | pd.DataFrame) -> list[Override]:
    """Read overrides from a CSV (see the module docstring for the columns)."""
    if isinstance(path, pd.DataFrame):
        raw, source = path, "overrides"
    else:
        source = str(path)
        try:
            raw = pd.read_csv(path, dtype=str, keep_default_na=False)
        except FileNotFoundError:
            raise InputError(f"{path}: file not found.") from None
    if "note" not in raw.columns:
        raise InputError(f"{source}: missing column 'note'; found {list(raw.columns)}.")
    out = []
    for i, row in enumerate(raw.fillna("").astype(str).to_dict("records")):
        where = f"{source}: row {i + 1} (CSV line {i + 2})"

        def get(col: str, row: dict = row) -> str:
            return str(row.get(col, "")).strip()

        def num(col: str, where: str = where) -> float | None:
            v = get(col)
            if not v:
                return None
            try:
                return float(v)
            except ValueError:
                raise InputError(f"{where}, column '{col}': expected a number, found {v!r}.") from None

        def date(col: str, where: str = where) -> dt.date | None:
            v = get(col)
            if not v:
                return None
            try:
                return dt.date.fromisoformat(v)
            except ValueError:
                raise InputError(f"{where}, column '{col}': expected a date YYYY-MM-DD, found {v!r}.") from None

        def time(col: str, where: str = where) -> dt.time | None:
            v = get(col)
            if not v:
                return None
            if v in ("24:00", "24:00:00"):
                return dt.time(0, 0)
            try:
                return dt.time.fromisoformat(v)
            except ValueError:
                raise InputError(f"{where}, column '{col}': expected a time HH:MM, found {v!r}.") from None

        try:
            out.append(
                Override(
                    note=get("note"),
                    scale_percent=num("scale_percent"),
                    set_contacts=num("set_contacts"),
                    channel=get("channel") or None,
                    date_from=date("date_from"),
                    date_to=date("date_to"),
                    weekdays=_parse_weekdays(get("weekdays"), where),
                    time_from=time("time_from"),
                    time_to=time("time_to"),
                )
            )
        except InputError as exc:
            if str(exc).startswith(source):
                raise
            raise InputError(f"{where}: {exc}") from None
    return out
