"""Roster rules as frozen dataclasses, loaded from TOML with every key validated.

The rule types are deliberately day-level and general: shift templates per day, forbidden
successions of templates, minimum and maximum consecutive working days, minimum consecutive
days off, maximum worked weekends, maximum shifts per template, paid-hours limits per week or
over the horizon, shift-on / shift-off requests with weights and cover targets per interval
(from the requirement).  Contact-centre weeks and nurse-rostering benchmarks are both
expressed with them.

TOML layout (every key optional unless marked; see ``data/rules.toml``)::

    [solver]      time_limit_seconds, num_workers, random_seed, relative_gap_limit, log_search,
                  warm_start, warm_start_share, deterministic, column_generation
    [objective]   under_coverage_per_agent_hour, over_coverage_per_agent_hour, paid_hour_cost,
                  agent_week_cost, isolated_day_off, preferred_start_missed,
                  preferred_day_off_missed, service_level_aware
    [labor]       min_rest_hours, max_start_spread_hours, weekend_days, night_start, night_end,
                  night_min_hours, forbidden_successions, outside_horizon_is_off,
                  runs_may_continue_before_start
    [[shift]]     name*, earliest_start*, latest_start*, start_step_minutes, paid_hours*, days
    [[break]]     name*, activity, duration_minutes*, paid, anchor, earliest_offset_minutes*,
                  latest_offset_minutes*, min_shift_hours, max_shift_hours
    [[contract]]  name*, shifts*, min_paid_hours_per_week, max_paid_hours_per_week,
                  min_days_per_week, max_days_per_week, max_consecutive_days,
                  min_consecutive_days, min_consecutive_days_off, max_weekends,
                  max_nights_per_week, max_shifts_per_template, min_paid_hours_total,
                  max_paid_hours_total, hourly_cost, headcount_max
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any

from staffing.errors import InputError
from staffing.scheduling.schema import WEEKDAYS
from staffing.toml_io import read_toml

_ANCHORS = ("start", "middle", "end")
_BREAK_ACTIVITIES = ("break", "lunch")


def parse_hhmm(value: Any, where: str) -> int:
    """Minutes after midnight of an ``"HH:MM"`` string (``"24:00"`` allowed up to ``"47:59"``)."""
    if not isinstance(value, str) or value.count(":") != 1:
        raise InputError(f"{where}: expected a time of day 'HH:MM' such as '08:30', found {value!r}.")
    hh, mm = value.split(":")
    if not (hh.isdigit() and mm.isdigit() and len(mm) == 2 and int(mm) < 60 and int(hh) < 48):
        raise InputError(f"{where}: expected a time of day 'HH:MM' such as '08:30', found {value!r}.")
    return int(hh) * 60 + int(mm)


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _check(cond: bool, where: str, key: str, expected: str, found: Any) -> None:
    if not cond:
        raise InputError(f"{where}: key '{key}': expected {expected}, found {found!r}.")


def _days(value: Any, where: str, key: str) -> tuple[str, ...]:
    _check(isinstance(value, (list, tuple)) and all(v in WEEKDAYS for v in value), where, key,
           f"a list of weekday names from {list(WEEKDAYS)}", value)
    return tuple(value)


@dataclass(frozen=True)
class ShiftTemplate:
    """A family of shifts: allowed start times and paid lengths on allowed weekdays.

    Parameters
    ----------
    name : str
        Unique name, used in contracts, forbidden successions and the roster.
    earliest_start, latest_start : str
        Start window ``"HH:MM"`` (latest may exceed 24:00 is not allowed; shifts may still
        end after midnight, e.g. a 22:00 start of 8 h ends 06:00 next day).
    start_step_minutes : int
        Step between allowed starts, minutes (a multiple of the requirement's interval).
    paid_hours : tuple of float
        Allowed paid lengths, hours.  The span on site is paid hours plus unpaid breaks.
    days : tuple of str
        Weekdays on which the template may start (``Mon`` .. ``Sun``).
    """

    name: str
    earliest_start: str
    latest_start: str
    paid_hours: tuple[float, ...]
    start_step_minutes: int = 30
    days: tuple[str, ...] = WEEKDAYS

    def __post_init__(self) -> None:
        w = f"shift '{self.name}'"
        _check(isinstance(self.name, str) and self.name.strip() != "", "shift", "name", "a non-empty name", self.name)
        e = parse_hhmm(self.earliest_start, f"{w}: key 'earliest_start'")
        lt = parse_hhmm(self.latest_start, f"{w}: key 'latest_start'")
        _check(e < 1440, w, "earliest_start", "a time before 24:00", self.earliest_start)
        _check(e <= lt < 1440, w, "latest_start", f"a time in [{self.earliest_start}, 24:00)", self.latest_start)
        _check(_is_int(self.start_step_minutes) and self.start_step_minutes > 0, w, "start_step_minutes",
               "a whole number of minutes > 0", self.start_step_minutes)
        ph = self.paid_hours
        _check(isinstance(ph, tuple) and len(ph) > 0 and all(_is_num(h) and 0 < h <= 24 for h in ph), w,
               "paid_hours", "a non-empty list of hours in (0, 24]", ph)
        object.__setattr__(self, "days", _days(list(self.days), w, "days"))

    @property
    def start_minutes(self) -> tuple[int, ...]:
        """Allowed start times, minutes after midnight."""
        e = parse_hhmm(self.earliest_start, "")
        lt = parse_hhmm(self.latest_start, "")
        return tuple(range(e, lt + 1, self.start_step_minutes))


@dataclass(frozen=True)
class BreakRule:
    """One break or lunch taken in every shift whose paid length lies in a range.

    Parameters
    ----------
    name : str
        Unique name (e.g. ``morning_break``).
    activity : {"break", "lunch"}
        Roster activity written for it.
    duration_minutes : int
        Length, minutes (a multiple of the interval).
    paid : bool
        Paid breaks count in paid hours; unpaid ones lengthen the shift's span.
    anchor : {"start", "middle", "end"}
        Point of the shift span the offsets are measured from.
    earliest_offset_minutes, latest_offset_minutes : int
        Window for the break *start*, minutes after the anchor (may be negative for middle/end).
    min_shift_hours, max_shift_hours : float
        The rule applies to shifts with paid length in ``[min_shift_hours, max_shift_hours]``.

    Notes
    -----
    The windows of the breaks that apply to one shift length must not overlap (checked when
    the model is built); the solver then places breaks by counting how many agents of a shift
    take each break at each offset, which is exact (Bechtold & Jacobs 1990, implicit breaks).
    """

    name: str
    duration_minutes: int
    earliest_offset_minutes: int
    latest_offset_minutes: int
    activity: str = "break"
    paid: bool = True
    anchor: str = "start"
    min_shift_hours: float = 0.0
    max_shift_hours: float = 24.0

    def __post_init__(self) -> None:
        w = f"break '{self.name}'"
        _check(isinstance(self.name, str) and self.name.strip() != "", "break", "name", "a non-empty name", self.name)
        _check(self.activity in _BREAK_ACTIVITIES, w, "activity", f"one of {list(_BREAK_ACTIVITIES)}", self.activity)
        _check(_is_int(self.duration_minutes) and self.duration_minutes > 0, w, "duration_minutes",
               "a whole number of minutes > 0", self.duration_minutes)
        _check(isinstance(self.paid, bool), w, "paid", "true or false", self.paid)
        _check(self.anchor in _ANCHORS, w, "anchor", f"one of {list(_ANCHORS)}", self.anchor)
        _check(_is_int(self.earliest_offset_minutes), w, "earliest_offset_minutes", "a whole number of minutes",
               self.earliest_offset_minutes)
        _check(_is_int(self.latest_offset_minutes) and self.latest_offset_minutes >= self.earliest_offset_minutes,
               w, "latest_offset_minutes", f"a whole number of minutes >= earliest_offset_minutes "
               f"({self.earliest_offset_minutes})", self.latest_offset_minutes)
        _check(_is_num(self.min_shift_hours) and self.min_shift_hours >= 0, w, "min_shift_hours", "hours >= 0",
               self.min_shift_hours)
        _check(_is_num(self.max_shift_hours) and self.max_shift_hours >= self.min_shift_hours, w, "max_shift_hours",
               "hours >= min_shift_hours", self.max_shift_hours)

    def applies_to(self, paid_minutes: int) -> bool:
        return self.min_shift_hours * 60 - 1e-9 <= paid_minutes <= self.max_shift_hours * 60 + 1e-9


@dataclass(frozen=True)
class Contract:
    """Working-time rules for a group of agents (full-time, part-time ...).

    Parameters
    ----------
    name : str
        Unique name referenced by the agents file.
    shifts : tuple of str
        Shift templates the contract may work.
    min_paid_hours_per_week, max_paid_hours_per_week : float
        Paid hours per 7-day block of the horizon (a shorter last block gets only the maximum).
    min_days_per_week, max_days_per_week : int
        Shifts per 7-day block.
    max_consecutive_days : int
        Most working days in a row (at most one shift per day always holds).
    min_consecutive_days : int
        Fewest working days in a row (1 = no rule).
    min_consecutive_days_off : int
        Fewest days off in a row between two working days (1 = no rule).
    max_weekends : int or None
        Most worked weekends over the horizon (a weekend is worked if any weekend day is).
    max_nights_per_week : int or None
        Most night shifts per 7-day block (see ``LaborRules`` for what a night is).
    max_shifts_per_template : tuple of (str, int)
        Most shifts of a template over the horizon.
    min_paid_hours_total, max_paid_hours_total : float or None
        Paid hours over the whole horizon.
    hourly_cost : float
        Cost per paid hour when the agent has none of its own (default 1: cost = paid hours).
    headcount_max : int or None
        Headcount mode: most agents of this contract the model may hire (default derived from
        the peak requirement).
    """

    name: str
    shifts: tuple[str, ...]
    min_paid_hours_per_week: float = 0.0
    max_paid_hours_per_week: float = 168.0
    min_days_per_week: int = 0
    max_days_per_week: int = 7
    max_consecutive_days: int = 7
    min_consecutive_days: int = 1
    min_consecutive_days_off: int = 1
    max_weekends: int | None = None
    max_nights_per_week: int | None = None
    max_shifts_per_template: tuple[tuple[str, int], ...] = ()
    min_paid_hours_total: float | None = None
    max_paid_hours_total: float | None = None
    hourly_cost: float = 1.0
    headcount_max: int | None = None

    def __post_init__(self) -> None:
        w = f"contract '{self.name}'"
        _check(isinstance(self.name, str) and self.name.strip() != "", "contract", "name", "a non-empty name",
               self.name)
        _check(isinstance(self.shifts, tuple) and len(self.shifts) > 0 and all(isinstance(s, str) for s in self.shifts),
               w, "shifts", "a non-empty list of shift template names", self.shifts)
        for key in ("min_paid_hours_per_week", "max_paid_hours_per_week"):
            v = getattr(self, key)
            _check(_is_num(v) and 0 <= v <= 168, w, key, "hours in [0, 168]", v)
        _check(self.max_paid_hours_per_week >= self.min_paid_hours_per_week, w, "max_paid_hours_per_week",
               f"hours >= min_paid_hours_per_week ({self.min_paid_hours_per_week})", self.max_paid_hours_per_week)
        for key in ("min_days_per_week", "max_days_per_week"):
            v = getattr(self, key)
            _check(_is_int(v) and 0 <= v <= 7, w, key, "a whole number of days in [0, 7]", v)
        _check(self.max_days_per_week >= self.min_days_per_week, w, "max_days_per_week",
               f"a number >= min_days_per_week ({self.min_days_per_week})", self.max_days_per_week)
        for key in ("max_consecutive_days", "min_consecutive_days", "min_consecutive_days_off"):
            v = getattr(self, key)
            _check(_is_int(v) and v >= 1, w, key, "a whole number of days >= 1", v)
        for key in ("max_weekends", "max_nights_per_week", "headcount_max"):
            v = getattr(self, key)
            _check(v is None or (_is_int(v) and v >= 0), w, key, "a whole number >= 0", v)
        for key in ("min_paid_hours_total", "max_paid_hours_total"):
            v = getattr(self, key)
            _check(v is None or (_is_num(v) and v >= 0), w, key, "hours >= 0", v)
        _check(_is_num(self.hourly_cost) and self.hourly_cost >= 0, w, "hourly_cost", "a cost per hour >= 0",
               self.hourly_cost)
        _check(isinstance(self.max_shifts_per_template, tuple)
               and all(isinstance(k, str) and _is_int(n) and n >= 0 for k, n in self.max_shifts_per_template),
               w, "max_shifts_per_template", "a table of template name = whole number >= 0",
               self.max_shifts_per_template)


@dataclass(frozen=True)
class LaborRules:
    """Rules that hold for every agent.

    Parameters
    ----------
    min_rest_hours : float
        Least time between the end of one shift and the start of the next, hours.
    max_start_spread_hours : float or None
        Latest minus earliest start time of day of an agent's shifts in the horizon, hours.
    weekend_days : tuple of str
        Days that make a weekend (default Sat, Sun).
    night_start, night_end : str
        Night period ``"HH:MM"`` (may wrap midnight).
    night_min_hours : float
        A shift is a night shift if at least this many of its hours fall in the night period.
    forbidden_successions : tuple of (str, str)
        Template ``a`` on one day may not be followed by template ``b`` the next day.
    outside_horizon_is_off : bool
        Treat the days before and after the horizon as days off for the minimum-consecutive
        rules (nurse-rostering convention); default False: runs touching the horizon edge are
        not constrained.
    runs_may_continue_before_start : bool
        With ``outside_horizon_is_off``: a working run touching the first day may have begun
        before the horizon, so it is exempt from the minimum run length (the convention behind
        the published Curtois & Qu values); runs touching the last day still count.
    """

    min_rest_hours: float = 11.0
    max_start_spread_hours: float | None = None
    weekend_days: tuple[str, ...] = ("Sat", "Sun")
    night_start: str = "22:00"
    night_end: str = "06:00"
    night_min_hours: float = 2.0
    forbidden_successions: tuple[tuple[str, str], ...] = ()
    outside_horizon_is_off: bool = False
    runs_may_continue_before_start: bool = False

    def __post_init__(self) -> None:
        w = "[labor]"
        _check(_is_num(self.min_rest_hours) and 0 <= self.min_rest_hours <= 48, w, "min_rest_hours",
               "hours in [0, 48]", self.min_rest_hours)
        _check(self.max_start_spread_hours is None or (_is_num(self.max_start_spread_hours)
                                                      and 0 <= self.max_start_spread_hours <= 24),
               w, "max_start_spread_hours", "hours in [0, 24]", self.max_start_spread_hours)
        object.__setattr__(self, "weekend_days", _days(list(self.weekend_days), w, "weekend_days"))
        parse_hhmm(self.night_start, f"{w}: key 'night_start'")
        parse_hhmm(self.night_end, f"{w}: key 'night_end'")
        _check(_is_num(self.night_min_hours) and self.night_min_hours > 0, w, "night_min_hours", "hours > 0",
               self.night_min_hours)
        _check(isinstance(self.forbidden_successions, tuple) and all(
            isinstance(p, tuple) and len(p) == 2 and all(isinstance(x, str) for x in p)
            for p in self.forbidden_successions), w, "forbidden_successions",
            "a list of [from_template, to_template] pairs", self.forbidden_successions)
        _check(isinstance(self.outside_horizon_is_off, bool), w, "outside_horizon_is_off", "true or false",
               self.outside_horizon_is_off)
        _check(isinstance(self.runs_may_continue_before_start, bool), w, "runs_may_continue_before_start",
               "true or false", self.runs_may_continue_before_start)


@dataclass(frozen=True)
class ObjectiveWeights:
    """Weights of the objective terms (all >= 0).

    Parameters
    ----------
    under_coverage_per_agent_hour : float
        Penalty per agent-hour below the requirement (always soft).
    over_coverage_per_agent_hour : float
        Penalty per agent-hour above the requirement.
    paid_hour_cost : float
        Multiplier on paid hours x hourly cost (default 1: cost in paid hours).
    agent_week_cost : float
        Headcount mode: fixed cost per hired agent.
    isolated_day_off : float
        Penalty per single day off between two working days (days off consecutive where possible).
    preferred_start_missed, preferred_day_off_missed : float
        Penalty per shift starting outside the agent's preferred window / on a preferred day off.
    service_level_aware : bool
        Replace the flat under-coverage penalty by a convex piecewise-linear one where each
        missing agent costs in proportion to the service (contacts answered in time) it would
        have bought, from the queueing engine.  Needs service targets.
    """

    under_coverage_per_agent_hour: float = 100.0
    over_coverage_per_agent_hour: float = 5.0
    paid_hour_cost: float = 1.0
    agent_week_cost: float = 0.0
    isolated_day_off: float = 2.0
    preferred_start_missed: float = 1.0
    preferred_day_off_missed: float = 2.0
    service_level_aware: bool = False

    def __post_init__(self) -> None:
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name == "service_level_aware":
                _check(isinstance(v, bool), "[objective]", f.name, "true or false", v)
            else:
                _check(_is_num(v) and v >= 0, "[objective]", f.name, "a weight >= 0", v)


@dataclass(frozen=True)
class SolverSettings:
    """CP-SAT settings: ``time_limit_seconds`` (> 0, covers warm start and search),
    ``num_workers`` (>= 1, reaches CP-SAT's ``num_workers``), ``random_seed`` (reproducible runs),
    ``relative_gap_limit`` (stop when the gap is below it, share), ``log_search`` (CP-SAT log to
    stdout), ``warm_start`` (build a roster agent by agent first and hint it, see
    :mod:`staffing.scheduling.heuristic`), ``warm_start_share`` (most of the time limit it may use)
    and ``deterministic``: the same roster on every run for a given seed and input, whatever the
    machine load — CP-SAT's interleaved search with ``time_limit_seconds`` read as *deterministic*
    time and a warm start with a fixed number of passes instead of a wall-clock budget.
    ``column_generation`` (default true): when agents meet only in day-level cover targets
    (nurse-rostering demand, no interval requirement), first compute the Dantzig-Wolfe bound and
    a price-and-branch roster (:mod:`staffing.scheduling.column_generation`); ignored otherwise
    and in deterministic mode."""

    time_limit_seconds: float = 60.0
    num_workers: int = 2
    random_seed: int = 0
    relative_gap_limit: float = 0.0
    log_search: bool = False
    warm_start: bool = True
    warm_start_share: float = 0.3
    deterministic: bool = False
    column_generation: bool = True

    def __post_init__(self) -> None:
        w = "[solver]"
        _check(_is_num(self.time_limit_seconds) and self.time_limit_seconds > 0, w, "time_limit_seconds",
               "seconds > 0", self.time_limit_seconds)
        _check(_is_int(self.num_workers) and self.num_workers >= 1, w, "num_workers", "a whole number >= 1",
               self.num_workers)
        _check(_is_int(self.random_seed) and self.random_seed >= 0, w, "random_seed", "a whole number >= 0",
               self.random_seed)
        _check(_is_num(self.relative_gap_limit) and 0 <= self.relative_gap_limit < 1, w, "relative_gap_limit",
               "a share in [0, 1)", self.relative_gap_limit)
        _check(isinstance(self.log_search, bool), w, "log_search", "true or false", self.log_search)
        _check(isinstance(self.warm_start, bool), w, "warm_start", "true or false", self.warm_start)
        _check(isinstance(self.deterministic, bool), w, "deterministic", "true or false", self.deterministic)
        _check(isinstance(self.column_generation, bool), w, "column_generation", "true or false",
               self.column_generation)
        _check(_is_num(self.warm_start_share) and 0 < self.warm_start_share < 1, w, "warm_start_share",
               "a share of the time limit in (0, 1)", self.warm_start_share)


@dataclass(frozen=True)
class ScheduleSettings:
    """Everything the roster engine needs besides the requirement and the agents."""

    shifts: tuple[ShiftTemplate, ...]
    contracts: tuple[Contract, ...]
    breaks: tuple[BreakRule, ...] = ()
    labor: LaborRules = field(default_factory=LaborRules)
    objective: ObjectiveWeights = field(default_factory=ObjectiveWeights)
    solver: SolverSettings = field(default_factory=SolverSettings)

    def __post_init__(self) -> None:
        _check(len(self.shifts) > 0, "rules", "shift", "at least one [[shift]] table", self.shifts)
        _check(len(self.contracts) > 0, "rules", "contract", "at least one [[contract]] table", self.contracts)
        for kind, items in (("shift", self.shifts), ("break", self.breaks), ("contract", self.contracts)):
            names = [x.name for x in items]
            dup = sorted({n for n in names if names.count(n) > 1})
            if dup:
                raise InputError(f"[[{kind}]]: key 'name': names must be unique, found {dup} more than once.")
        known = {s.name for s in self.shifts}
        for c in self.contracts:
            for s in c.shifts:
                if s not in known:
                    raise InputError(f"contract '{c.name}': key 'shifts': unknown shift template {s!r}; "
                                     f"known templates are {sorted(known)}.")
            for s, _ in c.max_shifts_per_template:
                if s not in known:
                    raise InputError(f"contract '{c.name}': key 'max_shifts_per_template': unknown shift template "
                                     f"{s!r}; known templates are {sorted(known)}.")
        for a, b in self.labor.forbidden_successions:
            for s in (a, b):
                if s not in known:
                    raise InputError(f"[labor]: key 'forbidden_successions': unknown shift template {s!r}; "
                                     f"known templates are {sorted(known)}.")

    def shift(self, name: str) -> ShiftTemplate:
        return next(s for s in self.shifts if s.name == name)

    def contract(self, name: str) -> Contract:
        for c in self.contracts:
            if c.name == name:
                return c
        raise KeyError(name)


# ---------------------------------------------------------------- TOML loading
def _build(cls: type, table: Any, where: str, convert: Mapping[str, Any] | None = None) -> Any:
    if not isinstance(table, dict):
        raise InputError(f"{where}: expected a table, found {table!r}.")
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(table) - known)
    if unknown:
        raise InputError(f"{where}: unknown key(s) {unknown}; known keys are {sorted(known)}.")
    values = dict(table)
    for key, fn in (convert or {}).items():
        if key in values:
            values[key] = fn(values[key])
    required = [f.name for f in fields(cls) if f.default is MISSING and f.default_factory is MISSING]
    missing = [k for k in required if k not in values]
    if missing:
        raise InputError(f"{where}: missing required key(s) {missing}.")
    return cls(**values)


def _tuple(v: Any) -> Any:
    return tuple(v) if isinstance(v, list) else v


def _pairs(v: Any) -> Any:
    if isinstance(v, list):
        return tuple(tuple(p) if isinstance(p, list) else p for p in v)
    return v


def _table_pairs(v: Any) -> Any:
    if isinstance(v, dict):
        return tuple(sorted(v.items()))
    return v


def settings_from_mapping(data: Mapping[str, Any], *, source: str = "rules") -> ScheduleSettings:
    """Build :class:`ScheduleSettings` from a parsed TOML document, naming any bad key."""
    top = {"solver", "objective", "labor", "shift", "break", "contract"}
    unknown = sorted(set(data) - top)
    if unknown:
        raise InputError(f"{source}: unknown top-level key(s) {unknown}; known keys are {sorted(top)}.")

    def tables(key: str) -> list[Any]:
        v = data.get(key, [])
        if not isinstance(v, list):
            raise InputError(f"{source}: key '{key}': expected an array of tables [[{key}]], found {v!r}.")
        return v

    try:
        shifts = tuple(_build(ShiftTemplate, t, f"{source}: [[shift]] #{i + 1}",
                              {"paid_hours": _tuple, "days": _tuple}) for i, t in enumerate(tables("shift")))
        brks = tuple(_build(BreakRule, t, f"{source}: [[break]] #{i + 1}") for i, t in enumerate(tables("break")))
        contracts = tuple(_build(Contract, t, f"{source}: [[contract]] #{i + 1}",
                                 {"shifts": _tuple, "max_shifts_per_template": _table_pairs})
                          for i, t in enumerate(tables("contract")))
        labor = _build(LaborRules, data.get("labor", {}), f"{source}: [labor]",
                       {"weekend_days": _tuple, "forbidden_successions": _pairs})
        objective = _build(ObjectiveWeights, data.get("objective", {}), f"{source}: [objective]")
        solver = _build(SolverSettings, data.get("solver", {}), f"{source}: [solver]")
        return ScheduleSettings(shifts=shifts, contracts=contracts, breaks=brks, labor=labor,
                                objective=objective, solver=solver)
    except InputError as exc:
        msg = str(exc)
        raise InputError(msg if msg.startswith(source) else f"{source}: {msg}") from None
    except TypeError as exc:  # pragma: no cover - guarded by the key checks above
        raise InputError(f"{source}: {exc}") from None


def load_settings(path: str | Path) -> ScheduleSettings:
    """Read a rules TOML file (see the module docstring and ``data/rules.toml``)."""
    p = Path(path)
    data = read_toml(p)
    return settings_from_mapping(data, source=str(p))
