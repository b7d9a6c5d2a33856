"""Capacity planning: required FTE per period, supply after attrition, optimal hiring classes.

Pipeline (each step a public function)::

    representative_week(demand settings)          -> RepresentativeWeek (shape of a week)
    period_demand(settings, week)                 -> demand per period (volume, AHT, shrinkage)
    required_fte(demand, week, targets, hours)    -> + agent_hours_per_week, required_fte, ...
    cohort_supply(...)                            -> expected heads / productive FTE of a cohort
    solve_plan(settings, required)                -> PlanResult (periods, groups, classes, costs)
    plan(settings)                                -> all of the above
    compare_scenarios(settings) / sensitivity_table(settings)

Required FTE (see Notes of :func:`required_fte`) comes from the queueing engine
(:func:`staffing.requirements.agents_required`) applied to every interval of a
representative week scaled to the period, never from a single weekly average.

Supply is computed on a daily grid: each cohort's expected headcount decays with the
monthly attrition of its tenure band, compounded daily; its productive FTE is
``headcount x fte_per_head x proficiency(tenure)`` (0 in training, then the ramp curve,
then 1); both are averaged over the days of each period. The expected values are linear
in the class sizes, which keeps the hiring model a small MIP (:mod:`staffing.planning_model`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from staffing import schema as S
from staffing.errors import InfeasibleError, InputError
from staffing.planning_model import MipSolution, PlanningProblem, solve
from staffing.planning_settings import (
    DAYS_PER_MONTH,
    DemandSettings,
    Horizon,
    PlanSettings,
    Scenario,
    StaffGroup,
    load_plan,
)
from staffing.requirements import agents_required, predicted_service
from staffing.settings import ServiceTargets

__all__ = [
    "PlanResult",
    "RepresentativeWeek",
    "ScenarioComparison",
    "builtin_week",
    "class_start_dates",
    "cohort_supply",
    "compare_scenarios",
    "explain_infeasible",
    "load_plan",
    "monthly_seasonality",
    "pay_index",
    "period_bounds",
    "period_demand",
    "plan",
    "representative_week",
    "required_fte",
    "sensitivity_table",
    "solve_plan",
    "week_from_forecast",
]

# ----------------------------------------------------------------------------- columns
PERIOD_START: Final = "period_start"
PERIOD_END: Final = "period_end"
DAYS: Final = "days"
CONTACTS_PER_WEEK: Final = "contacts_per_week"
AHT_SECONDS: Final = S.AHT_SECONDS
SHRINKAGE_PLANNED: Final = "shrinkage_planned"
SHRINKAGE_UNPLANNED: Final = "shrinkage_unplanned"
WORKLOAD_HOURS_PER_WEEK: Final = "workload_hours_per_week"
AGENT_HOURS_PER_WEEK: Final = "agent_hours_per_week"
PEAK_AGENTS: Final = "peak_agents"
REQUIRED_FTE: Final = "required_fte"
REQUIRED_FTE_SINGLE_AVERAGE: Final = "required_fte_single_average"
REQUIRED_FTE_WORKLOAD: Final = "required_fte_workload"
SERVICE_LEVEL_SINGLE_AVERAGE: Final = "service_level_single_average"
GROUP: Final = "group"
HEADCOUNT_START: Final = "headcount_start"
HIRES: Final = "hires"
LEAVERS: Final = "leavers"
HEADCOUNT_END: Final = "headcount_end"
HEADCOUNT_AVG: Final = "headcount_avg"
FTE_PAID: Final = "fte_paid"
FTE_IN_TRAINING: Final = "fte_in_training"
FTE_PRODUCTIVE: Final = "fte_productive"
OVERTIME_FTE: Final = "overtime_fte"
SUPPLY_FTE: Final = "supply_fte"
GAP_FTE: Final = "gap_fte"
SHORTFALL_FTE: Final = "shortfall_fte"
COST_SALARIES: Final = "cost_salaries"
COST_TRAINING: Final = "cost_training"
COST_OVERTIME: Final = "cost_overtime"
COST_TOTAL: Final = "cost_total"
SHORTFALL_PENALTY: Final = "shortfall_penalty"
CLASS_START: Final = "class_start"
DECIDE_BY: Final = "decide_by"
TRAINING_END: Final = "training_end"
FULLY_PROFICIENT: Final = "fully_proficient"

DEMAND_COLUMNS: Final = (PERIOD_START, PERIOD_END, DAYS, CONTACTS_PER_WEEK, AHT_SECONDS, SHRINKAGE_PLANNED,
                         SHRINKAGE_UNPLANNED)
REQUIRED_COLUMNS: Final = DEMAND_COLUMNS + (WORKLOAD_HOURS_PER_WEEK, AGENT_HOURS_PER_WEEK, PEAK_AGENTS, REQUIRED_FTE,
                                            REQUIRED_FTE_SINGLE_AVERAGE, REQUIRED_FTE_WORKLOAD,
                                            SERVICE_LEVEL_SINGLE_AVERAGE)
PERIOD_COLUMNS: Final = REQUIRED_COLUMNS + (
    HEADCOUNT_START, HIRES, LEAVERS, HEADCOUNT_END, HEADCOUNT_AVG, FTE_PAID, FTE_IN_TRAINING, FTE_PRODUCTIVE,
    OVERTIME_FTE, SUPPLY_FTE, GAP_FTE, SHORTFALL_FTE, COST_SALARIES, COST_TRAINING, COST_OVERTIME, COST_TOTAL,
    SHORTFALL_PENALTY,
)
GROUP_COLUMNS: Final = (PERIOD_START, GROUP, HEADCOUNT_START, HIRES, LEAVERS, HEADCOUNT_END, HEADCOUNT_AVG, FTE_PAID,
                        FTE_IN_TRAINING, FTE_PRODUCTIVE, OVERTIME_FTE, COST_SALARIES, COST_TRAINING, COST_OVERTIME)
CLASS_COLUMNS: Final = (GROUP, DECIDE_BY, CLASS_START, TRAINING_END, FULLY_PROFICIENT, HIRES, COST_TRAINING)

DAYS_PER_YEAR: Final = 365.25


# ----------------------------------------------------------------------------- demand


@dataclass(frozen=True)
class RepresentativeWeek:
    """The shape of one week of open intervals.

    Attributes
    ----------
    minute_of_week : ndarray of int
        Start of each open interval, minutes after Monday 00:00.
    volume_share : ndarray
        Share of the week's contacts in each interval (sums to 1).
    aht_ratio : ndarray
        Interval AHT / the week's contact-weighted AHT.
    interval_minutes : float
    weekly_contacts : float or None
        Mean weekly volume of the source forecast (None for the built-in curve).
    aht_seconds : float or None
        Contact-weighted AHT of the source forecast, seconds.
    source : str
        ``"built-in curve"`` or the forecast file and the number of weeks averaged.
    """

    minute_of_week: np.ndarray
    volume_share: np.ndarray
    aht_ratio: np.ndarray
    interval_minutes: float
    weekly_contacts: float | None
    aht_seconds: float | None
    source: str

    def to_frame(self) -> pd.DataFrame:
        """Columns ``minute_of_week``, ``volume_share``, ``aht_ratio``."""
        return pd.DataFrame({"minute_of_week": self.minute_of_week, "volume_share": self.volume_share,
                             "aht_ratio": self.aht_ratio})


def builtin_week(demand: DemandSettings) -> RepresentativeWeek:
    """A documented synthetic week: double-hump intraday curve x day-of-week weights.

    Notes
    -----
    Intraday weight at hour ``h`` (the interval's middle)::

        w(h) = 0.35 + exp(-((h - 10.75) / 1.6)^2) + 0.85 exp(-((h - 14.5) / 1.9)^2)

    (a morning peak around 10:45, a lower afternoon peak around 14:30 and a floor of 35 %),
    multiplied by ``day_weights`` (Monday..Sunday) and normalised to sum to 1. Every day is
    open from ``open_hour`` to ``close_hour``; AHT is flat (ratio 1).
    """
    step = demand.interval_minutes
    start_min = demand.open_hour * 60.0
    n = round((demand.close_hour - demand.open_hour) * 60.0 / step)
    day_minutes = start_min + step * np.arange(n)
    h = (day_minutes + step / 2.0) / 60.0
    intraday = 0.35 + np.exp(-(((h - 10.75) / 1.6) ** 2)) + 0.85 * np.exp(-(((h - 14.5) / 1.9) ** 2))
    weights = np.asarray(demand.day_weights, dtype=float)
    minute = (np.arange(7)[:, None] * 1440 + day_minutes[None, :]).ravel()
    share = (weights[:, None] * intraday[None, :]).ravel()
    keep = share > 0
    if share.sum() <= 0:
        raise InputError("demand.day_weights: every weight is 0; expected at least one open day.")
    share = share[keep] / share.sum()
    return RepresentativeWeek(minute[keep].astype(np.int64), share, np.ones(keep.sum()), float(step), None, None,
                              "built-in curve")


def week_from_forecast(forecast: pd.DataFrame, *, channel: str | None = None, source: str = "forecast") -> RepresentativeWeek:
    """Average the complete Monday-to-Sunday weeks of an interval forecast into one week.

    Parameters
    ----------
    forecast : pandas.DataFrame
        ``interval_start``, ``contacts``, ``aht_seconds``, optional ``channel`` (see
        :mod:`staffing.schema`).
    channel : str, optional
        Channel to keep; required when the forecast has several.

    Returns
    -------
    RepresentativeWeek
        Per slot of the week: mean contacts over the complete weeks (shares), the slot's
        contact-weighted AHT over the weeks (as a ratio to the week's AHT). Slots with no
        contacts in any week are dropped (closed).

    Raises
    ------
    InputError
        If the channel is ambiguous or missing, or no complete week is present.
    """
    df = _one_channel(S.validate_forecast(forecast, source=source), channel, source)
    channel = str(df[S.CHANNEL].iloc[0]) if len(df) else str(channel)
    minutes = S.infer_interval_minutes(df, source=source) if len(df) > 1 else 60.0
    ts = df[S.INTERVAL_START]
    if getattr(ts.dt, "tz", None) is not None:
        ts = ts.dt.tz_localize(None)
    day = ts.dt.normalize()
    monday = day - pd.to_timedelta(ts.dt.day_of_week, unit="D")
    frame = pd.DataFrame({
        "week": monday.to_numpy(),
        "date": day.to_numpy(),
        "slot": (ts.dt.day_of_week * 1440 + ts.dt.hour * 60 + ts.dt.minute).to_numpy(),
        "contacts": df[S.CONTACTS].to_numpy(),
        "work": (df[S.CONTACTS] * df[S.AHT_SECONDS]).to_numpy(),
    })
    ndays = frame.groupby("week")["date"].nunique()
    complete = ndays.index[ndays == 7]
    if len(complete) == 0:
        raise InputError(f"{source}: no complete Monday-to-Sunday week of channel '{channel}'; "
                         "expected at least 7 consecutive days starting on a Monday.")
    frame = frame[frame["week"].isin(complete)]
    by_slot = frame.groupby("slot")[["contacts", "work"]].sum()
    by_slot = by_slot[by_slot["contacts"] > 0]
    total_contacts = float(by_slot["contacts"].sum())
    total_work = float(by_slot["work"].sum())
    week_aht = total_work / total_contacts
    return RepresentativeWeek(
        by_slot.index.to_numpy(dtype=np.int64),
        by_slot["contacts"].to_numpy() / total_contacts,
        (by_slot["work"] / by_slot["contacts"]).to_numpy() / week_aht,
        float(minutes),
        total_contacts / len(complete),
        week_aht,
        f"{source} (channel {channel}, {len(complete)} complete weeks averaged)",
    )


def representative_week(demand: DemandSettings) -> RepresentativeWeek:
    """The week shape of a plan: averaged from ``forecast_csv`` if given, else :func:`builtin_week`."""
    if demand.forecast_csv is None:
        return builtin_week(demand)
    path = Path(demand.forecast_csv)
    try:
        forecast = pd.read_csv(path)
    except FileNotFoundError:
        raise InputError(f"demand.forecast_csv: file {path} not found.") from None
    return week_from_forecast(forecast, channel=demand.channel, source=str(path))


def period_bounds(horizon: Horizon) -> pd.DatetimeIndex:
    """The ``periods + 1`` boundaries of the horizon (month starts or 7-day steps)."""
    start = pd.Timestamp(horizon.start)
    freq = "MS" if horizon.period == "month" else "7D"
    return pd.date_range(start, periods=horizon.periods + 1, freq=freq)


def _day_grid(bounds: pd.DatetimeIndex) -> tuple[pd.DatetimeIndex, np.ndarray, np.ndarray]:
    """Every day of the horizon, the first day index of each period and the period lengths."""
    days = pd.date_range(bounds[0], bounds[-1] - pd.Timedelta(days=1), freq="D")
    first = ((bounds[:-1] - bounds[0]).days).to_numpy()
    length = np.diff(((bounds - bounds[0]).days).to_numpy())
    return days, first, length


def _period_mean(daily: np.ndarray, first: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Mean over each period's days along the last axis."""
    return np.add.reduceat(daily, first, axis=-1) / length


def period_demand(settings: PlanSettings, week: RepresentativeWeek) -> pd.DataFrame:
    """Volume, AHT and shrinkage per period.

    Returns
    -------
    pandas.DataFrame
        :data:`DEMAND_COLUMNS`: ``period_start``, ``period_end`` (exclusive), ``days``,
        ``contacts_per_week`` (mean weekly volume in the period), ``aht_seconds`` (s),
        ``shrinkage_planned``, ``shrinkage_unplanned`` (shares of paid hours).

    Notes
    -----
    Without ``periods_csv``, the weekly volume on day ``d`` (years ``y`` after the start) is
    ``base_week_contacts x (1 + volume_growth_annual)^y x seasonality_by_month[month(d)]``,
    averaged over the period's days; AHT is ``base_aht_seconds + aht_trend_seconds_per_year x y``
    at the period's middle. Shrinkage is the day-average of the monthly values. Scenario
    multipliers (``volume_multiplier``, ``aht_multiplier``, ``aht_delta_seconds``) apply last.
    """
    d = settings.demand
    bounds = period_bounds(settings.horizon)
    days, first, length = _day_grid(bounds)
    month_idx = days.month.to_numpy() - 1
    shrink_p = _period_mean(np.asarray(d.shrinkage_planned)[month_idx], first, length)
    shrink_u = _period_mean(np.asarray(d.shrinkage_unplanned)[month_idx], first, length)
    years_mid = ((bounds[:-1] - bounds[0]).days.to_numpy() + length / 2.0) / DAYS_PER_YEAR
    base_contacts = d.base_week_contacts if d.base_week_contacts is not None else week.weekly_contacts
    base_aht = d.base_aht_seconds if d.base_aht_seconds is not None else week.aht_seconds
    if d.periods_csv is not None:
        contacts, aht, shrink_p, shrink_u = _read_periods_csv(Path(d.periods_csv), bounds, length, base_aht,
                                                              shrink_p, shrink_u)
    elif d.volume_from_forecast:
        contacts, aht = _forecast_by_period(Path(d.forecast_csv or ""), d.channel, bounds)
    else:
        if base_contacts is None or base_aht is None:
            raise InputError("demand: set base_week_contacts and base_aht_seconds (no forecast_csv to take them from).")
        season = np.asarray(d.seasonality_by_month)
        if d.seasonality_history_csv is not None:
            path = Path(d.seasonality_history_csv)
            season = monthly_seasonality(_read_csv(path, "demand.seasonality_history_csv"), channel=d.channel,
                                         source=str(path))
        years = np.arange(len(days)) / DAYS_PER_YEAR
        daily = base_contacts * (1.0 + d.volume_growth_annual) ** years * season[month_idx]
        contacts = _period_mean(daily, first, length)
        aht = base_aht + d.aht_trend_seconds_per_year * years_mid
    contacts = contacts * d.volume_multiplier
    aht = aht * d.aht_multiplier + d.aht_delta_seconds
    if np.any(aht <= 0):
        t = int(np.flatnonzero(aht <= 0)[0])
        raise InputError(f"demand: AHT in period {bounds[t].date()} is {aht[t]:g} s; expected > 0 "
                         "(check aht_trend_seconds_per_year / aht_delta_seconds).")
    if np.any(shrink_p + shrink_u >= 1):
        t = int(np.flatnonzero(shrink_p + shrink_u >= 1)[0])
        raise InputError(f"demand: planned + unplanned shrinkage in period {bounds[t].date()} is "
                         f"{shrink_p[t] + shrink_u[t]:g}; expected below 1.")
    return pd.DataFrame({
        PERIOD_START: bounds[:-1], PERIOD_END: bounds[1:], DAYS: length.astype(np.int64),
        CONTACTS_PER_WEEK: contacts, AHT_SECONDS: aht, SHRINKAGE_PLANNED: shrink_p, SHRINKAGE_UNPLANNED: shrink_u,
    })


def _read_csv(path: Path, key: str) -> pd.DataFrame:
    try:
        return pd.read_csv(path)
    except FileNotFoundError:
        raise InputError(f"{key}: file {path} not found.") from None
    except pd.errors.EmptyDataError:
        raise InputError(f"{key}: file {path} is empty; expected a CSV with a header row.") from None


def _one_channel(df: pd.DataFrame, channel: str | None, source: str) -> pd.DataFrame:
    channels = sorted(df[S.CHANNEL].unique())
    if channel is None:
        if len(channels) > 1:
            raise InputError(f"{source}: several channels {channels}; set demand.channel to one of them.")
        channel = channels[0]
    if channel not in channels:
        raise InputError(f"{source}: demand.channel '{channel}' not found; channels are {channels}.")
    return df[df[S.CHANNEL] == channel]


def monthly_seasonality(history: pd.DataFrame, *, channel: str | None = None, source: str = "history") -> np.ndarray:
    """Volume index per calendar month (January..December) from a contact history.

    Parameters
    ----------
    history : pandas.DataFrame
        ``interval_start``, ``contacts``, optional ``channel`` (any interval length; an
        ``aht_seconds`` column is not needed).
    channel : str, optional
        Channel to use (required when there are several).

    Returns
    -------
    numpy.ndarray (12,)
        Mean daily contacts of each calendar month / mean daily contacts over all days with
        data. With a single year of history the index also carries that year's trend.

    Raises
    ------
    InputError
        When a calendar month has no data.
    """
    df = history.copy()
    df[S.AHT_SECONDS] = 1.0  # not needed here; histories may hold NaN handle times where nobody called
    df = _one_channel(S.validate_forecast(df, source=source), channel, source)
    ts = df[S.INTERVAL_START]
    if getattr(ts.dt, "tz", None) is not None:
        ts = ts.dt.tz_localize(None)
    daily = df.groupby(ts.dt.normalize())[S.CONTACTS].sum()
    by_month = daily.groupby(daily.index.month).mean()
    missing = [m for m in range(1, 13) if m not in by_month.index]
    if missing:
        raise InputError(f"{source}: no data for calendar month(s) {missing}; monthly seasonality needs at least one "
                         "day of every month (or set demand.seasonality_by_month).")
    return (by_month.reindex(range(1, 13)) / daily.mean()).to_numpy(dtype=float)


def _forecast_by_period(path: Path, channel: str | None, bounds: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    """Weekly volume and contact-weighted AHT of each period from an interval forecast."""
    source = str(path)
    df = _one_channel(S.validate_forecast(_read_csv(path, "demand.forecast_csv"), source=source), channel, source)
    ts = df[S.INTERVAL_START]
    if getattr(ts.dt, "tz", None) is not None:
        ts = ts.dt.tz_localize(None)
    first, last = ts.min().normalize(), ts.max().normalize()
    if first > bounds[0] or last < bounds[-1] - pd.Timedelta(days=1):
        raise InputError(f"{source}: demand.volume_from_forecast needs a forecast covering {bounds[0].date()}.."
                         f"{(bounds[-1] - pd.Timedelta(days=1)).date()}; it covers {first.date()}..{last.date()}. "
                         "Forecast a longer horizon or use growth and seasonality instead.")
    period = np.searchsorted(bounds.to_numpy(), ts.to_numpy(), side="right") - 1
    inside = (period >= 0) & (period < len(bounds) - 1)
    n = len(bounds) - 1
    contacts = np.bincount(period[inside], weights=df[S.CONTACTS].to_numpy()[inside], minlength=n)
    work = np.bincount(period[inside], weights=(df[S.CONTACTS] * df[S.AHT_SECONDS]).to_numpy()[inside], minlength=n)
    if np.any(contacts <= 0):
        t = int(np.flatnonzero(contacts <= 0)[0])
        raise InputError(f"{source}: no contacts forecast in the period starting {bounds[t].date()}.")
    length = np.diff((bounds - bounds[0]).days.to_numpy())
    return contacts / (length / 7.0), work / contacts


def _read_periods_csv(path: Path, bounds: pd.DatetimeIndex, length: np.ndarray, base_aht: float | None,
                      shrink_p: np.ndarray, shrink_u: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per-period volume file: ``period_start``, ``contacts`` (per period) [+ AHT, shrinkage]."""
    try:
        df = pd.read_csv(path)
    except FileNotFoundError:
        raise InputError(f"demand.periods_csv: file {path} not found.") from None
    for col in (PERIOD_START, S.CONTACTS):
        if col not in df.columns:
            raise InputError(f"{path}: missing column '{col}'; expected period_start, contacts "
                             f"[, aht_seconds, shrinkage_planned, shrinkage_unplanned], found {list(df.columns)}.")
    starts = S.parse_timestamps(df[PERIOD_START], column=PERIOD_START, source=str(path))
    want = pd.Series(bounds[:-1])
    index = {pd.Timestamp(s): i for i, s in enumerate(starts)}
    missing = [str(s.date()) for s in want if s not in index]
    if missing:
        raise InputError(f"{path}: no row for period_start {missing[:3]}{'...' if len(missing) > 3 else ''}; "
                         "expected one row per period of the horizon.")
    rows = np.array([index[s] for s in want])
    out = []
    for col, default in ((S.CONTACTS, None), (AHT_SECONDS, base_aht), (SHRINKAGE_PLANNED, shrink_p),
                         (SHRINKAGE_UNPLANNED, shrink_u)):
        if col in df.columns:
            vals = pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)[rows]
            if np.isnan(vals).any() or (vals < 0).any():
                pos = int(rows[np.flatnonzero(np.isnan(vals) | (vals < 0))[0]])
                raise InputError(f"{path}: row {pos + 1} (CSV line {pos + 2}), column '{col}': expected a number "
                                 f">= 0, found {df[col].iloc[pos]!r}.")
            out.append(vals)
        elif default is None:
            raise InputError(f"{path}: column '{col}' is missing and demand.base_aht_seconds is not set.")
        else:
            out.append(np.broadcast_to(np.asarray(default, dtype=float), (len(rows),)).copy())
    contacts = out[0] / (length / 7.0)
    return contacts, out[1], out[2], out[3]


def required_fte(
    demand: pd.DataFrame,
    week: RepresentativeWeek,
    targets: ServiceTargets,
    paid_hours_per_fte_week: float,
) -> pd.DataFrame:
    """Required paid FTE per period from the interval queueing model.

    Parameters
    ----------
    demand : pandas.DataFrame
        :data:`DEMAND_COLUMNS` (from :func:`period_demand`).
    week : RepresentativeWeek
        Shape of the week; each period's week is ``contacts_per_week x volume_share`` contacts
        per interval with AHT ``aht_seconds x aht_ratio``.
    targets : ServiceTargets
        Interval targets (service level, ASA, occupancy cap, abandonment...).
    paid_hours_per_fte_week : float
        Paid hours of one FTE per week.

    Returns
    -------
    pandas.DataFrame
        ``demand`` plus ``workload_hours_per_week`` (Erlang hours: contacts x AHT),
        ``agent_hours_per_week`` (sum over the week's intervals of the agents required x the
        interval length, hours), ``peak_agents``, ``required_fte``,
        ``required_fte_single_average`` (same formula applied to one average interval of the
        week), ``required_fte_workload`` (Erlang hours only, no queueing; divided by the
        concurrency for chat) and
        ``service_level_single_average`` (contact-weighted service level delivered if every
        interval were staffed flat at the single-average level; NaN without a service-level
        target).

    Notes
    -----
    ``required_fte = agent_hours_per_week / (1 - shrinkage_planned - shrinkage_unplanned)
    / paid_hours_per_fte_week``: shrinkage shares are of paid hours and add up (the usual
    contact-centre definition, e.g. Cleveland, *Call Center Management on Fast Forward*, ch. 6).
    Agents per interval come from :func:`staffing.requirements.agents_required` (Erlang C, or
    Erlang A with patience), so every interval of the week, peaks included, is staffed to
    target. Two shortcuts are reported beside it (measured in ``benchmarks/planning_requirements.py``):
    the *single-average* method (the agents one average interval needs, in every open interval)
    lands within a few percent of the total - above it for small centres, because square-root
    staffing is concave - but staffed flat it misses the peaks and answers far fewer contacts in
    time (``service_level_single_average``); the *workload* method (Erlang hours, no queueing)
    understates the need, badly for small centres.
    """
    T = len(demand)
    n = week.volume_share.size
    interval_h = week.interval_minutes / 60.0
    contacts = demand[CONTACTS_PER_WEEK].to_numpy(dtype=float)[:, None] * week.volume_share[None, :]
    aht = demand[AHT_SECONDS].to_numpy(dtype=float)[:, None] * week.aht_ratio[None, :]
    erlangs = contacts * aht / (week.interval_minutes * 60.0)
    agents = agents_required(erlangs.ravel(), aht.ravel(), targets).reshape(T, n)
    agent_hours = agents.sum(axis=1) * interval_h
    workload_hours = erlangs.sum(axis=1) * interval_h
    avg_erl = erlangs.mean(axis=1)
    avg_aht = np.where(contacts.sum(axis=1) > 0, (contacts * aht).sum(axis=1) / np.maximum(contacts.sum(axis=1), 1e-12),
                       demand[AHT_SECONDS].to_numpy(dtype=float))
    avg_agents = agents_required(avg_erl, avg_aht, targets)
    single_hours = avg_agents * n * interval_h
    if targets.service_level is not None and n:
        flat = np.repeat(avg_agents.astype(float), n)
        sl = predicted_service(flat, contacts.ravel(), aht.ravel(), targets, week.interval_minutes)
        sl_flat = np.nan_to_num(sl["service_level"].to_numpy(dtype=float), nan=1.0).reshape(T, n)
        sl_single = (sl_flat * contacts).sum(axis=1) / np.maximum(contacts.sum(axis=1), 1e-12)
    else:
        sl_single = np.full(T, np.nan)
    paid = (1.0 - demand[SHRINKAGE_PLANNED].to_numpy() - demand[SHRINKAGE_UNPLANNED].to_numpy()) * paid_hours_per_fte_week
    out = demand.copy()
    out[WORKLOAD_HOURS_PER_WEEK] = workload_hours
    out[AGENT_HOURS_PER_WEEK] = agent_hours
    out[PEAK_AGENTS] = agents.max(axis=1) if n else 0
    out[REQUIRED_FTE] = agent_hours / paid
    out[REQUIRED_FTE_SINGLE_AVERAGE] = single_hours / paid
    concurrency = targets.concurrency if targets.kind == "chat" else 1
    out[REQUIRED_FTE_WORKLOAD] = workload_hours / concurrency / paid
    out[SERVICE_LEVEL_SINGLE_AVERAGE] = sl_single
    return out


# ----------------------------------------------------------------------------- supply


def _proficiency(group: StaffGroup, tenure_days: np.ndarray) -> np.ndarray:
    """Share of full output at each tenure (days since the class started): 0 in training, ramp, 1."""
    h = group.hiring
    train = h.training_weeks * 7.0
    stage = np.floor((tenure_days - train) / (h.ramp_stage_weeks * 7.0)).astype(np.int64)
    curve = np.append(np.asarray(h.ramp_curve, dtype=float), 1.0)
    prof = curve[np.clip(stage, 0, len(curve) - 1)]
    return np.where(tenure_days < train, 0.0, prof)


def _cohort_days(group: StaffGroup, start_day: np.ndarray, tenure0_days: np.ndarray, n_days: int) -> tuple[np.ndarray, ...]:
    """Per cohort row and day ``0..n_days`` (inclusive): alive share, productive share, training flag.

    ``alive`` is the expected share of the cohort still employed at the *start* of each day:
    ``exp(sum over the days worked so far of ln(1 - m(tenure)) / 30.4375)``, i.e. the monthly
    attrition ``m`` of the tenure band compounded daily; 0 before the start day.
    """
    d = np.arange(n_days + 1)[None, :]
    ten = d - start_day[:, None] + tenure0_days[:, None]
    started = d >= start_day[:, None]
    rate = group.monthly_attrition(np.maximum(ten, 0) / DAYS_PER_MONTH)
    daily_log = np.where(started, np.log1p(-rate) / DAYS_PER_MONTH, 0.0)
    alive = np.where(started, np.exp(np.cumsum(daily_log, axis=1) - daily_log), 0.0)
    prof = _proficiency(group, ten.astype(float))
    training = started & (ten < group.hiring.training_weeks * 7.0)
    return alive, alive * prof, alive * training


def cohort_supply(
    group: StaffGroup,
    horizon: Horizon,
    *,
    start: dt.date | None = None,
    headcount: float = 1.0,
    tenure_months: float = 0.0,
) -> pd.DataFrame:
    """Expected heads and FTE of one cohort per period (to check the supply model by hand).

    Parameters
    ----------
    group : StaffGroup
        Attrition bands, ``fte_per_head``, training and ramp of the cohort.
    horizon : Horizon
    start : datetime.date, optional
        Class start date; ``None`` for staff already employed at the horizon start.
    headcount : float
        People in the cohort at ``start``.
    tenure_months : float
        Tenure at the horizon start (current staff only), months.

    Returns
    -------
    pandas.DataFrame
        ``period_start``, ``headcount_avg``, ``headcount_end``, ``fte_paid``,
        ``fte_in_training``, ``fte_productive`` (period averages; end = last day's close).
    """
    bounds = period_bounds(horizon)
    _, first, length = _day_grid(bounds)
    n_days = int(length.sum())
    s = 0 if start is None else (pd.Timestamp(start) - bounds[0]).days
    alive, prod, train = _cohort_days(group, np.array([s]), np.array([0.0 if start is not None else tenure_months * DAYS_PER_MONTH]), n_days)
    f = group.fte_per_head * headcount
    ends = np.append(first[1:], n_days)
    return pd.DataFrame({
        PERIOD_START: bounds[:-1],
        HEADCOUNT_AVG: headcount * _period_mean(alive[0, :-1], first, length),
        HEADCOUNT_END: headcount * alive[0, ends] * (s < ends),
        FTE_PAID: f * _period_mean(alive[0, :-1], first, length),
        FTE_IN_TRAINING: f * _period_mean(train[0, :-1], first, length),
        FTE_PRODUCTIVE: f * _period_mean(prod[0, :-1], first, length),
    })


@dataclass(frozen=True)
class _Supply:
    """Per-period coefficients of the current staff (fixed) and of one hire of each class."""

    base_heads: np.ndarray        # (G, T) average heads
    base_boundary: np.ndarray     # (G, T+1) heads at each period boundary
    base_paid: np.ndarray         # (G, T) paid FTE
    base_prod: np.ndarray         # (G, T)
    base_train: np.ndarray        # (G, T)
    class_group: np.ndarray       # (K,)
    class_start: list[pd.Timestamp]
    class_period: np.ndarray      # (K,) period in which the class starts
    class_heads: np.ndarray       # (K, T)
    class_boundary: np.ndarray    # (K, T+1) heads at boundaries, excluding a class starting on that day
    class_paid: np.ndarray
    class_prod: np.ndarray
    class_train: np.ndarray


def ignored_start_dates(group: StaffGroup, bounds: pd.DatetimeIndex) -> list[pd.Timestamp]:
    """Explicit ``hiring.start_dates`` dropped by :func:`class_start_dates` (too early or after the horizon)."""
    h = group.hiring
    if h.start_dates is None or h.class_max == 0:
        return []
    kept = set(class_start_dates(group, bounds))
    return sorted({pd.Timestamp(d) for d in h.start_dates} - kept)


def class_start_dates(group: StaffGroup, bounds: pd.DatetimeIndex) -> list[pd.Timestamp]:
    """Allowed class starts within the horizon, on or after the recruiting lead time.

    Explicit ``hiring.start_dates`` outside that window are dropped; by default every
    ``start_every_periods``-th period start is allowed. No starts when ``class_max == 0``.
    """
    h = group.hiring
    if h.class_max == 0:
        return []
    earliest = bounds[0] + pd.Timedelta(days=h.recruiting_weeks * 7.0)
    if h.start_dates is not None:
        cands = sorted({pd.Timestamp(d) for d in h.start_dates})
    else:
        cands = list(bounds[:-1][:: h.start_every_periods])
    return [c for c in cands if earliest <= c < bounds[-1]]


def _supply(settings: PlanSettings, bounds: pd.DatetimeIndex,
            fixed_starts: dict[int, list[pd.Timestamp]] | None = None) -> _Supply:
    _, first, length = _day_grid(bounds)
    n_days = int(length.sum())
    T, G = len(length), len(settings.groups)
    boundary_days = np.append(first, n_days)
    base = {k: np.zeros((G, T)) for k in ("heads", "paid", "prod", "train")}
    base_boundary = np.zeros((G, T + 1))
    cls: dict[str, list[np.ndarray]] = {k: [] for k in ("heads", "paid", "prod", "train", "boundary")}
    class_group: list[int] = []
    class_start: list[pd.Timestamp] = []
    for g, group in enumerate(settings.groups):
        if group.cohorts:
            heads = np.array([c.headcount for c in group.cohorts], dtype=float)
            alive, prod, train = _cohort_days(group, np.zeros(len(heads), dtype=np.int64),
                                              np.array([c.tenure_months * DAYS_PER_MONTH for c in group.cohorts]), n_days)
            base["heads"][g] = heads @ _period_mean(alive[:, :-1], first, length)
            base["paid"][g] = base["heads"][g] * group.fte_per_head
            base["prod"][g] = group.fte_per_head * heads @ _period_mean(prod[:, :-1], first, length)
            base["train"][g] = group.fte_per_head * heads @ _period_mean(train[:, :-1], first, length)
            base_boundary[g] = heads @ alive[:, boundary_days]
        starts = class_start_dates(group, bounds) if fixed_starts is None else fixed_starts.get(g, [])
        if starts:
            sday = np.array([(s - bounds[0]).days for s in starts], dtype=np.int64)
            alive, prod, train = _cohort_days(group, sday, np.zeros(len(starts)), n_days)
            heads_avg = _period_mean(alive[:, :-1], first, length)
            cls["heads"].append(heads_avg)
            cls["paid"].append(heads_avg * group.fte_per_head)
            cls["prod"].append(group.fte_per_head * _period_mean(prod[:, :-1], first, length))
            cls["train"].append(group.fte_per_head * _period_mean(train[:, :-1], first, length))
            bnd = alive[:, boundary_days] * (sday[:, None] < boundary_days[None, :])
            cls["boundary"].append(bnd)
            class_group += [g] * len(starts)
            class_start += starts
    K = len(class_start)

    def stack(key: str, width: int) -> np.ndarray:
        return np.vstack(cls[key]) if cls[key] else np.zeros((0, width))

    class_period = np.searchsorted(boundary_days, [(s - bounds[0]).days for s in class_start], side="right") - 1
    return _Supply(base["heads"], base_boundary, base["paid"], base["prod"], base["train"],
                   np.asarray(class_group, dtype=np.int64), class_start, np.asarray(class_period, dtype=np.int64).reshape(K),
                   stack("heads", T), stack("boundary", T + 1), stack("paid", T), stack("prod", T), stack("train", T))


# ----------------------------------------------------------------------------- results


@dataclass(frozen=True)
class PlanResult:
    """An optimised capacity plan.

    Attributes
    ----------
    name : str
        Scenario name (``base`` for the plan itself).
    status : str
        ``optimal``, ``feasible`` (time limit, see ``gap``) - infeasible plans raise instead.
    periods : pandas.DataFrame
        One row per period, :data:`PERIOD_COLUMNS` (demand, required FTE, supply, gap, costs).
    groups : pandas.DataFrame
        One row per period and group, :data:`GROUP_COLUMNS`.
    classes : pandas.DataFrame
        The hiring plan, one row per class that runs, :data:`CLASS_COLUMNS`.
    total_cost : float
        Budget over the horizon: salaries + training + overtime (no penalty), currency.
    objective, bound, gap : float
        Budget + shortfall penalty of this plan, the solver's proven lower bound on it, and
        the relative gap between them.
    solve_seconds, requirements_seconds : float
        Wall time of the MIP and of the queueing computation.
    week : RepresentativeWeek
    currency : str
    optimised : bool
        ``False`` when the classes were given (``fixed_classes``) and only evaluated.
    notes : tuple of str
        Warnings for the reader (e.g. class start dates that were ignored).
    """

    name: str
    status: str
    periods: pd.DataFrame
    groups: pd.DataFrame
    classes: pd.DataFrame
    total_cost: float
    objective: float
    bound: float
    gap: float
    solve_seconds: float
    requirements_seconds: float
    week: RepresentativeWeek
    currency: str
    optimised: bool = True
    notes: tuple[str, ...] = ()

    def summary(self) -> str:
        """A plain-text summary for the CLI."""
        p = self.periods
        cur = self.currency
        T = len(p)
        unit = "months" if p[DAYS].max() > 7 else "weeks"
        req = p[REQUIRED_FTE]
        peak = int(req.to_numpy().argmax())
        single_text = ""
        if REQUIRED_FTE_SINGLE_AVERAGE in p.columns:
            single = p[REQUIRED_FTE_SINGLE_AVERAGE]
            work = p[REQUIRED_FTE_WORKLOAD]
            single_text = (f"; one average interval of the week would say {single.mean():.1f} "
                           f"({100 * (single.mean() / req.mean() - 1):+.1f} %) but, staffed flat, would answer "
                           f"{100 * p[SERVICE_LEVEL_SINGLE_AVERAGE].mean():.0f} % in time; workload without queueing "
                           f"{work.mean():.1f} ({100 * (work.mean() / req.mean() - 1):+.1f} %)")
        lines = [
            (f"Plan '{self.name}'{'' if self.optimised else ' (given hiring plan, overtime optimised)'}: {T} {unit} "
             f"from {p[PERIOD_START].iloc[0].date()} - solver {self.status} in "
            f"{self.solve_seconds:.2f} s (gap {100 * self.gap:.2f} %); queueing {self.requirements_seconds:.2f} s"),
            f"Demand shape: {self.week.source}",
            f"Required FTE: mean {req.mean():.1f}, peak {req.max():.1f} ({p[PERIOD_START].iloc[peak].date()})"
            + single_text,
            (f"Headcount: {p[HEADCOUNT_START].iloc[0]:.1f} at start, {p[HEADCOUNT_END].iloc[-1]:.1f} at end; "
            f"{int(p[HIRES].sum())} hires, {p[LEAVERS].sum():.1f} expected leavers"),
            (f"Budget: {self.total_cost:,.0f} {cur} = salaries {p[COST_SALARIES].sum():,.0f} + training "
            f"{p[COST_TRAINING].sum():,.0f} + overtime {p[COST_OVERTIME].sum():,.0f}"),
        ]
        if len(self.classes):
            lines.append("Hiring classes:")
            for _, c in self.classes.iterrows():
                lines.append(f"  {c[GROUP]:<12} start {c[CLASS_START].date()} (decide by {c[DECIDE_BY].date()}): "
                             f"{int(c[HIRES])} hires, on the floor {c[TRAINING_END].date()}, fully proficient "
                             f"{c[FULLY_PROFICIENT].date()}")
        else:
            lines.append("Hiring classes: none")
        lines += [f"Note: {n}" for n in self.notes]
        short = p[p[SHORTFALL_FTE] > 0.05]
        if len(short):
            lines.append(f"Under-staffed periods ({len(short)}): " + ", ".join(
                f"{r[PERIOD_START].date()} short {r[SHORTFALL_FTE]:.1f} FTE" for _, r in short.head(6).iterrows())
                + (" ..." if len(short) > 6 else "")
                + f"; penalty {p[SHORTFALL_PENALTY].sum():,.0f} {cur} (not in the budget)")
        else:
            lines.append("Every period is covered (gap >= 0).")
        return "\n".join(lines)


def pay_index(settings: PlanSettings) -> np.ndarray:
    """Mean pay level of each period relative to the start (pay rises on the 1st of ``pay_rise_month``).

    ``(1 + pay_rise_annual)^k`` on each day, ``k`` = rises passed since the horizon start
    (a rise on the first day is already in the costs), averaged over the period's days.
    """
    bounds = period_bounds(settings.horizon)
    days, first, length = _day_grid(bounds)
    if settings.pay_rise_annual == 0:
        return np.ones(len(length))
    rise = (days.day == 1) & (days.month == settings.pay_rise_month)
    rise[0] = False
    level = (1.0 + settings.pay_rise_annual) ** np.cumsum(rise)
    return _period_mean(level, first, length)


def _problem(settings: PlanSettings, req: pd.DataFrame, sup: _Supply, fixed: np.ndarray | None = None) -> PlanningProblem:
    days = req[DAYS].to_numpy(dtype=float)
    labels = tuple(str(s.date()) if settings.horizon.period == "week" else s.strftime("%Y-%m") for s in req[PERIOD_START])
    groups = settings.groups
    fte_cost = np.outer([g.annual_cost_per_fte for g in groups], days / DAYS_PER_YEAR * pay_index(settings))
    cg = sup.class_group
    return PlanningProblem(
        period_labels=labels,
        required_fte=req[REQUIRED_FTE].to_numpy(dtype=float),
        fte_cost=fte_cost,
        base_productive_fte=sup.base_prod,
        base_paid_fte=sup.base_paid,
        group_names=tuple(g.name for g in groups),
        overtime_share=np.array([g.max_overtime_share for g in groups]),
        overtime_premium=np.array([g.overtime_premium for g in groups]),
        class_group=cg,
        class_labels=tuple(f"{groups[g].name}, class {s.date()}" for g, s in zip(cg, sup.class_start)),
        class_min=np.array([groups[g].hiring.class_min for g in cg], dtype=np.int64) if fixed is None
        else np.zeros(len(cg), dtype=np.int64),
        class_max=np.array([groups[g].hiring.class_max for g in cg], dtype=np.int64) if fixed is None
        else fixed.astype(np.int64),
        class_productive_fte=sup.class_prod,
        class_paid_fte=sup.class_paid,
        cost_per_hire=np.array([groups[g].hiring.training_cost_per_hire for g in cg], dtype=float),
        cost_per_class=np.array([groups[g].hiring.cost_per_class for g in cg], dtype=float),
        shortfall_penalty=(settings.penalty_per_fte_month * days / DAYS_PER_MONTH) if settings.allow_shortfall else None,
        class_fixed=None if fixed is None else fixed.astype(np.int64),
        headcount_room=None if settings.max_headcount is None or fixed is not None else np.maximum(
            settings.max_headcount - np.vstack([sup.base_heads.sum(axis=0), sup.base_boundary[:, 1:].sum(axis=0)]), 0.0),
        class_heads=None if settings.max_headcount is None or fixed is not None else np.stack([sup.class_heads, sup.class_boundary[:, 1:]]),
    )


def _fixed_classes(settings: PlanSettings, bounds: pd.DatetimeIndex,
                   classes: pd.DataFrame) -> tuple[dict[int, list[pd.Timestamp]], np.ndarray]:
    """Validate a given hiring plan (``group``, ``class_start``, ``hires``) into starts and sizes."""
    source = "fixed classes"
    missing = [c for c in (GROUP, CLASS_START, HIRES) if c not in classes.columns]
    if missing:
        raise InputError(f"{source}: missing column(s) {missing}; expected group, class_start, hires, "
                         f"found {list(classes.columns)}.")
    names = [g.name for g in settings.groups]
    df = classes.reset_index(drop=True)
    starts = S.parse_timestamps(df[CLASS_START], column=CLASS_START, source=source)
    hires = pd.to_numeric(df[HIRES], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    sizes: dict[tuple[int, pd.Timestamp], float] = {}
    for i in range(len(df)):
        where = f"{source}: row {i + 1} (CSV line {i + 2})"
        name = str(df[GROUP].iloc[i])
        if name not in names:
            raise InputError(f"{where}, column 'group': unknown group {name!r}; groups are {names}.")
        h = hires[i]
        if not (np.isfinite(h) and h >= 0 and float(h).is_integer()):
            raise InputError(f"{where}, column 'hires': expected a whole number >= 0, found {df[HIRES].iloc[i]!r}.")
        start = pd.Timestamp(starts.iloc[i]).normalize()
        if not bounds[0] <= start < bounds[-1]:
            raise InputError(f"{where}, column 'class_start': {start.date()} is outside the horizon "
                             f"{bounds[0].date()}..{(bounds[-1] - pd.Timedelta(days=1)).date()}.")
        key = (names.index(name), start)
        sizes[key] = sizes.get(key, 0.0) + h
    by_group: dict[int, list[pd.Timestamp]] = {}
    for (g, start) in sorted(sizes, key=lambda k: (k[0], k[1])):
        by_group.setdefault(g, []).append(start)
    fixed = np.array([sizes[(g, st)] for g in sorted(by_group) for st in by_group[g]], dtype=float)
    return by_group, fixed


def explain_infeasible(settings: PlanSettings, problem: PlanningProblem) -> str | None:
    """Why the required FTE cannot be met in some period, or ``None`` if every period can be.

    The most productive FTE a period can have is reached with every allowed class at
    ``class_max`` and overtime at its cap (all coefficients are >= 0), so comparing that
    maximum with the requirement is an exact test of the hard-coverage model.
    """
    p = problem
    G = len(p.group_names)
    per_group_class = np.zeros((G, len(p.period_labels)))
    for g in range(G):
        ks = p.class_group == g
        per_group_class[g] = (p.class_productive_fte[ks] * p.class_max[ks, None]).sum(axis=0)
    base = p.base_productive_fte.sum(axis=0)
    classes = per_group_class.sum(axis=0)
    overtime = (p.overtime_share[:, None] * (p.base_productive_fte + per_group_class)).sum(axis=0)
    best = base + classes + overtime
    short = np.flatnonzero(best < p.required_fte - 1e-6)
    if short.size == 0:
        return None
    t = int(short[0])
    hints = []
    for g, group in enumerate(settings.groups):
        h = group.hiring
        n_starts = int((p.class_group == g).sum())
        if h.class_max == 0:
            hints.append(f"{group.name}: no hiring (hiring.class_max = 0)")
        elif n_starts == 0:
            hints.append(f"{group.name}: no allowed class start date inside the horizon after {h.recruiting_weeks:g} "
                         "weeks of recruiting (hiring.start_dates / recruiting_weeks)")
        else:
            hints.append(f"{group.name}: classes of at most {h.class_max} (hiring.class_max) on {n_starts} allowed start "
                         f"date(s), {h.recruiting_weeks:g} weeks "
                         f"recruiting + {h.training_weeks:g} weeks training before anyone is on the floor"
                         + (f", ramp {list(h.ramp_curve)}" if h.ramp_curve else ""))
    periods = ", ".join(f"{p.period_labels[i]} ({p.required_fte[i] - best[i]:.1f} FTE short)" for i in short[:6])
    return (
        f"infeasible: the required FTE cannot be met in {short.size} period(s): {periods}"
        f"{' ...' if short.size > 6 else ''}. In {p.period_labels[t]} the plan needs {p.required_fte[t]:.1f} FTE but at "
        f"most {best[t]:.1f} can be on the floor: {base[t]:.1f} from current staff after attrition, {classes[t]:.1f} "
        f"from every allowed class at its maximum size, {overtime[t]:.1f} overtime. Rules: " + "; ".join(hints)
        + ". Fix: raise hiring.class_max, allow earlier start dates (hiring.start_dates / recruiting_weeks), shorten "
        "training, allow overtime (max_overtime_share), or set plan.allow_shortfall = true to accept a penalised gap."
    )


def solve_plan(settings: PlanSettings, required: pd.DataFrame, *, week: RepresentativeWeek | None = None,
               requirements_seconds: float = 0.0, fixed_classes: pd.DataFrame | None = None) -> PlanResult:
    """Optimal hiring classes for a given required-FTE table (or the outcome of a given plan).

    Parameters
    ----------
    settings : PlanSettings
        Groups, hiring rules, costs, penalty and solver options (the demand part is not used).
    required : pandas.DataFrame
        At least ``period_start``, ``days`` and ``required_fte`` for each period of
        ``settings.horizon`` (e.g. from :func:`required_fte`, or typed by hand).
    week : RepresentativeWeek, optional
        Kept in the result for the summary.
    fixed_classes : pandas.DataFrame, optional
        A hiring plan to *evaluate* instead of optimising: columns ``group``, ``class_start``
        (date), ``hires`` (whole people). Any start date inside the horizon is accepted;
        class size limits and allowed dates are not applied. Overtime (and, when allowed,
        shortfall) are still chosen optimally, so the result is that plan's best outcome.

    Returns
    -------
    PlanResult

    Raises
    ------
    InfeasibleError
        When coverage is hard (``allow_shortfall = false``) and some period cannot be
        covered even with every class at its maximum; the message names the periods, the
        supply breakdown and the rules to relax. Also when the solver finds no solution in
        the time limit.
    """
    bounds = period_bounds(settings.horizon)
    if len(required) != len(bounds) - 1 or REQUIRED_FTE not in required.columns:
        raise InputError(f"required: expected {len(bounds) - 1} rows (one per period) with column '{REQUIRED_FTE}', "
                         f"found {len(required)} rows and columns {list(required.columns)}.")
    req = required.reset_index(drop=True).copy()
    if PERIOD_START not in req.columns:
        req[PERIOD_START] = bounds[:-1]
    if DAYS not in req.columns:
        req[DAYS] = np.diff((bounds - bounds[0]).days.to_numpy())
    if fixed_classes is not None:
        starts, fixed = _fixed_classes(settings, bounds, fixed_classes)
        sup = _supply(settings, bounds, starts)
        problem = _problem(settings, req, sup, fixed)
    else:
        sup = _supply(settings, bounds)
        problem = _problem(settings, req, sup)
    if not settings.allow_shortfall:
        why = explain_infeasible(settings, problem)
        if why and fixed_classes is not None:
            why = why.split(" Rules: ")[0] + " with the fixed hiring plan given. Fix: hire more or earlier, or " \
                "set plan.allow_shortfall = true to see the gap."
        if why:
            raise InfeasibleError(f"plan '{settings.name}': {why}")
    sol = solve(problem, settings.solver)
    if sol.status == "infeasible" and settings.max_headcount is not None:
        room = problem.headcount_room
        tight = [problem.period_labels[t] for t in range(len(req)) if room is not None and room[1, t] < 1.0]
        raise InfeasibleError(
            f"plan '{settings.name}': infeasible: every period could be covered on its own, but not within the "
            f"approved headcount plan.max_headcount = {settings.max_headcount:g}"
            + (f" (no room for any hire at the end of {', '.join(tight[:6])})" if tight else "")
            + ". Fix: raise plan.max_headcount, allow overtime, or set plan.allow_shortfall = true."
        )
    if sol.status not in ("optimal", "feasible"):
        raise InfeasibleError(
            f"plan '{settings.name}': the solver returned '{sol.status}' after {sol.solve_seconds:.1f} s "
            f"({sol.num_variables} variables, {sol.num_constraints} constraints); raise solver.time_limit_seconds "
            "or set plan.allow_shortfall = true."
        )
    result = _report(settings, req, sup, problem, sol, week, requirements_seconds)
    notes = []
    if fixed_classes is None:
        for group in settings.groups:
            dropped = ignored_start_dates(group, bounds)
            if dropped:
                earliest = (bounds[0] + pd.Timedelta(days=group.hiring.recruiting_weeks * 7.0)).date()
                notes.append(f"{group.name}: {len(dropped)} hiring.start_dates ignored (before the recruiting lead time "
                             f"{earliest} or after the horizon): " + ", ".join(str(d.date()) for d in dropped[:5]))
    cap = settings.max_headcount
    if cap is not None:
        heads = np.maximum(result.periods[HEADCOUNT_AVG].to_numpy(), result.periods[HEADCOUNT_END].to_numpy())
        over = np.flatnonzero(heads > cap + 1e-6)
        if over.size:
            labels = ", ".join(problem.period_labels[t] for t in over[:6]) + (" ..." if over.size > 6 else "")
            notes.append(f"expected headcount above plan.max_headcount = {cap:g} in {over.size} period(s): {labels}"
                         + (" (current staff; no layoffs)" if fixed_classes is None else " (given hiring plan)"))
    return dataclasses.replace(result, optimised=fixed_classes is None, notes=tuple(notes))


def _report(settings: PlanSettings, req: pd.DataFrame, sup: _Supply, p: PlanningProblem, sol: MipSolution,
            week: RepresentativeWeek | None, requirements_seconds: float) -> PlanResult:
    T, G = len(req), len(settings.groups)
    x = sol.hires
    starts = req[PERIOD_START].to_numpy()
    K = len(x)
    onehot = np.zeros((G, K))
    onehot[sup.class_group, np.arange(K)] = 1.0
    gx = onehot * x[None, :]  # (G, K) hires by group
    heads = sup.base_heads + gx @ sup.class_heads
    paid = sup.base_paid + gx @ sup.class_paid
    prod = sup.base_prod + gx @ sup.class_prod
    train = sup.base_train + gx @ sup.class_train
    boundary = sup.base_boundary + gx @ sup.class_boundary
    hires = np.zeros((G, T), dtype=np.int64)
    np.add.at(hires, (sup.class_group, sup.class_period), np.rint(x).astype(np.int64))
    leavers = boundary[:, :-1] + hires - boundary[:, 1:]
    cost_sal = p.fte_cost * paid
    cost_train = np.zeros((G, T))
    runs = (x > 0).astype(float)
    np.add.at(cost_train, (sup.class_group, sup.class_period), x * p.cost_per_hire + runs * p.cost_per_class)
    cost_ot = p.fte_cost * (1.0 + p.overtime_premium[:, None]) * sol.overtime_fte
    groups = pd.DataFrame({
        PERIOD_START: np.tile(starts, G),
        GROUP: np.repeat([g.name for g in settings.groups], T),
        HEADCOUNT_START: boundary[:, :-1].ravel(), HIRES: hires.ravel(), LEAVERS: leavers.ravel(),
        HEADCOUNT_END: boundary[:, 1:].ravel(), HEADCOUNT_AVG: heads.ravel(), FTE_PAID: paid.ravel(),
        FTE_IN_TRAINING: train.ravel(), FTE_PRODUCTIVE: prod.ravel(), OVERTIME_FTE: sol.overtime_fte.ravel(),
        COST_SALARIES: cost_sal.ravel(), COST_TRAINING: cost_train.ravel(), COST_OVERTIME: cost_ot.ravel(),
    })[list(GROUP_COLUMNS)]
    periods = req.copy()
    for col, arr in ((HEADCOUNT_START, boundary[:, :-1]), (HIRES, hires), (LEAVERS, leavers),
                     (HEADCOUNT_END, boundary[:, 1:]), (HEADCOUNT_AVG, heads), (FTE_PAID, paid),
                     (FTE_IN_TRAINING, train), (FTE_PRODUCTIVE, prod), (OVERTIME_FTE, sol.overtime_fte)):
        periods[col] = arr.sum(axis=0)
    periods[SUPPLY_FTE] = periods[FTE_PRODUCTIVE] + periods[OVERTIME_FTE]
    periods[GAP_FTE] = periods[SUPPLY_FTE] - periods[REQUIRED_FTE]
    periods[SHORTFALL_FTE] = np.maximum(-periods[GAP_FTE].to_numpy(), 0.0)
    periods[SHORTFALL_FTE] = periods[SHORTFALL_FTE].where(periods[SHORTFALL_FTE] > 1e-6, 0.0)
    periods[COST_SALARIES] = cost_sal.sum(axis=0)
    periods[COST_TRAINING] = cost_train.sum(axis=0)
    periods[COST_OVERTIME] = cost_ot.sum(axis=0)
    periods[COST_TOTAL] = periods[COST_SALARIES] + periods[COST_TRAINING] + periods[COST_OVERTIME]
    penalty = p.shortfall_penalty if p.shortfall_penalty is not None else np.zeros(T)
    periods[SHORTFALL_PENALTY] = penalty * periods[SHORTFALL_FTE].to_numpy()
    cols = [c for c in PERIOD_COLUMNS if c in periods.columns]
    periods = periods[cols + [c for c in periods.columns if c not in cols]]
    runs_idx = np.flatnonzero(x > 0)
    rows = []
    for k in runs_idx:
        g = settings.groups[int(sup.class_group[k])]
        h = g.hiring
        start = sup.class_start[k]
        rows.append({
            GROUP: g.name,
            DECIDE_BY: start - pd.Timedelta(days=int(np.ceil(h.recruiting_weeks * 7.0 - 1e-9))),
            CLASS_START: start,
            TRAINING_END: start + pd.Timedelta(days=int(np.ceil(h.training_weeks * 7.0 - 1e-9))),
            FULLY_PROFICIENT: start + pd.Timedelta(
                days=int(np.ceil((h.training_weeks + h.ramp_stage_weeks * len(h.ramp_curve)) * 7.0 - 1e-9))),
            HIRES: int(x[k]),
            COST_TRAINING: float(x[k] * h.training_cost_per_hire + h.cost_per_class),
        })
    classes = pd.DataFrame(rows, columns=list(CLASS_COLUMNS))
    total = float(periods[COST_TOTAL].sum())
    # The objective is recomputed from the integer plan: the solver may stop (within its relative
    # gap) with a continuous shortfall slightly above the true gap; the bound stays the solver's.
    objective = total + float(periods[SHORTFALL_PENALTY].sum())
    bound = min(sol.bound, objective)
    gap = (objective - bound) / objective if objective > 0 else 0.0
    return PlanResult(settings.name, sol.status, periods, groups, classes, total, objective, bound, gap,
                      sol.solve_seconds, requirements_seconds,
                      week if week is not None else RepresentativeWeek(np.zeros(0, np.int64), np.zeros(0), np.zeros(0),
                                                                        60.0, None, None, "required FTE given"),
                      settings.currency)


def plan(settings: PlanSettings, *, week: RepresentativeWeek | None = None,
         fixed_classes: pd.DataFrame | None = None) -> PlanResult:
    """Required FTE from the queueing engine, then the optimal hiring plan.

    Parameters
    ----------
    settings : PlanSettings
    week : RepresentativeWeek, optional
        Reuse a week shape (scenarios do, to read the forecast once).
    fixed_classes : pandas.DataFrame, optional
        Evaluate this hiring plan instead of optimising (see :func:`solve_plan`).

    Returns
    -------
    PlanResult
    """
    wk = week if week is not None else representative_week(settings.demand)
    started = time.perf_counter()
    req = required_fte(period_demand(settings, wk), wk, settings.targets, settings.paid_hours_per_fte_week)
    elapsed = time.perf_counter() - started
    return solve_plan(settings, req, week=wk, requirements_seconds=elapsed, fixed_classes=fixed_classes)


# ----------------------------------------------------------------------------- scenarios


@dataclass(frozen=True)
class ScenarioComparison:
    """Scenarios side by side.

    Attributes
    ----------
    summary : pandas.DataFrame
        One row per scenario: ``scenario``, ``status``, ``total_cost``, ``cost_salaries``,
        ``cost_training``, ``cost_overtime``, ``delta_cost`` (vs the first row), ``hires``,
        ``required_fte_mean``, ``required_fte_peak``, ``headcount_end``, ``shortfall_fte_months``,
        ``shortfall_penalty``.
    periods : pandas.DataFrame
        ``period_start`` then, per scenario, ``required_fte[name]``, ``supply_fte[name]``,
        ``hires[name]``, ``cost_total[name]``.
    results : tuple of PlanResult
    """

    summary: pd.DataFrame
    periods: pd.DataFrame
    results: tuple[PlanResult, ...]


def compare_scenarios(settings: PlanSettings, scenarios: Sequence[Scenario] | None = None, *,
                      base: PlanResult | None = None) -> ScenarioComparison:
    """Solve the base plan and each scenario; tabulate cost and FTE side by side.

    ``scenarios`` defaults to ``settings.scenarios``. The representative week is read once.
    """
    wk = base.week if base is not None and base.week.volume_share.size else representative_week(settings.demand)
    results = [base if base is not None else plan(settings, week=wk)]
    for sc in (settings.scenarios if scenarios is None else scenarios):
        results.append(plan(sc.apply(settings), week=wk))
    rows = []
    per = pd.DataFrame({PERIOD_START: results[0].periods[PERIOD_START]})
    for r in results:
        p = r.periods
        month_weight = p[DAYS] / DAYS_PER_MONTH
        rows.append({
            "scenario": r.name, "status": r.status, "total_cost": r.total_cost,
            COST_SALARIES: p[COST_SALARIES].sum(), COST_TRAINING: p[COST_TRAINING].sum(),
            COST_OVERTIME: p[COST_OVERTIME].sum(), "delta_cost": r.total_cost - results[0].total_cost,
            HIRES: int(p[HIRES].sum()), "required_fte_mean": p[REQUIRED_FTE].mean(),
            "required_fte_peak": p[REQUIRED_FTE].max(), HEADCOUNT_END: p[HEADCOUNT_END].iloc[-1],
            "shortfall_fte_months": float((p[SHORTFALL_FTE] * month_weight).sum()),
            SHORTFALL_PENALTY: p[SHORTFALL_PENALTY].sum(),
        })
        for col in (REQUIRED_FTE, SUPPLY_FTE, HIRES, COST_TOTAL):
            per[f"{col}[{r.name}]"] = p[col].to_numpy()
    return ScenarioComparison(pd.DataFrame(rows), per, tuple(results))


def sensitivity_table(settings: PlanSettings, *, base: PlanResult | None = None) -> pd.DataFrame:
    """Cost of one more unit of each driver, by re-optimising with a finite step.

    Drivers and units: service level (+1 point, e.g. 80 % -> 81 %), AHT (+1 second), volume
    (+1 %), monthly attrition (+1 point). Each is solved once with ``settings.sensitivity``'s
    step and the difference divided by the step in units, so a larger AHT step (default 10 s)
    averages out the whole-agent rounding of the interval staffing.

    Returns
    -------
    pandas.DataFrame
        ``driver``, ``unit``, ``base_value``, ``step``, ``total_cost`` (budget with the step),
        ``delta_cost`` (budget change), ``delta_objective`` (budget + shortfall penalty change),
        ``cost_per_unit`` (= ``delta_objective`` per unit, currency over the horizon),
        ``budget_per_unit`` (= ``delta_cost`` per unit), ``delta_required_fte_mean``,
        ``required_fte_per_unit``, ``delta_hires``.

    Notes
    -----
    ``cost_per_unit`` uses the optimised objective (budget + penalty): a higher requirement can
    never lower it, whereas the budget alone can fall when the optimiser accepts a little more
    shortfall instead of another hire. Both are shown; they coincide when nothing is short.
    Attrition is not monotone: leavers also remove the salaries of surplus staff (the model has
    no layoffs), so more attrition can lower the cost of an over-staffed plan.
    """
    steps = settings.sensitivity
    wk = base.week if base is not None and base.week.volume_share.size else representative_week(settings.demand)
    b = base if base is not None else plan(settings, week=wk)
    sl = settings.targets.service_level
    drivers: list[tuple[str, str, float | None, float, float, Scenario]] = []
    if sl is not None:
        new_sl = min(sl + steps.service_level_points / 100.0, 0.999)
        drivers.append(("service_level", "point", 100 * sl, 100 * (new_sl - sl), 100 * (new_sl - sl),
                        Scenario("sl+", service_level=new_sl)))
    aht0 = float(b.periods[AHT_SECONDS].mean())
    drivers.append(("aht", "second", aht0, steps.aht_seconds, steps.aht_seconds,
                    Scenario("aht+", aht_delta_seconds=steps.aht_seconds)))
    drivers.append(("volume", "percent", 100.0, 100 * steps.volume_share, 100 * steps.volume_share,
                    Scenario("vol+", volume_multiplier=1.0 + steps.volume_share)))
    attr0 = max(float(g.attrition[-1].monthly_rate) for g in settings.groups)
    drivers.append(("attrition_monthly", "point", 100 * attr0, steps.attrition_points, steps.attrition_points,
                    Scenario("attr+", attrition_points=steps.attrition_points / 100.0)))
    rows = []
    for name, unit, base_value, step, units, sc in drivers:
        r = plan(sc.apply(settings), week=wk)
        dreq = float(r.periods[REQUIRED_FTE].mean() - b.periods[REQUIRED_FTE].mean())
        rows.append({
            "driver": name, "unit": unit, "base_value": base_value, "step": step,
            "total_cost": r.total_cost, "delta_cost": r.total_cost - b.total_cost,
            "delta_objective": r.objective - b.objective,
            "cost_per_unit": (r.objective - b.objective) / units,
            "budget_per_unit": (r.total_cost - b.total_cost) / units,
            "delta_required_fte_mean": dreq, "required_fte_per_unit": dreq / units,
            "delta_hires": int(r.periods[HIRES].sum() - b.periods[HIRES].sum()),
        })
    return pd.DataFrame(rows)

