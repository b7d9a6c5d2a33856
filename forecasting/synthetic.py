"""Synthetic contact histories with known seasonality, trend, holiday and event effects (for tests).

The expected contacts of interval ``s`` on day ``d`` are

``lambda[d, s] = base_daily * exp(trend_log_per_year * t_d) * weekday_factor[w'_d]
* holiday_multiplier^[d is a holiday] * after_holiday_multiplier^[d follows one]
* event_multiplier^[d in event] * profile[w_d, s]``

where ``w'_d`` is Monday on the first weekday after a holiday (that day carries the
closure's backlog like a Monday, as in real call-centre data) and ``w_d`` otherwise,

and the counts are Poisson(lambda) (or lambda itself with ``noise=False``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasting.errors import InputError
from forecasting.models import Calendar
from forecasting.schema import AHT_SECONDS, CHANNEL, CONTACTS, INTERVAL_START

__all__ = ["SyntheticTruth", "synthetic_history", "two_peak_profile"]


@dataclass(frozen=True)
class SyntheticTruth:
    """The parameters a synthetic history was drawn from.

    Attributes
    ----------
    expected : pandas.DataFrame
        ``interval_start``, ``channel``, ``contacts`` (= lambda, the true mean), ``aht_seconds``.
    weekday_factor : ndarray, shape (7,)
    profile : ndarray, shape (7, slots_per_day)
        Rows sum to 1 (0 where closed).
    holiday_multiplier, after_holiday_multiplier, event_multiplier, trend_log_per_year : float
    holidays : dict
        Date -> holiday name inside the history.
    """

    expected: pd.DataFrame
    weekday_factor: np.ndarray
    profile: np.ndarray
    holiday_multiplier: float
    after_holiday_multiplier: float
    event_multiplier: float
    trend_log_per_year: float
    holidays: dict[dt.date, str]


def two_peak_profile(interval_minutes: int, open_from_hour: float, open_to_hour: float,
                     peaks: tuple[float, float] = (10.5, 14.5)) -> np.ndarray:
    """Intraday share per interval: two Gaussian peaks (hours) inside opening hours, summing to 1."""
    spd = 1440 // interval_minutes
    hours = (np.arange(spd) + 0.5) * interval_minutes / 60
    shape = 0.3 + np.exp(-0.5 * ((hours - peaks[0]) / 1.5) ** 2) + 0.8 * np.exp(-0.5 * ((hours - peaks[1]) / 2.0) ** 2)
    start = np.arange(spd) * interval_minutes / 60
    shape = np.where((start >= open_from_hour) & (start < open_to_hour), shape, 0.0)
    return shape / shape.sum()


def synthetic_history(
    *,
    start: str = "2024-01-01",
    days: int = 364,
    interval_minutes: int = 15,
    channels: tuple[str, ...] = ("voice",),
    base_daily: float = 4000.0,
    weekday_factor: tuple[float, ...] = (1.25, 1.1, 1.0, 0.95, 1.05, 0.5, 0.0),
    trend_log_per_year: float = 0.0,
    country: str | None = "US",
    holiday_multiplier: float = 0.5,
    after_holiday_multiplier: float = 1.2,
    event: tuple[str, str, str] | None = None,
    event_multiplier: float = 1.4,
    aht_seconds: float = 300.0,
    noise: bool = True,
    seed: int = 0,
) -> tuple[pd.DataFrame, SyntheticTruth]:
    """A history with known effects (see the module docstring).

    Parameters
    ----------
    start : str
        First day (ISO date).
    days : int
        Number of days.
    weekday_factor : tuple of 7 floats
        Monday..Sunday level factors; 0 = closed that weekday (no rows).
    event : (name, first_day, last_day), optional
        An event with ``event_multiplier``.
    noise : bool
        Poisson counts when True, the exact means otherwise.

    Returns
    -------
    (history, truth)
        ``history`` has the schema columns; closed hours and days have no rows.
    """
    if len(weekday_factor) != 7:
        raise InputError(f"weekday_factor needs 7 values (Mon..Sun), found {len(weekday_factor)}.")
    rng = np.random.default_rng(seed)
    day_index = np.datetime64(start, "D") + np.arange(days).astype("timedelta64[D]")
    dow = (day_index.astype(np.int64) + 3) % 7
    cal = Calendar(country) if country else Calendar()
    hol = cal.holiday_names(day_index)
    is_hol = hol != ""
    after = np.zeros(days, bool)
    wf = np.asarray(weekday_factor, float)
    pending = False
    for i in range(days):
        if is_hol[i]:
            pending = True
        elif pending and wf[dow[i]] > 0 and dow[i] < 5:
            after[i] = True
            pending = False
    profile = np.vstack([two_peak_profile(interval_minutes, 8, 20)] * 5
                        + [two_peak_profile(interval_minutes, 9, 17, peaks=(11.5, 14.0))] * 2)
    t = (day_index - day_index[-1]).astype(float) / 365.25
    level = base_daily * np.exp(trend_log_per_year * t) * np.where(after, wf[0], wf[dow])
    level *= np.where(is_hol, holiday_multiplier, 1.0) * np.where(after, after_holiday_multiplier, 1.0)
    if event is not None:
        on = (day_index >= np.datetime64(event[1], "D")) & (day_index <= np.datetime64(event[2], "D"))
        level *= np.where(on, event_multiplier, 1.0)
    lam = level[:, None] * profile[dow]
    frames, expected = [], []
    spd = 1440 // interval_minutes
    for ch in channels:
        counts = rng.poisson(lam).astype(float) if noise else lam.copy()
        r, c = np.nonzero(lam > 0)
        ts = (day_index[r].astype("datetime64[m]") + (c * interval_minutes).astype("timedelta64[m]")).astype(
            "datetime64[ns]")
        aht = np.full(r.size, aht_seconds) + 20 * np.sin(2 * np.pi * c / spd)
        frames.append(pd.DataFrame({INTERVAL_START: ts, CHANNEL: ch, CONTACTS: counts[r, c], AHT_SECONDS: aht}))
        expected.append(pd.DataFrame({INTERVAL_START: ts, CHANNEL: ch, CONTACTS: lam[r, c], AHT_SECONDS: aht}))
    history = pd.concat(frames, ignore_index=True)
    truth = SyntheticTruth(
        expected=pd.concat(expected, ignore_index=True),
        weekday_factor=wf,
        profile=profile,
        holiday_multiplier=holiday_multiplier,
        after_holiday_multiplier=after_holiday_multiplier,
        event_multiplier=event_multiplier,
        trend_log_per_year=trend_log_per_year,
        holidays={d: str(n) for d, n in zip(day_index.astype(dt.date), hol) if n},
    )
    return history, truth
