"""Warm start: a rule-valid roster built agent by agent, given to CP-SAT as a complete hint.

Each agent's week is chosen by a small CP-SAT model holding only that agent's hard rules (the
same ``add_<rule_family>`` functions as the full model), maximising the coverage value of its
shifts against the residual requirement left by the agents already placed (breaks counted as
their expected share of each interval).  Agents with the same contract, availability and time
off share one compiled model whose objective is replaced per agent.  After the first pass the
agents are re-optimised one at a time against the others (a block coordinate descent) while the
warm-start budget lasts.  CP-SAT then starts from this roster and improves it with its own
large-neighbourhood search; the final roster is never worse than the warm start.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from staffing.scheduling import constraints as C
from staffing.scheduling.model import MINUTES_PER_DAY, ModelAgent, RosterModel, build_variables

PRESOLVE_MIN_SHIFT_VARIABLES = 200  # single-agent solves with fewer shift variables skip CP-SAT's presolve
LNS_LINEARIZATION = 2  # CP-SAT linearization level of the LNS sub-solves (the rules' LP guides the search)


def _option_vectors(m: RosterModel) -> list[np.ndarray]:
    """Expected agents on the phones per interval of each option (1 minus expected break share)."""
    iv = m.horizon.interval_minutes
    out = []
    for o in m.options:
        v = np.ones(o.span_minutes // iv)
        for slot in o.breaks:
            share = 1.0 / len(slot.offsets)
            for s in slot.offsets:
                v[s // iv: (s + slot.rule.duration_minutes) // iv] -= share
        out.append(v)
    return out


def single_agent_parameters(solver: cp_model.CpSolver, n_shift_variables: int, guided: bool = True) -> None:
    """CP-SAT parameters of a single-agent solve (pricing, greedy warm start), one worker.

    The LP of the linearised rules (total hours, shift counts, runs) guides the search
    (``linearization_level`` 2): on 10 employees of each Curtois instance with the same random
    duals, 1.5 s instead of 17 s on Instance 19 (84 days x 5 shift types), 0.7 s instead of 2.8 s
    on 13 (28 x 18).  Presolve pays off only from about ``PRESOLVE_MIN_SHIFT_VARIABLES`` shift
    variables (0.69 s with and 1.17 s without on 13; 0.24 s and 0.14 s on Instance 5, 28 x 2).
    ``guided=False`` (neither): the many short re-pricings of column-generation diving, where the
    LP's overhead per solve costs more than it saves (Instance 11 proven optimal in 61 s without,
    167 s with).
    """
    solver.parameters.num_workers = 1
    if guided:
        solver.parameters.linearization_level = 2
    solver.parameters.cp_model_presolve = guided and n_shift_variables >= PRESOLVE_MIN_SHIFT_VARIABLES


def single_agent_model(m: RosterModel, ag: ModelAgent) -> RosterModel:
    hired, ag.hired = ag.hired, None
    sm = build_variables(m.settings, m.horizon, [ag])
    for fam in (C.add_min_rest, C.add_forbidden_successions, C.add_weekly_hours_and_days, C.add_consecutive_days,
                C.add_weekends_and_nights, C.add_start_spread):
        fam(sm)
    ag.hired = hired
    return sm


def warm_start(m: RosterModel, budget_seconds: float, seed: int = 0, stop_event: Any = None) -> dict[str, Any]:
    """Build a roster heuristically and add it to ``m`` as a hint.

    Parameters
    ----------
    m : RosterModel
        The full model (built by :func:`staffing.scheduling.solve.build_model`).
    budget_seconds : float
        Time for the improvement passes; the first pass may take up to twice this.
    seed : int
        Seed of the per-agent solves.
    stop_event : threading.Event, optional
        When set, stop after the current agent (no hint unless the first pass is finished).

    Returns
    -------
    dict
        ``plan`` (agent index -> {day: option}), ``passes``, ``seconds``, ``agents_placed``.
    """
    t0 = time.perf_counter()
    h = m.horizon
    iv = h.interval_minutes
    T = h.n_intervals
    ob = m.settings.objective
    under_w = ob.under_coverage_per_agent_hour * iv / 60.0
    over_w = ob.over_coverage_per_agent_hour * iv / 60.0
    vecs = _option_vectors(m)
    cov = np.zeros(T)
    req = h.required.astype(float)
    models: dict[Any, RosterModel] = {}
    plan: dict[int, dict[int, int]] = {}
    cover = {(c.day, c.template): [float(c.required), c.under_weight, c.over_weight] for c, _, _ in m.cover_vars}
    wishes: dict[tuple[str, int], list[Any]] = {}
    for r in m.requests:
        wishes.setdefault((r.agent_id, r.day), []).append(r)
    order = sorted(range(len(m.agents)), key=lambda a: (-m.agents[a].contract.max_paid_hours_per_week,
                                                        m.agents[a].agent_id))

    def place(a: int, sign: float) -> None:
        for d, o in plan.get(a, {}).items():
            t0_ = (d * MINUTES_PER_DAY + m.options[o].start_minutes) // iv
            v = vecs[o][: max(0, min(len(vecs[o]), T - t0_))]
            cov[t0_: t0_ + len(v)] += sign * v
            key = (d, m.options[o].template)
            if key in cover:
                cover[key][0] -= sign

    def best_week(a: int, first_pass: bool) -> dict[int, int] | None:
        ag = m.agents[a]
        src = ag.source
        key = (ag.contract.name, None if src is None else (src.available_days, src.time_off))
        sm = models.get(key)
        if sm is None:
            sm = models[key] = single_agent_model(m, ag)
        resid = req - cov
        vs, cs = [], []
        for d, vd in enumerate(sm.shift[0]):
            for o, var in vd.items():
                opt = m.options[o]
                t0_ = (d * MINUTES_PER_DAY + opt.start_minutes) // iv
                v = vecs[o][: max(0, min(len(vecs[o]), T - t0_))]
                r = np.maximum(resid[t0_: t0_ + len(v)], 0.0)
                gain = under_w * np.minimum(v, r).sum() - over_w * np.maximum(v - r, 0.0).sum()
                gain -= opt.paid_minutes / 60.0 * ag.hourly_cost * ob.paid_hour_cost
                cv = cover.get((d, opt.template))
                if cv is not None:
                    gain += cv[1] if cv[0] >= 1 else -cv[2]
                for r in wishes.get((ag.agent_id, d), ()):
                    if r.template is None or r.template == opt.template:
                        gain += r.weight if r.on else -r.weight
                if src is not None:
                    if src.preferred_start is not None and not (
                            src.preferred_start[0] <= opt.start_minutes <= src.preferred_start[1]):
                        gain -= ob.preferred_start_missed
                    if h.weekday(d) in src.preferred_days_off:
                        gain -= ob.preferred_day_off_missed
                vs.append(var)
                cs.append(round(gain * C.OBJECTIVE_SCALE))
        if not vs:
            return {}
        sm.cp.maximize(cp_model.LinearExpr.weighted_sum(vs, cs))
        solver = cp_model.CpSolver()
        single_agent_parameters(solver, len(vs))
        solver.parameters.random_seed = seed
        # a week for every agent matters most: the first pass always gets a fair per-agent limit
        left = budget_seconds * (2.0 if first_pass else 1.0) - (time.perf_counter() - t0)
        if math.isinf(budget_seconds):  # deterministic mode: no wall-clock limits at all
            solver.parameters.max_deterministic_time = 10.0
        else:
            solver.parameters.max_time_in_seconds = 2.0 if first_pass else max(0.05, min(2.0, left))
        code = solver.solve(sm.cp)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        if ag.source is None and solver.objective_value <= 0:
            return {}  # headcount mode: this position does not pay for itself
        return {d: o for d, vd in enumerate(sm.shift[0]) for o, var in vd.items() if solver.boolean_value(var)}

    passes = 0
    complete = True
    closed: set[str] = set()  # headcount: contracts whose next position is not worth hiring
    for improve in (False, True, True, True):
        if improve and not complete:
            break
        changed = False
        out_of_time = False
        for a in order:
            # the first pass may use twice the budget (a roster for everyone is worth it); then stop
            if time.perf_counter() - t0 > budget_seconds * (1.0 if improve else 2.0) or (
                    stop_event is not None and stop_event.is_set()):
                out_of_time = True
                complete = complete and improve  # a finished first pass is a complete roster
                break
            old = plan.get(a)
            ag = m.agents[a]
            if ag.source is None and ag.contract.name in closed and not old:
                # headcount: the residual only shrinks as positions are filled, so once a position of
                # a contract does not pay for itself, the later (identical) ones do not either
                plan[a] = {}
                continue
            if old is not None:
                place(a, -1.0)
            week = best_week(a, not improve)
            if ag.source is None and not week and not improve:
                closed.add(ag.contract.name)
            if week is None:
                if old is not None:
                    place(a, +1.0)
                elif not improve:
                    complete = False
                continue
            plan[a] = week
            place(a, +1.0)
            changed |= week != old
        passes += 1
        if not changed or out_of_time:
            break
    if complete:
        add_plan_hint(m, plan)
    else:  # partial: hint the weeks found so far and let CP-SAT complete them
        for a, week in plan.items():
            for d, vd in enumerate(m.shift[a]):
                for o, var in vd.items():
                    m.cp.add_hint(var, week.get(d) == o)
    return {"plan": plan, "passes": passes, "seconds": time.perf_counter() - t0, "complete": complete,
            "agents_placed": sum(1 for w in plan.values() if w)}


class HintedValues:
    """The warm-start roster as a stand-in for a solver response (``boolean_value``/``value``), so
    the roster can be extracted from it when CP-SAT finds nothing better in time."""

    def __init__(self) -> None:
        self.values: dict[int, int] = {}

    def add_hint(self, var: Any, value: Any) -> None:
        self.values[var.index] = int(value)

    def boolean_value(self, var: Any) -> bool:
        return bool(self.values.get(var.index, 0))

    def value(self, var: Any) -> int:
        return self.values.get(var.index, 0)

    def objective(self, proto: Any) -> float:
        obj = proto.objective
        return float(obj.offset + sum(c * self.values.get(v, 0) for v, c in zip(obj.vars, obj.coeffs)))


class _Recorder:
    def __init__(self, cp: Any, store: HintedValues) -> None:
        self._cp, self._store = cp, store

    def add_hint(self, var: Any, value: Any) -> None:
        self._cp.add_hint(var, value)
        self._store.add_hint(var, value)


def hint_every_variable(m: RosterModel, values: Any) -> None:
    """Replace ``m``'s hints by a complete solution (one value per model variable, proto order)
    and keep it in ``m.hint``."""
    m.hint = HintedValues()
    m.cp.clear_hints()
    vals = [int(v) for v in values]
    hint = m.cp.proto.solution_hint  # in bulk: add_hint per variable is ~10 us each
    hint.vars.extend(range(len(vals)))
    hint.values.extend(vals)
    m.hint.values = dict(enumerate(vals))


def add_plan_hint(m: RosterModel, plan: dict[int, dict[int, int]],
                  breaks: dict[tuple[int, int, int, int], int] | None = None) -> None:
    """Hint every shift, works, hired, on-shift, on-break, shortfall and surplus variable (and keep
    the values in ``m.hint``).  ``breaks`` gives the agents per break start ``(day, option, break,
    offset)``; without it (or where it does not add up) each shift's breaks are spread evenly."""
    m.hint = HintedValues()
    cp = _Recorder(m.cp, m.hint)
    # headcount positions of a contract are interchangeable and hired in order: used weeks first
    plan = dict(plan)
    by_contract: dict[str, list[int]] = {}
    for a, ag in enumerate(m.agents):
        if ag.hired is not None:
            by_contract.setdefault(ag.contract.name, []).append(a)
    for idx in by_contract.values():
        weeks = sorted((plan.get(a, {}) for a in idx), key=lambda w: not w)
        for a, w in zip(idx, weeks):
            plan[a] = w
    counts: dict[tuple[int, int], int] = {}
    for a, ag in enumerate(m.agents):
        week = plan.get(a, {})
        for d, vd in enumerate(m.shift[a]):
            for o, var in vd.items():
                on = week.get(d) == o
                cp.add_hint(var, on)
                if on:
                    counts[(d, o)] = counts.get((d, o), 0) + 1
            if m.works[a][d] is not None:
                cp.add_hint(m.works[a][d], d in week)
        if ag.hired is not None:
            cp.add_hint(ag.hired, bool(week))
    iv = m.horizon.interval_minutes
    T = m.horizon.n_intervals
    cov = np.zeros(T, dtype=int)
    for (d, o), n in m.on_shift.items():
        k = counts.get((d, o), 0)
        cp.add_hint(n, k)
        opt = m.options[o]
        t0 = (d * MINUTES_PER_DAY + opt.start_minutes) // iv
        cov[t0: min(T, t0 + opt.span_minutes // iv)] += k
        for b, slot in enumerate(opt.breaks):
            share = [k // len(slot.offsets) + (1 if i < k % len(slot.offsets) else 0) for i in range(len(slot.offsets))]
            if breaks is not None and len(slot.offsets) > 1:
                given = [breaks.get((d, o, b, s), 0) for s in slot.offsets]
                if sum(given) == k and min(given) >= 0:
                    share = given
            for s, c in zip(slot.offsets, share):
                if len(slot.offsets) > 1:
                    cp.add_hint(m.on_break[(d, o, b, s)], c)
                first = t0 + s // iv
                cov[max(0, first): min(T, first + slot.rule.duration_minutes // iv)] -= c
    req = m.horizon.required
    for t in range(min(T, len(m.under))):
        u = int(max(req[t] - cov[t], 0))
        cp.add_hint(m.under[t], u)
        cp.add_hint(m.over[t], int(max(cov[t] - req[t], 0)))
        if t in m.service_lost:
            p, chords = m.service_lost[t]
            cp.add_hint(p, max([0] + [round(f * C.OBJECTIVE_SCALE) + round(sl * C.OBJECTIVE_SCALE) * (u - u0)
                                      for u0, f, sl in chords]))
    for target, short, extra in m.cover_vars:
        n_on = sum(1 for a in range(len(m.agents))
                   if target.day in plan.get(a, {}) and m.options[plan[a][target.day]].template == target.template)
        cp.add_hint(short, max(target.required - n_on, 0))
        cp.add_hint(extra, max(n_on - target.required, 0))
    for (a, d), var in m.isolated.items():
        week = plan.get(a, {})
        cp.add_hint(var, (d - 1) in week and (d + 1) in week and d not in week)
    for a, days, var in m.weekend_flags:
        cp.add_hint(var, any(d in plan.get(a, {}) for d in days))
    for a, starts, stops in m.run_flags:
        week = plan.get(a, {})
        for d in range(len(starts)):
            on, before = d in week, d > 0 and (d - 1) in week
            cp.add_hint(starts[d], on and not before)
            cp.add_hint(stops[d], before and not on)
    for a, (lo, hi) in m.start_bounds.items():
        tods = [m.options[o].start_minutes for o in plan.get(a, {}).values()]
        lo_dom = lo.proto.domain
        cp.add_hint(lo, min(tods) if tods else lo_dom[0])
        cp.add_hint(hi, max(tods) if tods else lo_dom[0])


def agent_lns(m: RosterModel, budget_seconds: float, seed: int = 0, stop_event: Any = None,
              on_improve: Any = None, stop_at: float | None = None,
              agent_excess: Callable[[np.ndarray], np.ndarray] | None = None, workers: int = 1,
              tighten: Callable[[Any, float], None] | None = None,
              ) -> dict[str, Any]:
    """Large-neighbourhood search over agents, starting from the warm-start roster in ``m.hint``.

    Every step fixes variables of a clone of the full model to the incumbent (by their domains)
    and lets CP-SAT (1 worker, light presolve, the incumbent as a complete hint) re-optimise the
    *full* objective -- break placement, coverage, paid cost, preferences -- over what is left free:

    * first round (break placement): every shift fixed, every break count free.  The warm start
      staggers breaks evenly; re-placing them alone took the 150-agent week of
      ``benchmarks/roster_week.py`` from 20,457 to about 14,000 (most of the gain).
    * window steps (3 of 4): a day ``d`` drawn with weight ``20 x under + over`` of its intervals
      plus its weighted day-level cover misses, ``kd`` agents who may work on ``d-wd .. d+wd``
      freed on those days, and the breaks of those days freed; ``wd`` (1 at first) grows when a
      window with every one of its agents free is solved to optimality without a gain.
    * week steps (every 4th): ``k`` agents freed for the whole week (days off may move), all
      breaks free.

    Every accepted step is a rule-valid roster of the full model with a strictly lower objective.
    ``k`` / ``kd`` grow when a step is solved to optimality and shrink when it times out (3 s a
    step).  On return ``m.hint`` holds the best roster found (every model variable) and is hinted
    to ``m.cp``.  Not used in deterministic mode (wall-clock driven).

    Parameters
    ----------
    m : RosterModel
        Full model with a complete warm start (``m.hint`` not None).
    budget_seconds : float
        Wall-clock budget (s).
    seed : int
        Seed of the neighbourhood draws and of the sub-solves.
    stop_event : threading.Event, optional
        Stops the loop after the current step.
    on_improve : callable, optional
        Called with the new objective (objective units, i.e. divided by ``OBJECTIVE_SCALE``).
    stop_at : float, optional
        A proven lower bound (objective units): stop once a roster reaches it.
    agent_excess : callable, optional
        Maps a complete solution (values in proto order) to a per-agent score >= 0, e.g. how far each
        agent's schedule is above its least reduced cost (:func:`column_generation.cut_excess`);
        half of the agents freed in a step are then drawn in proportion to it.
    workers : int
        Neighbourhoods solved in parallel (one CP-SAT worker each, in threads; CP-SAT releases the
        GIL); the best of each round is kept.
    tighten : callable, optional
        Called with each sub-model's proto and the incumbent's objective (model units) whenever the
        incumbent improves, to tighten constraints that depend on it (e.g.
        :meth:`column_generation.ReducedCostLimits.apply`).

    Returns
    -------
    dict
        ``steps``, ``improvements``, ``seconds``, ``objective_before``, ``objective_after``, the last
        neighbourhood sizes and ``outcomes`` (steps per neighbourhood kind and CP-SAT status).
    """
    t0 = time.perf_counter()
    if m.hint is None or budget_seconds <= 0.5:
        return {"steps": 0, "improvements": 0, "seconds": 0.0}
    rng = np.random.default_rng(seed)
    proto = m.cp.proto
    n_vars = len(proto.variables)
    best = np.zeros(n_vars, dtype=np.int64)
    for i, v in m.hint.values.items():
        best[i] = v
    best_obj = m.hint.objective(proto) / C.OBJECTIVE_SCALE
    obj_before = best_obj
    n_workers = max(1, int(workers))
    subs = [m.cp.clone() for _ in range(n_workers)]  # one sub-model per parallel neighbourhood
    sp = subs[0].proto
    day_agents: dict[int, list[int]] = {}
    for a in range(len(m.agents)):
        for d, vd in enumerate(m.shift[a]):
            if vd:
                day_agents.setdefault(d, []).append(a)
    iv = m.horizon.interval_minutes
    n_days = m.horizon.n_days
    under_idx = np.array([u.index for u in m.under], dtype=np.int64)
    over_idx = np.array([o.index for o in m.over], dtype=np.int64)
    have_full = False  # the first step completes the auxiliary variables of the partial hint
    cover_idx = [(c.day, short.index, extra.index, c.under_weight, c.over_weight) for c, short, extra in m.cover_vars]

    def day_badness(values: np.ndarray) -> np.ndarray:
        """Per day: 20 x under + over agent-intervals, plus the weighted day-level cover misses."""
        out = np.zeros(n_days)
        if len(under_idx):
            bad = values[under_idx] * 20 + values[over_idx]
            days = (np.arange(len(bad)) * iv) // MINUTES_PER_DAY
            np.add.at(out, np.minimum(days, n_days - 1), bad)
        for x, si, ei, wu, wo in cover_idx:
            out[x] += wu * values[si] + wo * values[ei]
        return out

    def set_hints(values: np.ndarray, full: bool) -> None:
        # written into the protos in bulk: add_hint per variable took ~1.4 s per sub-model for the
        # 150,000 variables of Instance 13, longer than a step
        idx = np.arange(n_vars) if full else np.fromiter(m.hint.values.keys(), dtype=np.int64)
        vals = values[idx].tolist()
        idx_list = idx.tolist()
        for sub in subs:
            sub.clear_hints()
            hint = sub.proto.solution_hint
            hint.vars.extend(idx_list)
            hint.values.extend(vals)

    set_hints(best, False)
    # the variables a step frees or fixes: every shift variable (free when its agent and day are in
    # the neighbourhood) and every break count (free when its day is in the window)
    c_idx, c_agent, c_day, c_lo, c_hi = [], [], [], [], []
    for a in range(len(m.agents)):
        for x, vd in enumerate(m.shift[a]):
            for var in vd.values():
                c_idx.append(var.index)
                c_agent.append(a)
                c_day.append(x)
                c_lo.append(0)
                c_hi.append(1)
    for (x, _o, _b, _s), var in m.on_break.items():
        dom = sp.variables[var.index].domain
        c_idx.append(var.index)
        c_agent.append(-1)
        c_day.append(x)
        c_lo.append(int(dom[0]))
        c_hi.append(int(dom[len(dom) - 1]))
    ctrl = np.array(c_idx, dtype=np.int64)
    ctrl_agent = np.array(c_agent, dtype=np.int64)
    ctrl_day = np.array(c_day, dtype=np.int64)
    ctrl_lo = np.array(c_lo, dtype=np.int64)
    ctrl_hi = np.array(c_hi, dtype=np.int64)
    # the domains each sub-model holds now: a step rewrites only those that change (writing all
    # 60,000 shift domains of Instance 13 took ~0.3 s a step)
    held = [(np.full(len(ctrl), -1, dtype=np.int64), np.full(len(ctrl), -1, dtype=np.int64)) for _ in subs]
    day_agents_all = {a for v in day_agents.values() for a in v}
    k = max(4, min(12, len(m.agents) // 4))  # agents freed for their whole week
    kd = max(6, min(16, len(m.agents) // 4))  # agents freed for a window of days
    wd = 1  # the window is day d +- wd
    steps = improvements = 0

    def draw(w: int, mode: str) -> tuple[int, int, bool]:
        """Fix sub-model ``w`` to the incumbent outside a neighbourhood; returns (agents freed, candidates,
        whether the neighbourhood is the whole model)."""
        kk = max(2, min(k if mode == "week" else kd, len(m.agents)))
        free: set[int] = set()
        day_bad = day_badness(best)
        if day_bad.sum() > 0:
            d = int(rng.choice(n_days, p=day_bad / day_bad.sum()))
        else:
            d = int(rng.integers(0, n_days))
        window = set(range(n_days)) if mode != "window" else {x for x in range(d - wd, d + wd + 1)
                                                              if 0 <= x < n_days}
        cands: list[int] = []
        if mode != "breaks":
            cands = sorted({a for x in window for a in day_agents.get(x, [])})
            if cands:
                p = None
                if agent_excess is not None:  # half uniform, half by the agents' reduced-cost excess
                    ex = np.maximum(np.asarray(agent_excess(best), float)[cands], 0.0)
                    p = np.full(len(cands), 1.0 / len(cands))
                    if ex.sum() > 0:
                        p = 0.5 * p + 0.5 * ex / ex.sum()
                free.update(rng.choice(cands, size=min(kk, len(cands)), replace=False, p=p).tolist())
        in_window = np.isin(ctrl_day, np.fromiter(window, dtype=np.int64))
        open_ = in_window & ((ctrl_agent < 0) | np.isin(ctrl_agent, np.fromiter(free, dtype=np.int64)))
        want_lo = np.where(open_, ctrl_lo, best[ctrl])
        want_hi = np.where(open_, ctrl_hi, best[ctrl])
        lo_now, hi_now = held[w]
        spp = subs[w].proto
        for j in np.flatnonzero((want_lo != lo_now) | (want_hi != hi_now)).tolist():
            dom = spp.variables[int(ctrl[j])].domain
            dom[0], dom[1] = int(want_lo[j]), int(want_hi[j])
        lo_now[:] = want_lo
        hi_now[:] = want_hi
        whole = mode != "breaks" and len(window) == n_days and len(free) >= len(day_agents_all)
        return kk, len(cands), whole

    def solve(sub: Any, step_seed: int, seconds: float) -> tuple[Any, float | None, np.ndarray | None]:
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = step_seed
        solver.parameters.max_time_in_seconds = seconds
        # light presolve: the full presolve of the (mostly fixed) 24k-variable model took 2.5 s of a 3 s
        # step on the busy machine; with it light, the step's search starts after ~0.15 s
        solver.parameters.max_presolve_iterations = 1
        solver.parameters.cp_model_probing_level = 0
        solver.parameters.symmetry_level = 0
        solver.parameters.linearization_level = LNS_LINEARIZATION
        code = solver.solve(sub)
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return code, solver.objective_value / C.OBJECTIVE_SCALE, np.asarray(solver.response_proto.solution,
                                                                                  dtype=np.int64)
        return code, None, None

    proven = False
    outcomes: Counter[str] = Counter()  # "<mode> optimal|feasible|none" -> steps
    pool = ThreadPoolExecutor(max_workers=n_workers) if n_workers > 1 else None
    try:
        while True:
            left = budget_seconds - (time.perf_counter() - t0)
            if left < 0.5 or (stop_event is not None and stop_event.is_set()):
                break
            if stop_at is not None and have_full and best_obj <= stop_at + 1e-9:
                break
            jobs = []
            for w in range(n_workers):
                steps += 1
                # the first round re-optimises the break placement alone (every shift fixed; one seed
                # per worker); then whole weeks of a few agents every 4th step, day windows otherwise
                mode = "breaks" if steps <= n_workers else ("week" if steps % 4 == 0 else "window")
                kk, n_cands, whole = draw(w, mode)
                secs = max(0.2, min(max(3.0, 0.25 * budget_seconds) if mode == "breaks" else 3.0, left))
                jobs.append((w, mode, kk, n_cands, int(seed + steps), secs, whole))
            if pool is None:
                outs = [solve(subs[0], jobs[0][4], jobs[0][5])]
            else:
                outs = list(pool.map(lambda j: solve(subs[j[0]], j[4], j[5]), jobs))
            win = None
            for (_w, mode, kk, n_cands, _sd, _secs, whole), (code, obj, values) in zip(jobs, outs, strict=True):
                if obj is not None and (win is None or obj < win[0]):
                    win = (obj, values)
                optimal = code == cp_model.OPTIMAL
                proven = proven or (whole and optimal)  # the neighbourhood was the whole model
                outcomes[mode + (" optimal" if optimal else " feasible" if obj is not None else " none")] += 1
                if mode == "week":
                    k = k + 2 if optimal else max(2, k - 2)
                elif mode == "window":
                    if optimal and kk >= n_cands:
                        wd += 1  # every agent of the window was free and nothing better exists: widen it
                    kd = kd + 4 if optimal else max(4, kd - 4)
                    if not optimal:
                        wd = max(1, wd - 1)
            if win is not None and (win[0] < best_obj - 1e-9 or not have_full):
                if win[0] < best_obj - 1e-9:
                    improvements += 1
                    if on_improve is not None:
                        on_improve(win[0])
                best_obj = min(win[0], best_obj) if have_full else win[0]
                best = win[1]
                have_full = True
                set_hints(best, True)
                if tighten is not None:
                    for sub in subs:
                        tighten(sub.proto, best_obj * C.OBJECTIVE_SCALE)
            if proven:  # every agent and day was free and CP-SAT proved the step optimal: done
                break
    finally:
        if pool is not None:
            pool.shutdown()
    if have_full:
        hint_every_variable(m, best)
    return {"steps": steps, "improvements": improvements, "seconds": time.perf_counter() - t0,
            "objective_before": obj_before,
            "objective_after": m.hint.objective(proto) / C.OBJECTIVE_SCALE, "last_k": k, "last_k_window": kd,
            "last_window_days": 2 * wd + 1, "outcomes": dict(outcomes), "proven_optimal": proven}
