"""Settings of a capacity plan (frozen dataclasses) and the ``PLAN.toml`` loader.

Every dataclass checks itself in ``__post_init__`` and names the offending key; the
loader adds the TOML table path (``groups[full_time].hiring``) in front of the message.
The keys, defaults and units are listed in the README (section *Capacity planning*) and below.

Units: rates are shares (0.03 = 3 %), ``*_weeks`` are weeks, ``*_months`` are months of
30.4375 days, costs are in the plan's currency, ``annual_cost_per_fte`` is the *loaded*
yearly cost of one full-time equivalent (salary + employer charges + benefits).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

from staffing.errors import InputError
from staffing.settings import ServiceTargets
from staffing.toml_io import read_toml

DAYS_PER_MONTH = 365.25 / 12.0  #: average month length used for monthly rates, days
PeriodKind = Literal["month", "week"]


def _bad(key: str, expected: str, found: Any) -> InputError:
    return InputError(f"'{key}': expected {expected}, found {found!r}.")


def _number(key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _bad(key, "a finite number", value)
    return float(value)


def _share(key: str, value: Any, *, upper_open: bool = True) -> float:
    v = _number(key, value)
    if not (0.0 <= v < 1.0 if upper_open else 0.0 <= v <= 1.0):
        raise _bad(key, "a share in [0, 1)" if upper_open else "a share in [0, 1]", value)
    return v


def _whole(key: str, value: Any, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise _bad(key, f"a whole number >= {minimum}", value)
    return value


def _by_month(key: str, value: Any, *, share: bool) -> tuple[float, ...]:
    """A scalar or 12 values (January..December) -> 12 floats."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        values: Sequence[Any] = [value] * 12
    elif isinstance(value, (list, tuple)) and len(value) == 12:
        values = value
    else:
        raise _bad(key, "a number or a list of 12 numbers (January..December)", value)
    out = tuple(_share(f"{key}[{i + 1}]", v) if share else _number(f"{key}[{i + 1}]", v) for i, v in enumerate(values))
    return out


@dataclass(frozen=True)
class AttritionBand:
    """Monthly attrition for staff with tenure up to ``max_tenure_months``.

    Parameters
    ----------
    monthly_rate : float
        Share of the band's headcount leaving per month, in [0, 1).
    max_tenure_months : float or None
        Upper tenure bound of the band (exclusive), months since hire; ``None`` for the
        last, open-ended band.
    """

    monthly_rate: float
    max_tenure_months: float | None = None

    def __post_init__(self) -> None:
        _share("monthly_rate", self.monthly_rate)
        if self.max_tenure_months is not None and not _number("max_tenure_months", self.max_tenure_months) > 0:
            raise _bad("max_tenure_months", "a tenure in months > 0, or omitted for the last band", self.max_tenure_months)


@dataclass(frozen=True)
class Cohort:
    """Current staff of one tenure: ``headcount`` people hired ``tenure_months`` ago."""

    headcount: float
    tenure_months: float = 24.0

    def __post_init__(self) -> None:
        if not _number("headcount", self.headcount) >= 0:
            raise _bad("headcount", "a number of people >= 0", self.headcount)
        if not _number("tenure_months", self.tenure_months) >= 0:
            raise _bad("tenure_months", "months since hire >= 0", self.tenure_months)


@dataclass(frozen=True)
class HiringRules:
    """How a group can be hired: class sizes, lead times, ramp-up and costs.

    Parameters
    ----------
    class_min, class_max : int
        Smallest and largest class (people starting training together). ``class_max = 0``
        means the group is not hired into.
    recruiting_weeks : float
        Time from the decision (plan start) to the first possible class start, weeks.
    training_weeks : float
        Classroom training, weeks: paid, not productive.
    ramp_curve : tuple of float
        Proficiency (share of a tenured agent's output) in successive stages after training,
        e.g. ``(0.5, 0.75)``; 1.0 afterwards.
    ramp_stage_weeks : float
        Length of each ramp stage, weeks (default 4.35, about a month).
    training_cost_per_hire : float
        One-off cost per hire (recruiting, equipment, materials), currency.
    cost_per_class : float
        One-off cost per class run (trainer, room), currency.
    start_dates : tuple of datetime.date or None
        Allowed class start dates; default every ``start_every_periods``-th period start on or
        after the recruiting lead time.
    start_every_periods : int
        Spacing of the default start dates, periods (>= 1).
    """

    class_min: int = 0
    class_max: int = 0
    recruiting_weeks: float = 0.0
    training_weeks: float = 0.0
    ramp_curve: tuple[float, ...] = ()
    ramp_stage_weeks: float = 4.35
    training_cost_per_hire: float = 0.0
    cost_per_class: float = 0.0
    start_dates: tuple[dt.date, ...] | None = None
    start_every_periods: int = 1

    def __post_init__(self) -> None:
        _whole("class_min", self.class_min)
        _whole("class_max", self.class_max)
        if self.class_min > self.class_max:
            raise InputError(
                f"'class_min' ({self.class_min}) is larger than 'class_max' ({self.class_max}); "
                "expected class_min <= class_max."
            )
        for key in ("recruiting_weeks", "training_weeks", "training_cost_per_hire", "cost_per_class"):
            if not _number(key, getattr(self, key)) >= 0:
                raise _bad(key, "a number >= 0", getattr(self, key))
        if not _number("ramp_stage_weeks", self.ramp_stage_weeks) > 0:
            raise _bad("ramp_stage_weeks", "a number of weeks > 0", self.ramp_stage_weeks)
        if not isinstance(self.ramp_curve, tuple):
            raise _bad("ramp_curve", "a list of proficiencies in (0, 1]", self.ramp_curve)
        for i, p in enumerate(self.ramp_curve):
            v = _number(f"ramp_curve[{i + 1}]", p)
            if not 0.0 <= v <= 1.0:
                raise _bad(f"ramp_curve[{i + 1}]", "a proficiency in [0, 1]", p)
        _whole("start_every_periods", self.start_every_periods, 1)
        if self.start_dates is not None:
            for i, d in enumerate(self.start_dates):
                if not isinstance(d, dt.date) or isinstance(d, dt.datetime):
                    raise _bad(f"start_dates[{i + 1}]", "a date such as 2027-03-01", d)


@dataclass(frozen=True)
class StaffGroup:
    """A pool of agents serving the demand (e.g. full-time, part-time).

    Parameters
    ----------
    name : str
        Group name used in tables and variable names.
    annual_cost_per_fte : float
        Loaded yearly cost of one FTE, currency (> 0). A head costs ``fte_per_head`` of it.
    fte_per_head : float
        Contracted FTE per person (1.0 full-time, 0.5 half-time), in (0, 1.5].
    cohorts : tuple of Cohort
        Current staff by tenure.
    attrition : tuple of AttritionBand
        Monthly attrition by tenure band, ascending; the last band open-ended.
    hiring : HiringRules
        Class rules for this group.
    max_overtime_share : float
        Overtime allowed, as a share of the group's productive FTE, in [0, 1).
    overtime_premium : float
        Extra cost of an overtime hour over a normal hour (0.5 = time-and-a-half).
    """

    name: str
    annual_cost_per_fte: float
    fte_per_head: float = 1.0
    cohorts: tuple[Cohort, ...] = ()
    attrition: tuple[AttritionBand, ...] = (AttritionBand(0.0),)
    hiring: HiringRules = field(default_factory=HiringRules)
    max_overtime_share: float = 0.0
    overtime_premium: float = 0.5

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise _bad("name", "a non-empty group name", self.name)
        if not _number("annual_cost_per_fte", self.annual_cost_per_fte) > 0:
            raise _bad("annual_cost_per_fte", "a loaded yearly cost > 0", self.annual_cost_per_fte)
        if not 0 < _number("fte_per_head", self.fte_per_head) <= 1.5:
            raise _bad("fte_per_head", "a number in (0, 1.5]", self.fte_per_head)
        _share("max_overtime_share", self.max_overtime_share)
        if not _number("overtime_premium", self.overtime_premium) >= 0:
            raise _bad("overtime_premium", "a number >= 0", self.overtime_premium)
        if not self.attrition:
            raise _bad("attrition", "at least one band", self.attrition)
        bounds = [b.max_tenure_months for b in self.attrition]
        if bounds[-1] is not None:
            raise InputError("'attrition': the last band must be open-ended (no max_tenure_months).")
        inner = [b for b in bounds[:-1]]
        if any(b is None for b in inner) or any(b2 <= b1 for b1, b2 in itertools.pairwise(inner)):  # type: ignore[operator]
            raise _bad("attrition", "bands with increasing max_tenure_months and only the last open-ended", bounds)

    def monthly_attrition(self, tenure_months: Any) -> Any:
        """Monthly attrition rate at ``tenure_months`` (scalar or array)."""
        import numpy as np

        t = np.asarray(tenure_months, dtype=float)
        rate = np.full(t.shape, self.attrition[-1].monthly_rate)
        for band in reversed(self.attrition[:-1]):
            rate = np.where(t < band.max_tenure_months, band.monthly_rate, rate)  # type: ignore[operator]
        return rate


_DAY_WEIGHTS = (1.15, 1.05, 1.0, 1.0, 0.95, 0.55, 0.3)


@dataclass(frozen=True)
class DemandSettings:
    """Where the volume comes from and how it moves over the horizon.

    Parameters
    ----------
    base_week_contacts : float or None
        Contacts in a representative week at the plan start (before seasonality). Default:
        the mean weekly volume of ``forecast_csv``.
    base_aht_seconds : float or None
        Average handle time at the plan start, seconds. Default: the forecast's
        contact-weighted AHT.
    forecast_csv : Path or None
        Interval forecast (``interval_start, contacts, aht_seconds[, channel]``) whose
        complete weeks are averaged into the representative week's shape. Without it the
        built-in curve (``open_hour``..``close_hour``, ``day_weights``) is used.
    channel : str or None
        Channel of ``forecast_csv`` to use (required when it has several).
    volume_from_forecast : bool
        Take each period's weekly volume and AHT from ``forecast_csv`` itself (summed over the
        period's days); the forecast must cover the whole horizon. Replaces growth, seasonality
        and the AHT trend.
    seasonality_history_csv : Path or None
        Contact history (``interval_start, contacts[, channel]``, any interval) from which
        ``seasonality_by_month`` is estimated: mean daily volume of each calendar month / mean
        daily volume of all days. Every month must be present.
    periods_csv : Path or None
        Volume per period (``period_start, contacts`` [+ ``aht_seconds``, ``shrinkage_planned``,
        ``shrinkage_unplanned``]); replaces growth and seasonality.
    volume_growth_annual : float
        Yearly growth of the volume, compounded daily from the plan start (0.05 = +5 %/year).
    seasonality_by_month : tuple of 12 floats
        Volume index per calendar month (1.0 = base week).
    aht_trend_seconds_per_year : float
        Linear AHT drift, seconds per year (negative for improvements).
    volume_multiplier, aht_multiplier : float
        Scenario multipliers applied on top of any source.
    aht_delta_seconds : float
        Scenario AHT change, seconds, applied after the multiplier.
    shrinkage_planned, shrinkage_unplanned : tuple of 12 shares
        Share of paid hours lost, per calendar month: planned (holidays, training, meetings,
        coaching) and unplanned (sickness, absence). Their sum must stay below 1.
    open_hour, close_hour : float
        Opening hours of the built-in curve (every day), hours.
    interval_minutes : float
        Interval length of the built-in curve, minutes.
    day_weights : tuple of 7 floats
        Monday..Sunday volume weights of the built-in curve.
    """

    base_week_contacts: float | None = None
    base_aht_seconds: float | None = None
    forecast_csv: Path | None = None
    channel: str | None = None
    volume_from_forecast: bool = False
    seasonality_history_csv: Path | None = None
    periods_csv: Path | None = None
    volume_growth_annual: float = 0.0
    seasonality_by_month: tuple[float, ...] = (1.0,) * 12
    aht_trend_seconds_per_year: float = 0.0
    volume_multiplier: float = 1.0
    aht_multiplier: float = 1.0
    aht_delta_seconds: float = 0.0
    shrinkage_planned: tuple[float, ...] = (0.15,) * 12
    shrinkage_unplanned: tuple[float, ...] = (0.05,) * 12
    open_hour: float = 8.0
    close_hour: float = 20.0
    interval_minutes: float = 30.0
    day_weights: tuple[float, ...] = _DAY_WEIGHTS

    def __post_init__(self) -> None:
        if self.base_week_contacts is not None and not _number("base_week_contacts", self.base_week_contacts) >= 0:
            raise _bad("base_week_contacts", "contacts per week >= 0", self.base_week_contacts)
        if self.base_aht_seconds is not None and not _number("base_aht_seconds", self.base_aht_seconds) > 0:
            raise _bad("base_aht_seconds", "a handle time > 0 seconds", self.base_aht_seconds)
        if self.forecast_csv is None and self.periods_csv is None and (
            self.base_week_contacts is None or self.base_aht_seconds is None
        ):
            raise InputError(
                "demand: without 'forecast_csv' or 'periods_csv', both 'base_week_contacts' and "
                "'base_aht_seconds' are needed."
            )
        if not isinstance(self.volume_from_forecast, bool):
            raise _bad("volume_from_forecast", "true or false", self.volume_from_forecast)
        if self.volume_from_forecast and self.forecast_csv is None:
            raise InputError("demand: 'volume_from_forecast' = true needs 'forecast_csv'.")
        if self.volume_from_forecast and self.periods_csv is not None:
            raise InputError("demand: set either 'volume_from_forecast' or 'periods_csv', not both.")
        if not _number("volume_growth_annual", self.volume_growth_annual) > -1:
            raise _bad("volume_growth_annual", "a yearly growth rate > -1", self.volume_growth_annual)
        _number("aht_trend_seconds_per_year", self.aht_trend_seconds_per_year)
        _number("aht_delta_seconds", self.aht_delta_seconds)
        for key in ("volume_multiplier", "aht_multiplier"):
            if not _number(key, getattr(self, key)) > 0:
                raise _bad(key, "a multiplier > 0", getattr(self, key))
        for key in ("seasonality_by_month", "shrinkage_planned", "shrinkage_unplanned"):
            v = getattr(self, key)
            if not isinstance(v, tuple) or len(v) != 12:
                raise _bad(key, "12 values (January..December)", v)
        for i, s in enumerate(self.seasonality_by_month):
            if not _number(f"seasonality_by_month[{i + 1}]", s) >= 0:
                raise _bad(f"seasonality_by_month[{i + 1}]", "an index >= 0", s)
        for i, (p, u) in enumerate(zip(self.shrinkage_planned, self.shrinkage_unplanned)):
            _share(f"shrinkage_planned[{i + 1}]", p)
            _share(f"shrinkage_unplanned[{i + 1}]", u)
            if p + u >= 1.0:
                raise InputError(
                    f"'shrinkage_planned' + 'shrinkage_unplanned' for month {i + 1} is {p + u:g}; expected "
                    "a total below 1 (shares of paid hours)."
                )
        if not 0 <= _number("open_hour", self.open_hour) < _number("close_hour", self.close_hour) <= 24:
            raise InputError(
                f"'open_hour'/'close_hour': expected 0 <= open_hour < close_hour <= 24, found "
                f"{self.open_hour!r}/{self.close_hour!r}."
            )
        im = _number("interval_minutes", self.interval_minutes)
        if not (im > 0 and 1440 % im == 0):
            raise _bad("interval_minutes", "a divisor of 1440 such as 15, 30 or 60", self.interval_minutes)
        if not isinstance(self.day_weights, tuple) or len(self.day_weights) != 7:
            raise _bad("day_weights", "7 weights (Monday..Sunday)", self.day_weights)
        for i, w in enumerate(self.day_weights):
            if not _number(f"day_weights[{i + 1}]", w) >= 0:
                raise _bad(f"day_weights[{i + 1}]", "a weight >= 0", w)


@dataclass(frozen=True)
class Horizon:
    """Planning horizon: ``periods`` months (starting on the 1st) or weeks from ``start``."""

    start: dt.date
    periods: int = 18
    period: PeriodKind = "month"

    def __post_init__(self) -> None:
        if not isinstance(self.start, dt.date) or isinstance(self.start, dt.datetime):
            raise _bad("start", "a date such as 2027-01-01", self.start)
        if self.period not in ("month", "week"):
            raise _bad("period", "'month' or 'week'", self.period)
        _whole("periods", self.periods, 1)
        if self.period == "month" and self.start.day != 1:
            raise _bad("start", "the first day of a month for monthly periods", self.start.isoformat())
        if self.period == "month" and self.periods > 36:
            raise _bad("periods", "at most 36 months", self.periods)
        if self.period == "week" and self.periods > 156:
            raise _bad("periods", "at most 156 weeks", self.periods)


@dataclass(frozen=True)
class SolverOptions:
    """MIP solver options (OR-Tools ``pywraplp``)."""

    backend: str = "SCIP"
    time_limit_seconds: float = 30.0
    relative_gap: float = 1e-4
    num_threads: int = 1

    def __post_init__(self) -> None:
        if self.backend not in ("SCIP", "CBC", "SAT"):
            raise _bad("backend", "'SCIP', 'CBC' or 'SAT'", self.backend)
        if not _number("time_limit_seconds", self.time_limit_seconds) > 0:
            raise _bad("time_limit_seconds", "seconds > 0", self.time_limit_seconds)
        if not 0 <= _number("relative_gap", self.relative_gap) < 1:
            raise _bad("relative_gap", "a share in [0, 1)", self.relative_gap)
        _whole("num_threads", self.num_threads, 1)


@dataclass(frozen=True)
class Scenario:
    """A named change to the base plan; ``None`` / neutral values keep the base.

    ``attrition_points`` is added to every attrition band's monthly rate (0.005 = +0.5 point);
    ``shrinkage_unplanned_points`` to every month's unplanned shrinkage (0.02 = +2 points of absence).
    """

    name: str
    volume_multiplier: float = 1.0
    volume_growth_annual: float | None = None
    aht_multiplier: float = 1.0
    aht_delta_seconds: float = 0.0
    attrition_multiplier: float = 1.0
    attrition_points: float = 0.0
    shrinkage_unplanned_points: float = 0.0
    service_level: float | None = None
    answer_seconds: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise _bad("name", "a non-empty scenario name", self.name)
        for key in ("volume_multiplier", "aht_multiplier"):
            if not _number(key, getattr(self, key)) > 0:
                raise _bad(key, "a multiplier > 0", getattr(self, key))
        if not _number("attrition_multiplier", self.attrition_multiplier) >= 0:
            raise _bad("attrition_multiplier", "a multiplier >= 0", self.attrition_multiplier)
        _number("attrition_points", self.attrition_points)
        _number("shrinkage_unplanned_points", self.shrinkage_unplanned_points)
        _number("aht_delta_seconds", self.aht_delta_seconds)
        if self.volume_growth_annual is not None:
            _number("volume_growth_annual", self.volume_growth_annual)

    def apply(self, settings: PlanSettings) -> PlanSettings:
        """The base ``settings`` with this scenario's changes (validated again)."""
        d = settings.demand
        try:
            demand = self._demand(d)
        except InputError as exc:
            raise InputError(f"scenario '{self.name}': {exc}") from None
        groups = tuple(
            dataclasses.replace(
                g,
                attrition=tuple(
                    dataclasses.replace(
                        b, monthly_rate=min(max(b.monthly_rate * self.attrition_multiplier + self.attrition_points, 0.0), 0.99)
                    )
                    for b in g.attrition
                ),
            )
            for g in settings.groups
        )
        targets = settings.targets
        changes: dict[str, Any] = {}
        if self.service_level is not None:
            changes["service_level"] = self.service_level
        if self.answer_seconds is not None:
            changes["answer_seconds"] = self.answer_seconds
        if changes:
            try:
                targets = dataclasses.replace(targets, **changes)
            except InputError as exc:
                raise InputError(f"scenario '{self.name}': {exc}") from None
        return dataclasses.replace(settings, demand=demand, groups=groups, targets=targets, name=self.name)

    def _demand(self, d: DemandSettings) -> DemandSettings:
        return dataclasses.replace(
            d,
            shrinkage_unplanned=tuple(max(u + self.shrinkage_unplanned_points, 0.0) for u in d.shrinkage_unplanned),
            volume_multiplier=d.volume_multiplier * self.volume_multiplier,
            volume_growth_annual=d.volume_growth_annual if self.volume_growth_annual is None else self.volume_growth_annual,
            aht_multiplier=d.aht_multiplier * self.aht_multiplier,
            aht_delta_seconds=d.aht_delta_seconds + self.aht_delta_seconds,
        )


@dataclass(frozen=True)
class SensitivitySteps:
    """Finite-difference steps of the sensitivity table (each result is reported per unit).

    ``service_level_points``: +points of service level (1.0 = 80 % -> 81 %);
    ``aht_seconds``: +seconds of AHT; ``volume_share``: +share of volume (0.01 = +1 %);
    ``attrition_points``: +points of monthly attrition (0.5 = +0.5 point).
    """

    service_level_points: float = 1.0
    aht_seconds: float = 10.0
    volume_share: float = 0.01
    attrition_points: float = 0.5

    def __post_init__(self) -> None:
        for f in fields(self):
            if not _number(f.name, getattr(self, f.name)) > 0:
                raise _bad(f.name, "a step > 0", getattr(self, f.name))


@dataclass(frozen=True)
class PlanSettings:
    """Everything a capacity plan needs.

    Parameters
    ----------
    horizon : Horizon
    targets : ServiceTargets
        Interval service targets (voice or chat); ``max_occupancy`` is the occupancy cap.
        Shrinkage comes from ``demand``, so ``targets.shrinkage`` must be 0.
    demand : DemandSettings
    groups : tuple of StaffGroup
    paid_hours_per_fte_week : float
        Paid hours of one FTE per week, hours (e.g. 37.5).
    allow_shortfall : bool
        ``True``: under-staffing is allowed at ``shortfall_penalty_per_fte_month``;
        ``False``: the required FTE is a hard constraint (explained when impossible).
    shortfall_penalty_per_fte_month : float or None
        Penalty per FTE short for one month, currency; default 3 x the largest monthly
        cost of an FTE. Not part of the budget.
    max_headcount : float or None
        Approved headcount (people, all groups): hires are limited so that the expected heads,
        on average and at the end of every period, stay within it. Current staff above it are
        kept (no layoffs) but block hiring until attrition brings them under.
    pay_rise_annual : float
        Yearly pay rise applied to every ``annual_cost_per_fte`` (0.03 = +3 %), compounding.
    pay_rise_month : int
        Calendar month (1-12) whose 1st day the rise takes effect, every year; a rise on the
        horizon's first day is already in ``annual_cost_per_fte``.
    currency : str
    solver : SolverOptions
    scenarios : tuple of Scenario
    sensitivity : SensitivitySteps
    name : str
    """

    horizon: Horizon
    targets: ServiceTargets
    demand: DemandSettings
    groups: tuple[StaffGroup, ...]
    paid_hours_per_fte_week: float = 37.5
    allow_shortfall: bool = True
    shortfall_penalty_per_fte_month: float | None = None
    max_headcount: float | None = None
    pay_rise_annual: float = 0.0
    pay_rise_month: int = 1
    currency: str = "EUR"
    solver: SolverOptions = field(default_factory=SolverOptions)
    scenarios: tuple[Scenario, ...] = ()
    sensitivity: SensitivitySteps = field(default_factory=SensitivitySteps)
    name: str = "base"

    def __post_init__(self) -> None:
        if not 0 < _number("paid_hours_per_fte_week", self.paid_hours_per_fte_week) <= 80:
            raise _bad("paid_hours_per_fte_week", "hours in (0, 80]", self.paid_hours_per_fte_week)
        if not isinstance(self.allow_shortfall, bool):
            raise _bad("allow_shortfall", "true or false", self.allow_shortfall)
        if self.shortfall_penalty_per_fte_month is not None and not _number(
            "shortfall_penalty_per_fte_month", self.shortfall_penalty_per_fte_month
        ) >= 0:
            raise _bad("shortfall_penalty_per_fte_month", "a cost >= 0", self.shortfall_penalty_per_fte_month)
        if self.max_headcount is not None and not _number("max_headcount", self.max_headcount) >= 0:
            raise _bad("max_headcount", "a number of people >= 0", self.max_headcount)
        if not -0.5 < _number("pay_rise_annual", self.pay_rise_annual) < 1:
            raise _bad("pay_rise_annual", "a yearly rise such as 0.03", self.pay_rise_annual)
        if _whole("pay_rise_month", self.pay_rise_month, 1) > 12:
            raise _bad("pay_rise_month", "a calendar month 1..12", self.pay_rise_month)
        if not self.groups:
            raise InputError("'groups': expected at least one staff group ([[groups]] table), found none.")
        names = [g.name for g in self.groups]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise InputError(f"'groups': duplicate group name(s) {dup}; expected unique names.")
        if self.targets.kind == "deferred":
            raise InputError("'targets.kind': planning supports 'voice' and 'chat', found 'deferred'.")
        if self.targets.shrinkage:
            raise InputError(
                "'targets.shrinkage': leave it at 0 in a plan; set demand.shrinkage_planned and "
                f"demand.shrinkage_unplanned instead (found {self.targets.shrinkage!r})."
            )
        snames = [s.name for s in self.scenarios]
        dup = sorted({n for n in snames if snames.count(n) > 1})
        if dup:
            raise InputError(f"'scenarios': duplicate scenario name(s) {dup}.")

    @property
    def penalty_per_fte_month(self) -> float:
        """The shortfall penalty in force (explicit or 3 x the largest monthly FTE cost)."""
        if self.shortfall_penalty_per_fte_month is not None:
            return float(self.shortfall_penalty_per_fte_month)
        return 3.0 * max(g.annual_cost_per_fte for g in self.groups) / 12.0


# --------------------------------------------------------------------------- TOML loader


def _table(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InputError(f"{where}: expected a table, found {value!r}.")
    return value


def _make(cls: type, values: Mapping[str, Any], where: str, convert: Mapping[str, Any] | None = None) -> Any:
    """Build ``cls`` from a TOML table: unknown keys and constructor errors name ``where``."""
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise InputError(f"{where}: unknown key(s) {unknown}; known keys are {sorted(known)}.")
    kwargs = dict(values)
    try:
        for key, fn in (convert or {}).items():
            if key in kwargs:
                kwargs[key] = fn(kwargs[key])
        return cls(**kwargs)
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from None
    except TypeError as exc:
        raise InputError(f"{where}: {exc}") from None


def _date(key: str) -> Any:
    def convert(v: Any) -> dt.date:
        if isinstance(v, dt.datetime):
            raise _bad(key, "a date without time such as 2027-01-01", v)
        if isinstance(v, dt.date):
            return v
        if isinstance(v, str):
            try:
                return dt.date.fromisoformat(v)
            except ValueError:
                pass
        raise _bad(key, "a date such as 2027-01-01", v)

    return convert


def _tuple_of(key: str, item: Any = None) -> Any:
    def convert(v: Any) -> tuple[Any, ...]:
        if not isinstance(v, (list, tuple)):
            raise _bad(key, "a list", v)
        return tuple(item(x) if item else x for x in v)

    return convert


def _path(base: Path) -> Any:
    def convert(v: Any) -> Path:
        if not isinstance(v, str) or not v:
            raise _bad("path", "a file path", v)
        p = Path(v)
        return p if p.is_absolute() else (base / p)

    return convert


def settings_from_mapping(doc: Mapping[str, Any], *, source: str = "plan", base_dir: Path | None = None) -> PlanSettings:
    """Build :class:`PlanSettings` from a parsed TOML document.

    Parameters
    ----------
    doc : mapping
        Tables ``[plan]``, ``[targets]``, ``[demand]``, ``[[groups]]`` (with ``[[groups.cohorts]]``,
        ``[[groups.attrition]]``, ``[groups.hiring]``), optional ``[solver]``, ``[[scenarios]]``,
        ``[sensitivity]``.
    source : str
        File name for error messages.
    base_dir : Path, optional
        Directory against which relative CSV paths are resolved.

    Raises
    ------
    InputError
        Naming the table and key of the first problem.
    """
    base = base_dir or Path(".")
    allowed = {"plan", "targets", "demand", "groups", "solver", "scenarios", "sensitivity"}
    unknown = sorted(set(doc) - allowed)
    if unknown:
        raise InputError(f"{source}: unknown table(s) {unknown}; known tables are {sorted(allowed)}.")
    plan = dict(_table(doc.get("plan", {}), f"{source} [plan]"))
    horizon_keys = {"start", "periods", "period"}
    if "start" not in plan:
        raise InputError(f"{source} [plan]: missing key 'start' (first day of the horizon, e.g. 2027-01-01).")
    horizon = _make(Horizon, {k: plan.pop(k) for k in list(plan) if k in horizon_keys}, f"{source} [plan]",
                    {"start": _date("start")})
    targets_doc = _table(doc.get("targets", {}), f"{source} [targets]")
    try:
        targets = ServiceTargets.from_mapping(targets_doc, where=f"{source} [targets]")
    except InputError as exc:
        msg = str(exc)
        raise InputError(msg if msg.startswith(source) else f"{source} [targets]: {msg}") from None
    if "demand" not in doc:
        raise InputError(f"{source}: missing table [demand] (base_week_contacts, base_aht_seconds or forecast_csv).")
    demand = _make(
        DemandSettings,
        _table(doc["demand"], f"{source} [demand]"),
        f"{source} [demand]",
        {
            "forecast_csv": _path(base),
            "periods_csv": _path(base),
            "seasonality_history_csv": _path(base),
            "seasonality_by_month": lambda v: _by_month("seasonality_by_month", v, share=False),
            "shrinkage_planned": lambda v: _by_month("shrinkage_planned", v, share=True),
            "shrinkage_unplanned": lambda v: _by_month("shrinkage_unplanned", v, share=True),
            "day_weights": _tuple_of("day_weights"),
        },
    )
    raw_groups = doc.get("groups", [])
    if not isinstance(raw_groups, list):
        raise InputError(f"{source}: 'groups' must be an array of tables ([[groups]]), found {raw_groups!r}.")
    groups = []
    for i, g in enumerate(raw_groups):
        g = dict(_table(g, f"{source} [[groups]] #{i + 1}"))
        where = f"{source} groups[{g.get('name', i + 1)}]"
        cohorts = tuple(
            _make(Cohort, _table(c, f"{where}.cohorts"), f"{where}.cohorts[{j + 1}]") for j, c in enumerate(g.pop("cohorts", []))
        )
        attr = g.pop("attrition", None)
        if attr is None:
            bands: tuple[AttritionBand, ...] = (AttritionBand(0.0),)
        elif isinstance(attr, (int, float)) and not isinstance(attr, bool):
            bands = (_make(AttritionBand, {"monthly_rate": attr}, f"{where}.attrition"),)
        elif isinstance(attr, list):
            bands = tuple(
                _make(AttritionBand, _table(b, f"{where}.attrition"), f"{where}.attrition[{j + 1}]") for j, b in enumerate(attr)
            )
        else:
            raise InputError(f"{where}: 'attrition' expected a monthly rate or [[groups.attrition]] bands, found {attr!r}.")
        hiring = _make(
            HiringRules,
            _table(g.pop("hiring", {}), f"{where}.hiring"),
            f"{where}.hiring",
            {
                "ramp_curve": _tuple_of("ramp_curve"),
                "start_dates": _tuple_of("start_dates", _date("start_dates")),
            },
        )
        groups.append(_make(StaffGroup, {**g, "cohorts": cohorts, "attrition": bands, "hiring": hiring}, where))
    solver = _make(SolverOptions, _table(doc.get("solver", {}), f"{source} [solver]"), f"{source} [solver]")
    scenarios = tuple(
        _make(Scenario, _table(s, f"{source} [[scenarios]]"), f"{source} scenarios[{s.get('name', j + 1) if isinstance(s, Mapping) else j + 1}]")
        for j, s in enumerate(doc.get("scenarios", []))
    )
    sens = _make(SensitivitySteps, _table(doc.get("sensitivity", {}), f"{source} [sensitivity]"), f"{source} [sensitivity]")
    return _make(
        PlanSettings,
        {**plan, "horizon": horizon, "targets": targets, "demand": demand, "groups": tuple(groups), "solver": solver,
         "scenarios": scenarios, "sensitivity": sens},
        f"{source} [plan]",
    )


def load_plan(path: str | Path) -> PlanSettings:
    """Read ``PLAN.toml`` into :class:`PlanSettings` (CSV paths relative to the file)."""
    p = Path(path)
    doc = read_toml(p)
    return settings_from_mapping(doc, source=str(p), base_dir=p.parent)
