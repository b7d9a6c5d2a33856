"""One ``add_<rule_family>()`` per constraint family; each returns its penalty terms.

Hard rules are enforced by the rule group's literal (:meth:`RosterModel.group`): nothing in a
normal solve, an assumption literal when infeasibility is being explained.  Soft rules return
:class:`Penalty` terms; the objective is assembled in one place (:func:`objective_terms`).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from staffing.scheduling.model import MINUTES_PER_DAY, RosterModel

# Objective coefficients are integers: weights are multiplied by this and rounded.
OBJECTIVE_SCALE = 100


@dataclass(frozen=True)
class Penalty:
    """A soft term: ``weight`` objective units per unit of ``expr`` (a variable or linear expression)."""

    family: str
    expr: Any
    weight: float


def _lin(vars_: list[Any], coefs: list[int]) -> Any:
    return cp_model.LinearExpr.weighted_sum(vars_, coefs)


# ------------------------------------------------------------------ breaks and coverage
def add_break_placement(m: RosterModel) -> list[Penalty]:
    """``on_shift(d, o) = sum_a shift(a, d, o)``; each break of the option is taken once by every
    agent of it: ``sum_s on_break(d, o, k, s) = on_shift(d, o)``."""
    cp = m.cp
    members: dict[tuple[int, int], list[Any]] = {}
    for a in range(len(m.agents)):
        for d, vars_d in enumerate(m.shift[a]):
            for o, v in vars_d.items():
                members.setdefault((d, o), []).append(v)
    for (d, o), vs in members.items():
        opt = m.options[o]
        n = cp.new_int_var(0, len(vs), f"on_shift({m.horizon.weekday(d)}, {opt.label})")
        cp.add(sum(vs) == n)
        m.on_shift[(d, o)] = n
        for k, slot in enumerate(opt.breaks):
            if len(slot.offsets) == 1:
                continue
            bs = []
            for s in slot.offsets:
                b = cp.new_int_var(0, len(vs), f"on_break({m.horizon.weekday(d)}, {opt.label}, {slot.rule.name} +{s}min)")
                m.on_break[(d, o, k, s)] = b
                bs.append(b)
            cp.add(sum(bs) == n)
    return []


def coverage_terms(m: RosterModel) -> list[tuple[list[Any], list[int]]]:
    """Per interval, the variables and coefficients of the agents on the phones (net of breaks)."""
    iv = m.horizon.interval_minutes
    T = m.horizon.n_intervals
    terms: list[tuple[list[Any], list[int]]] = [([], []) for _ in range(T)]

    def add(var: Any, first: int, length_minutes: int, coef: int) -> None:
        for t in range(max(first, 0), min(first + length_minutes // iv, T)):
            terms[t][0].append(var)
            terms[t][1].append(coef)

    for (d, o), n in m.on_shift.items():
        opt = m.options[o]
        t0 = (d * MINUTES_PER_DAY + opt.start_minutes) // iv
        add(n, t0, opt.span_minutes, 1)
        for k, slot in enumerate(opt.breaks):
            for s in slot.offsets:
                var = n if len(slot.offsets) == 1 else m.on_break[(d, o, k, s)]
                add(var, t0 + s // iv, slot.rule.duration_minutes, -1)
    return terms


def add_coverage(m: RosterModel, service_slopes: list[list[tuple[int, float, float]]] | None = None) -> list[Penalty]:
    """``coverage(t) - required(t) = over(t) - under(t)``; under- and over-coverage are soft.

    With ``service_slopes`` (service-level-aware objective) interval ``t``'s shortfall is
    penalised by a convex piecewise-linear function given as chords ``(u_i, f_i, slope_i)``:
    ``penalty(t) >= f_i + slope_i (under(t) - u_i)``.
    """
    cp = m.cp
    h = m.horizon
    ob = m.settings.objective
    hours = h.interval_minutes / 60.0
    terms = coverage_terms(m)
    pens: list[Penalty] = []
    n_agents = len(m.agents)
    for t in range(h.n_intervals):
        req = int(h.required[t])
        u = cp.new_int_var(0, req, f"shortfall({h.label(t)})")
        ov = cp.new_int_var(0, n_agents, f"surplus({h.label(t)})")
        vs, cs = terms[t]
        cp.add(_lin(vs, cs) + u - ov == req)
        m.under.append(u)
        m.over.append(ov)
        if ob.over_coverage_per_agent_hour > 0:
            pens.append(Penalty("over_coverage", ov, ob.over_coverage_per_agent_hour * hours))
        if req == 0:
            continue
        if service_slopes is not None and service_slopes[t]:
            p = cp.new_int_var(0, 10**12, f"service_lost({h.label(t)})")
            m.service_lost[t] = (p, service_slopes[t])
            for u_i, f_i, slope in service_slopes[t]:
                cp.add(p >= round(f_i * OBJECTIVE_SCALE) + round(slope * OBJECTIVE_SCALE) * (u - u_i))
            pens.append(Penalty("under_coverage", p, 1.0 / OBJECTIVE_SCALE))
        elif ob.under_coverage_per_agent_hour > 0:
            pens.append(Penalty("under_coverage", u, ob.under_coverage_per_agent_hour * hours))
    return pens


# ------------------------------------------------------------------ working-time rules
def add_min_rest(m: RosterModel) -> list[Penalty]:
    """Rest between the end of a shift and the start of the next >= ``min_rest_hours``."""
    rest = round(m.settings.labor.min_rest_hours * 60)
    if rest <= 0:
        return []
    grp = m.group(f"minimum rest of {m.settings.labor.min_rest_hours:g} h between shifts")
    for a in range(len(m.agents)):
        days = m.shift[a]
        for d in range(len(days)):
            if not days[d]:
                continue
            ends = {o: d * MINUTES_PER_DAY + m.options[o].start_minutes + m.options[o].span_minutes for o in days[d]}
            max_end = max(ends.values())
            for g in range(1, len(days) - d):
                nxt = days[d + g]
                if not nxt:
                    continue
                starts = {o: (d + g) * MINUTES_PER_DAY + m.options[o].start_minutes for o in nxt}
                if min(starts.values()) - max_end >= rest:
                    break
                end_expr = _lin([days[d][o] for o in ends], list(ends.values()))
                start_expr = _lin([nxt[o] for o in starts], list(starts.values()))
                m.cp.add(start_expr - end_expr >= rest).only_enforce_if(
                    [m.works[a][d], m.works[a][d + g]] + grp)
    return []


def add_forbidden_successions(m: RosterModel) -> list[Penalty]:
    """Template ``x`` on day ``d`` excludes template ``y`` on day ``d + 1``."""
    for x, y in m.settings.labor.forbidden_successions:
        grp = m.group(f"forbidden succession {x} -> {y}")
        for a in range(len(m.agents)):
            for d in range(m.horizon.n_days - 1):
                vx, vy = m.template_vars(a, d, x), m.template_vars(a, d + 1, y)
                if vx and vy:
                    m.cp.add(sum(vx) + sum(vy) <= 1).only_enforce_if(grp)
    return []


def _paid_expr(m: RosterModel, a: int, days: list[int]) -> tuple[Any, int]:
    vs, cs = [], []
    for d in days:
        for o, v in m.shift[a][d].items():
            vs.append(v)
            cs.append(m.options[o].paid_minutes)
    return _lin(vs, cs), (max(cs) if cs else 0)


def _active(m: RosterModel, a: int) -> Any:
    hired = m.agents[a].hired
    return 1 if hired is None else hired


def add_weekly_hours_and_days(m: RosterModel) -> list[Penalty]:
    """Paid hours and working days per 7-day block within the contract's limits (a shorter last
    block gets only the maximum); paid hours over the horizon within the total limits."""
    for a, ag in enumerate(m.agents):
        c = ag.contract
        act = _active(m, a)
        for week in m.horizon.weeks():
            full = len(week) == 7
            paid, _ = _paid_expr(m, a, week)
            works: list[Any] = [m.works[a][d] for d in week if m.works[a][d] is not None]
            wsum = sum(works) if works else 0
            if c.max_paid_hours_per_week < 168:
                m.cp.add(paid <= round(c.max_paid_hours_per_week * 60)).only_enforce_if(
                    m.group(f"contract {c.name}: at most {c.max_paid_hours_per_week:g} paid hours per week"))
            if full and c.min_paid_hours_per_week > 0:
                m.cp.add(paid >= round(c.min_paid_hours_per_week * 60) * act).only_enforce_if(
                    m.group(f"contract {c.name}: at least {c.min_paid_hours_per_week:g} paid hours per week"))
            if c.max_days_per_week < len(week):
                m.cp.add(wsum <= c.max_days_per_week).only_enforce_if(
                    m.group(f"contract {c.name}: at most {c.max_days_per_week} days per week"))
            if full and c.min_days_per_week > 0:
                m.cp.add(wsum >= c.min_days_per_week * act).only_enforce_if(
                    m.group(f"contract {c.name}: at least {c.min_days_per_week} days per week"))
        alld = list(range(m.horizon.n_days))
        if c.max_paid_hours_total is not None:
            paid, _ = _paid_expr(m, a, alld)
            m.cp.add(paid <= round(c.max_paid_hours_total * 60)).only_enforce_if(
                m.group(f"contract {c.name}: at most {c.max_paid_hours_total:g} paid hours in the horizon"))
        if c.min_paid_hours_total is not None and c.min_paid_hours_total > 0:
            paid, _ = _paid_expr(m, a, alld)
            m.cp.add(paid >= round(c.min_paid_hours_total * 60) * act).only_enforce_if(
                m.group(f"contract {c.name}: at least {c.min_paid_hours_total:g} paid hours in the horizon"))
    return []


def _work_seq(m: RosterModel, a: int) -> list[Any]:
    """Working literal per day (0 constant where no shift is possible)."""
    return [w if w is not None else 0 for w in m.works[a]]


def add_consecutive_days(m: RosterModel) -> list[Penalty]:
    """Maximum and minimum consecutive working days, minimum consecutive days off.

    Uses the start/stop formulation of minimum up- and down-times from unit commitment
    (Rajan & Takriti 2005: these inequalities describe the convex hull of the min-up/min-down
    polytope), which gives CP-SAT's LP relaxation much stronger bounds than one clause per
    forbidden short run:

    * ``works[d] - works[d-1] = start[d] - stop[d]`` with ``works[-1] = 0``;
    * at least ``L`` working days in a run: ``sum(start[d-L+1 .. d]) <= works[d]``; a run that
      touches the first day is not counted when it may have begun before the horizon (always,
      unless ``outside_horizon_is_off``; with ``runs_may_continue_before_start`` too); a run
      may not start later than ``D - L`` when the days after the horizon are off;
    * at most ``K``: ``sum(works[s .. s+K]) <= K`` and ``works[d] <= sum(start[d-K+1 .. d])``;
    * at least ``l`` days off: ``sum(stop[d-l+1 .. d]) <= 1 - works[d]``; off runs touching the
      horizon's edges continue outside it and are exempt.
    """
    lab = m.settings.labor
    off_outside = lab.outside_horizon_is_off
    first_run_exempt = (not off_outside) or lab.runs_may_continue_before_start
    D = m.horizon.n_days
    for a, ag in enumerate(m.agents):
        c = ag.contract
        w = _work_seq(m, a)
        if all(isinstance(x, int) for x in w):
            continue
        need_max = c.max_consecutive_days < D
        need_min = c.min_consecutive_days > 1
        need_off = c.min_consecutive_days_off > 1
        if not (need_max or need_min or need_off):
            continue
        start = [m.cp.new_bool_var(f"run_starts({ag.agent_id}, {m.day_label(d)})") for d in range(D)]
        stop = [m.cp.new_bool_var(f"run_stops({ag.agent_id}, {m.day_label(d)})") for d in range(D)]
        for d in range(D):
            prev = w[d - 1] if d > 0 else 0
            m.cp.add(w[d] - prev == start[d] - stop[d])
            m.cp.add(start[d] + stop[d] <= 1)
        m.run_flags.append((a, start, stop))
        if need_max:
            grp = m.group(f"contract {c.name}: at most {c.max_consecutive_days} consecutive working days")
            k = c.max_consecutive_days
            for s0 in range(D - k):
                m.cp.add(sum(w[s0:s0 + k + 1]) <= k).only_enforce_if(grp)
            for d in range(D):
                m.cp.add(w[d] <= sum(start[max(0, d - k + 1):d + 1])).only_enforce_if(grp)
        if need_min:
            k = c.min_consecutive_days
            grp = m.group(f"contract {c.name}: at least {k} consecutive working days")
            counted: list[Any] = ([0] if first_run_exempt else [start[0]]) + start[1:]
            for d in range(D):
                m.cp.add(sum(counted[max(0, d - k + 1):d + 1]) <= w[d]).only_enforce_if(grp)
            if off_outside:
                for d in range(max(1, D - k + 1), D):
                    m.cp.add(start[d] == 0).only_enforce_if(grp)
                if not first_run_exempt and D < k:
                    m.cp.add(start[0] == 0).only_enforce_if(grp)
        if need_off:
            k = c.min_consecutive_days_off
            grp = m.group(f"contract {c.name}: at least {k} consecutive days off")
            for d in range(D):
                m.cp.add(sum(stop[max(0, d - k + 1):d + 1]) <= 1 - w[d]).only_enforce_if(grp)
    return []


def add_weekends_and_nights(m: RosterModel) -> list[Penalty]:
    """At most ``max_weekends`` worked weekends over the horizon; at most ``max_nights_per_week``
    night shifts per 7-day block; at most ``max_shifts_per_template`` shifts of a template."""
    wkends = m.horizon.weekends(m.settings.labor.weekend_days)
    for a, ag in enumerate(m.agents):
        c = ag.contract
        if c.max_weekends is not None and len(wkends) > c.max_weekends:
            grp = m.group(f"contract {c.name}: at most {c.max_weekends} worked weekends")
            flags = []
            for i, days in enumerate(wkends):
                ws: list[Any] = [m.works[a][d] for d in days if m.works[a][d] is not None]
                if not ws:
                    continue
                f = m.cp.new_bool_var(f"works_weekend({ag.agent_id}, #{i + 1})")
                for x in ws:
                    m.cp.add_implication(x, f)
                flags.append(f)
                m.weekend_flags.append((a, days, f))
            if len(flags) > c.max_weekends:
                m.cp.add(sum(flags) <= c.max_weekends).only_enforce_if(grp)
        if c.max_nights_per_week is not None:
            grp = m.group(f"contract {c.name}: at most {c.max_nights_per_week} night shifts per week")
            for week in m.horizon.weeks():
                ns = [v for d in week for o, v in m.shift[a][d].items() if m.options[o].night]
                if len(ns) > c.max_nights_per_week:
                    m.cp.add(sum(ns) <= c.max_nights_per_week).only_enforce_if(grp)
        for tpl, most in c.max_shifts_per_template:
            grp = m.group(f"contract {c.name}: at most {most} '{tpl}' shifts")
            vs = [v for d in range(m.horizon.n_days) for v in m.template_vars(a, d, tpl)]
            if len(vs) > most:
                m.cp.add(sum(vs) <= most).only_enforce_if(grp)
    return []


def add_start_spread(m: RosterModel) -> list[Penalty]:
    """Latest minus earliest start time of day of an agent's shifts <= ``max_start_spread_hours``."""
    spread_h = m.settings.labor.max_start_spread_hours
    if spread_h is None:
        return []
    spread = round(spread_h * 60)
    grp = m.group(f"start times within {spread_h:g} h across the week")
    for a, ag in enumerate(m.agents):
        starts = {m.options[o].start_minutes for vd in m.shift[a] for o in vd}
        if not starts or max(starts) - min(starts) <= spread:
            continue
        lo = m.cp.new_int_var(min(starts), max(starts), f"earliest_start({ag.agent_id})")
        hi = m.cp.new_int_var(min(starts), max(starts), f"latest_start({ag.agent_id})")
        m.start_bounds[a] = (lo, hi)
        for d, vd in enumerate(m.shift[a]):
            if not vd:
                continue
            tod = _lin(list(vd.values()), [m.options[o].start_minutes for o in vd])
            m.cp.add(lo <= tod).only_enforce_if(m.works[a][d])
            m.cp.add(hi >= tod).only_enforce_if(m.works[a][d])
        m.cp.add(hi - lo <= spread).only_enforce_if(grp)
    return []


def add_availability(m: RosterModel) -> list[Penalty]:
    """Explain mode only: shifts blocked by an agent's availability or time off stay at zero."""
    for agent_id, vs in m.unavailable.items():
        grp = m.group(f"availability and time off of agent {agent_id}")
        for v in vs:
            m.cp.add(v == 0).only_enforce_if(grp)
    return []


def add_headcount(m: RosterModel) -> list[Penalty]:
    """Headcount mode: an agent position works only if hired; positions of a contract are hired
    in order (symmetry breaking); each hired agent costs ``agent_week_cost``."""
    pens: list[Penalty] = []
    prev: dict[str, Any] = {}
    for a, ag in enumerate(m.agents):
        if ag.hired is None:
            continue
        for w in m.works[a]:
            if w is not None:
                m.cp.add_implication(w, ag.hired)
        if ag.contract.name in prev:
            m.cp.add(prev[ag.contract.name] >= ag.hired)
        prev[ag.contract.name] = ag.hired
        if m.settings.objective.agent_week_cost > 0:
            pens.append(Penalty("agent_cost", ag.hired, m.settings.objective.agent_week_cost))
    return pens


# ------------------------------------------------------------------ soft preferences and cost
def add_paid_cost(m: RosterModel) -> list[Penalty]:
    """Paid hours x hourly cost x ``paid_hour_cost``."""
    k = m.settings.objective.paid_hour_cost
    if k <= 0:
        return []
    pens = []
    for a, ag in enumerate(m.agents):
        vs, cs = [], []
        for vd in m.shift[a]:
            for o, v in vd.items():
                vs.append(v)
                cs.append(m.options[o].paid_minutes)
        if vs:  # integer coefficients per shift variable, already scaled (no per-minute rounding)
            ints = [round(c / 60.0 * k * ag.hourly_cost * OBJECTIVE_SCALE) for c in cs]
            pens.append(Penalty("paid_cost", _lin(vs, ints), 1.0 / OBJECTIVE_SCALE))
    return pens


def add_days_off_together(m: RosterModel) -> list[Penalty]:
    """Penalty per isolated day off (working the day before and the day after)."""
    wgt = m.settings.objective.isolated_day_off
    if wgt <= 0:
        return []
    pens = []
    for a, ag in enumerate(m.agents):
        w: list[Any] = m.works[a]
        for d in range(1, m.horizon.n_days - 1):
            if w[d - 1] is None or w[d + 1] is None:
                continue
            iso = m.cp.new_bool_var(f"isolated_day_off({ag.agent_id}, {m.horizon.weekday(d)})")
            m.isolated[(a, d)] = iso
            m.cp.add(iso >= w[d - 1] + w[d + 1] - (w[d] if w[d] is not None else 0) - 1)
            pens.append(Penalty("isolated_day_off", iso, wgt))
    return pens


def add_preferences(m: RosterModel) -> list[Penalty]:
    """Shifts starting outside the preferred window and shifts on preferred days off."""
    ob = m.settings.objective
    pens = []
    for a, ag in enumerate(m.agents):
        src = ag.source
        if src is None:
            continue
        for d, vd in enumerate(m.shift[a]):
            if src.preferred_start is not None and ob.preferred_start_missed > 0:
                lo, hi = src.preferred_start
                out = [v for o, v in vd.items() if not lo <= m.options[o].start_minutes <= hi]
                if out:
                    pens.append(Penalty("preferred_start_missed", sum(out), ob.preferred_start_missed))
            if m.horizon.weekday(d) in src.preferred_days_off and ob.preferred_day_off_missed > 0 \
                    and m.works[a][d] is not None:
                pens.append(Penalty("preferred_day_off_missed", m.works[a][d], ob.preferred_day_off_missed))
    return pens


@dataclass(frozen=True)
class ShiftRequest:
    """A weighted wish of one agent for one day: ``on=True`` asks to work (template ``None``:
    any shift), ``on=False`` asks not to work it.  Penalty ``weight`` when not granted."""

    agent_id: str
    day: int
    template: str | None
    on: bool
    weight: float

    def __post_init__(self) -> None:
        if not (isinstance(self.day, int) and self.day >= 0):
            raise ValueError(f"shift request of {self.agent_id}: 'day' must be a day index >= 0, found {self.day!r}.")
        if not (self.weight >= 0 and math.isfinite(self.weight)):
            raise ValueError(f"shift request of {self.agent_id}: 'weight' must be >= 0, found {self.weight!r}.")


def add_requests(m: RosterModel, requests: tuple[ShiftRequest, ...]) -> list[Penalty]:
    """Shift-on and shift-off requests (nurse-rostering style), soft."""
    pens = []
    m.requests = tuple(requests)
    index = {ag.agent_id: a for a, ag in enumerate(m.agents)}
    for r in requests:
        a = index.get(r.agent_id)
        if a is None or r.day >= m.horizon.n_days:
            continue
        vs = list(m.shift[a][r.day].values()) if r.template is None else m.template_vars(a, r.day, r.template)
        got = sum(vs) if vs else 0
        if r.on:
            if vs:
                pens.append(Penalty("shift_on_request", 1 - got, r.weight))
        elif vs:
            pens.append(Penalty("shift_off_request", got, r.weight))
    return pens


@dataclass(frozen=True)
class ShiftCover:
    """A day-level cover target: ``required`` agents on template ``template`` on day index ``day``,
    with penalties per agent short (``under_weight``) and per agent too many (``over_weight``).
    Used for nurse-rostering style demand (cover per day and shift type) instead of, or beside,
    the interval requirement."""

    day: int
    template: str
    required: int
    under_weight: float
    over_weight: float = 0.0

    def __post_init__(self) -> None:
        if not (isinstance(self.day, int) and self.day >= 0):
            raise ValueError(f"shift cover: 'day' must be a day index >= 0, found {self.day!r}.")
        if not (isinstance(self.required, int) and self.required >= 0):
            raise ValueError(f"shift cover: 'required' must be a whole number >= 0, found {self.required!r}.")
        if not (self.under_weight >= 0 and self.over_weight >= 0):
            raise ValueError("shift cover: 'under_weight' and 'over_weight' must be >= 0.")


def add_shift_cover(m: RosterModel, covers: tuple[ShiftCover, ...]) -> list[Penalty]:
    """``sum_a works_on(a, day, template) + short - extra = required`` per cover target (soft)."""
    pens = []
    for c in covers:
        if c.day >= m.horizon.n_days:
            continue
        vs = [v for a in range(len(m.agents)) for v in m.template_vars(a, c.day, c.template)]
        tag = f"{m.horizon.weekday(c.day)} #{c.day}, {c.template}"
        short = m.cp.new_int_var(0, c.required, f"cover_short({tag})")
        extra = m.cp.new_int_var(0, max(len(vs), 0), f"cover_extra({tag})")
        m.cp.add(sum(vs) + short - extra == c.required if vs else short - extra == c.required)
        m.cover_vars.append((c, short, extra))
        pens.append(Penalty("shift_cover_under", short, c.under_weight))
        if c.over_weight > 0:
            pens.append(Penalty("shift_cover_over", extra, c.over_weight))
    return pens


def objective_terms(pens: list[Penalty]) -> tuple[list[Any], list[int]]:
    """Integer objective: each penalty's ``weight x OBJECTIVE_SCALE``, rounded."""
    exprs, coefs = [], []
    for p in pens:
        c = round(p.weight * OBJECTIVE_SCALE)
        if c:
            exprs.append(p.expr)
            coefs.append(c)
    return exprs, coefs


def service_slopes(
    required: np.ndarray, lost: list[np.ndarray | None], base_weight: float, n_points: int = 6
) -> list[list[tuple[int, float, float]]]:
    """Chords of a convex piecewise-linear shortfall penalty per interval.

    Parameters
    ----------
    required : ndarray of int
        Agents required per interval.
    lost : list of ndarray or None
        ``lost[t][u]`` = contacts answered in time that are lost with ``u`` agents short
        (``u = 0 .. required[t]``), from the queueing engine; None = flat penalty.
    base_weight : float
        Objective units per agent-interval at the *average* first-agent loss, so the weights stay
        comparable with the flat mode.
    """
    firsts = [x[1] - x[0] for x in lost if x is not None and len(x) > 1 and x[1] > x[0]]
    norm = base_weight / (float(np.mean(firsts)) if firsts else 1.0)
    out: list[list[tuple[int, float, float]]] = []
    for t, req in enumerate(required):
        f = lost[t]
        if f is None or req <= 0:
            out.append([])
            continue
        slopes = np.maximum.accumulate(np.maximum(np.diff(f), 0.0))  # convex (non-decreasing slopes)
        slopes = np.maximum(slopes, 1e-3 * (slopes.max() if slopes.size else 1.0))
        fx = np.concatenate([[0.0], np.cumsum(slopes)]) * norm
        pts = sorted({0, int(req)} | {round(req * q) for q in np.linspace(0, 1, n_points)})
        chords = []
        for u0, u1 in itertools.pairwise(pts):
            if u1 > u0:
                chords.append((u0, float(fx[u0]), float((fx[u1] - fx[u0]) / (u1 - u0))))
        out.append(chords)
    return out
