"""Column generation (Dantzig-Wolfe) for rosters whose agents meet only in day-level cover.

When the demand is given as :class:`~staffing.scheduling.constraints.ShiftCover` targets (cover
per day and shift type, the nurse-rostering form) and there is no interval requirement and no
headcount mode, the roster model decomposes by agent: every hard rule (successions, hours,
consecutive days, days off, weekends, shift counts, time off) and every soft term except cover
(shift requests, paid cost, isolated days off, preferences) belongs to one agent.  The agent's
part is the roster engine's own single-agent model; cover links the agents.

Master problem over a set of complete schedules ``p`` per agent ``a`` (cost ``c_ap``, ``A_rp`` = 1
when schedule ``p`` works the shift type and day of cover target ``r``)::

    min   sum c_ap lambda_ap + sum_r (wu_r u_r + wo_r o_r)
    s.t.  sum_ap A_rp lambda_ap + u_r - o_r = q_r        (duals pi_r)
          sum_p lambda_ap = 1                            (duals mu_a)
          lambda >= 0,  0 <= u_r <= q_r,  o_r >= 0

Pricing: for each agent, the schedule of least reduced cost ``c_ap - sum_r pi_r A_rp``, solved by
CP-SAT on the agent's model.  For any ``pi`` with ``pi_r >= -wo_r`` the Lagrangian bound

``L(pi) = sum_r [pi_r q_r + min(0, (wu_r - pi_r) q_r)] + sum_a min_p (c_ap - sum_r pi_r A_rp)``

is a valid lower bound on the roster objective (the inner minima replaced by CP-SAT's proven
bounds, so an unfinished pricing solve still gives a valid bound); at convergence it equals the
master LP's value, the Dantzig-Wolfe bound, which is much stronger than the compact model's LP
for nurse rostering (Jaumard, Semet & Vovor 1998, *A generalized linear programming model for
nurse scheduling*, EJOR 107:1-18).  Duals are smoothed towards the best-bound duals (Wentges
1997, *Weighted Dantzig-Wolfe decomposition*, ITOR 4:151-162) to damp the oscillation.  The
master is finally solved with integer ``lambda`` over the generated columns (price-and-branch),
which gives a rule-valid roster used as the CP-SAT warm start.

Objective units are those of the CP-SAT model (weights x ``OBJECTIVE_SCALE``).  Since every
objective coefficient is an integer multiple of their greatest common divisor ``g``, the bound is
rounded up to ``offset + g k``.
"""

from __future__ import annotations

import math
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import reduce
from typing import Any

import numpy as np
from ortools.sat.python import cp_model
from scipy import optimize, sparse

from staffing.scheduling import constraints as C
from staffing.scheduling.model import RosterModel

PRICE_SCALE = 1000  # dual prices are rounded to 1/PRICE_SCALE objective units in the pricing objective


@dataclass(frozen=True)
class ColumnGenerationResult:
    """Outcome of :func:`column_generation` (objective units of the CP-SAT model).

    Attributes
    ----------
    bound : float or None
        Proven lower bound on the roster objective, rounded up to the objective's granularity.
    plan : dict or None
        Price-and-branch roster: agent index -> {day: shift option index}.
    plan_objective : float or None
        Its objective (same units).
    lp_value : float or None
        Last restricted-master LP value (equals the Dantzig-Wolfe bound when ``converged``).
    iterations, columns : int
        Pricing rounds and schedules generated.
    converged : bool
        No schedule with negative reduced cost was left (or none could raise the rounded bound).
    lp_shift_values : dict
        ``(agent, day, option) -> value`` of the last master LP (only non-zero values).
    seconds : float
        Wall-clock time.
    """

    bound: float | None
    plan: dict[int, dict[int, int]] | None
    plan_objective: float | None
    lp_value: float | None
    iterations: int
    columns: int
    converged: bool
    seconds: float
    lp_shift_values: dict[tuple[int, int, int], float] | None = None


def applicable(m: RosterModel) -> bool:
    """True when agents interact only through day-level cover (see the module docstring)."""
    ob = m.settings.objective
    return (bool(m.cover_vars) and not np.any(m.horizon.required) and not m.service_lost
            and all(ag.hired is None for ag in m.agents)
            and ob.over_coverage_per_agent_hour == 0 and ob.under_coverage_per_agent_hour >= 0)


def objective_granularity(m: RosterModel) -> tuple[int, int]:
    """``(g, offset)``: every objective value is ``offset + g k`` for an integer ``k``."""
    obj = m.cp.proto.objective
    coefs = [abs(int(c)) for c in obj.coeffs if c]
    g = reduce(math.gcd, coefs, 0) or 1
    return g, round(obj.offset)


def round_up_bound(value: float, g: int, offset: int) -> float:
    """Smallest ``offset + g k`` that is >= ``value`` (minus a small tolerance)."""
    return float(offset + g * math.ceil((value - offset) / g - 1e-7))


class _Pricer:
    """One agent's single-agent model with its own soft terms; prices schedules for given duals."""

    def __init__(self, m: RosterModel, a: int, rows: dict[tuple[int, str], list[int]], seed: int) -> None:
        from staffing.scheduling.heuristic import single_agent_model

        ag = m.agents[a]
        sm = single_agent_model(m, ag)
        pens = (C.add_paid_cost(sm) + C.add_days_off_together(sm) + C.add_preferences(sm)
                + C.add_requests(sm, m.requests))
        exprs, coefs = C.objective_terms(pens)
        self.sm = sm
        self.cost = cp_model.LinearExpr.weighted_sum(exprs, coefs) if exprs else cp_model.LinearExpr.constant(0)
        self.options = m.options
        self.vars: list[tuple[int, int, Any, list[int]]] = []  # (day, option, var, cover rows)
        for d, vd in enumerate(sm.shift[0]):
            for o, var in vd.items():
                self.vars.append((d, o, var, rows.get((d, m.options[o].template), [])))
        per_day = [max((len(r) for d_, _, _, r in self.vars if d_ == d), default=0) for d in range(m.horizon.n_days)]
        self.max_rows = sum(per_day)
        self.seed = seed
        self.last: dict[int, int] | None = None

    def price(self, pi: np.ndarray, seconds: float) -> tuple[float, list[tuple[dict[int, int], float]]]:
        """``(bound on the least reduced cost, schedules found with their costs)``, the best last;
        reduced costs exclude ``mu_a``.  Every improving schedule CP-SAT meets on the way is kept
        (more columns per round: faster convergence and a richer integer master)."""
        vs, cs = [], []
        for _d, _o, var, rws in self.vars:
            if rws:
                c = -round(PRICE_SCALE * float(pi[rws].sum()))
                if c:
                    vs.append(var)
                    cs.append(c)
        cp = self.sm.cp
        cp.minimize(PRICE_SCALE * self.cost + cp_model.LinearExpr.weighted_sum(vs, cs))
        cp.clear_hints()
        if self.last is not None:
            for d, o, var, _ in self.vars:
                cp.add_hint(var, self.last.get(d) == o)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = self.seed
        solver.parameters.cp_model_presolve = False  # small model solved many times: presolve costs more (1.7x)
        solver.parameters.max_time_in_seconds = max(0.05, seconds)
        found = _Collector(self.vars, self.cost)
        code = solver.solve(cp, found)
        # rounding of the prices: at most 0.5 / PRICE_SCALE per cover row a schedule touches
        slack = 0.5 * self.max_rows / PRICE_SCALE
        b = solver.best_objective_bound
        bound = b / PRICE_SCALE - slack if math.isfinite(b) else -math.inf
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE) and found.plans:
            self.last = found.plans[-1][0]
        return bound, found.plans


class _Collector(cp_model.CpSolverSolutionCallback):
    """Keeps every schedule of a pricing solve (at most the last 8) with its own cost."""

    def __init__(self, vars_: list[tuple[int, int, Any, list[int]]], cost: Any) -> None:
        super().__init__()
        self._vars, self._cost = vars_, cost
        self.plans: list[tuple[dict[int, int], float]] = []

    def on_solution_callback(self) -> None:
        plan = {d: o for d, o, var, _ in self._vars if self.boolean_value(var)}
        self.plans = (self.plans + [(plan, float(self.value(self._cost)))])[-8:]


def column_generation(
    m: RosterModel,
    budget_seconds: float,
    *,
    seed: int = 0,
    workers: int = 2,
    stop_event: threading.Event | None = None,
    smoothing: float = 0.5,
) -> ColumnGenerationResult:
    """Lower bound and price-and-branch roster for a day-level cover model.

    Parameters
    ----------
    m : RosterModel
        Full model with ``cover_vars`` (see :func:`applicable`).
    budget_seconds : float
        Wall-clock budget for pricing rounds and the integer master.
    seed : int
        Seed of the pricing solves.
    workers : int
        Agents priced in parallel (CP-SAT releases the GIL).
    stop_event : threading.Event, optional
        Stops after the current round.
    smoothing : float
        Wentges smoothing weight of the best-bound duals (0 = plain Kelley).

    Returns
    -------
    ColumnGenerationResult
    """
    t0 = time.perf_counter()
    targets = [c for c, _, _ in m.cover_vars]
    R = len(targets)
    rows: dict[tuple[int, str], list[int]] = {}
    for r, c in enumerate(targets):
        rows.setdefault((c.day, c.template), []).append(r)
    q = np.array([c.required for c in targets], float)
    wu = np.array([round(c.under_weight * C.OBJECTIVE_SCALE) for c in targets], float)
    wo = np.array([round(c.over_weight * C.OBJECTIVE_SCALE) for c in targets], float)
    A = len(m.agents)
    pricers = [_Pricer(m, a, rows, seed) for a in range(A)]
    g, offset = objective_granularity(m)
    cols: list[tuple[int, tuple[tuple[int, int], ...], float, np.ndarray]] = []  # agent, plan, cost, rows
    seen: set[tuple[int, tuple[tuple[int, int], ...]]] = set()

    def rows_hit(plan: dict[int, int]) -> list[int]:
        """Cover targets a schedule works on."""
        return [r for d, o in plan.items() for r in rows.get((d, m.options[o].template), [])]

    def add_column(a: int, plan: dict[int, int], cost: float) -> bool:
        key = (a, tuple(sorted(plan.items())))
        if key in seen:
            return False
        seen.add(key)
        cols.append((a, key[1], cost, np.array(rows_hit(plan), dtype=np.int64)))
        return True

    def left() -> float:
        return budget_seconds - (time.perf_counter() - t0)

    def run_pricing(pi: np.ndarray, per_solve: float) -> list[tuple[float, list[tuple[dict[int, int], float]]]]:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            return list(pool.map(lambda p: p.price(pi, per_solve), pricers))

    best_bound = -math.inf
    best_pi = np.zeros(R)
    lp_value = None
    iterations = 0
    converged = False
    # initial columns: each agent's cheapest schedule on its own (no cover)
    first = run_pricing(np.zeros(R), max(0.5, 0.1 * budget_seconds / max(A, 1)))
    for a, (_b, found) in enumerate(first):
        if not found:  # tight rules (long horizons): a longer try for this agent alone
            found = pricers[a].price(np.zeros(R), max(1.0, min(10.0, 0.2 * left())))[1]
        if not found:  # no schedule satisfies this agent's rules in time
            return ColumnGenerationResult(None, None, None, None, 0, len(cols), False, time.perf_counter() - t0)
        for plan, cost in found:
            add_column(a, plan, cost)

    def solve_master() -> Any:
        n = len(cols)
        data, ri, ci = [], [], []
        for j, (a, _plan, _cost, hit) in enumerate(cols):
            ri.extend(hit.tolist())
            ci.extend([j] * len(hit))
            data.extend([1.0] * len(hit))
            ri.append(R + a)
            ci.append(j)
            data.append(1.0)
        for r in range(R):  # u_r and -o_r
            ri += [r, r]
            ci += [n + r, n + R + r]
            data += [1.0, -1.0]
        a_eq = sparse.csr_matrix((data, (ri, ci)), shape=(R + A, n + 2 * R))
        b_eq = np.concatenate([q, np.ones(A)])
        cost = np.concatenate([np.array([c[2] for c in cols]), wu, wo])
        bounds_lo = np.zeros(n + 2 * R)
        bounds_hi = np.concatenate([np.ones(n), q, np.full(R, np.inf)])
        return optimize.linprog(cost, A_eq=a_eq, b_eq=b_eq, bounds=np.column_stack([bounds_lo, bounds_hi]),
                                method="highs")

    res = None  # the last master LP solved, None once columns were added after it
    while left() > 0.15 * budget_seconds and not (stop_event is not None and stop_event.is_set()):
        res = solve_master()
        if res.status != 0:
            break
        lp_value = float(res.fun)
        duals = np.asarray(res.eqlin.marginals, float)
        pi_lp = np.maximum(duals[:R], -wo)
        mu = duals[R:]
        if lp_value <= best_bound + 1e-6:  # the master is at the bound: done
            converged = True
            break
        if math.isfinite(best_bound) and round_up_bound(best_bound, g, offset) >= round_up_bound(lp_value, g, offset):
            # the restricted master's value is an upper bound on the Dantzig-Wolfe bound: once both
            # round to the same objective value, more columns cannot raise the rounded bound
            converged = True
            break
        pi = smoothing * best_pi + (1 - smoothing) * pi_lp if math.isfinite(best_bound) else pi_lp
        iterations += 1
        # a round prices every agent: keep it within about half of what is left
        per_solve = max(0.1, min(5.0, left() / 4, 0.5 * left() * max(1, workers) / max(A, 1)))
        out = run_pricing(pi, per_solve)
        lag = float(pi @ q + np.minimum(0.0, (wu - pi) * q).sum() + sum(b for b, _ in out))
        if lag > best_bound:
            best_bound, best_pi = lag, pi
        added = 0
        for a, (_b, found) in enumerate(out):
            for plan, cost in found:
                rc_lp = cost - float(pi_lp[rows_hit(plan)].sum()) - mu[a]
                if rc_lp < -1e-6 or (smoothing > 0 and plan is found[-1][0]):
                    added += add_column(a, plan, cost)
        if added:
            res = None
        elif smoothing == 0:
            converged = True
            break
        if added == 0:
            smoothing = 0.0  # mis-pricing with smoothed duals: fall back to the LP duals
    bound = round_up_bound(best_bound, g, offset) if math.isfinite(best_bound) else None
    last_lp = res if res is not None else solve_master()
    lp_values: dict[tuple[int, int, int], float] = {}
    if last_lp.status == 0:
        for j in np.flatnonzero(last_lp.x[: len(cols)] > 1e-9):
            a, plan, _cost, _hit = cols[j]
            for d, o in plan:
                lp_values[(a, d, o)] = lp_values.get((a, d, o), 0.0) + float(last_lp.x[j])
    plan_out, plan_obj = _integer_master(cols, R, A, q, wu, wo, rows_lp=last_lp,
                                         seconds=max(1.0, min(left(), 0.05 * budget_seconds)), seed=seed,
                                         workers=workers)
    return ColumnGenerationResult(bound, plan_out, plan_obj, lp_value, iterations, len(cols), converged,
                                  time.perf_counter() - t0, lp_values)


def _integer_master(cols: list[tuple[int, tuple[tuple[int, int], ...], float, np.ndarray]], R: int, A: int,
                    q: np.ndarray, wu: np.ndarray, wo: np.ndarray, *, rows_lp: Any, seconds: float, seed: int,
                    workers: int) -> tuple[dict[int, dict[int, int]] | None, float | None]:
    """One generated schedule per agent minimising the master objective (CP-SAT, hinted with the
    largest LP weight per agent)."""
    cp = cp_model.CpModel()
    pick = [cp.new_bool_var(f"column {j}") for j in range(len(cols))]
    by_agent: dict[int, list[int]] = {}
    per_row: list[list[Any]] = [[] for _ in range(R)]
    for j, (a, _plan, _cost, hit) in enumerate(cols):
        by_agent.setdefault(a, []).append(j)
        for r in hit.tolist():
            per_row[r].append(pick[j])
    if len(by_agent) < A:
        return None, None
    for js in by_agent.values():
        cp.add_exactly_one(pick[j] for j in js)
    terms, coefs = [], []
    for r in range(R):
        u = cp.new_int_var(0, int(q[r]), f"short {r}")
        o = cp.new_int_var(0, len(per_row[r]), f"extra {r}")
        cp.add(sum(per_row[r]) + u - o == int(q[r]))
        terms += [u, o]
        coefs += [int(wu[r]), int(wo[r])]
    terms += pick
    coefs += [round(c[2]) for c in cols]
    cp.minimize(cp_model.LinearExpr.weighted_sum(terms, coefs))
    if rows_lp is not None and getattr(rows_lp, "x", None) is not None:
        x = rows_lp.x[: len(cols)]
        for js in by_agent.values():
            best = max(js, key=lambda j: x[j])
            for j in js:
                cp.add_hint(pick[j], j == best)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = seed
    code = solver.solve(cp)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, None
    plan = {cols[j][0]: dict(cols[j][1]) for j in range(len(cols)) if solver.boolean_value(pick[j])}
    return plan, float(solver.objective_value)


def lp_guided_search(m: RosterModel, lp_values: dict[tuple[int, int, int], float], seconds: float, *,
                     seed: int = 0, workers: int = 2) -> float | None:
    """Fix every shift the master LP decides (value 0 or 1) and let CP-SAT complete the rest.

    A relaxation-induced neighbourhood (Danna, Rothberg & Le Pape 2005, *Exploring relaxation
    induced neighborhoods to improve MIP solutions*, Math. Prog. 102:71-90) built from the
    Dantzig-Wolfe LP: the sub-model keeps every roster made of the LP's own schedules, is a
    fraction of the size, and CP-SAT solves it quickly.  The current hint of ``m`` (if any) is
    kept as the sub-model's hint.  On success every variable of ``m`` is hinted with the result
    (``m.hint`` updated) and its objective (model units) is returned; None otherwise.
    """
    from staffing.scheduling.heuristic import hint_every_variable

    sub = m.cp.clone()
    sp = sub.proto
    for a in range(len(m.agents)):
        for d, vd in enumerate(m.shift[a]):
            for o, var in vd.items():
                v = lp_values.get((a, d, o), 0.0)
                if v < 1e-6 or v > 1 - 1e-6:
                    dom = sp.variables[var.index].domain
                    dom[0] = dom[1] = int(v > 0.5)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.5, seconds)
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = seed
    code = solver.solve(sub)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    obj = float(solver.objective_value)
    if m.hint is not None and m.hint.objective(m.cp.proto) <= obj:
        return None
    hint_every_variable(m, solver.response_proto.solution)
    return obj
