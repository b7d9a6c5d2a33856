"""The CP-SAT roster model: horizon, candidate shifts and every decision variable in one object.

Formulation
-----------
* For each agent ``a``, day ``d`` and candidate shift option ``o`` (template, paid length,
  start time) allowed by the agent's contract, availability and time off, a Boolean
  ``shift(a, d, o)``; ``works(a, d) = sum_o shift(a, d, o) <= 1`` (one shift per day).
* For each day and option an integer ``on_shift(d, o) = sum_a shift(a, d, o)``.
* Breaks are *implicit* (Bechtold & Jacobs 1990): for each break rule ``k`` of the option
  and each allowed start offset ``s``, an integer ``on_break(d, o, k, s)`` counts the agents of
  that shift taking break ``k`` at ``s``; ``sum_s on_break(d, o, k, s) = on_shift(d, o)``.
  Because the windows of one shift's breaks do not overlap, any assignment of the counts to
  the agents is a valid per-agent break plan, so coverage is exact and the model stays small.
* Coverage of interval ``t`` = sum of ``on_shift`` covering ``t`` minus the ``on_break`` covering
  ``t``; ``coverage(t) - required(t) = over(t) - under(t)`` with ``under, over >= 0`` (soft).

References
----------
Bechtold, S. E. & Jacobs, L. W. (1990). Implicit modeling of flexible break assignments in
optimal shift scheduling. *Management Science* 36(11), 1339-1351.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from staffing import schema as FS
from staffing.errors import InputError
from staffing.scheduling.agents import Agent
from staffing.scheduling.rules import BreakRule, Contract, ScheduleSettings, parse_hhmm
from staffing.scheduling.schema import WEEKDAYS

MINUTES_PER_DAY = 1440


@dataclass(frozen=True)
class Horizon:
    """The planning horizon on the requirement's interval grid.

    ``start`` is midnight of the first day; ``required[t]`` agents to schedule in interval ``t``
    (summed over channels; 0 where the requirement has no row).
    """

    start: pd.Timestamp
    n_days: int
    interval_minutes: int
    required: np.ndarray
    contacts: pd.DataFrame | None = field(default=None, compare=False)  # per channel, for SL

    @property
    def n_intervals(self) -> int:
        return int(self.required.shape[0])

    @cached_property
    def dates(self) -> tuple[pd.Timestamp, ...]:
        # cached: the day labels of every constraint name read it (Curtois 19: 6.3 s of 40 agents'
        # single-agent models went into rebuilding this list)
        return tuple(self.start + pd.Timedelta(days=d) for d in range(self.n_days))

    @cached_property
    def _weekdays(self) -> tuple[str, ...]:
        first = self.start.weekday()
        return tuple(WEEKDAYS[(first + d) % 7] for d in range(self.n_days))

    def weekday(self, d: int) -> str:
        return self._weekdays[d]

    def interval_starts(self) -> pd.DatetimeIndex:
        return pd.date_range(self.start, periods=self.n_intervals, freq=f"{self.interval_minutes}min")

    def label(self, t: int) -> str:
        ts = self.start + pd.Timedelta(minutes=t * self.interval_minutes)
        return f"{WEEKDAYS[ts.weekday()]} {ts:%H:%M}"

    def weeks(self) -> list[list[int]]:
        """Day indices in 7-day blocks from the first day."""
        return [list(range(w, min(w + 7, self.n_days))) for w in range(0, self.n_days, 7)]

    def weekends(self, weekend_days: tuple[str, ...]) -> list[list[int]]:
        """Day indices of each weekend (weekend days grouped by ISO week)."""
        groups: dict[tuple[int, int], list[int]] = {}
        for d in range(self.n_days):
            day = self.start + pd.Timedelta(days=d)
            if WEEKDAYS[day.weekday()] in weekend_days:
                iso = day.isocalendar()
                groups.setdefault((iso[0], iso[1]), []).append(d)
        return list(groups.values())


def horizon_from_requirements(requirements: pd.DataFrame, *, source: str = "requirements") -> Horizon:
    """Build the horizon from a requirement frame (output of :func:`staffing.requirements.requirements`).

    Needs ``interval_start`` and ``agents_to_schedule``; ``channel``, ``contacts`` and
    ``aht_seconds`` are kept for the service-level KPIs.  Channels are summed per interval.
    """
    if not isinstance(requirements, pd.DataFrame):
        raise InputError(f"{source}: expected a pandas DataFrame, found {type(requirements).__name__}.")
    for col in (FS.INTERVAL_START, FS.AGENTS_TO_SCHEDULE):
        if col not in requirements.columns:
            raise InputError(f"{source}: missing column '{col}'; expected the output of `wfm staff` "
                             f"(columns {list(FS.REQUIREMENTS_COLUMNS)}), found {list(requirements.columns)}.")
    if len(requirements) == 0:
        raise InputError(f"{source}: no rows; expected one row per interval (and channel).")
    df = requirements.reset_index(drop=True).copy()
    ts = FS.parse_timestamps(df[FS.INTERVAL_START], column=FS.INTERVAL_START, source=source)
    if getattr(ts.dt, "tz", None) is not None:
        ts = ts.dt.tz_localize(None)
    df[FS.INTERVAL_START] = ts
    need = pd.to_numeric(df[FS.AGENTS_TO_SCHEDULE], errors="coerce")
    bad = need.isna() | (need < 0)
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(f"{source}: row {pos + 1} (CSV line {pos + 2}), column '{FS.AGENTS_TO_SCHEDULE}': "
                         f"expected a number of agents >= 0, found {df[FS.AGENTS_TO_SCHEDULE].iloc[pos]!r}.")
    df[FS.AGENTS_TO_SCHEDULE] = np.ceil(need.to_numpy(dtype=float) - 1e-9).astype(int)
    uniq = np.sort(ts.unique())
    if len(uniq) > 1:
        gaps = np.diff(uniq).astype("timedelta64[s]").astype(int) // 60
        iv = int(gaps.min())
    else:
        iv = 15
    if iv <= 0 or MINUTES_PER_DAY % iv:
        raise InputError(f"{source}: interval length {iv} min does not divide a day; expected 15, 30 or 60.")
    start = pd.Timestamp(uniq[0]).normalize()
    last = pd.Timestamp(uniq[-1])
    n_days = int((last.normalize() - start).days) + 1
    n_int = n_days * MINUTES_PER_DAY // iv
    idx = ((df[FS.INTERVAL_START] - start).dt.total_seconds().to_numpy() // 60).astype(int)
    if np.any(idx % iv):
        pos = int(np.flatnonzero(idx % iv)[0])
        raise InputError(f"{source}: row {pos + 1}, column '{FS.INTERVAL_START}': {df[FS.INTERVAL_START].iloc[pos]} "
                         f"is not on the {iv}-minute grid.")
    idx = idx // iv
    required = np.zeros(n_int, dtype=int)
    np.add.at(required, idx, df[FS.AGENTS_TO_SCHEDULE].to_numpy())
    df["_t"] = idx
    return Horizon(start=start, n_days=n_days, interval_minutes=iv, required=required, contacts=df)


@dataclass(frozen=True)
class BreakSlot:
    """Break rule ``rule`` of a shift option with its allowed start offsets (minutes after shift start)."""

    rule: BreakRule
    offsets: tuple[int, ...]


@dataclass(frozen=True)
class ShiftOption:
    """One concrete shift: template, start time of day, paid length, span and breaks."""

    index: int
    template: str
    start_minutes: int
    paid_minutes: int
    span_minutes: int
    breaks: tuple[BreakSlot, ...]
    night: bool
    days: tuple[str, ...]

    @property
    def label(self) -> str:
        h, m = divmod(self.start_minutes, 60)
        return f"{self.template} {h:02d}:{m:02d} {self.paid_minutes / 60:g}h"


def _night_minutes(start: int, span: int, night_start: int, night_end: int) -> int:
    minute = np.arange(start, start + span) % MINUTES_PER_DAY
    if night_start <= night_end:
        inside = (minute >= night_start) & (minute < night_end)
    else:
        inside = (minute >= night_start) | (minute < night_end)
    return int(inside.sum())


def shift_options(settings: ScheduleSettings, interval_minutes: int) -> tuple[ShiftOption, ...]:
    """Every concrete shift the templates allow, with their break windows on the grid.

    Raises
    ------
    InputError
        If a time is off the interval grid or two break windows of one shift overlap.
    """
    iv = interval_minutes
    lab = settings.labor
    ns, ne = parse_hhmm(lab.night_start, ""), parse_hhmm(lab.night_end, "")
    out: list[ShiftOption] = []
    for tpl in settings.shifts:
        where = f"shift '{tpl.name}'"
        if tpl.start_step_minutes % iv or parse_hhmm(tpl.earliest_start, "") % iv:
            raise InputError(f"{where}: keys 'earliest_start'/'start_step_minutes' must lie on the requirement's "
                             f"{iv}-minute grid, found {tpl.earliest_start} step {tpl.start_step_minutes}.")
        for ph in tpl.paid_hours:
            paid = round(ph * 60)
            if paid % iv:
                raise InputError(f"{where}: key 'paid_hours': {ph:g} h is not a multiple of the {iv}-minute interval.")
            rules = [b for b in settings.breaks if b.applies_to(paid)]
            unpaid = sum(b.duration_minutes for b in rules if not b.paid)
            span = paid + unpaid
            windows = []
            for b in rules:
                base = {"start": 0, "middle": span // 2, "end": span}[b.anchor]
                lo, hi = base + b.earliest_offset_minutes, base + b.latest_offset_minutes
                lo = -(-lo // iv) * iv
                offs = tuple(o for o in range(lo, hi + 1, iv) if 0 < o and o + b.duration_minutes < span)
                if b.duration_minutes % iv:
                    raise InputError(f"break '{b.name}': key 'duration_minutes': {b.duration_minutes} is not a "
                                     f"multiple of the {iv}-minute interval.")
                if not offs:
                    raise InputError(f"break '{b.name}': no start on the {iv}-minute grid fits inside a "
                                     f"{ph:g} h shift (span {span} min); check its offsets and anchor.")
                windows.append(BreakSlot(b, offs))
            windows.sort(key=lambda s: s.offsets[0])
            for w1, w2 in itertools.pairwise(windows):
                if w1.offsets[-1] + w1.rule.duration_minutes > w2.offsets[0]:
                    raise InputError(
                        f"breaks '{w1.rule.name}' and '{w2.rule.name}': their windows overlap in a {ph:g} h shift "
                        f"('{w1.rule.name}' may end at minute {w1.offsets[-1] + w1.rule.duration_minutes}, "
                        f"'{w2.rule.name}' may start at minute {w2.offsets[0]}); make the windows disjoint.")
            for s in tpl.start_minutes:
                night = _night_minutes(s, span, ns, ne) >= lab.night_min_hours * 60 - 1e-9
                out.append(ShiftOption(len(out), tpl.name, s, paid, span, tuple(windows), night, tpl.days))
    return tuple(out)


@dataclass
class ModelAgent:
    """An agent as the model sees it (named, or a position to fill in headcount mode)."""

    agent_id: str
    contract: Contract
    hourly_cost: float
    source: Agent | None
    hired: cp_model.IntVar | None = None  # headcount mode


@dataclass
class RosterModel:
    """All variables of one roster model (see the module docstring for the formulation)."""

    cp: cp_model.CpModel
    settings: ScheduleSettings
    horizon: Horizon
    options: tuple[ShiftOption, ...]
    agents: list[ModelAgent]
    explain: bool = False
    shift: list[list[dict[int, cp_model.IntVar]]] = field(default_factory=list)
    works: list[list[cp_model.IntVar | None]] = field(default_factory=list)
    on_shift: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    on_break: dict[tuple[int, int, int, int], cp_model.IntVar] = field(default_factory=dict)
    under: list[cp_model.IntVar] = field(default_factory=list)
    over: list[cp_model.IntVar] = field(default_factory=list)
    unavailable: dict[str, list[cp_model.IntVar]] = field(default_factory=dict)  # explain mode only
    groups: dict[str, cp_model.IntVar] = field(default_factory=dict)  # rule group -> enforcement literal
    # auxiliary variables kept for complete warm-start hints
    isolated: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    weekend_flags: list[tuple[int, list[int], cp_model.IntVar]] = field(default_factory=list)
    run_flags: list[tuple[int, list[cp_model.IntVar], list[cp_model.IntVar]]] = field(default_factory=list)
    start_bounds: dict[int, tuple[cp_model.IntVar, cp_model.IntVar]] = field(default_factory=dict)
    service_lost: dict[int, tuple[cp_model.IntVar, list[tuple[int, float, float]]]] = field(default_factory=dict)
    cover_vars: list[tuple[Any, cp_model.IntVar, cp_model.IntVar]] = field(default_factory=list)
    requests: tuple[Any, ...] = ()
    hint: Any = None  # complete warm-start values (heuristic.HintedValues) when there is one

    def group(self, name: str) -> list[cp_model.IntVar]:
        """Enforcement literal(s) of a rule group: ``[]`` in a normal solve, one assumption literal
        per group when explaining infeasibility."""
        if not self.explain:
            return []
        if name not in self.groups:
            self.groups[name] = self.cp.new_bool_var(f"rule[{name}]")
        return [self.groups[name]]

    def day_label(self, d: int) -> str:
        return f"{self.horizon.weekday(d)} {self.horizon.dates[d]:%Y-%m-%d}"

    def template_vars(self, a: int, d: int, template: str) -> list[cp_model.IntVar]:
        return [v for o, v in self.shift[a][d].items() if self.options[o].template == template]


def _blocked(agent: ModelAgent, opt: ShiftOption, day: int, h: Horizon) -> bool:
    """True when the agent may not work this option on this day (availability / time off)."""
    src = agent.source
    if src is None:
        return False
    if h.weekday(day) not in src.available_days:
        return True
    if src.time_off:
        s = h.start + pd.Timedelta(minutes=day * MINUTES_PER_DAY + opt.start_minutes)
        e = s + pd.Timedelta(minutes=opt.span_minutes)
        for a, b in src.time_off:
            if s < b and a < e:
                return True
    return False


def build_variables(
    settings: ScheduleSettings,
    horizon: Horizon,
    agents: list[ModelAgent],
    *,
    explain: bool = False,
) -> RosterModel:
    """Create the model object with the shift, works, on-shift and on-break variables.

    In ``explain`` mode shifts blocked by availability or time off are created too, and kept at
    zero by an enforcement literal per agent (so a conflict can name the agent's time off).
    """
    cp = cp_model.CpModel()
    options = shift_options(settings, horizon.interval_minutes)
    m = RosterModel(cp=cp, settings=settings, horizon=horizon, options=options, agents=agents, explain=explain)
    by_template: dict[str, list[ShiftOption]] = {}
    for o in options:
        by_template.setdefault(o.template, []).append(o)
    for a, ag in enumerate(agents):
        allowed = [o for t in ag.contract.shifts for o in by_template.get(t, [])]
        row_shift: list[dict[int, cp_model.IntVar]] = []
        row_works: list[cp_model.IntVar | None] = []
        for d in range(horizon.n_days):
            wd = horizon.weekday(d)
            vars_d: dict[int, cp_model.IntVar] = {}
            for o in allowed:
                if wd not in o.days:
                    continue
                blocked = _blocked(ag, o, d, horizon)
                if blocked and not explain:
                    continue
                v = cp.new_bool_var(f"shift({ag.agent_id}, {wd}, {o.label})")
                vars_d[o.index] = v
                if blocked:
                    m.unavailable.setdefault(ag.agent_id, []).append(v)
            row_shift.append(vars_d)
            if vars_d:
                w = cp.new_bool_var(f"works({ag.agent_id}, {wd})")
                cp.add(sum(vars_d.values()) == w)
                row_works.append(w)
            else:
                row_works.append(None)
        m.shift.append(row_shift)
        m.works.append(row_works)
    return m
