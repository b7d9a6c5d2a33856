"""Forecasting models over a :class:`forecasting.io.DayGrid` (days x intervals of one channel).

Every model has ``fit(grid, calendar) -> self`` and ``predict(days) -> ndarray`` giving the
mean contacts per interval, shape ``(len(days), slots_per_day)``.  Closed days and hours
are applied afterwards by :mod:`forecasting.api` (from :class:`DayStructure`), so models
only have to produce numbers.  Fitted state ends in ``_``.

Models
------
``seasonal_naive``   the same interval one week earlier (repeated weekly over the horizon).
``naive_day``        the last day with data, repeated (the "one day back" baseline).
``weekday_mean``     mean of the last N (default 4) same weekdays with data.
``callcentre``       daily totals from a weighted log-linear regression (level, trend,
                     day of week, holidays of a country, day after a holiday, user events,
                     annual cycle when a year of history exists) times a smoothed intraday
                     profile per weekday.  The default and usual winner.
``callcentre_trend`` the same with a linear trend and a 91-day half-life (growing volumes).
``callcentre_ets``   the same profiles and calendar effects, with the daily level from
                     statsmodels' Holt-Winters exponential smoothing (damped additive trend,
                     weekly season) on the calendar-adjusted log daily totals.
``callcentre_combo`` the mean (log scale) of the ``callcentre`` and ``callcentre_ets`` daily levels.
``mstl``             statsmodels' MSTL decomposition of the open-hours interval series
                     (daily and weekly seasonality) with each seasonal component carried
                     forward and a damped Holt trend on the rest (the statsforecast recipe).
"""

from __future__ import annotations

import datetime as dt
import functools
import warnings
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from forecasting.errors import InputError
from forecasting.io import DayGrid, open_pattern, weekday_of

__all__ = [
    "MODEL_NAMES",
    "Calendar",
    "CallCentreModel",
    "DayStructure",
    "EtsProfileModel",
    "Event",
    "ForecastModel",
    "MstlModel",
    "NaiveDayModel",
    "SeasonalNaiveModel",
    "WeekdayMeanModel",
    "make_model",
]


@dataclass(frozen=True)
class Event:
    """A special day or period (marketing campaign, statement mailing, outage...).

    Parameters
    ----------
    name : str
        Occurrences with the same name share one effect.
    start, end : datetime.date
        First and last day (inclusive).
    multiplier : float, optional
        Known effect on the daily volume for *future* occurrences (1.3 = +30 %; 0 = closed).
        When omitted, the effect is estimated from past occurrences of ``name``.
    channels : tuple of str
        Channels affected; empty means all.
    """

    name: str
    start: dt.date
    end: dt.date
    multiplier: float | None = None
    channels: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.name:
            raise InputError("event: name must not be empty.")
        if self.end < self.start:
            raise InputError(f"event '{self.name}': end {self.end} is before start {self.start}.")
        if self.multiplier is not None and not self.multiplier >= 0:
            raise InputError(f"event '{self.name}': multiplier must be >= 0, found {self.multiplier!r}.")

    def applies(self, channel: str) -> bool:
        return not self.channels or channel in self.channels


@dataclass(frozen=True)
class Calendar:
    """Holidays (from the ``holidays`` package) and user events.

    Parameters
    ----------
    country : str, optional
        ISO country code understood by ``holidays.country_holidays`` ("US", "GB", "DE"...).
    subdiv : str, optional
        State/province code for regional holidays.
    events : tuple of Event
    """

    country: str | None = None
    subdiv: str | None = None
    events: tuple[Event, ...] = ()

    def __post_init__(self) -> None:
        if self.country:
            import holidays

            try:
                holidays.country_holidays(self.country, subdiv=self.subdiv, years=2026)
            except (NotImplementedError, KeyError) as exc:
                raise InputError(
                    f"country: {self.country!r} (subdiv {self.subdiv!r}) is not known to the holidays package; "
                    "use an ISO code such as US, GB, DE, FR, CA."
                ) from exc

    def holiday_names(self, days: np.ndarray) -> np.ndarray:
        """Holiday name per day ("" if none), for ``datetime64[D]`` days."""
        names = np.full(len(days), "", dtype=object)
        if not self.country or len(days) == 0:
            return names
        d = days.astype("datetime64[D]")
        first = int(d.min().astype("datetime64[Y]").astype(int)) + 1970
        last = int(d.max().astype("datetime64[Y]").astype(int)) + 1970
        hol_days, hol_names = _holiday_table(self.country, self.subdiv, first, last)
        if hol_days.size:
            pos = np.clip(np.searchsorted(hol_days, d), 0, hol_days.size - 1)
            hit = hol_days[pos] == d
            names[hit] = hol_names[pos[hit]]
        return names

    def event_flags(self, days: np.ndarray, channel: str, *, learnt_only: bool = False) -> dict[str, np.ndarray]:
        """Boolean day flags per event name that applies to ``channel``.

        With ``learnt_only``, occurrences that carry an explicit multiplier are left out
        (their effect is :meth:`fixed_log_effect`, not the learnt one).
        """
        flags: dict[str, np.ndarray] = {}
        d = days.astype("datetime64[D]")
        for ev in self.events:
            if not ev.applies(channel) or (learnt_only and ev.multiplier is not None):
                continue
            on = (d >= np.datetime64(ev.start, "D")) & (d <= np.datetime64(ev.end, "D"))
            flags[ev.name] = flags.get(ev.name, np.zeros(len(d), bool)) | on
        return flags

    def fixed_log_effect(self, days: np.ndarray, channel: str) -> tuple[np.ndarray, np.ndarray]:
        """Sum of log multipliers of the explicit-multiplier events per day, and the days they close (0)."""
        d = days.astype("datetime64[D]")
        effect = np.zeros(len(d))
        closed = np.zeros(len(d), bool)
        for ev in self.events:
            if ev.multiplier is None or not ev.applies(channel):
                continue
            on = (d >= np.datetime64(ev.start, "D")) & (d <= np.datetime64(ev.end, "D"))
            if ev.multiplier == 0:
                closed |= on
            else:
                effect += np.where(on, np.log(ev.multiplier), 0.0)
        return effect, closed

    def event_multiplier(self, name: str) -> float | None:
        for ev in self.events:
            if ev.name == name and ev.multiplier is not None:
                return ev.multiplier
        return None


@functools.lru_cache(maxsize=64)
def _holiday_table(country: str, subdiv: str | None, first_year: int, last_year: int) -> tuple[np.ndarray, np.ndarray]:
    """Sorted holiday dates (``datetime64[D]``) and names ("(observed)" folded into the name) for the years."""
    import holidays

    cal = holidays.country_holidays(country, subdiv=subdiv, years=range(first_year, last_year + 1))
    items = sorted(cal.items())
    dates = np.array([np.datetime64(d, "D") for d, _ in items], dtype="datetime64[D]")
    names = np.array([str(n).split(";")[0].replace(" (observed)", "").strip() for _, n in items], dtype=object)
    return dates, names


def _smooth_rows(values: np.ndarray, mask: np.ndarray, sigma_slots: float) -> np.ndarray:
    """Gaussian smoothing along axis 1 inside ``mask`` (normalised convolution; zero outside)."""
    if sigma_slots <= 0:
        return np.where(mask, values, 0.0)
    half = int(np.ceil(3 * sigma_slots))
    k = np.exp(-0.5 * (np.arange(-half, half + 1) / sigma_slots) ** 2)
    v = np.where(mask, np.nan_to_num(values), 0.0)
    m = mask.astype(float)
    pad = ((0, 0), (half, half))
    vp, mp = np.pad(v, pad), np.pad(m, pad)
    # sliding-window sums: (rows, slots, window) @ kernel
    win_v = np.lib.stride_tricks.sliding_window_view(vp, k.size, axis=1) @ k
    win_m = np.lib.stride_tricks.sliding_window_view(mp, k.size, axis=1) @ k
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(mask & (win_m > 0), win_v / win_m, 0.0)
    return out


@dataclass
class DayStructure:
    """Per-day facts of a channel's history shared by all models and the pipeline.

    Attributes
    ----------
    pattern : ndarray of bool, shape (7, slots)
        Normally open intervals per weekday (Mon=0).
    totals : ndarray, shape (n_days,)
        Daily contacts, corrected for gaps inside opening hours (total / share of the
        profile observed); ``nan`` for days without data or with < 50 % observed.
    holiday : ndarray of str
        Holiday name per day ("" if none).
    closed_holidays : set of str
        Holidays on which the centre had no contacts in the history (forecast closed).
    profile : ndarray, shape (7, slots)
        Raw intraday share per weekday (rows sum to 1 over open slots, 0 if never open).
    """

    pattern: np.ndarray
    totals: np.ndarray
    holiday: np.ndarray
    closed_holidays: set[str]
    profile: np.ndarray

    @classmethod
    def from_grid(cls, grid: DayGrid, calendar: Calendar, *, profile_weeks: int = 8) -> DayStructure:
        x = grid.contacts
        present = ~np.isnan(x)
        days = grid.days
        dow = weekday_of(days)
        pattern = open_pattern(present & (np.nan_to_num(x) >= 0), days)
        expected = pattern[dow]
        complete = (present | ~expected).all(axis=1) & present.any(axis=1)
        profile = np.zeros(pattern.shape)
        for w in range(7):
            idx = np.flatnonzero((dow == w) & complete)[-profile_weeks:]
            if idx.size:
                tot = np.nansum(x[idx], axis=1, keepdims=True)
                ok = tot[:, 0] > 0
                if ok.any():
                    profile[w] = np.nanmean(np.nan_to_num(x[idx][ok]) / tot[ok], axis=0)
        observed_share = np.where(present, profile[dow], 0.0).sum(axis=1)
        raw = np.nansum(x, axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            totals = np.where(observed_share >= 0.5, raw / observed_share, np.nan)
        totals[~present.any(axis=1)] = np.nan
        holiday = calendar.holiday_names(days)
        normally_open = np.asarray(pattern.any(axis=1))[dow]
        closed_day = normally_open & (np.isnan(totals) | (np.nan_to_num(totals) <= 0))
        closed_holidays = {str(h) for h in holiday[closed_day & (holiday != "")]}
        open_holidays = {str(h) for h in holiday[~closed_day & (holiday != "") & ~np.isnan(totals)]}
        closed_holidays -= open_holidays  # open at least once: not a closure rule
        totals[closed_day] = np.nan
        return cls(pattern, totals, holiday, closed_holidays, profile)

    def open_mask(self, days: np.ndarray, calendar: Calendar, channel: str) -> np.ndarray:
        """Open intervals of future ``days``: weekday pattern, minus closed holidays and events with multiplier 0."""
        dow = weekday_of(days)
        mask = self.pattern[dow].copy()
        names = calendar.holiday_names(days)
        closed = np.isin(names, list(self.closed_holidays)) if self.closed_holidays else np.zeros(len(days), bool)
        closed |= calendar.fixed_log_effect(days, channel)[1]
        mask[closed] = False
        return mask


class ForecastModel(Protocol):
    """What every model provides."""

    name: str
    daily_log_sd_: float

    def fit(self, grid: DayGrid, calendar: Calendar) -> ForecastModel: ...

    def predict(self, days: np.ndarray) -> np.ndarray: ...


def _daily_log_ratio_sd(totals: np.ndarray, reference: np.ndarray, last: int = 56) -> float:
    """Standard deviation of log(total / reference) over the last ``last`` days where both exist."""
    ok = np.isfinite(totals) & np.isfinite(reference) & (totals > 0) & (reference > 0)
    r = np.log(totals[ok] / reference[ok])[-last:]
    return float(np.std(r, ddof=1)) if r.size > 2 else 0.1


def _reopening_weekday(open_dow: np.ndarray) -> int | None:
    """The open weekday (Mon=0) that follows the longest run of closed weekdays; None if open 7 days."""
    if open_dow.all() or not open_dow.any():
        return None
    best, best_len = None, -1
    for w in range(7):
        if open_dow[w] and not open_dow[(w - 1) % 7]:
            run = 0
            while not open_dow[(w - 1 - run) % 7]:
                run += 1
            if run > best_len:
                best, best_len = w, run
    return best


def _lagged_value(x: np.ndarray, lag: int) -> np.ndarray:
    out = np.full_like(x, np.nan)
    out[lag:] = x[:-lag]
    return out


@dataclass
class SeasonalNaiveModel:
    """Same interval one week earlier (``lag_days=7``), repeated weekly over the horizon.

    A missing week (closed day or gap) falls back to the week before, up to 4 weeks.
    """

    lag_days: int = 7
    name: str = "seasonal_naive"
    daily_log_sd_: float = field(default=0.1, init=False)

    def fit(self, grid: DayGrid, calendar: Calendar) -> SeasonalNaiveModel:
        self.grid_ = grid
        st = DayStructure.from_grid(grid, calendar)
        self.daily_log_sd_ = _daily_log_ratio_sd(st.totals, _lagged_value(st.totals, self.lag_days))
        return self

    def predict(self, days: np.ndarray) -> np.ndarray:
        g = self.grid_
        idx = (days.astype("datetime64[D]") - g.first_day).astype(int)
        out = np.full((len(days), g.slots_per_day), np.nan)
        last = g.n_days - 1
        for tries in range(4):
            k = np.ceil((idx - last) / self.lag_days).astype(int) + tries
            src = idx - np.maximum(k, 1 + tries) * self.lag_days
            ok = (src >= 0) & (src <= last)
            cand = np.full_like(out, np.nan)
            cand[ok] = g.contacts[src[ok]]
            has = ~np.isnan(cand).all(axis=1)
            fill = np.isnan(out).all(axis=1) & has
            out[fill] = cand[fill]
        return np.nan_to_num(out)


@dataclass
class NaiveDayModel:
    """The last day with data, repeated over the horizon ("one day back")."""

    name: str = "naive_day"
    daily_log_sd_: float = field(default=0.1, init=False)

    def fit(self, grid: DayGrid, calendar: Calendar) -> NaiveDayModel:
        has = np.flatnonzero(np.nansum(grid.contacts, axis=1) > 0)
        if has.size == 0:
            raise InputError(f"channel '{grid.channel}': no contacts in the history.")
        self.last_ = np.nan_to_num(grid.contacts[has[-1]])
        st = DayStructure.from_grid(grid, calendar)
        tot = st.totals[np.isfinite(st.totals)]
        self.daily_log_sd_ = _daily_log_ratio_sd(tot[1:], tot[:-1]) if tot.size > 3 else 0.1
        return self

    def predict(self, days: np.ndarray) -> np.ndarray:
        return np.tile(self.last_, (len(days), 1))


@dataclass
class WeekdayMeanModel:
    """Mean of the last ``n_weeks`` same weekdays with data (interval by interval)."""

    n_weeks: int = 4
    name: str = "weekday_mean"
    daily_log_sd_: float = field(default=0.1, init=False)

    def fit(self, grid: DayGrid, calendar: Calendar) -> WeekdayMeanModel:
        dow = weekday_of(grid.days)
        st = DayStructure.from_grid(grid, calendar)
        has = np.isfinite(st.totals)
        self.means_ = np.zeros((7, grid.slots_per_day))
        for w in range(7):
            idx = np.flatnonzero((dow == w) & has)[-self.n_weeks:]
            if idx.size:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    self.means_[w] = np.nan_to_num(np.nanmean(grid.contacts[idx], axis=0))
        # error of the mean of the previous n same weekdays, for the quantiles
        ref = np.full_like(st.totals, np.nan)
        for w in range(7):
            idx = np.flatnonzero(dow == w)
            s = st.totals[idx]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                prev = np.array([np.nanmean(s[max(0, i - self.n_weeks):i]) if i else np.nan for i in range(len(s))])
            ref[idx] = prev
        self.daily_log_sd_ = _daily_log_ratio_sd(st.totals, ref)
        return self

    def predict(self, days: np.ndarray) -> np.ndarray:
        return self.means_[weekday_of(days)].copy()


@dataclass
class CallCentreModel:
    """Daily totals (regression) x smoothed intraday profile per weekday.

    Parameters
    ----------
    half_life_days : float
        Half-life of the exponential weights of past days in the daily regression, days.
    trend : bool
        Fit a linear trend in log volume (growth rate per year); else level only.
    profile_weeks : int
        Same-weekday days used for each intraday profile.
    profile_half_life_weeks : float
        Half-life of the weights of those days, weeks.
    smoothing_minutes : float
        Standard deviation of the Gaussian kernel that smooths the profile, minutes.
    pool_days : float
        Shrinks each weekday's profile towards the Mon-Fri pooled one with this many
        pseudo-days (weekdays only).
    ridge : float
        Ridge penalty on the calendar and annual coefficients (log scale).

    Notes
    -----
    Daily model, for each open day ``d`` with total ``Y_d`` contacts:

    ``log Y_d = a + b t_d + dow[w_d] + h[name_d] + g H_d + c A_d + e[event_d] + sum_k F_k(d) + eps_d``

    with ``t`` in years (0 = last history day), ``H`` = holiday indicator, ``A`` = first
    open day after a holiday (on which ``w_d`` is the weekday that reopens the week, usually
    Monday: that day carries the closure's backlog, so ``g`` learns only the difference), ``F`` = annual Fourier terms (2 harmonics, only with >= 350
    days of history), fitted by weighted ridge least squares with weights ``0.5**(age /
    half_life_days)`` and two Huber reweighting passes (c = 1.345 robust SD).  The mean
    forecast is ``exp(mu + s^2/2) * profile[w_d]`` (lognormal mean).  Interval mean =
    daily total x profile share; the profile is the weighted mean of the days' shares,
    smoothed, shrunk to the pooled weekday profile and renormalised.  This is the
    classical "daily volume x intraday distribution" method of WFM practice (e.g.
    Gans, Koole & Mandelbaum 2003, *Telephone call centers: tutorial, review and research
    prospects*, MSOM 5(2):79-141, section 4) with the day-of-week and holiday effects of
    a regression on log volume.
    """

    half_life_days: float = 42.0
    trend: bool = False
    profile_weeks: int = 8
    profile_half_life_weeks: float = 4.0
    smoothing_minutes: float = 7.5
    pool_days: float = 2.0
    ridge: float = 1.0
    name: str = "callcentre"
    daily_log_sd_: float = field(default=0.1, init=False)

    def __post_init__(self) -> None:
        if not self.half_life_days > 0:
            raise InputError(f"half_life_days must be > 0, found {self.half_life_days!r}.")
        if self.profile_weeks < 1:
            raise InputError(f"profile_weeks must be >= 1, found {self.profile_weeks!r}.")

    # ------------------------------------------------------------------ design
    def _design(self, days: np.ndarray, holiday: np.ndarray, after: np.ndarray,
                events: dict[str, np.ndarray]) -> np.ndarray:
        t = (days.astype("datetime64[D]") - self.last_day_).astype(float) / 365.25
        dow = weekday_of(days)
        if self.reopen_dow_ is not None:
            # the first open day after a holiday closure takes the effect of the day that reopens
            # the week (it inherits the backlog a weekend gives a Monday); the after-holiday
            # coefficient below then only learns the difference, shrunk to zero by the ridge
            dow = np.where(after, self.reopen_dow_, dow)
        cols = [np.ones(len(days))]
        if self.trend:
            cols.append(t)
        for w in self.dow_levels_[1:]:
            cols.append((dow == w).astype(float))
        cols.append((holiday != "").astype(float))
        for h in self.holiday_names_:
            cols.append((holiday == h).astype(float))
        cols.append(after.astype(float))
        for e in self.event_names_:
            cols.append(events.get(e, np.zeros(len(days), bool)).astype(float))
        if self.annual_:
            doy = days.astype("datetime64[D]").astype(float) / 365.25 * 2 * np.pi
            for k in (1, 2):
                cols += [np.sin(k * doy), np.cos(k * doy)]
        return np.column_stack(cols)

    def _after_holiday(self, days: np.ndarray, holiday: np.ndarray, open_day: np.ndarray) -> np.ndarray:
        """First open non-holiday day after a holiday (or after a run of closed days that includes one)."""
        after = np.zeros(len(days), bool)
        pending = False
        for i in range(len(days)):
            if holiday[i] != "":
                pending = True
                continue
            if open_day[i] and pending:
                after[i] = True
                pending = False
        return after

    # ------------------------------------------------------------------ fit
    def fit(self, grid: DayGrid, calendar: Calendar) -> CallCentreModel:
        self.channel_ = grid.channel
        self.calendar_ = calendar
        st = DayStructure.from_grid(grid, calendar, profile_weeks=self.profile_weeks)
        self.structure_ = st
        days = grid.days
        dow = weekday_of(days)
        ok = np.isfinite(st.totals) & (np.nan_to_num(st.totals) > 0)
        if ok.sum() < 7:
            raise InputError(
                f"channel '{grid.channel}': only {int(ok.sum())} days with contacts; the call-centre model "
                "needs at least 7 (use --model seasonal_naive for very short histories)."
            )
        self.last_day_ = days[-1]
        self.interval_minutes_ = grid.interval_minutes
        open_dows = sorted({int(w) for w in dow[ok]})
        self.dow_levels_ = open_dows
        self.reopen_dow_ = _reopening_weekday(np.asarray(st.pattern.any(axis=1)))
        self.holiday_names_ = sorted({str(h) for h in st.holiday[ok] if h})
        ev = calendar.event_flags(days, grid.channel)
        self.event_names_ = sorted(name for name, on in ev.items() if (on & ok).any())
        self.annual_ = (days[ok][-1] - days[ok][0]).astype(int) >= 350
        normally_open = np.asarray(st.pattern.any(axis=1))[dow]
        after = self._after_holiday(days, st.holiday, normally_open & ~(st.holiday != ""))
        self._events_all = ev
        X = self._design(days, st.holiday, after, ev)[ok]
        y = np.log(st.totals[ok])
        age = (days[-1] - days[ok]).astype(float)
        w = 0.5 ** (age / self.half_life_days)
        n_fixed = 1 + int(self.trend) + len(open_dows) - 1
        pen = np.full(X.shape[1], self.ridge * w.sum() / max(len(w), 1) * 0.05)
        pen[:n_fixed] = 0.0
        if self.trend:
            pen[1] = 0.0
        if self.annual_:
            pen[-4:] *= 20.0
        beta = np.zeros(X.shape[1])
        ww = w.copy()
        for _ in range(3):
            A = X.T @ (X * ww[:, None]) + np.diag(pen)
            beta = np.linalg.solve(A, X.T @ (ww * y))
            r = y - X @ beta
            s = 1.4826 * np.median(np.abs(r - np.median(r))) + 1e-9
            u = np.abs(r) / (1.345 * s)
            ww = w * np.where(u <= 1, 1.0, 1.0 / np.maximum(u, 1e-12))
        self.beta_ = beta
        r = y - X @ beta
        recent = age <= 56
        rr = r[recent] if recent.sum() > 5 else r
        self.daily_log_sd_ = float(np.sqrt(np.mean(rr**2))) if rr.size > 2 else 0.1
        self.residual_log_sd_ = self.daily_log_sd_
        # calendar-adjusted log level, for EtsProfileModel
        self.calendar_effect_ = self._design(days, st.holiday, after, ev) @ beta - self._structural(days)
        self.ok_ = ok
        self._fit_profile(grid, st)
        self._fit_dispersion(grid, st)
        return self

    def _fit_profile(self, grid: DayGrid, st: DayStructure) -> None:
        x = grid.contacts
        days = grid.days
        dow = weekday_of(days)
        present = ~np.isnan(x)
        expected = st.pattern[dow]
        complete = (present | ~expected).all(axis=1) & np.isfinite(st.totals) & (st.holiday == "")
        spd = grid.slots_per_day
        prof = np.zeros((7, spd))
        weight_sum = np.zeros(7)
        for w in range(7):
            idx = np.flatnonzero((dow == w) & complete)[-self.profile_weeks:]
            if idx.size == 0:
                continue
            shares = np.nan_to_num(x[idx]) / np.nansum(x[idx], axis=1, keepdims=True)
            age_w = (idx[-1] - idx) / 7.0
            ww = 0.5 ** (age_w / self.profile_half_life_weeks)
            prof[w] = ww @ shares / ww.sum()
            weight_sum[w] = ww.sum()
        weekdays = [w for w in range(5) if weight_sum[w] > 0]
        if weekdays and self.pool_days > 0:
            pooled = sum(prof[w] * weight_sum[w] for w in weekdays) / sum(weight_sum[w] for w in weekdays)
            for w in weekdays:
                same = (st.pattern[w] == st.pattern[weekdays[0]]).all()
                if same:
                    prof[w] = (prof[w] * weight_sum[w] + pooled * self.pool_days) / (weight_sum[w] + self.pool_days)
        sigma = self.smoothing_minutes / grid.interval_minutes
        prof = _smooth_rows(prof, st.pattern, sigma)
        tot = prof.sum(axis=1, keepdims=True)
        self.profile_ = np.divide(prof, tot, out=np.zeros_like(prof), where=tot > 0)

    def _fit_dispersion(self, grid: DayGrid, st: DayStructure) -> None:
        """Variance/mean ratio of interval counts around (actual daily total x profile), last 8 weeks."""
        x = grid.contacts
        dow = weekday_of(grid.days)
        idx = np.flatnonzero(np.isfinite(st.totals))[-56:]
        mu = st.totals[idx, None] * self.profile_[dow[idx]]
        obs = x[idx]
        ok = ~np.isnan(obs) & (mu > 0.5)
        if ok.sum() < 10:
            self.dispersion_ = 1.0
            return
        # k slots fitted per day from the same data: unbiased-ish with df correction 1 per day
        ratio = float(np.sum((obs[ok] - mu[ok]) ** 2 / mu[ok]) / max(ok.sum() - len(idx), 1))
        self.dispersion_ = max(1.0, ratio)

    def _structural(self, days: np.ndarray) -> np.ndarray:
        """Intercept + trend + day-of-week part of the regression (log scale)."""
        n = len(days)
        X = self._design(days, np.full(n, "", dtype=object), np.zeros(n, bool), {})
        keep = 1 + int(self.trend) + len(self.dow_levels_) - 1
        return X[:, :keep] @ self.beta_[:keep]

    # ------------------------------------------------------------------ predict
    def daily_log_mean(self, days: np.ndarray) -> np.ndarray:
        """Predicted log daily total (before the lognormal mean correction)."""
        cal = self.calendar_
        holiday = cal.holiday_names(days)
        events = cal.event_flags(days, self.channel_, learnt_only=True)
        # "after a holiday" needs every calendar day in between, also those not asked for
        d = days.astype("datetime64[D]")
        first = min(self.last_day_ - 13, d.min()) if d.size else self.last_day_
        last = max(self.last_day_, d.max()) if d.size else self.last_day_
        allday = np.arange(first, last + 1, dtype="datetime64[D]")
        allhol = cal.holiday_names(allday)
        pattern_open = np.asarray(self.structure_.pattern.any(axis=1))[weekday_of(allday)]
        after_all = self._after_holiday(allday, allhol, pattern_open & (allhol == ""))
        after = after_all[(d - first).astype(int)] if d.size else np.zeros(0, bool)
        X = self._design(days, holiday, after, {k: v for k, v in events.items() if k in self.event_names_})
        # unseen holidays keep only the generic holiday effect; events with a given multiplier use it,
        # other events use the effect learnt for their name (none if never seen)
        return X @ self.beta_ + cal.fixed_log_effect(days, self.channel_)[0]

    def predict_daily(self, days: np.ndarray) -> np.ndarray:
        """Mean daily total per day (contacts)."""
        return np.exp(self.daily_log_mean(days) + 0.5 * self.daily_log_sd_**2)

    def predict(self, days: np.ndarray) -> np.ndarray:
        return self.predict_daily(days)[:, None] * self.profile_[weekday_of(days)]


@dataclass
class EtsProfileModel(CallCentreModel):
    """:class:`CallCentreModel` with the daily level from Holt-Winters (statsmodels).

    The calendar-adjusted log totals of the open days (holiday, after-holiday and event
    effects of the regression removed) are modelled by
    ``statsmodels.tsa.holtwinters.ExponentialSmoothing`` with a damped additive trend and
    an additive season of length = number of open weekdays, and the calendar effects are
    added back for the forecast days.
    """

    name: str = "callcentre_ets"

    def fit(self, grid: DayGrid, calendar: Calendar) -> EtsProfileModel:
        super().fit(grid, calendar)
        from statsmodels.tsa.holtwinters import ExponentialSmoothing

        days = grid.days
        dow = weekday_of(days)
        open_dow = np.zeros(7, bool)
        open_dow[self.dow_levels_] = True
        seq = np.flatnonzero(open_dow[dow])  # holidays stay in (calendar-adjusted) to keep the weekly phase
        seq = seq[seq >= np.flatnonzero(self.ok_)[0]]
        y = np.log(np.where(self.ok_, self.structure_.totals, np.nan))[seq] - self.calendar_effect_[seq]
        # fill missing open days with the regression's fitted value
        y = np.where(np.isfinite(y), y, self._structural(days)[seq])
        y = y[-182:]  # the last 26 weeks of open days: the level is local, and it keeps the fit fast
        period = int(open_dow.sum())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = ExponentialSmoothing(
                y, trend="add", damped_trend=True, seasonal="add" if period > 1 else None,
                seasonal_periods=period if period > 1 else None, initialization_method="heuristic",
            ).fit(use_brute=False)
        self.ets_ = fit
        self.ets_open_dow_ = open_dow
        resid = y - fit.fittedvalues
        self.daily_log_sd_ = float(np.sqrt(np.mean(resid[-56:] ** 2)))
        return self

    def daily_log_mean(self, days: np.ndarray) -> np.ndarray:
        base = super().daily_log_mean(days)  # regression: structure + calendar effects
        dow = weekday_of(days)
        # the k-th future day of an open weekday is ETS step k (history and horizon are contiguous
        # when the horizon starts the day after the history)
        gap_days = int((days[0] - self.last_day_).astype(int)) - 1
        before = np.arange(gap_days) if gap_days > 0 else np.arange(0)
        skipped = int(self.ets_open_dow_[weekday_of(self.last_day_ + 1 + before.astype("timedelta64[D]"))].sum())
        is_step = self.ets_open_dow_[dow]
        step = np.cumsum(is_step) + skipped
        n = max(int(step[-1]) + 1, 1)
        fc = np.asarray(self.ets_.forecast(n))
        level = fc[np.clip(step - 1, 0, n - 1)]
        return level + (base - self._structural(days))


@dataclass
class CombinedModel(EtsProfileModel):
    """Equal-weight combination of the regression and Holt-Winters daily levels (log scale).

    Averaging forecasts of different models is one of the most reliable ways to cut error
    (Bates & Granger 1969, *The combination of forecasts*, ORQ 20(4):451-468; the M4
    competition's lesson): the regression's level is stable, the Holt-Winters level follows
    recent weeks, and their errors are only partly correlated.
    """

    name: str = "callcentre_combo"

    def daily_log_mean(self, days: np.ndarray) -> np.ndarray:
        ets = super().daily_log_mean(days)
        reg = CallCentreModel.daily_log_mean(self, days)
        return 0.5 * (ets + reg)


@dataclass
class MstlModel:
    """statsmodels MSTL on the open-hours interval series with carried-forward seasonality.

    The intervals inside the normal opening hours of the last ``window_weeks`` weeks are
    concatenated (closed hours removed, as in the ``msts`` convention); gaps are filled
    by linear interpolation.  ``statsmodels.tsa.seasonal.MSTL`` separates a daily and a
    weekly component (only the weekly one when days differ in length); each seasonal
    component is forecast by its value one period earlier, and the trend + remainder by
    a damped additive Holt model.
    """

    window_weeks: int = 12
    name: str = "mstl"
    daily_log_sd_: float = field(default=0.1, init=False)

    def fit(self, grid: DayGrid, calendar: Calendar) -> MstlModel:
        from statsmodels.tsa.holtwinters import ExponentialSmoothing
        from statsmodels.tsa.seasonal import MSTL

        st = DayStructure.from_grid(grid, calendar)
        self.structure_ = st
        self.calendar_ = calendar
        self.channel_ = grid.channel
        days = grid.days
        dow = weekday_of(days)
        keep_day = np.isfinite(st.totals)
        idx = np.flatnonzero(keep_day)
        idx = idx[idx >= grid.n_days - 7 * self.window_weeks]
        mask = st.pattern[dow[idx]]
        y = grid.contacts[idx][mask]
        ok = ~np.isnan(y)
        y = np.interp(np.arange(y.size), np.flatnonzero(ok), y[ok])
        per_day = st.pattern.sum(axis=1)
        open_days = per_day[per_day > 0]
        week = int(per_day.sum())
        periods: tuple[int, ...] = (int(open_days[0]), week) if np.all(open_days == open_days[0]) else (week,)
        if y.size < 2 * week + 1:
            raise InputError(f"channel '{grid.channel}': MSTL needs at least two weeks of history.")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = MSTL(y, periods=periods, stl_kwargs={"robust": False}).fit()
            seasonal = np.asarray(res.seasonal).reshape(y.size, -1)
            adj = y - seasonal.sum(axis=1)
            hw = ExponentialSmoothing(adj, trend="add", damped_trend=True, initialization_method="estimated").fit()
        self.seasonal_ = seasonal
        self.periods_ = periods
        self.hw_ = hw
        self.last_day_ = days[-1]
        self.slots_per_day_ = grid.slots_per_day
        tot = st.totals[np.isfinite(st.totals)]
        self.daily_log_sd_ = _daily_log_ratio_sd(tot[5:], tot[:-5]) / np.sqrt(2) if tot.size > 8 else 0.1
        return self

    def predict(self, days: np.ndarray) -> np.ndarray:
        st = self.structure_
        mask = st.open_mask(days, self.calendar_, self.channel_)
        n = int(mask.sum())
        out = np.zeros((len(days), self.slots_per_day_))
        if n == 0:
            return out
        fc = np.asarray(self.hw_.forecast(n), dtype=float)
        h = np.arange(n)
        for j, p in enumerate(self.periods_):
            s = self.seasonal_[:, j]
            fc = fc + s[s.size - p + (h % p)]
        out[mask] = np.maximum(fc, 0.0)
        return out


MODEL_NAMES: tuple[str, ...] = (
    "seasonal_naive", "naive_day", "weekday_mean", "callcentre", "callcentre_trend", "callcentre_ets",
    "callcentre_combo", "mstl",
)
#: Candidates of ``model="auto"`` (MSTL is slower and is run only when asked for).
AUTO_CANDIDATES: tuple[str, ...] = (
    "seasonal_naive", "weekday_mean", "callcentre", "callcentre_trend", "callcentre_combo",
)


def _callcentre_trend(**params: Any) -> CallCentreModel:
    """``callcentre`` with a linear trend and a longer memory (91-day half-life) for growing volumes."""
    params = {"trend": True, "half_life_days": 91.0, "name": "callcentre_trend", **params}
    return CallCentreModel(**params)


def make_model(name: str, **params: Any) -> ForecastModel:
    """A fresh model by name (see :data:`MODEL_NAMES`); ``params`` go to its constructor."""
    factories: dict[str, Any] = {
        "seasonal_naive": SeasonalNaiveModel,
        "naive_day": NaiveDayModel,
        "weekday_mean": WeekdayMeanModel,
        "callcentre": CallCentreModel,
        "callcentre_trend": _callcentre_trend,
        "callcentre_ets": EtsProfileModel,
        "callcentre_combo": CombinedModel,
        "mstl": MstlModel,
    }
    if name not in factories:
        raise InputError(f"model: expected one of {', '.join(MODEL_NAMES)} or auto, found {name!r}.")
    model: ForecastModel = factories[name](**params)
    return model
