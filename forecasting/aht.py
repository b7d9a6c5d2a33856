"""Average handle time forecast per interval: a profile by day type and time of day."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from forecasting.errors import InputError
from forecasting.io import DayGrid, weekday_of
from forecasting.models import _smooth_rows

__all__ = ["AhtProfileModel"]


@dataclass
class AhtProfileModel:
    """Contact-weighted handle time by weekday and interval, smoothed and shrunk.

    Parameters
    ----------
    weeks : int
        Weeks of history used (most recent).
    half_life_weeks : float
        Half-life of the weights of past weeks, weeks.
    smoothing_minutes : float
        Standard deviation of the Gaussian kernel across the day, minutes.
    prior_contacts : float
        Shrinkage: each weekday-interval cell is pulled towards the weekday's overall
        AHT with this many pseudo-contacts.

    Notes
    -----
    ``aht[w, s] = (sum_d v_d n_ds a_ds + k * A_w) / (sum_d v_d n_ds + k)`` with ``n`` the
    contacts, ``a`` the observed AHT, ``v_d = 0.5**(age_weeks / half_life)``, ``A_w`` the
    weekday's contact-weighted AHT and ``k`` = ``prior_contacts``; then smoothed across
    the day with weights ``sum v n``.  Weighting by contacts makes it the AHT of the
    workload (total handle seconds / contacts), which is what Erlang needs.
    """

    weeks: int = 8
    half_life_weeks: float = 4.0
    smoothing_minutes: float = 30.0
    prior_contacts: float = 30.0
    profile_: np.ndarray = field(init=False, repr=False)
    overall_: float = field(init=False, default=float("nan"))

    def fit(self, grid: DayGrid) -> AhtProfileModel:
        n = np.nan_to_num(grid.contacts)
        a = grid.aht_seconds
        ok = np.isfinite(a) & (n > 0)
        if not ok.any():
            raise InputError(
                f"channel '{grid.channel}': the history has no aht_seconds; give a default handle time "
                "(CLI: --aht-seconds)."
            )
        start = max(0, grid.n_days - 7 * self.weeks)
        dow = weekday_of(grid.days)[start:]
        n, a, ok = n[start:], a[start:], ok[start:]
        age_weeks = (len(dow) - 1 - np.arange(len(dow))) / 7.0
        v = 0.5 ** (age_weeks / self.half_life_weeks)
        wn = np.where(ok, n * v[:, None], 0.0)
        wa = np.where(ok, wn * np.nan_to_num(a), 0.0)
        all_ok = np.isfinite(grid.aht_seconds) & (np.nan_to_num(grid.contacts) > 0)
        self.overall_ = float(
            np.sum(np.nan_to_num(grid.aht_seconds) * np.nan_to_num(grid.contacts) * all_ok)
            / np.sum(np.nan_to_num(grid.contacts) * all_ok)
        )
        spd = grid.slots_per_day
        num = np.zeros((7, spd))
        den = np.zeros((7, spd))
        np.add.at(num, dow, wa)
        np.add.at(den, dow, wn)
        day_mean = np.where(den.sum(axis=1) > 0, num.sum(axis=1) / np.maximum(den.sum(axis=1), 1e-12), self.overall_)
        k = self.prior_contacts
        cell = (num + k * day_mean[:, None]) / (den + k)
        sigma = self.smoothing_minutes / grid.interval_minutes
        weight = den + k
        smooth_num = _smooth_rows(cell * weight, np.ones_like(cell, bool), sigma)
        smooth_den = _smooth_rows(weight, np.ones_like(cell, bool), sigma)
        self.profile_ = np.where(smooth_den > 0, smooth_num / np.maximum(smooth_den, 1e-12), self.overall_)
        return self

    def predict(self, days: np.ndarray) -> np.ndarray:
        """AHT in seconds, shape ``(len(days), slots_per_day)``."""
        return self.profile_[weekday_of(days)].copy()
