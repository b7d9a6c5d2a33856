"""Column generation for interval-level cover: contact-centre weeks with implicit breaks.

The roster model (:mod:`staffing.scheduling.model`) links the agents only through the head counts
``on_shift(d, o) = sum_a shift(a, d, o)``; breaks (``on_break``) and coverage are functions of
those counts alone (Bechtold & Jacobs 1990).  The model therefore decomposes by agent, with the
shift counts as the linking rows:

Master problem over complete week schedules ``p`` (cost ``c_p``: paid hours and preferences) of
each class ``k`` of identical agents (same rules, same own costs; ``N_k`` agents)::

    min   sum c_p lambda_p + sum_t (wu_t u_t + wo_t o_t)
    s.t.  sum_p A_dop lambda_p - n_do = 0                 (duals pi_do)   one per (day, option)
          sum_s b_doks - n_do = 0                                         one per break with choices
          sum n_do [o covers t] - sum b_doks [break covers t] + u_t - o_t = r_t
          sum_{p of k} lambda_p = N_k                     (duals mu_k)
          lambda, n, b, o >= 0,  0 <= u_t <= r_t

Identical agents share one convexity row (aggregation of identical pricing problems; their
integer weights are later handed out to the agents of the class in any order).  Pricing: for each
class, the schedule of least reduced cost ``c_p - sum pi_do A_dop`` under every rule of the
agent, by the labelling search of :mod:`staffing.scheduling.labelling`.  The start-time spread
(latest minus earliest start of the week at most ``max_start_spread_hours``) is not a day-level
rule: the labeller is run once per *window* of start times of that width, and the cheapest of
the windows is the agent's cheapest schedule.  For any ``pi`` the Lagrangian bound

``L(pi) = sum_k N_k min_p (c_p - pi A_p) + min {pi n + wu u + wo o : break and cover rows, 0 <= n <= n_max}``

is a valid lower bound on the roster objective (the second term is a small LP); at convergence it
equals the master LP, the Dantzig-Wolfe bound.  A roster comes from a dive on the master LP
(integer parts fixed, large fractions rounded up, re-solved, repeated), with the break counts for
its weeks by HiGHS' branch and cut; it is the warm start of the large-neighbourhood search of
:func:`staffing.scheduling.heuristic.agent_lns`.

References
----------
Bechtold, S. E. & Jacobs, L. W. (1990). Implicit modeling of flexible break assignments in
optimal shift scheduling. *Management Science* 36(11), 1339-1351.
Desaulniers, G., Desrosiers, J. & Solomon, M. M. (eds.) (2005). *Column Generation*. Springer
(aggregation of identical subproblems: ch. 1, Lübbecke).
Gondzio, J., González-Brevis, P. & Munari, P. (2013). New developments in the primal-dual column
generation technique. *EJOR* 224(1), 41-51.
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time
from dataclasses import dataclass

import highspy
import numpy as np

from staffing.scheduling import constraints as C
from staffing.scheduling import labelling as LB
from staffing.scheduling.column_generation import (
    PRICE_SCALE,
    _Pricer,
    _quiet_highs,
    objective_granularity,
    round_up_bound,
)
from staffing.scheduling.model import RosterModel

LABEL_SECONDS = 0.2  # most time of one window's labelling search (s); an unfinished one gives its root bound
MAX_ROUNDS = 200  # pricing rounds at most (the 150-agent week converges in ~20-40)
DIVE_SHARE = 0.25  # share of the budget kept for the dive and the break counts after it
BREAKS_MIN_SECONDS = 1.0  # the break counts' integer programme gets at least this long (s)
SMOOTHING = 0.0  # Wentges dual smoothing weight (Wentges 1997): 0.5 let a 3-class week converge in 30 rounds
# (unconverged without), but the 150-agent week took 23 rounds instead of 18, dived to 6,743 instead
# of 6,459 and ended at 6,090 (1.9 %) instead of 6,047-6,059
ROUND_UP_AT = 0.6  # the dive rounds up every schedule weight with at least this fractional part
CONVERGED_GAP = 1e-4  # converged: the bound within this share of the master LP


@dataclass(frozen=True)
class IntervalColumnsResult:
    """Outcome of :func:`interval_column_generation` (objective units of the CP-SAT model).

    Attributes
    ----------
    bound : float or None
        Proven lower bound on the roster objective (rounded up to the objective's granularity).
    lp_value : float or None
        Last restricted-master LP value (an upper bound on the Dantzig-Wolfe bound).
    plan : dict or None
        Roster: agent index -> {day: option}.
    breaks : dict or None
        Agents per break start: ``(day, option, break index, offset minutes) -> count``.
    plan_objective : float or None
        The integer master's value of that roster (model units).
    rounds : int
        Pricing rounds.
    columns : int
        Columns generated.
    classes : int
        Classes of identical agents.
    converged : bool
        Whether the bound met the master LP.
    seconds : float
        Wall-clock time.
    mip_status : str
        HiGHS' status of the integer master.
    trace : tuple
        ``(seconds, master LP value, best bound)`` per round.
    cuts : tuple
        Per agent ``(agent, {(day, option): coefficient}, constant, least value)`` at the duals of
        the best bound: every schedule ``x`` of the agent has ``sum coef x + constant >= least value``
        (``PRICE_SCALE`` units), the format of :func:`column_generation.cut_excess`.
    """

    bound: float | None
    lp_value: float | None
    plan: dict[int, dict[int, int]] | None
    breaks: dict[tuple[int, int, int, int], int] | None
    plan_objective: float | None
    rounds: int
    columns: int
    classes: int
    converged: bool
    seconds: float
    mip_status: str
    trace: tuple[tuple[float, float, float], ...]
    cuts: tuple[tuple[int, dict[tuple[int, int], int], int, int], ...] = ()


def applicable(m: RosterModel) -> str | None:
    """Why the interval column generation cannot run on ``m`` (None when it can): it needs an
    interval requirement without day-level cover, service-level slopes or headcount positions,
    and every agent's own cost linear and its rules within the labeller's reach."""
    if m.explain:
        return "explain mode"
    if m.cover_vars or not np.any(m.horizon.required):
        return "no interval requirement"
    if m.service_lost:
        return "service-level-aware objective"
    if any(ag.hired is not None for ag in m.agents):
        return "headcount mode"
    if not m.on_shift:
        return "no shift"
    return None


class _NoSchedule(Exception):
    """An agent has no week that satisfies its rules."""


class _Class:
    """Identical agents: one labeller per start-time window, their own linear cost."""

    def __init__(self, m: RosterModel, agents: list[int], rules: LB.AgentRules,
                 own: tuple[dict[tuple[int, int], int], int, dict[int, int]]) -> None:
        self.agents = agents
        self.own, self.const, self.isolated = own
        spread = m.settings.labor.max_start_spread_hours
        opts = sorted({o for vd in rules.day_options for o in vd})
        windows: list[frozenset[int]] = []
        if spread is None:
            windows = [frozenset(opts)]
        else:
            width = round(spread * 60)
            starts = sorted({m.options[o].start_minutes for o in opts})
            cand = {frozenset(o for o in opts if s <= m.options[o].start_minutes <= s + width) for s in starts}
            windows = [w for w in cand if not any(w < x for x in cand)]
        self.labellers = []
        for w in sorted(windows, key=lambda w: min((m.options[o].start_minutes for o in w), default=0)):
            rr = dataclasses.replace(rules, day_options=tuple(tuple(o for o in vd if o in w) for vd in rules.day_options))
            self.labellers.append(LB.Labeller(rr, self.isolated))
        self.max_shifts = sum(1 for vd in rules.day_options if vd)

    def cost_of(self, plan: dict[int, int]) -> int:
        """Own cost of a schedule (``PRICE_SCALE`` units): linear part, constant, isolated days off."""
        iso = sum(c for d, c in self.isolated.items() if d not in plan and d - 1 in plan and d + 1 in plan)
        return sum(self.own.get(x, 0) for x in plan.items()) + self.const + iso

    def price(self, pc: dict[tuple[int, int], int], seconds: float,
              ) -> tuple[int, list[tuple[int, dict[int, int]]], bool]:
        """``(bound on the least pricing cost, the best schedule of each window with its cost, exact)``
        in ``PRICE_SCALE`` units, own constant included; ``pc`` adds to the own costs."""
        costs = dict(self.own)
        for k, c in pc.items():
            costs[k] = costs.get(k, 0) + c
        bound = LB.INF
        found: list[tuple[int, dict[int, int]]] = []
        exact = True
        for lab in self.labellers:
            raw, plans, complete = lab.cheapest_within(costs, seconds)
            exact &= complete
            if raw < LB.INF:
                bound = min(bound, raw + self.const)
            if plans:
                found.append((plans[-1][0] + self.const, plans[-1][1]))
        return bound, found, exact


def _agent_classes(m: RosterModel) -> list[_Class] | str:
    """Group the agents into classes of identical rules and own costs, or say why an agent cannot
    be priced by the labeller."""
    groups: dict[str, tuple[list[int], LB.AgentRules, tuple[dict[tuple[int, int], int], int, dict[int, int]]]] = {}
    pricers: dict[str, tuple[dict[tuple[int, int], int], int, dict[int, int]] | None] = {}
    for a, ag in enumerate(m.agents):
        why = LB.unsupported(m, a)
        if why is not None and why != "start-time spread":
            return f"agent {ag.agent_id}: {why}"
        rules = LB.rules_for(m, a)
        src = ag.source
        # everything the agent's own cost reads: its hourly cost (an agent's own or its contract's),
        # preferences and requests (its rules are in ``rules``)
        own_key = repr((rules, ag.contract, ag.hourly_cost,
                        None if src is None else (src.preferred_start, src.preferred_days_off),
                        [r for r in m.requests if r.agent_id == ag.agent_id]))
        if own_key not in pricers:
            pricers[own_key] = _Pricer(m, a, {}, 0).linear_and_isolated_cost()
        own = pricers[own_key]
        if own is None:
            return f"agent {ag.agent_id}: own cost not linear in its shifts (but for isolated days off)"
        key = repr((rules, sorted(own[0].items()), own[1], sorted(own[2].items())))
        groups.setdefault(key, ([], rules, own))[0].append(a)
    out = []
    for agents, rules, own in groups.values():
        cls = _Class(m, agents, rules, own)
        if any(lab.dp_entries > LB.MAX_DP_ENTRIES for lab in cls.labellers):
            return f"agent {m.agents[agents[0]].agent_id}: labelling tables too large"
        out.append(cls)
    return out


def _objective_weights(m: RosterModel) -> tuple[np.ndarray, np.ndarray]:
    """Model-unit cost per agent of under- and over-cover in each interval (from the objective)."""
    obj = m.cp.proto.objective
    coef = dict(zip(obj.vars, obj.coeffs, strict=True))
    wu = np.array([coef.get(u.index, 0) for u in m.under], float)
    wo = np.array([coef.get(o.index, 0) for o in m.over], float)
    return wu, wo


class _Structure:
    """Rows and the non-schedule columns of the master (head counts, break counts, cover slacks)."""

    def __init__(self, m: RosterModel) -> None:
        self.keys = list(m.on_shift)  # (day, option): link rows and head-count columns, same order
        self.link = {k: i for i, k in enumerate(self.keys)}
        self.break_keys = list(m.on_break)
        self.break_groups = sorted({(d, o, k) for d, o, k, _s in self.break_keys})
        L, B, G = len(self.keys), len(self.break_keys), len(self.break_groups)
        T = m.horizon.n_intervals
        self.L, self.B, self.G, self.T = L, B, G, T
        col_of = {m.on_shift[k].index: i for i, k in enumerate(self.keys)}
        col_of.update({m.on_break[k].index: L + i for i, k in enumerate(self.break_keys)})
        entries: list[tuple[int, int, float]] = [(i, i, -1.0) for i in range(L)]  # link rows: - n
        grp = {g: L + i for i, g in enumerate(self.break_groups)}
        # break rows: sum_s b - n = 0
        entries += [(grp[(d, o, k)], L + i, 1.0) for i, (d, o, k, _s) in enumerate(self.break_keys)]
        entries += [(grp[(d, o, k)], self.link[(d, o)], -1.0) for (d, o, k) in self.break_groups]
        for t, (vs, cs) in enumerate(C.coverage_terms(m)):  # cover rows
            entries += [(L + G + t, col_of[v.index], float(c)) for v, c in zip(vs, cs, strict=True)]
        r_, c_, v_ = zip(*entries, strict=True)
        self.fixed_rows = np.array(r_, np.int64), np.array(c_, np.int64), np.array(v_)
        self.required = m.horizon.required.astype(float)
        self.wu, self.wo = _objective_weights(m)
        count: dict[tuple[int, int], int] = {}
        for row in m.shift:
            for d, vd in enumerate(row):
                for o in vd:
                    count[(d, o)] = count.get((d, o), 0) + 1
        self.n_max = np.array([count.get(k, 0) for k in self.keys], float)

    def build(self, n_classes: int, sizes: np.ndarray, with_n_max: bool) -> highspy.Highs:
        """A HiGHS model with the rows and the non-schedule columns (cost 0 on the head counts)."""
        L, B, G, T = self.L, self.B, self.G, self.T
        h = _quiet_highs()
        h.setOptionValue("threads", 1)
        lo = np.concatenate([np.zeros(L + G), self.required, sizes])
        h.addRows(L + G + T + n_classes, lo, lo.copy(), 0, np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0))
        n_cols = L + B + 2 * T
        cost = np.concatenate([np.zeros(L + B), self.wu, self.wo])
        upper = np.concatenate([self.n_max if with_n_max else np.full(L, highspy.kHighsInf),
                                np.full(B, highspy.kHighsInf), self.required, np.full(T, highspy.kHighsInf)])
        r, c, v = self.fixed_rows
        u_rows = L + G + np.arange(T)
        r = np.concatenate([r, u_rows, u_rows])
        c = np.concatenate([c, L + B + np.arange(T), L + B + T + np.arange(T)])
        v = np.concatenate([v, np.ones(T), -np.ones(T)])
        order = np.lexsort((r, c))
        r, c, v = r[order], c[order], v[order]
        starts = np.searchsorted(c, np.arange(n_cols)).astype(np.int32)
        h.addCols(n_cols, cost, np.zeros(n_cols), upper, len(v), starts, r.astype(np.int32), v)
        return h


def interval_column_generation(
    m: RosterModel,
    budget_seconds: float,
    *,
    stop_event: threading.Event | None = None,
    dive_share: float = DIVE_SHARE,
    smoothing: float = SMOOTHING,
) -> IntervalColumnsResult | str:
    """Dantzig-Wolfe bound and price-and-branch roster of an interval-cover roster model.

    Parameters
    ----------
    m : RosterModel
        Full model built by :func:`staffing.scheduling.solve.build_model` (see :func:`applicable`).
    budget_seconds : float
        Wall-clock budget (s): pricing rounds until ``(1 - dive_share)`` of it, then the dive.
    stop_event : threading.Event, optional
        Stops after the current round.
    dive_share : float
        Share of the budget kept for the dive and the break counts.
    smoothing : float
        Wentges weight of the best-bound duals in the pricing duals (0: the master LP's duals).

    Returns
    -------
    IntervalColumnsResult, or a string saying why it cannot run.
    """
    t0 = time.perf_counter()
    why = applicable(m)
    if why is not None:
        return why
    classes = _agent_classes(m)
    if isinstance(classes, str):
        return classes
    st = _Structure(m)
    L, B, G, T = st.L, st.B, st.G, st.T
    K = len(classes)
    sizes = np.array([len(c.agents) for c in classes], float)
    g, offset = objective_granularity(m)
    master = st.build(K, sizes, with_n_max=False)
    lagr = st.build(0, np.zeros(0), with_n_max=True)  # the cover part of the Lagrangian bound:
    lagr.changeRowsBounds(L, np.arange(L, dtype=np.int32), np.full(L, -highspy.kHighsInf),  # type: ignore[attr-defined]
                          np.full(L, highspy.kHighsInf))  # the link rows are dualised
    first_col = L + B + 2 * T
    cols: list[tuple[int, tuple[tuple[int, int], ...], float]] = []  # class, schedule, cost (model units)
    seen: set[tuple[int, tuple[tuple[int, int], ...]]] = set()

    def add(k: int, plan: dict[int, int]) -> bool:
        key = (k, tuple(sorted(plan.items())))
        if key in seen:
            return False
        seen.add(key)
        cost = classes[k].cost_of(plan) / PRICE_SCALE
        idx = [st.link[x] for x in key[1]] + [L + G + T + k]
        master.addCol(cost, 0.0, highspy.kHighsInf, len(idx), np.array(idx, np.int32), np.ones(len(idx)))
        cols.append((k, key[1], cost))
        return True

    def left() -> float:
        return budget_seconds - (time.perf_counter() - t0)

    raws: dict[int, int] = {}  # least pricing cost of each class in the last pricing round

    def price_all(pi: np.ndarray) -> tuple[float, int]:
        """Price every class at ``pi`` (link-row duals); returns (sum of N_k x least reduced cost
        without mu, columns added)."""
        pc_all = _prices(st.keys, pi)
        total = 0.0
        added = 0
        raws.clear()
        for k, cls in enumerate(classes):
            bound, found, _exact = cls.price(pc_all, LABEL_SECONDS)
            raws[k] = bound
            if bound >= LB.INF:
                raise _NoSchedule(f"agent {m.agents[cls.agents[0]].agent_id}: no week satisfies its rules")
            slack = 0.5 * cls.max_shifts / PRICE_SCALE  # rounding of the prices
            total += sizes[k] * (bound / PRICE_SCALE - slack)
            for _raw, plan in found:
                added += add(k, plan)
        return total, added

    # first columns: every class's cheapest schedules on its own (no duals) -- one per window
    try:
        price_all(np.zeros(L))
    except _NoSchedule as exc:  # the roster model is infeasible: CP-SAT's diagnosis explains it
        return str(exc)
    best_bound, rounds, converged = -math.inf, 0, False
    lp_value: float | None = None
    best_pi, best_raws = np.zeros(L), {}
    trace: list[tuple[float, float, float]] = []
    master.setOptionValue("solver", "ipm")
    master.setOptionValue("run_crossover", "off")
    lagr.setOptionValue("solver", "simplex")
    stop_pricing = (1.0 - dive_share) * budget_seconds
    while rounds < MAX_ROUNDS and time.perf_counter() - t0 < stop_pricing \
            and not (stop_event is not None and stop_event.is_set()):
        master.run()
        if master.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            break
        lp = float(master.getInfo().objective_function_value)
        lp_value = lp
        pi_lp = np.asarray(master.getSolution().row_dual, float)[:L]
        # Wentges smoothing towards the duals of the best bound (damps the tailing-off of weeks
        # with few classes of agents); plain duals again after a round that added nothing
        pi = smoothing * best_pi + (1.0 - smoothing) * pi_lp if math.isfinite(best_bound) else pi_lp
        rounds += 1
        priced, added = price_all(pi)
        # cover part: min pi n + wu u + wo o over the break and cover rows, 0 <= n <= n_max
        lagr.changeColsCost(L, np.arange(L, dtype=np.int32), pi)
        lagr.run()
        if lagr.getModelStatus() == highspy.HighsModelStatus.kOptimal:
            bound = priced + float(lagr.getInfo().objective_function_value)
            if bound > best_bound:
                best_bound, best_pi, best_raws = bound, pi, dict(raws)
        trace.append((time.perf_counter() - t0, lp, best_bound))
        if added == 0 and smoothing > 0:
            smoothing = 0.0
            continue
        if lp - best_bound <= CONVERGED_GAP * abs(lp) or added == 0 \
                or round_up_bound(best_bound, g, offset) >= round_up_bound(lp, g, offset):
            converged = True
            break
    bound_value = round_up_bound(best_bound, g, offset) if math.isfinite(best_bound) else None
    # a roster: dive on the master LP -- fix every weight's integer part, round up the weights
    # close to the next integer (or the largest fraction when none is), re-solve, repeat
    lo = _dive(master, cols, first_col, sizes, deadline=t0 + budget_seconds)
    # the dive's schedules with the best break counts for them: a small integer programme
    n_cols = len(cols)
    n_all = first_col + n_cols
    idx = np.arange(first_col, n_all, dtype=np.int32)
    integer = np.concatenate([np.ones(L + B, np.uint8), np.zeros(2 * T, np.uint8), np.ones(n_cols, np.uint8)])
    master.changeColsIntegrality(n_all, np.arange(n_all, dtype=np.int32), integer)
    master.changeColsBounds(n_cols, idx, lo, lo)
    master.setOptionValue("solver", "choose")
    master.setOptionValue("mip_rel_gap", 1e-6)
    master.setOptionValue("time_limit", max(BREAKS_MIN_SECONDS, left()))
    master.run()
    status = master.modelStatusToString(master.getModelStatus())
    sol = master.getSolution()
    plan = breaks = plan_obj = None
    if sol.value_valid:
        x = np.rint(np.asarray(sol.col_value, float)).astype(np.int64)
        plan_obj = float(master.getInfo().objective_function_value)
        plan = {}
        pools = [list(c.agents) for c in classes]
        for j, (k, sched, _cost) in enumerate(cols):
            for _ in range(int(x[first_col + j])):
                plan[pools[k].pop()] = dict(sched)
        breaks = {key: int(x[L + i]) for i, key in enumerate(st.break_keys)}
    return IntervalColumnsResult(bound_value, lp_value, plan, breaks, plan_obj, rounds, len(cols), K, converged,
                                 time.perf_counter() - t0, status, tuple(trace),
                                 _cuts(classes, st.keys, best_pi, best_raws))


def _dive(master: highspy.Highs, cols: list[tuple[int, tuple[tuple[int, int], ...], float]], first_col: int,
          sizes: np.ndarray, deadline: float) -> np.ndarray:
    """Integer schedule weights by diving on the master LP (dual simplex, warm): fix every weight's
    integer part, round up every weight whose fractional part is at least ``ROUND_UP_AT`` (or the
    largest fraction when none is) while its class has agents left, re-solve, repeat.  Past the
    deadline the remaining agents of each class go to its largest remainders at once.  Returns the
    weights; the LP's column bounds are left at them (lower bounds).  Re-pricing after each step
    (diving with column generation) gave worse rosters on the 150-agent week (6,613-6,731
    against 6,459)."""
    K = len(sizes)
    n_cols = len(cols)
    idx = np.arange(first_col, first_col + n_cols, dtype=np.int32)
    col_class = np.array([c[0] for c in cols], np.int64)
    lo = np.zeros(n_cols)
    master.setOptionValue("solver", "simplex")
    x_lp = np.zeros(n_cols)
    while True:
        master.changeColsBounds(n_cols, idx, lo, np.full(n_cols, highspy.kHighsInf))
        master.run()
        if master.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            break
        x_lp = np.asarray(master.getSolution().col_value, float)[first_col:]
        new_lo = np.maximum(lo, np.floor(x_lp + 1e-6))
        room = sizes - np.bincount(col_class, weights=new_lo, minlength=K)
        if not room.any():
            return new_lo
        frac = x_lp - new_lo
        late = time.perf_counter() > deadline
        for j in np.argsort(-frac):
            if frac[j] <= 1e-6 or (not late and frac[j] < ROUND_UP_AT and new_lo.sum() > lo.sum()):
                break
            if room[col_class[j]] >= 1:
                new_lo[j] += 1
                room[col_class[j]] -= 1
                if not late and frac[j] < ROUND_UP_AT:
                    break
        lo = new_lo
    # no optimal LP (should not happen: the slacks keep it feasible): largest remainders of the last
    for k in range(K):
        js = np.flatnonzero(col_class == k)
        need = int(sizes[k] - lo[js].sum())
        for j in js[np.argsort(-(x_lp[js] - lo[js]))][:max(need, 0)]:
            lo[j] += 1
    return lo


def _prices(keys: list[tuple[int, int]], pi: np.ndarray) -> dict[tuple[int, int], int]:
    """Pricing coefficient of each (day, option): ``-round(PRICE_SCALE pi)`` of its link row."""
    return {x: -round(PRICE_SCALE * float(pi[i])) for i, x in enumerate(keys)}


def _cuts(classes: list[_Class], keys: list[tuple[int, int]], pi: np.ndarray, raws: dict[int, int],
          ) -> tuple[tuple[int, dict[tuple[int, int], int], int, int], ...]:
    """Each agent's pricing inequality at the duals ``pi`` (see :attr:`IntervalColumnsResult.cuts`)."""
    pc = _prices(keys, pi)
    out = []
    for k, cls in enumerate(classes):
        if k not in raws or raws[k] >= LB.INF:
            continue
        coefs = dict(cls.own)
        for x, c in pc.items():
            if x in coefs or any(x[1] in lab.rules.day_options[x[0]] for lab in cls.labellers):
                coefs[x] = coefs.get(x, 0) + c
        coefs = {x: c for x, c in coefs.items() if c}
        out += [(a, coefs, cls.const, int(raws[k])) for a in cls.agents]
    return tuple(out)
