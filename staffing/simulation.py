"""Discrete-event simulation of a contact centre: what a roster (or a staffing plan) really delivers.

Erlang formulas assume a steady state inside every interval, that every scheduled
agent is there and that nothing carries over between intervals.  This module
simulates the actual day: queues carry over, breaks leave holes, agents call in
sick and callers hang up.  It runs independent seeded replications and reports
every measure with a t-based confidence interval.

Model
-----
* **Arrivals**: Poisson with the forecast rate of each interval (``contacts`` per
  interval, uniform arrival times inside the interval).  With ``arrival_cv > 0``
  the rate of every interval is multiplied by an independent Gamma variable of
  mean 1 and coefficient of variation ``arrival_cv`` (a Poisson-Gamma mixture:
  :math:`\\mathrm{Var}[N] = m + \\mathrm{cv}^2 m^2`, Jongbloed & Koole 2001).
* **Handle times**: exponential with the interval's ``aht_seconds``, or lognormal
  with that mean and coefficient of variation ``handle_time_cv`` (per interval when the
  forecast has a ``handle_time_cv`` column)
  (:math:`\\sigma^2 = \\ln(1 + \\mathrm{cv}^2)`, :math:`\\mu = \\ln \\mathrm{AHT} - \\sigma^2/2`).
* **Patience**: exponential with mean ``patience_seconds``; ``None``: nobody abandons (Erlang C).
* **Agents**: a number on duty per minute, from a roster (shift minus break and
  lunch, see :func:`roster_agents_per_minute`) or from a staffing frame (agents per
  interval).  Unplanned absence: each agent (roster) or each staffing slot
  (the ``k``-th agent of a day) is absent for the whole day with probability
  ``absence_probability``.  When the count drops, an idle agent leaves at once;
  if all are busy, the first to finish a call leaves after it (no call is cut).
* **Queue**: one channel, first come first served.  Contacts still queued at the
  end of the horizon are counted as ``waiting_at_end``.

Measures (per interval of *arrival*, per replication, then mean and CI)
-----------------------------------------------------------------------
Service level uses the queueing engine's definitions
(:class:`staffing.settings.ServiceTargets.service_level_definition`): answered
within ``answer_seconds`` over offered (default), over answered, or over offered
minus contacts that abandoned within ``answer_seconds``.  ASA is the mean wait of
answered contacts, ``average_wait_seconds`` the mean wait of all contacts that
left the queue (answered or abandoned), ``wait_p90_seconds`` the 90th percentile
of those waits; occupancy is busy agent-seconds over agent-seconds on duty (slot-seconds
with chat concurrency);
``queue_length`` is the number of contacts waiting at the end of the interval.

References
----------
.. [1] Koole, G. (2013). *Call Center Optimization*. MG books, ch. 5 and 11.
.. [2] Jongbloed, G. & Koole, G. (2001). Managing uncertainty in call centres using
   Poisson mixtures. *Applied Stochastic Models in Business and Industry* 17, 307-318.
.. [3] Law, A. M. (2015). *Simulation Modeling and Analysis*, 5th ed., sec. 9.4
   (independent replications, t confidence intervals).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from typing import Final, Literal

import numpy as np
import pandas as pd
from scipy import stats

from staffing import schema as S
from staffing.errors import InputError
from staffing.settings import ServiceTargets
from staffing.simulation_kernel import ABANDONED, ANSWERED, WAITING, group_quantile, simulate_queue

__all__ = [
    "COMPARISON_COLUMNS",
    "HANDLE_TIME_CV",
    "INTERVAL_COLUMNS",
    "KPI_COLUMNS",
    "ROSTER_REQUIRED_COLUMNS",
    "STAFFING_REQUIRED_COLUMNS",
    "ReplicationCounts",
    "SimulationResult",
    "SimulationSettings",
    "compare_with_erlang",
    "confidence_interval",
    "draw_contacts",
    "roster_agents_per_minute",
    "simulate",
    "simulate_arrays",
    "simulate_channels",
    "summarise_days",
    "summarise_period",
    "validate_roster",
    "validate_staffing",
]

# ----------------------------------------------------------------------------- columns

#: Roster columns (contract with :mod:`staffing.scheduling`; same names as its schema).
AGENT_ID: Final = "agent_id"
DATE: Final = "date"
ACTIVITY: Final = "activity"
START: Final = "start"
END: Final = "end"
ROSTER_REQUIRED_COLUMNS: Final = (AGENT_ID, DATE, ACTIVITY, START, END)
SHIFT: Final = "shift"
ON_DUTY_EXCEPTIONS: Final = ("break", "lunch")

#: Optional forecast column: per-interval CV of lognormal handle times.
HANDLE_TIME_CV: Final = "handle_time_cv"

#: Staffing input columns.
STAFFING_REQUIRED_COLUMNS: Final = (S.INTERVAL_START, S.AGENTS)

#: Measures reported per interval and for the period, each with ``_lower``/``_upper`` bounds.
KPI_COLUMNS: Final = (
    "offered",
    "answered",
    "abandoned",
    "waiting_at_end",
    "service_level",
    "asa_seconds",
    "average_wait_seconds",
    "wait_p90_seconds",
    "abandon_rate",
    "prob_wait",
    "occupancy",
    "queue_length",
)
_SHARE_KPIS: Final = ("service_level", "abandon_rate", "prob_wait", "occupancy")

#: Columns of :attr:`SimulationResult.intervals` (and of KPIS.csv written by ``wfm simulate``).
INTERVAL_COLUMNS: Final = (
    (S.INTERVAL_START, S.CHANNEL, S.CONTACTS, S.AHT_SECONDS, S.AGENTS)
    + tuple(c for k in KPI_COLUMNS for c in (k, f"{k}_lower", f"{k}_upper"))
)

HandleTimeDistribution = Literal["exponential", "lognormal"]
_SL_DEFINITIONS: Final = ("offered", "answered", "offered_excl_short_abandons")


# ----------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class SimulationSettings:
    """How to simulate: replications, randomness and the service-level threshold.

    Parameters
    ----------
    replications : int
        Independent replications (>= 2 for confidence intervals; default 30).
    answer_seconds : float
        Service-level threshold ``T`` in seconds (>= 0; default 20).
    handle_time_distribution : {"exponential", "lognormal"}
        Distribution of handle times; its mean is the interval's ``aht_seconds``.
    handle_time_cv : float
        Coefficient of variation of lognormal handle times (> 0; ignored for exponential,
        whose CV is 1).  A ``handle_time_cv`` column in the forecast overrides it per interval.
    patience_seconds : float or None
        Mean caller patience in seconds (exponential); ``None``: nobody abandons.
    absence_probability : float
        Probability in [0, 1) that an agent is absent for a whole day (unplanned).
    arrival_cv : float
        Over-dispersion of arrivals: CV (>= 0) of the Gamma multiplier of each interval's
        rate; 0 gives plain Poisson arrivals.
    service_level_definition : {"offered", "answered", "offered_excl_short_abandons"}
        Denominator of the service level, as in :class:`staffing.settings.ServiceTargets`.
    confidence : float
        Confidence level of the intervals, in (0, 1) (default 0.95).
    concurrency : int
        Contacts one agent handles at once (>= 1; default 1).  With ``k > 1`` (chat) every agent
        contributes ``k`` independent slots and ``aht_seconds`` is the handle time of one contact
        at that concurrency, as in the queueing engine's M/M/(k n) chat model.
    seed : int or None
        Seed of the random streams; replication ``r`` always uses child ``r`` of
        ``numpy.random.SeedSequence(seed)``, so results are reproducible and a run with
        more replications extends one with fewer.  ``None``: fresh entropy.
    """

    replications: int = 30
    answer_seconds: float = 20.0
    handle_time_distribution: HandleTimeDistribution = "exponential"
    handle_time_cv: float = 1.0
    patience_seconds: float | None = None
    absence_probability: float = 0.0
    arrival_cv: float = 0.0
    service_level_definition: str = "offered"
    confidence: float = 0.95
    concurrency: int = 1
    seed: int | None = 0

    def __post_init__(self) -> None:
        def bad(key: str, expected: str) -> InputError:
            return InputError(f"simulation setting '{key}': expected {expected}, found {getattr(self, key)!r}.")

        if isinstance(self.replications, bool) or not isinstance(self.replications, int) or self.replications < 1:
            raise bad("replications", "a whole number >= 1")
        if not _finite(self.answer_seconds) or self.answer_seconds < 0:
            raise bad("answer_seconds", "a number of seconds >= 0")
        if self.handle_time_distribution not in ("exponential", "lognormal"):
            raise bad("handle_time_distribution", "'exponential' or 'lognormal'")
        if not _finite(self.handle_time_cv) or self.handle_time_cv <= 0:
            raise bad("handle_time_cv", "a coefficient of variation > 0")
        if self.patience_seconds is not None and (not _finite(self.patience_seconds) or self.patience_seconds <= 0):
            raise bad("patience_seconds", "a mean patience in seconds > 0, or None")
        if not _finite(self.absence_probability) or not 0 <= self.absence_probability < 1:
            raise bad("absence_probability", "a probability in [0, 1)")
        if not _finite(self.arrival_cv) or self.arrival_cv < 0:
            raise bad("arrival_cv", "a coefficient of variation >= 0")
        if self.service_level_definition not in _SL_DEFINITIONS:
            raise bad("service_level_definition", f"one of {_SL_DEFINITIONS}")
        if not _finite(self.confidence) or not 0 < self.confidence < 1:
            raise bad("confidence", "a level in (0, 1), e.g. 0.95")
        if isinstance(self.concurrency, bool) or not isinstance(self.concurrency, int) or self.concurrency < 1:
            raise bad("concurrency", "a whole number >= 1")
        if self.seed is not None and (isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0):
            raise bad("seed", "a whole number >= 0, or None")

    def targets(self) -> ServiceTargets:
        """The queueing engine's targets with the same threshold, patience and SL definition."""
        return ServiceTargets(
            kind="chat" if self.concurrency > 1 else "voice",
            concurrency=self.concurrency,
            answer_seconds=float(self.answer_seconds),
            patience_seconds=self.patience_seconds,
            service_level_definition=self.service_level_definition,
        )


def _finite(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


# ----------------------------------------------------------------------------- results


@dataclass(frozen=True)
class ReplicationCounts:
    """Raw per-replication, per-interval tallies (arrays of shape ``(replications, intervals)``).

    Attributes
    ----------
    offered, answered, abandoned, waiting_at_end : ndarray of int64
        Contacts arriving in the interval, and how they ended (waiting: still queued
        at the end of the horizon).
    answered_within, abandoned_within, waited : ndarray of int64
        Answered with wait <= T; abandoned with wait <= T; contacts with a wait > 0.
    wait_answered_seconds, wait_left_seconds : ndarray of float
        Sum of waits of answered contacts; of answered and abandoned contacts.
    wait_p90_seconds : ndarray of float
        90th percentile of the waits of answered and abandoned contacts (NaN if none).
    busy_seconds, on_duty_seconds : ndarray of float
        Agent-seconds handling contacts; agent-seconds on duty (including agents finishing
        a call after they were due to leave).
    queue_length : ndarray of int64
        Contacts waiting at the end of the interval.
    period_wait_p90_seconds : ndarray of float, shape (replications,)
        90th percentile of all waits of the replication.
    interval_day : ndarray of int64, shape (intervals,)
        Day index of each interval (non-decreasing; all 0 unless a calendar was given).
    day_wait_p90_seconds : ndarray of float, shape (replications, days)
        90th percentile of the waits of each day.
    """

    offered: np.ndarray
    answered: np.ndarray
    abandoned: np.ndarray
    waiting_at_end: np.ndarray
    answered_within: np.ndarray
    abandoned_within: np.ndarray
    waited: np.ndarray
    wait_answered_seconds: np.ndarray
    wait_left_seconds: np.ndarray
    wait_p90_seconds: np.ndarray
    busy_seconds: np.ndarray
    on_duty_seconds: np.ndarray
    queue_length: np.ndarray
    period_wait_p90_seconds: np.ndarray
    interval_day: np.ndarray
    day_wait_p90_seconds: np.ndarray


@dataclass(frozen=True)
class SimulationResult:
    """Output of :func:`simulate`.

    Attributes
    ----------
    intervals : pandas.DataFrame
        One row per forecast interval with :data:`INTERVAL_COLUMNS`: ``interval_start``,
        ``channel``, ``contacts`` and ``aht_seconds`` (the forecast), ``agents`` (mean agents on
        duty, after absence), then for every measure of :data:`KPI_COLUMNS` its mean over
        replications and ``_lower``/``_upper`` confidence bounds.
    period : pandas.DataFrame
        One row for the whole horizon: ``period_start``, ``period_end``, ``channel`` and the
        same measure columns (each replication's totals, then mean and CI).
    days : pandas.DataFrame
        One row per calendar date of the horizon: ``date`` (YYYY-MM-DD), ``channel`` and the same
        measure columns (each replication's daily totals, then mean and CI).
    replications : pandas.DataFrame
        One row per replication (``replication`` + the period measures, no bounds).
    counts : ReplicationCounts
        The raw tallies, for custom summaries (see :func:`summarise_period`).
    settings : SimulationSettings
        The settings used.
    interval_minutes : float
        Interval length in minutes.
    elapsed_seconds : float
        Wall-clock time of the run (input preparation, simulation and summaries).
    """

    intervals: pd.DataFrame
    period: pd.DataFrame
    days: pd.DataFrame
    replications: pd.DataFrame
    counts: ReplicationCounts
    settings: SimulationSettings
    interval_minutes: float
    elapsed_seconds: float = field(default=float("nan"))


# ----------------------------------------------------------------------------- inputs


def validate_roster(roster: pd.DataFrame, *, source: str = "roster") -> pd.DataFrame:
    """Check a long-format roster and parse its timestamps.

    Parameters
    ----------
    roster : pandas.DataFrame
        Columns ``agent_id``, ``date`` (the day the shift starts), ``activity`` (``shift``,
        ``break`` or ``lunch``), ``start``, ``end`` (ISO 8601, end exclusive).  A shift row spans
        the whole shift; break and lunch rows lie inside a shift of the same agent and date.
        Extra columns (``template``, ``paid``) are ignored.
    source : str
        Name used in error messages.

    Returns
    -------
    pandas.DataFrame
        Copy with parsed ``start``/``end`` and string ``agent_id``, ``date``, ``activity``.

    Raises
    ------
    InputError
        Missing column, unknown activity, bad timestamp, ``end <= start``, or a break/lunch
        outside every shift of its agent and date (naming the row).
    """
    if not isinstance(roster, pd.DataFrame):
        raise InputError(f"{source}: expected a pandas DataFrame, found {type(roster).__name__}.")
    missing = [c for c in ROSTER_REQUIRED_COLUMNS if c not in roster.columns]
    if missing:
        raise InputError(
            f"{source}: missing column(s) {missing}; expected {list(ROSTER_REQUIRED_COLUMNS)}, "
            f"found {list(roster.columns)}."
        )
    df = roster.reset_index(drop=True).copy()
    for col in (AGENT_ID, DATE, ACTIVITY):
        df[col] = df[col].astype(str).str.strip()
    df[ACTIVITY] = df[ACTIVITY].str.lower()
    known = (SHIFT,) + ON_DUTY_EXCEPTIONS
    bad = ~df[ACTIVITY].isin(known)
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            f"{source}: row {pos + 1} (CSV line {pos + 2}), column '{ACTIVITY}': expected one of {list(known)}, "
            f"found {roster[ACTIVITY].iloc[pos]!r}."
        )
    df[START] = S.parse_timestamps(df[START], column=START, source=source)
    df[END] = S.parse_timestamps(df[END], column=END, source=source)
    if isinstance(df[START].dtype, pd.DatetimeTZDtype) != isinstance(df[END].dtype, pd.DatetimeTZDtype):
        raise InputError(f"{source}: columns '{START}' and '{END}' must both have a timezone or both have none.")
    short = (df[END] <= df[START]).to_numpy()
    if short.any():
        pos = int(np.flatnonzero(short)[0])
        raise InputError(
            f"{source}: row {pos + 1} (CSV line {pos + 2}): expected '{END}' after '{START}', found "
            f"start {df[START].iloc[pos]} and end {df[END].iloc[pos]}."
        )
    shifts = df[df[ACTIVITY] == SHIFT]
    gaps = df[df[ACTIVITY] != SHIFT]
    _check_no_overlap(shifts, [AGENT_ID], "shift", source)
    _check_no_overlap(gaps, [AGENT_ID, DATE], "break/lunch", source)
    if len(gaps):
        merged = gaps.reset_index().merge(
            shifts[[AGENT_ID, DATE, START, END]], on=[AGENT_ID, DATE], how="left", suffixes=("", "_shift")
        )
        inside = (merged[START] >= merged[f"{START}_shift"]) & (merged[END] <= merged[f"{END}_shift"])
        ok = inside.fillna(False).groupby(merged["index"]).any()
        if not ok.all():
            pos = int(ok.index[np.flatnonzero(~ok.to_numpy())[0]])
            raise InputError(
                f"{source}: row {pos + 1} (CSV line {pos + 2}): {df[ACTIVITY].iloc[pos]} of agent "
                f"'{df[AGENT_ID].iloc[pos]}' on {df[DATE].iloc[pos]} ({df[START].iloc[pos]} to {df[END].iloc[pos]}) "
                "is not inside a shift row of the same agent and date; expected break and lunch rows to lie "
                "inside their shift."
            )
    return df


def _check_no_overlap(rows: pd.DataFrame, keys: list[str], what: str, source: str) -> None:
    """Raise if two ``what`` rows of the same ``keys`` overlap in time (an agent counted twice)."""
    if len(rows) < 2:
        return
    ordered = rows.sort_values(keys + [START], kind="stable")
    same = np.ones(len(ordered), dtype=bool)
    for key in keys:
        col = ordered[key].to_numpy()
        same[1:] &= col[1:] == col[:-1]
    same[0] = False
    prev_end = ordered[END].shift(1)
    clash = same & (ordered[START] < prev_end).to_numpy()
    if clash.any():
        k = int(np.flatnonzero(clash)[0])
        pos, before = int(ordered.index[k]), int(ordered.index[k - 1])
        raise InputError(
            f"{source}: row {pos + 1} (CSV line {pos + 2}): {what} of agent '{ordered[AGENT_ID].iloc[k]}' "
            f"starting {ordered[START].iloc[k]} overlaps row {before + 1} (CSV line {before + 2}) ending "
            f"{ordered[END].iloc[k - 1]}; expected non-overlapping {what} rows per agent."
        )


def _minutes_since(ts: pd.Series, origin: pd.Timestamp, *, source: str, column: str) -> np.ndarray:
    """Whole minutes from ``origin`` (rounded to the nearest minute)."""
    aware_ts = isinstance(ts.dtype, pd.DatetimeTZDtype)
    aware_origin = origin.tzinfo is not None
    if aware_ts != aware_origin:
        raise InputError(
            f"{source}: column '{column}' {'has' if aware_ts else 'has no'} timezone but the forecast's "
            f"interval_start {'has' if aware_origin else 'has no'}; give both with or both without a timezone."
        )
    delta = (ts - origin) / pd.Timedelta(minutes=1)
    return np.round(delta.to_numpy(dtype=float)).astype(np.int64)


def _roster_events(
    roster: pd.DataFrame, origin: pd.Timestamp, n_minutes: int, *, source: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Change events (+1/-1 at a minute) of the roster's on-duty count, with the agent-day of each.

    Returns minute index (clipped to ``[0, n_minutes]``), delta, agent-day code, number of agent-days.
    """
    start = np.clip(_minutes_since(roster[START], origin, source=source, column=START), 0, n_minutes)
    end = np.clip(_minutes_since(roster[END], origin, source=source, column=END), 0, n_minutes)
    sign = np.where(roster[ACTIVITY].to_numpy() == SHIFT, 1, -1)
    unit, uniques = pd.factorize(pd.MultiIndex.from_arrays([roster[AGENT_ID], roster[DATE]]))
    minutes = np.concatenate([start, end])
    delta = np.concatenate([sign, -sign])
    units = np.concatenate([unit, unit]).astype(np.int64)
    return minutes, delta, units, len(uniques)


def roster_agents_per_minute(
    roster: pd.DataFrame,
    start: pd.Timestamp | str,
    n_minutes: int,
    *,
    present: np.ndarray | None = None,
    source: str = "roster",
) -> np.ndarray:
    """Agents on duty in every minute: on a shift and not on a break or lunch.

    Parameters
    ----------
    roster : pandas.DataFrame
        Long-format roster (see :func:`validate_roster`); validated here.
    start : pandas.Timestamp or str
        Start of minute 0 (normally the first forecast interval).
    n_minutes : int
        Number of minutes to return.
    present : ndarray of bool, shape (R, agent-days), optional
        Which agent-days (distinct ``(agent_id, date)`` pairs, in order of first appearance) are
        present, for ``R`` scenarios; default: everybody.
    source : str
        Name used in error messages.

    Returns
    -------
    numpy.ndarray of int64
        Shape ``(n_minutes,)``, or ``(R, n_minutes)`` when ``present`` is given.  Minute ``m``
        covers ``[start + m min, start + (m + 1) min)``; timestamps are rounded to whole minutes,
        activities outside the window are clipped.

    Notes
    -----
    Each shift row adds +1 at its start minute and -1 at its end minute, each break or lunch
    row the opposite; the count is the cumulative sum of these changes (no loop over minutes).
    """
    return _roster_counts(validate_roster(roster, source=source), pd.Timestamp(start), n_minutes, present, source)


def _roster_counts(
    df: pd.DataFrame, origin: pd.Timestamp, n_minutes: int, present: np.ndarray | None, source: str
) -> np.ndarray:
    """:func:`roster_agents_per_minute` on an already validated roster."""
    minutes, delta, units, n_units = _roster_events(df, origin, int(n_minutes), source=source)
    single = present is None
    pres = np.ones((1, n_units), dtype=bool) if present is None else np.asarray(present, dtype=bool)
    if pres.ndim != 2 or pres.shape[1] != n_units:
        raise InputError(
            f"{source}: 'present' must have shape (scenarios, {n_units}) (one column per agent-day), "
            f"found {pres.shape}."
        )
    n_rep = pres.shape[0]
    width = int(n_minutes) + 1
    keys = (np.arange(n_rep)[:, None] * width + minutes[None, :]).ravel()
    weights = (pres[:, units] * delta[None, :]).ravel().astype(float)
    diff = np.bincount(keys, weights=weights, minlength=n_rep * width).reshape(n_rep, width)
    counts = np.rint(np.cumsum(diff, axis=1)[:, : int(n_minutes)]).astype(np.int64)
    if (counts < 0).any():  # pragma: no cover - validate_roster keeps breaks inside shifts
        raise InputError(f"{source}: overlapping break rows make the agent count negative.")
    return counts[0] if single else counts


def validate_staffing(staffing: pd.DataFrame, *, source: str = "staffing") -> pd.DataFrame:
    """Check a staffing frame: ``interval_start`` (ISO 8601) and ``agents`` (whole number >= 0).

    An optional ``channel`` column is kept.  Raises :class:`InputError` naming the row.
    """
    if not isinstance(staffing, pd.DataFrame):
        raise InputError(f"{source}: expected a pandas DataFrame, found {type(staffing).__name__}.")
    missing = [c for c in STAFFING_REQUIRED_COLUMNS if c not in staffing.columns]
    if missing:
        raise InputError(
            f"{source}: missing column(s) {missing}; expected {list(STAFFING_REQUIRED_COLUMNS)} "
            f"(+ optional '{S.CHANNEL}'), found {list(staffing.columns)}."
        )
    df = staffing.reset_index(drop=True).copy()
    df[S.INTERVAL_START] = S.parse_timestamps(df[S.INTERVAL_START], column=S.INTERVAL_START, source=source)
    agents = pd.to_numeric(df[S.AGENTS], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = ~np.isfinite(agents) | (agents < 0) | (np.abs(agents - np.round(agents)) > 1e-9)
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"{source}: row {pos + 1} (CSV line {pos + 2}), column '{S.AGENTS}': expected a whole number of "
            f"agents >= 0, found {staffing[S.AGENTS].iloc[pos]!r}."
        )
    df[S.AGENTS] = np.round(agents).astype(np.int64)
    if S.CHANNEL in df.columns:
        df[S.CHANNEL] = df[S.CHANNEL].astype(str).str.strip()
    keys = [S.CHANNEL, S.INTERVAL_START] if S.CHANNEL in df.columns else [S.INTERVAL_START]
    dup = df.duplicated(keys)
    if dup.any():
        pos = int(np.flatnonzero(dup.to_numpy())[0])
        raise InputError(
            f"{source}: row {pos + 1} (CSV line {pos + 2}): duplicate interval {df[S.INTERVAL_START].iloc[pos]}; "
            "expected one row per interval (and channel)."
        )
    return df


@dataclass(frozen=True)
class _Horizon:
    origin: pd.Timestamp
    interval_minutes: int
    n_intervals: int
    grid_index: np.ndarray  # grid interval of each forecast row
    contacts: np.ndarray  # per grid interval
    aht_seconds: np.ndarray  # per grid interval (1.0 where closed)
    handle_time_cv: np.ndarray | None  # per grid interval, from an optional forecast column

    @property
    def n_minutes(self) -> int:
        return self.n_intervals * self.interval_minutes

    @property
    def interval_seconds(self) -> float:
        return self.interval_minutes * 60.0

    def days(self) -> tuple[np.ndarray, pd.DatetimeIndex]:
        """Day index of every grid interval (by calendar date of its start) and the dates."""
        starts = self.origin + pd.to_timedelta(np.arange(self.n_intervals) * self.interval_minutes, unit="min")
        codes, dates = pd.factorize(pd.DatetimeIndex(starts).normalize())
        return codes.astype(np.int64), pd.DatetimeIndex(dates)


def _horizon(df: pd.DataFrame, interval_minutes: float | None, *, source: str) -> _Horizon:
    if interval_minutes is None:
        interval_minutes = S.infer_interval_minutes(df, source=source) if len(df) > 1 else 15.0
    if abs(interval_minutes - round(interval_minutes)) > 1e-9 or round(interval_minutes) < 1:
        raise InputError(
            f"{source}: the simulator needs an interval length of a whole number of minutes >= 1, "
            f"found {interval_minutes:g}."
        )
    im = round(float(interval_minutes))
    origin = pd.Timestamp(df[S.INTERVAL_START].iloc[0])
    offset = (df[S.INTERVAL_START] - origin) / pd.Timedelta(minutes=im)
    grid = np.round(offset.to_numpy(dtype=float)).astype(np.int64)
    n = int(grid.max()) + 1
    contacts = np.zeros(n)
    aht = np.ones(n)
    contacts[grid] = df[S.CONTACTS].to_numpy(dtype=float)
    aht[grid] = df[S.AHT_SECONDS].to_numpy(dtype=float)
    cv = None
    if HANDLE_TIME_CV in df.columns:
        raw = pd.to_numeric(df[HANDLE_TIME_CV], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        bad = ~np.isfinite(raw) | (raw <= 0)
        if bad.any():
            pos = int(np.flatnonzero(bad)[0])
            raise InputError(
                f"{source}: interval {df[S.INTERVAL_START].iloc[pos]}, column '{HANDLE_TIME_CV}': expected a "
                f"coefficient of variation > 0, found {df[HANDLE_TIME_CV].iloc[pos]!r}."
            )
        cv = np.ones(n)
        cv[grid] = raw
    return _Horizon(origin, im, n, grid, contacts, aht, cv)


def _staffing_per_minute(
    staffing: pd.DataFrame, hz: _Horizon, forecast: pd.DataFrame, channel: str, *, source: str
) -> np.ndarray:
    """Agents per grid interval from a staffing frame (every forecast interval must be given)."""
    df = validate_staffing(staffing, source=source)
    if S.CHANNEL in df.columns:
        df = df[df[S.CHANNEL] == channel]
    origin = hz.origin
    if isinstance(df[S.INTERVAL_START].dtype, pd.DatetimeTZDtype) != (origin.tzinfo is not None):
        raise InputError(
            f"{source}: interval_start and the forecast's interval_start must both have a timezone or both have none."
        )
    offset = ((df[S.INTERVAL_START] - origin) / pd.Timedelta(minutes=hz.interval_minutes)).to_numpy(dtype=float)
    on_grid = np.abs(offset - np.round(offset)) < 1e-9
    idx = np.round(offset).astype(np.int64)
    keep = on_grid & (idx >= 0) & (idx < hz.n_intervals)
    agents = np.zeros(hz.n_intervals, dtype=np.int64)
    given = np.zeros(hz.n_intervals, dtype=bool)
    agents[idx[keep]] = df[S.AGENTS].to_numpy()[keep]
    given[idx[keep]] = True
    missing = ~given[hz.grid_index]
    if missing.any():
        pos = int(np.flatnonzero(missing)[0])
        raise InputError(
            f"{source}: no '{S.AGENTS}' row for interval {forecast[S.INTERVAL_START].iloc[pos]} of channel "
            f"'{channel}' (found {int(missing.sum())} forecast interval(s) without staffing); expected one row "
            "per forecast interval."
        )
    return agents


# ----------------------------------------------------------------------------- random inputs


def draw_contacts(
    contacts: np.ndarray,
    aht_seconds: np.ndarray,
    interval_seconds: float,
    settings: SimulationSettings,
    rng: np.random.Generator,
    handle_time_cv: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One replication's contacts: arrival times, handle times, patience and arrival interval.

    Parameters
    ----------
    contacts : ndarray, shape (J,)
        Expected contacts per interval.
    aht_seconds : ndarray, shape (J,)
        Mean handle time per interval, seconds.
    interval_seconds : float
        Interval length, seconds.
    settings : SimulationSettings
        Distributions (``handle_time_distribution``, ``handle_time_cv``, ``patience_seconds``,
        ``arrival_cv``).
    rng : numpy.random.Generator
        Random stream of this replication.
    handle_time_cv : ndarray, shape (J,), optional
        Per-interval CV of lognormal handle times (default ``settings.handle_time_cv``).

    Returns
    -------
    arrival, service, patience : ndarray of float
        Sorted arrival times (s since the horizon start), handle times (s), patience (s, ``inf``
        without abandonment).
    interval : ndarray of int64
        Interval of arrival of each contact.
    """
    lam = np.asarray(contacts, dtype=float)
    if settings.arrival_cv > 0:
        k = 1.0 / settings.arrival_cv**2
        lam = lam * rng.gamma(k, 1.0 / k, size=lam.shape)
    counts = rng.poisson(lam)
    interval = np.repeat(np.arange(lam.size, dtype=np.int64), counts)
    arrival = np.sort((interval + rng.random(interval.size)) * interval_seconds)
    mean = np.asarray(aht_seconds, dtype=float)[interval]
    if settings.handle_time_distribution == "exponential":
        service = rng.exponential(1.0, interval.size) * mean
    else:
        cv = settings.handle_time_cv if handle_time_cv is None else np.asarray(handle_time_cv, dtype=float)[interval]
        sigma2 = np.log1p(np.square(cv))
        service = mean * np.exp(np.sqrt(sigma2) * rng.standard_normal(interval.size) - sigma2 / 2.0)
    if settings.patience_seconds is None:
        patience = np.full(interval.size, np.inf)
    else:
        patience = rng.exponential(settings.patience_seconds, interval.size)
    return arrival, service, patience, interval


def _absent_slots(
    agents: np.ndarray, hz: _Horizon, p: float, rngs: list[np.random.Generator]
) -> np.ndarray:
    """Staffing mode with absence: slot ``k`` of a day (the k-th agent) is absent with probability ``p``."""
    day = hz.days()[0]
    n_days = int(day.max()) + 1
    k_max = int(agents.max()) if agents.size else 0
    out = np.empty((len(rngs), hz.n_intervals), dtype=np.int64)
    for r, rng in enumerate(rngs):
        present = rng.random((n_days, k_max)) >= p
        cum = np.concatenate([np.zeros((n_days, 1), dtype=np.int64), np.cumsum(present, axis=1)], axis=1)
        out[r] = cum[day, agents]
    return out


# ----------------------------------------------------------------------------- simulation


def simulate_arrays(
    contacts: np.ndarray,
    aht_seconds: np.ndarray,
    agents_per_minute: np.ndarray,
    interval_minutes: int,
    settings: SimulationSettings,
    *,
    rngs: list[np.random.Generator] | None = None,
    interval_day: np.ndarray | None = None,
    handle_time_cv: np.ndarray | None = None,
) -> ReplicationCounts:
    """Simulate all replications on plain arrays (no calendar, no absence).

    Parameters
    ----------
    contacts, aht_seconds : ndarray, shape (J,)
        Expected contacts and mean handle time (s) per interval.
    agents_per_minute : ndarray of int, shape (J * interval_minutes,) or (R, J * interval_minutes)
        Agents on duty per minute (the same for every replication, or one row each).
    interval_minutes : int
        Interval length in whole minutes.
    settings : SimulationSettings
        Replications, distributions, threshold; ``absence_probability`` is not applied here.
    rngs : list of numpy.random.Generator, optional
        One stream per replication (default: spawned from ``settings.seed``).
    interval_day : ndarray of int, shape (J,), optional
        Non-decreasing day index of each interval, for daily wait percentiles (default: one day).
    handle_time_cv : ndarray, shape (J,), optional
        Per-interval CV of lognormal handle times (default ``settings.handle_time_cv``).

    Returns
    -------
    ReplicationCounts
    """
    contacts = np.asarray(contacts, dtype=float)
    aht = np.asarray(aht_seconds, dtype=float)
    n_int = contacts.size
    n_rep = settings.replications
    if rngs is None:
        rngs = _streams(settings)
    apm = np.asarray(agents_per_minute)
    if apm.ndim == 1:
        apm = np.broadcast_to(apm, (n_rep, apm.size))
    if apm.shape != (n_rep, n_int * interval_minutes):
        raise InputError(
            f"agents_per_minute: expected {n_int * interval_minutes} minutes ({n_int} intervals of "
            f"{interval_minutes} min) for {n_rep} replications, found shape {apm.shape}."
        )
    day = np.zeros(n_int, dtype=np.int64) if interval_day is None else np.asarray(interval_day, dtype=np.int64)
    if day.shape != (n_int,) or (n_int and (day[0] < 0 or np.any(np.diff(day) < 0))):
        raise InputError(f"interval_day: expected {n_int} non-decreasing day indices >= 0, found shape {day.shape}.")
    interval_seconds = interval_minutes * 60.0
    draws = [draw_contacts(contacts, aht, interval_seconds, settings, rng, handle_time_cv) for rng in rngs]
    sizes = np.array([d[0].size for d in draws], dtype=np.int64)
    ptr = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    arrival = np.concatenate([d[0] for d in draws])
    service = np.concatenate([d[1] for d in draws])
    patience = np.concatenate([d[2] for d in draws])
    interval = np.concatenate([d[3] for d in draws])
    start, outcome, busy, overrun = simulate_queue(
        arrival, service, patience, ptr, apm, interval_seconds, n_int
    )
    return _tally(
        arrival, start, outcome, interval, ptr, busy, overrun, apm, interval_minutes, day, settings
    )


def _streams(settings: SimulationSettings) -> list[np.random.Generator]:
    return [np.random.default_rng(s) for s in np.random.SeedSequence(settings.seed).spawn(settings.replications)]


def _tally(
    arrival: np.ndarray,
    start: np.ndarray,
    outcome: np.ndarray,
    interval: np.ndarray,
    ptr: np.ndarray,
    busy: np.ndarray,
    overrun: np.ndarray,
    apm: np.ndarray,
    interval_minutes: int,
    interval_day: np.ndarray,
    settings: SimulationSettings,
) -> ReplicationCounts:
    """Per replication and interval tallies from the per-contact outcomes (vectorised)."""
    n_rep = ptr.size - 1
    n_int = interval_day.size
    n_day = int(interval_day[-1]) + 1 if n_int else 1
    rep = np.repeat(np.arange(n_rep, dtype=np.int64), np.diff(ptr))
    group = rep * n_int + interval
    size = n_rep * n_int
    horizon = n_int * interval_minutes * 60.0
    answered = outcome == ANSWERED
    abandoned = outcome == ABANDONED
    waiting = outcome == WAITING
    left = answered | abandoned
    wait = np.where(left, start - arrival, horizon - arrival)
    within = wait <= settings.answer_seconds

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(group[mask], minlength=size).reshape(n_rep, n_int)

    def total(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return np.bincount(group[mask], weights=values[mask], minlength=size).reshape(n_rep, n_int)

    offered = np.bincount(group, minlength=size).reshape(n_rep, n_int)
    group_ptr = np.concatenate([[0], np.cumsum(offered.ravel())]).astype(np.int64)
    p90 = group_quantile(wait, left, group_ptr, 0.9).reshape(n_rep, n_int)
    period_p90 = group_quantile(wait, left, ptr.astype(np.int64), 0.9)
    day_sizes = np.bincount(rep * n_day + interval_day[interval], minlength=n_rep * n_day)
    day_ptr = np.concatenate([[0], np.cumsum(day_sizes)]).astype(np.int64)
    day_p90 = group_quantile(wait, left, day_ptr, 0.9).reshape(n_rep, n_day)
    # Queue at the end of interval j: arrived by then minus left the queue by then.
    leave_time = np.where(waiting, np.inf, start)
    leave_int = np.floor(leave_time / (interval_minutes * 60.0))
    leave_ok = leave_int < n_int
    leaves = np.bincount(
        (rep * n_int + np.where(leave_ok, leave_int, 0).astype(np.int64))[leave_ok], minlength=size
    ).reshape(n_rep, n_int)
    queue = np.cumsum(offered, axis=1) - np.cumsum(leaves, axis=1)
    on_duty = apm.reshape(n_rep, n_int, interval_minutes).sum(axis=2) * 60.0 + overrun
    return ReplicationCounts(
        offered=offered,
        answered=count(answered),
        abandoned=count(abandoned),
        waiting_at_end=count(waiting),
        answered_within=count(answered & within),
        abandoned_within=count(abandoned & within),
        waited=count(wait > 0),
        wait_answered_seconds=total(wait, answered),
        wait_left_seconds=total(wait, left),
        wait_p90_seconds=p90,
        busy_seconds=busy,
        on_duty_seconds=on_duty,
        queue_length=queue,
        period_wait_p90_seconds=period_p90,
        interval_day=interval_day,
        day_wait_p90_seconds=day_p90,
    )


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def _measures(c: ReplicationCounts, definition: str, axis_sum: bool) -> dict[str, np.ndarray]:
    """KPI values per replication (and interval unless ``axis_sum``: then period totals)."""

    def agg(x: np.ndarray) -> np.ndarray:
        return x.sum(axis=1) if axis_sum else x

    offered, answered, abandoned = agg(c.offered), agg(c.answered), agg(c.abandoned)
    aw, abw = agg(c.answered_within), agg(c.abandoned_within)
    den = {"offered": offered, "answered": answered, "offered_excl_short_abandons": offered - abw}[definition]
    return {
        "offered": offered.astype(float),
        "answered": answered.astype(float),
        "abandoned": abandoned.astype(float),
        "waiting_at_end": agg(c.waiting_at_end).astype(float),
        "service_level": _ratio(aw, den),
        "asa_seconds": _ratio(agg(c.wait_answered_seconds), answered),
        "average_wait_seconds": _ratio(agg(c.wait_left_seconds), answered + abandoned),
        "wait_p90_seconds": c.period_wait_p90_seconds if axis_sum else c.wait_p90_seconds,
        "abandon_rate": _ratio(abandoned, offered),
        "prob_wait": _ratio(agg(c.waited), offered),
        "occupancy": _ratio(agg(c.busy_seconds), agg(c.on_duty_seconds)),
        "queue_length": c.queue_length.mean(axis=1) if axis_sum else c.queue_length.astype(float),
    }


def confidence_interval(values: np.ndarray, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean and t-based confidence bounds over replications (axis 0), ignoring NaN.

    Parameters
    ----------
    values : ndarray, shape (R, ...)
        One value per replication (NaN where undefined, e.g. a service level without contacts).
    confidence : float
        Confidence level in (0, 1).

    Returns
    -------
    mean, lower, upper : ndarray
        :math:`\\bar x \\pm t_{1-\\alpha/2, n-1} s / \\sqrt n` with ``n`` the replications where the
        value is defined; bounds are NaN where ``n < 2``, the mean is NaN where ``n == 0``.
    """
    v = np.asarray(values, dtype=float)
    n = np.sum(np.isfinite(v), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        total = np.nansum(v, axis=0)
        mean = np.where(n > 0, total / np.maximum(n, 1), np.nan)
        dev = np.where(np.isfinite(v), v - mean, 0.0)
        var = np.where(n > 1, (dev**2).sum(axis=0) / np.maximum(n - 1, 1), np.nan)
        t = stats.t.ppf(0.5 + confidence / 2.0, np.maximum(n - 1, 1))
        half = np.where(n > 1, t * np.sqrt(var / np.maximum(n, 1)), np.nan)
    return mean, mean - half, mean + half


def _with_bounds(values: dict[str, np.ndarray], confidence: float) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for key in KPI_COLUMNS:
        mean, lo, hi = confidence_interval(values[key], confidence)
        if key in _SHARE_KPIS:
            lo, hi = np.clip(lo, 0.0, 1.0), np.clip(hi, 0.0, 1.0)
        elif key in ("offered", "answered", "abandoned", "waiting_at_end", "asa_seconds", "average_wait_seconds",
                     "wait_p90_seconds", "queue_length"):
            lo = np.maximum(lo, 0.0)
        out[key], out[f"{key}_lower"], out[f"{key}_upper"] = mean, lo, hi
    return out


def summarise_period(
    counts: ReplicationCounts,
    settings: SimulationSettings,
    *,
    first_interval: int = 0,
    last_interval: int | None = None,
) -> dict[str, float]:
    """Period measures with bounds over a range of intervals (e.g. after a warm-up).

    Parameters
    ----------
    counts : ReplicationCounts
        Tallies from :func:`simulate_arrays` or :attr:`SimulationResult.counts`.
    settings : SimulationSettings
        For the service-level definition and the confidence level.
    first_interval, last_interval : int
        Intervals ``first_interval:last_interval`` (Python slice) are summed per replication.

    Returns
    -------
    dict
        ``{kpi: mean, kpi_lower: ..., kpi_upper: ...}`` for every name in :data:`KPI_COLUMNS`
        (``wait_p90_seconds`` is the mean of the per-interval values in the window).
    """
    sl = slice(first_interval, last_interval)
    with np.errstate(all="ignore"):
        p90 = np.nanmean(counts.wait_p90_seconds[:, sl], axis=1)
    values = _window(counts, sl, p90, settings)
    return {k: float(v) for k, v in _with_bounds(values, settings.confidence).items()}


def _window(
    counts: ReplicationCounts, sl: slice, p90: np.ndarray, settings: SimulationSettings
) -> dict[str, np.ndarray]:
    """Per-replication measures summed over the intervals ``sl`` with the given 90th percentiles."""
    per_interval = ("period_wait_p90_seconds", "interval_day", "day_wait_p90_seconds")
    fields = {
        name: getattr(counts, name)[:, sl]
        for name in ReplicationCounts.__dataclass_fields__
        if name not in per_interval
    }
    sub = ReplicationCounts(
        **fields, period_wait_p90_seconds=p90, interval_day=counts.interval_day[sl],
        day_wait_p90_seconds=counts.day_wait_p90_seconds,
    )
    return _measures(sub, settings.service_level_definition, axis_sum=True)


def summarise_days(counts: ReplicationCounts, settings: SimulationSettings) -> list[dict[str, float]]:
    """Measures with bounds for every day of ``counts.interval_day`` (one dict per day, in order).

    The 90th-percentile wait is the percentile of all waits of the day, per replication.
    """
    out = []
    days = counts.interval_day
    for d in range(int(days[-1]) + 1 if days.size else 0):  # a handful of days, not intervals
        idx = np.flatnonzero(days == d)
        if idx.size == 0:
            continue
        values = _window(counts, slice(idx[0], idx[-1] + 1), counts.day_wait_p90_seconds[:, d], settings)
        out.append({"day": d} | {k: float(v) for k, v in _with_bounds(values, settings.confidence).items()})
    return out


def simulate(
    forecast: pd.DataFrame,
    *,
    staffing: pd.DataFrame | None = None,
    roster: pd.DataFrame | None = None,
    settings: SimulationSettings | None = None,
    channel: str | None = None,
    interval_minutes: float | None = None,
    source: str = "forecast",
    staffing_source: str = "staffing",
    roster_source: str = "roster",
) -> SimulationResult:
    """Simulate a channel's contacts against a roster or a staffing plan, with replications.

    Parameters
    ----------
    forecast : pandas.DataFrame
        ``interval_start``, ``contacts`` (expected per interval), ``aht_seconds`` (s), optional
        ``channel`` (see :func:`staffing.schema.validate_forecast`) and ``handle_time_cv`` (CV of
        lognormal handle times per interval).  Intervals missing between the
        first and the last (closed hours) get no contacts.
    staffing : pandas.DataFrame, optional
        ``interval_start``, ``agents`` (whole number on duty for the whole interval), optional
        ``channel``; one row per forecast interval.
    roster : pandas.DataFrame, optional
        Long-format roster (``agent_id``, ``date``, ``activity``, ``start``, ``end``); exactly one
        of ``staffing`` and ``roster`` must be given.
    settings : SimulationSettings, optional
        Replications, distributions, absence, threshold and seed (defaults: 30 replications,
        exponential handle times, no abandonment, T = 20 s, seed 0).
    channel : str, optional
        Channel to simulate; required when the forecast has several.
    interval_minutes : float, optional
        Interval length (whole minutes); inferred from the timestamps when omitted.
    source, staffing_source, roster_source : str
        Names for error messages (file names in the CLI).

    Returns
    -------
    SimulationResult
        Per-interval and period measures with confidence intervals; see :data:`INTERVAL_COLUMNS`.

    Raises
    ------
    InputError
        Bad or inconsistent input (naming file, row and column).
    """
    t0 = time.perf_counter()
    settings = settings or SimulationSettings()
    if (staffing is None) == (roster is None):
        raise InputError("simulate: give exactly one of 'staffing' (agents per interval) and 'roster'.")
    df = S.validate_forecast(forecast, source=source)
    channels = sorted(df[S.CHANNEL].unique())
    if channel is None:
        if len(channels) != 1:
            raise InputError(
                f"{source}: the forecast has channels {channels}; choose one to simulate (CLI: --channel)."
            )
        channel = channels[0]
    elif channel not in channels:
        raise InputError(f"{source}: channel '{channel}' not found; the forecast has channels {channels}.")
    df = df[df[S.CHANNEL] == channel].reset_index(drop=True)
    if interval_minutes is not None:
        S.check_interval_length(df, interval_minutes, source=source)
    hz = _horizon(df, interval_minutes, source=source)
    rngs = _streams(settings)
    p = settings.absence_probability
    if staffing is not None:
        agents = _staffing_per_minute(staffing, hz, df, channel, source=staffing_source)
        if p > 0:
            per_interval = _absent_slots(agents, hz, p, rngs)
        else:
            per_interval = np.broadcast_to(agents, (settings.replications, hz.n_intervals))
        apm = np.repeat(per_interval, hz.interval_minutes, axis=1)
    else:
        assert roster is not None
        valid = validate_roster(roster, source=roster_source)
        n_units = valid[[AGENT_ID, DATE]].drop_duplicates().shape[0]
        if p > 0:
            present = np.stack([rng.random(n_units) >= p for rng in rngs])
        else:
            present = np.ones((1, n_units), dtype=bool)
        apm = _roster_counts(valid, hz.origin, hz.n_minutes, present, roster_source)
        apm = np.broadcast_to(apm, (settings.replications, hz.n_minutes))
    interval_day, dates = hz.days()
    agents_mean = apm.reshape(settings.replications, hz.n_intervals, hz.interval_minutes).mean(axis=(0, 2))
    if settings.concurrency > 1:
        apm = apm * settings.concurrency  # slots: every agent serves up to k contacts at once
    counts = simulate_arrays(
        hz.contacts, hz.aht_seconds, apm, hz.interval_minutes, settings, rngs=rngs, interval_day=interval_day,
        handle_time_cv=hz.handle_time_cv,
    )

    per_int = _with_bounds(_measures(counts, settings.service_level_definition, False), settings.confidence)
    g = hz.grid_index
    intervals = pd.DataFrame(
        {
            S.INTERVAL_START: df[S.INTERVAL_START].to_numpy(),
            S.CHANNEL: channel,
            S.CONTACTS: df[S.CONTACTS].to_numpy(dtype=float),
            S.AHT_SECONDS: df[S.AHT_SECONDS].to_numpy(dtype=float),
            S.AGENTS: agents_mean[g],
        }
    )
    for key, arr in per_int.items():
        intervals[key] = arr[g]
    intervals[S.INTERVAL_START] = df[S.INTERVAL_START].reset_index(drop=True)
    intervals = intervals[list(INTERVAL_COLUMNS)]

    rep_values = _measures(counts, settings.service_level_definition, True)
    period_values = _with_bounds(rep_values, settings.confidence)
    step = pd.Timedelta(minutes=hz.interval_minutes)
    period = pd.DataFrame(
        {"period_start": [hz.origin], "period_end": [hz.origin + hz.n_intervals * step], S.CHANNEL: [channel]}
        | {k: [float(v)] for k, v in period_values.items()}
    )
    daily = pd.DataFrame(summarise_days(counts, settings))
    daily.insert(0, "date", dates[daily.pop("day").to_numpy()].date.astype(str))
    daily.insert(1, S.CHANNEL, channel)
    replications = pd.DataFrame({"replication": np.arange(settings.replications)} | rep_values)
    return SimulationResult(
        intervals=intervals,
        period=period,
        days=daily,
        replications=replications,
        counts=counts,
        settings=settings,
        interval_minutes=float(hz.interval_minutes),
        elapsed_seconds=time.perf_counter() - t0,
    )


def simulate_channels(
    forecast: pd.DataFrame,
    staffing: pd.DataFrame,
    settings: SimulationSettings | None = None,
    *,
    interval_minutes: float | None = None,
    source: str = "forecast",
    staffing_source: str = "staffing",
) -> dict[str, SimulationResult]:
    """Simulate every channel of a forecast as its own queue with its own agents.

    Parameters
    ----------
    forecast : pandas.DataFrame
        Forecast with a ``channel`` column (or a single channel).
    staffing : pandas.DataFrame
        ``interval_start``, ``agents`` and ``channel`` (agents dedicated to each channel); without
        a ``channel`` column the forecast must have a single channel.
    settings : SimulationSettings, optional
        Shared settings; channel ``k`` (in sorted order) uses the seed
        ``SeedSequence([seed, k])`` so the channels' random streams are independent.

    Returns
    -------
    dict of str to SimulationResult
        One result per channel, in sorted channel order.
    """
    settings = settings or SimulationSettings()
    df = S.validate_forecast(forecast, source=source)
    channels = sorted(df[S.CHANNEL].unique())
    if len(channels) > 1 and S.CHANNEL not in staffing.columns:
        raise InputError(
            f"{staffing_source}: the forecast has channels {channels} but the staffing file has no "
            f"'{S.CHANNEL}' column; add one (agents per channel) or simulate one channel."
        )
    out: dict[str, SimulationResult] = {}
    for k, channel in enumerate(channels):  # a few channels, each fully vectorised
        seed = None if settings.seed is None else int(np.random.SeedSequence([settings.seed, k]).generate_state(1)[0])
        out[channel] = simulate(
            df,
            staffing=staffing,
            settings=replace(settings, seed=seed) if len(channels) > 1 else settings,
            channel=channel,
            interval_minutes=interval_minutes,
            source=source,
            staffing_source=staffing_source,
        )
    return out


# ----------------------------------------------------------------------------- comparison

#: Columns of :func:`compare_with_erlang`.
COMPARISON_COLUMNS: Final = (
    S.INTERVAL_START,
    S.CONTACTS,
    S.AGENTS,
    "erlang_service_level",
    "simulated_service_level",
    "simulated_service_level_lower",
    "simulated_service_level_upper",
    "service_level_gap",
    "erlang_optimistic",
    "erlang_asa_seconds",
    "simulated_asa_seconds",
    "erlang_abandon_rate",
    "simulated_abandon_rate",
    "erlang_occupancy",
    "simulated_occupancy",
)


def compare_with_erlang(result: SimulationResult) -> pd.DataFrame:
    """Per interval: the queueing engine's prediction next to the simulated result.

    The Erlang prediction (:func:`staffing.requirements.predicted_service`: Erlang C, or Erlang A
    with patience) uses the interval's forecast contacts and AHT and the mean number of agents
    on duty in the interval (after absence, possibly fractional), as a planner would.

    Parameters
    ----------
    result : SimulationResult
        Output of :func:`simulate`.

    Returns
    -------
    pandas.DataFrame
        :data:`COMPARISON_COLUMNS`: ``service_level_gap`` is simulated minus Erlang (negative:
        the formula is optimistic); ``erlang_optimistic`` is True where the Erlang service level
        lies above the simulation's upper confidence bound.
    """
    from staffing.requirements import predicted_service

    iv = result.intervals
    pred = predicted_service(
        iv[S.AGENTS].to_numpy(dtype=float),
        iv[S.CONTACTS].to_numpy(dtype=float),
        iv[S.AHT_SECONDS].to_numpy(dtype=float),
        result.settings.targets(),
        result.interval_minutes,
    )
    erl_sl = pred["service_level"].to_numpy(dtype=float)
    sim_sl = iv["service_level"].to_numpy(dtype=float)
    out = pd.DataFrame(
        {
            S.INTERVAL_START: iv[S.INTERVAL_START],
            S.CONTACTS: iv[S.CONTACTS],
            S.AGENTS: iv[S.AGENTS],
            "erlang_service_level": erl_sl,
            "simulated_service_level": sim_sl,
            "simulated_service_level_lower": iv["service_level_lower"],
            "simulated_service_level_upper": iv["service_level_upper"],
            "service_level_gap": sim_sl - erl_sl,
            "erlang_optimistic": erl_sl > iv["service_level_upper"].to_numpy(dtype=float),
            "erlang_asa_seconds": pred["asa_seconds"].to_numpy(dtype=float),
            "simulated_asa_seconds": iv["asa_seconds"],
            "erlang_abandon_rate": np.nan_to_num(pred["abandon_rate"].to_numpy(dtype=float), nan=0.0),
            "simulated_abandon_rate": iv["abandon_rate"],
            "erlang_occupancy": pred["occupancy"].to_numpy(dtype=float),
            "simulated_occupancy": iv["occupancy"],
        }
    )
    return out[list(COMPARISON_COLUMNS)]
