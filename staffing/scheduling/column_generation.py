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
the labelling search of :mod:`staffing.scheduling.labelling` (dynamic programming and depth-first
search, milliseconds per agent) and, where that does not finish within ``LABEL_SECONDS`` or does
not apply, by CP-SAT on the agent's model.  For any ``pi`` with ``pi_r >= -wo_r`` the Lagrangian bound

``L(pi) = sum_r [pi_r q_r + min(0, (wu_r - pi_r) q_r)] + sum_a min_p (c_ap - sum_r pi_r A_rp)``

is a valid lower bound on the roster objective (the inner minima replaced by CP-SAT's proven
bounds, so an unfinished pricing solve still gives a valid bound); at convergence it equals the
master LP's value, the Dantzig-Wolfe bound, which is much stronger than the compact model's LP
for nurse rostering (Jaumard, Semet & Vovor 1998, *A generalized linear programming model for
nurse scheduling*, EJOR 107:1-18).  Duals are smoothed towards the best-bound duals (Wentges
1997, *Weighted Dantzig-Wolfe decomposition*, ITOR 4:151-162) to damp the oscillation.  After
convergence a dive (fix, re-price, repeat) builds a roster; the master is also solved with
integer ``lambda`` over every generated column by HiGHS' branch and cut (price-and-branch), and
the better rule-valid roster is the CP-SAT warm start.

Objective units are those of the CP-SAT model (weights x ``OBJECTIVE_SCALE``).  Since every
objective coefficient is an integer multiple of their greatest common divisor ``g``, the bound is
rounded up to ``offset + g k``.
"""

from __future__ import annotations

import math
import os
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import reduce
from typing import Any

import highspy
import numpy as np
from ortools.sat.python import cp_model
from scipy import optimize, sparse

from staffing.scheduling import constraints as C
from staffing.scheduling import label_pool as LP
from staffing.scheduling import labelling as LB
from staffing.scheduling.heuristic import (
    hint_every_variable,
    single_agent_model,
    single_agent_parameters,
)
from staffing.scheduling.model import RosterModel

EXPECTED_ROUNDS = 15  # pricing rounds that must fit in the budget (Curtois 11 / 17 / 15 converge in 18 / 29 / 36;
# with 20, Curtois 19's ~5.5-s rounds gave up in 3 runs of 7, none of which ended within 5 %) ...
EARLY_ROUNDS = 3  # ... judged over the first rounds only: later, column generation runs to the end of its budget
DIVE_FIX_AT = 0.999  # diving fixes at once every agent with a schedule of at least this LP weight
DIVE_FIX_SHARE = 0.05  # ... or else this share of the free agents (at least one), the heaviest first
DIVE_PRICING_ROUNDS = 40  # most pricing rounds after each diving step
DIVE_JUMP = 0.002  # a diving step that raises the re-priced master LP by more than this share is undone ...
DIVE_RETRIES = 3  # ... at most this many times in a row
MASTER_SHARE = 0.25  # share of the budget the integer master may run past it after convergence ...
MASTER_SECONDS = 10.0  # ... but at most this long (s): where the master LP is weak (Instance 9) it cannot prove
MASTER_MAX_SECONDS = 15.0  # most time of the integer master after convergence in all (s)
PRICING_SECONDS = 5.0  # most time of one agent's pricing solve (s)
NEAR_CONVERGED_GAP = 0.01  # an unconverged run within this share of its master LP still gives strong cuts ...
GRACE_SHARE = 0.15  # ... and may run on this share of its budget past it to converge (Instance 15)
DIVE_SHARE = 0.1  # the dive after convergence gets at least this share of the budget, even past it
LABEL_RETRY = 4  # after an unfinished labelling search, the labeller is tried again every LABEL_RETRY-th call
LABEL_SECONDS = 0.05  # the labelling search's share of one agent's pricing solve before CP-SAT takes over (s)
UNCONVERGED_MASTER_SHARE = 0.02  # share of the budget the integer master gets when pricing did not converge
DESCENT_SHARE = 0.1  # most of the budget the best-response descent may take after the roster is built ...
DESCENT_RESTARTS = 4  # ... in at most this many runs from the same roster, each in its own random order
ROUNDING_FIX_SHARE = 0.2  # the LP rounding fixes at least this share of the free agents per step
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
    gave_up : bool
        Stopped within the first ``EARLY_ROUNDS`` rounds: at the measured time per pricing round,
        ``EXPECTED_ROUNDS`` more would not fit in the budget.
    lp_shift_values : dict
        ``(agent, day, option) -> value`` of the last master LP (only non-zero values).
    seconds : float
        Wall-clock time.
    trace : tuple
        One ``(seconds, master LP value, best Lagrangian bound)`` per pricing round.
    cuts : tuple
        Lagrangian cuts, one per agent whose own cost is linear in its shift variables:
        ``(agent, {(day, option): coefficient}, constant, right-hand side)``, all integers, meaning
        ``sum coefficient x[agent, day, option] + constant >= right-hand side`` for every schedule
        the agent's rules allow (see :func:`add_lagrangian_cuts`).
    lagrangian_floor : int or None
        The Lagrangian bound of the cuts' prices in pricing units (``PRICE_SCALE`` x model units):
        every roster has ``PRICE_SCALE x objective >= lagrangian_floor``; the sum of the agents'
        integer pricing bounds and of the least cover term (see :func:`add_reduced_cost_limits`).
        None when some agent's pricing bound is unknown.
    own_costs : tuple
        ``(agent, {(day, option): coefficient}, constant)`` for every agent whose own cost is linear
        in its shift variables: ``PRICE_SCALE x`` its cost is ``sum coefficient x + constant``.
    plan_from : str or None
        How ``plan`` was made: ``"dive"``, ``"master"`` (the integer master), ``"rounding"`` (the LP
        rounded by fixing, unconverged runs), each possibly followed by ``" + descent"``
        (:func:`best_response_descent`).
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
    cuts: tuple[tuple[int, dict[tuple[int, int], int], int, int], ...] = ()
    gave_up: bool = False
    trace: tuple[tuple[float, float, float], ...] = ()
    lagrangian_floor: int | None = None
    own_costs: tuple[tuple[int, dict[tuple[int, int], int], int], ...] = ()
    plan_from: str | None = None

    @property
    def near_converged(self) -> bool:
        """Converged, or its bound within ``NEAR_CONVERGED_GAP`` of the last master LP (Instance 15 can
        stop at 3,823 against an LP of 3,825 when the budget ends a few rounds early): its cuts and
        reduced-cost limits are then nearly as strong as at convergence."""
        return self.converged or (self.bound is not None and self.lp_value is not None
                                  and self.lp_value - self.bound <= NEAR_CONVERGED_GAP * abs(self.lp_value))


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


def cover_rows(m: RosterModel) -> tuple[dict[tuple[int, str], list[int]], np.ndarray, np.ndarray, np.ndarray]:
    """The master's cover rows: ``(rows, q, wu, wo)`` -- the row indices of each (day, shift type),
    the required head counts and the under- and over-cover weights (model units) per row."""
    targets = [c for c, _, _ in m.cover_vars]
    rows: dict[tuple[int, str], list[int]] = {}
    for r, c in enumerate(targets):
        rows.setdefault((c.day, c.template), []).append(r)
    q = np.array([c.required for c in targets], float)
    wu = np.array([round(c.under_weight * C.OBJECTIVE_SCALE) for c in targets], float)
    wo = np.array([round(c.over_weight * C.OBJECTIVE_SCALE) for c in targets], float)
    return rows, q, wu, wo


def schedule_rows(m: RosterModel, rows: dict[tuple[int, str], list[int]], shifts: Any) -> list[int]:
    """Cover rows a schedule works on; ``shifts`` are its ``(day, option)`` pairs."""
    return [r for d, o in shifts for r in rows.get((d, m.options[o].template), [])]


_HIGHS_LOCK = threading.Lock()
_highs_started = False


def _quiet_highs() -> highspy.Highs:
    """A silent HiGHS instance.  The first one made in a process prints HiGHS' banner on the C-level
    standard output before any option can be set (it would land in the middle of the CLI's
    tables), so standard output points at the null device while it is made."""
    global _highs_started
    with _HIGHS_LOCK:
        if _highs_started:
            h = highspy.Highs()
        else:
            sys.stdout.flush()
            saved = os.dup(1)
            null = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(null, 1)
                h = highspy.Highs()
            finally:
                os.dup2(saved, 1)
                os.close(null)
                os.close(saved)
            _highs_started = True
    h.setOptionValue("output_flag", False)
    return h


@dataclass(frozen=True)
class MasterSolution:
    """One solve of the restricted master LP.

    Attributes
    ----------
    status : int
        0 when the LP was solved to optimality, 1 otherwise.
    fun : float
        Its value (model units).
    x : numpy.ndarray
        Weight of every column, in the order they were added.
    duals : numpy.ndarray
        Duals of the cover rows, then of the agents' convexity rows (``d value / d right-hand side``).
    """

    status: int
    fun: float
    x: np.ndarray
    duals: np.ndarray


class _Master:
    """The restricted master LP kept in one HiGHS instance (``highspy``): each round appends its new
    columns instead of rebuilding the LP (on Curtois 13, ~5,000 columns after 20 rounds, rebuilding
    and re-solving by scipy's ``linprog`` took 40 % of the column generation's time)."""

    def __init__(self, q: np.ndarray, wu: np.ndarray, wo: np.ndarray, n_agents: int) -> None:
        self.R, self.A = len(q), n_agents
        self.cover = (q, wu, wo)
        h = _quiet_highs()
        h.setOptionValue("threads", 1)
        rhs = np.concatenate([q, np.ones(n_agents)])
        h.addRows(self.R + n_agents, rhs, rhs, 0, np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0))
        idx = np.arange(self.R, dtype=np.int32)
        # u_r (short, at most q_r) with +1 and o_r (extra) with -1 in cover row r
        h.addCols(self.R, wu.astype(float), np.zeros(self.R), q.astype(float), self.R, idx, idx, np.ones(self.R))
        h.addCols(self.R, wo.astype(float), np.zeros(self.R), np.full(self.R, highspy.kHighsInf), self.R, idx, idx,
                  -np.ones(self.R))
        self.h = h
        self.n = 0  # columns of ``cols`` in the LP (they follow the 2 R slack columns)
        self.zeroed: set[int] = set()  # columns whose upper bound a dive set to 0

    def add(self, cols: list[tuple[int, tuple[tuple[int, int], ...], float, np.ndarray]]) -> None:
        """Append the columns of ``cols`` not in the LP yet."""
        new = cols[self.n:]
        if not new:
            return
        starts: list[int] = []
        idx: list[int] = []
        for a, _plan, _cost, hit in new:
            starts.append(len(idx))
            idx.extend(hit.tolist())
            idx.append(self.R + a)
        k = len(new)
        # no upper bound: the convexity row implies lambda <= 1, and a bound there could take the
        # dual that pricing reads from the agent's convexity row
        self.h.addCols(k, np.array([c[2] for c in new], float), np.zeros(k), np.full(k, highspy.kHighsInf), len(idx),
                       np.array(starts, np.int32), np.array(idx, np.int32), np.ones(len(idx)))
        self.n = len(cols)

    def fix(self, cols: list[tuple[int, tuple[tuple[int, int], ...], float, np.ndarray]], fixed: dict[int, int],
            banned: set[int] | frozenset[int] = frozenset()) -> None:
        """Let each agent of ``fixed`` take only its fixed column (upper bound 0 on its others) and no
        agent a column of ``banned``; release every other column."""
        want = {j for j, col in enumerate(cols) if fixed.get(col[0], j) != j} if fixed else set()
        want |= banned
        for j, hi in [(j, highspy.kHighsInf) for j in self.zeroed - want] + [(j, 0.0) for j in want - self.zeroed]:
            self.h.changeColBounds(2 * self.R + j, 0.0, hi)
        self.zeroed = want

    def solve(self, method: str = "interior") -> MasterSolution:
        """Solve the LP.  ``"interior"``: HiGHS' interior-point method without crossover, whose duals
        are those of an interior optimum, at the centre of the optimal face rather than at one of its
        extreme points -- well-centred duals are what stabilised column generation looks for, and
        they cut the rounds (Gondzio, Gonzalez-Brevis & Munari 2013, *New developments in the
        primal-dual column generation technique*, EJOR 224:41-51; on Curtois 13 the simplex method,
        even warm-started, needed thousands of degenerate pivots per round).  ``"vertex"``: the same
        with the crossover to an optimal basic solution (its 0/1 weights guide the rounding).
        ``"simplex"``: dual simplex from the last basis, fastest when only bounds change (the dive).
        """
        self.h.setOptionValue("solver", "simplex" if method == "simplex" else "ipm")
        self.h.setOptionValue("run_crossover", "on" if method == "vertex" else "off")
        self.h.run()
        ok = self.h.getModelStatus() == highspy.HighsModelStatus.kOptimal
        sol = self.h.getSolution()
        x = np.asarray(sol.col_value, float)[2 * self.R:] if ok else np.zeros(self.n)
        duals = np.asarray(sol.row_dual, float) if ok else np.zeros(self.R + self.A)
        return MasterSolution(0 if ok else 1, float(self.h.getInfo().objective_function_value), x, duals)


class _Pricer:
    """One agent's single-agent model with its own soft terms; prices schedules for given duals."""

    def __init__(self, m: RosterModel, a: int, rows: dict[tuple[int, str], list[int]], seed: int) -> None:
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
        self.var_at = {(d, o): var for d, o, var, _ in self.vars}
        per_day = [max((len(r) for d_, _, _, r in self.vars if d_ == d), default=0) for d in range(m.horizon.n_days)]
        self.max_rows = sum(per_day)
        self.seed = seed
        self.last: dict[int, int] | None = None
        self.linear_cost = self._linear_cost()
        self.labeller: LB.Labeller | None = None
        if self.linear_cost is not None and LB.unsupported(m, a) is None:
            lab = LB.Labeller(LB.rules_for(m, a))
            if lab.dp_entries <= LB.MAX_DP_ENTRIES:
                self.labeller = lab
        self.label_stats = [0, 0, 0]  # pricing calls the labeller finished, those left to CP-SAT, and
        # those the labeller did not finish but answered with an improving schedule
        self.label_misses = 0  # the labeller's unfinished calls in a row: then CP-SAT alone, but for every
        # LABEL_RETRY-th call (Curtois 15 and 17: a quarter of the calls do not finish in LABEL_SECONDS)
        self.calls = 0

    def _linear_cost(self) -> tuple[dict[tuple[int, int], int], int] | None:
        """``PRICE_SCALE x cost`` as ``({(day, option): coefficient}, constant)`` when the agent's cost
        is linear in its shift variables (requests, paid cost), None otherwise."""
        got = self.linear_and_isolated_cost()
        if got is None or got[2]:
            return None
        return got[0], got[1]

    def linear_and_isolated_cost(self) -> tuple[dict[tuple[int, int], int], int, dict[int, int]] | None:
        """``PRICE_SCALE x cost`` as ``({(day, option): coefficient}, constant, {day: isolated-day-off
        cost})``: linear in the shift variables but for the isolated days off (the labeller prices
        those itself), None when another term is not."""
        probe = self.sm.cp.clone()
        probe.minimize(PRICE_SCALE * self.cost)
        obj = probe.proto.objective
        at: dict[int, list[tuple[int, int]]] = {var.index: [key] for key, var in self.var_at.items()}
        for d, w in enumerate(self.sm.works[0]):  # works(d) = the sum of the day's shift variables
            if w is not None:
                at[w.index] = [(d, o) for o in self.sm.shift[0][d]]
        # an isolated day off cannot occur when days off come in twos: its penalty is always 0
        no_isolated = self.sm.agents[0].contract.min_consecutive_days_off >= 2
        isolated = {v.index: d for (_a, d), v in self.sm.isolated.items()}
        coefs: dict[tuple[int, int], int] = {}
        iso: dict[int, int] = {}
        for v, c in zip(obj.vars, obj.coeffs, strict=True):
            if v >= 0 and v in isolated:
                if not no_isolated:
                    iso[isolated[v]] = iso.get(isolated[v], 0) + int(c)
                continue
            keys = at.get(v if v >= 0 else -v - 1)
            if keys is None or v < 0:
                return None
            for key in keys:
                coefs[key] = coefs.get(key, 0) + int(c)
        return coefs, round(obj.offset), iso

    def pricing_costs(self, pc: dict[tuple[int, int], int]) -> dict[tuple[int, int], int]:
        """The agent's linear own cost (``PRICE_SCALE`` units) plus the coefficients ``pc`` per
        ``(day, option)``: the costs of its labelling search and of its Lagrangian cut."""
        assert self.linear_cost is not None
        costs = dict(self.linear_cost[0])
        for k, c in pc.items():
            costs[k] = costs.get(k, 0) + c
        return costs

    def own_cost(self, plan: dict[int, int]) -> float:
        """The agent's own cost of a schedule (model units), from its linear cost."""
        assert self.linear_cost is not None
        lin, const = self.linear_cost
        return (sum(lin.get(k, 0) for k in plan.items()) + const) / PRICE_SCALE

    def price_coefficients(self, pi: np.ndarray) -> dict[tuple[int, int], int]:
        """Integer pricing coefficient of each shift variable: ``-round(PRICE_SCALE sum pi_r)``."""
        out = {}
        for d, o, _var, rws in self.vars:
            if rws:
                c = -round(PRICE_SCALE * float(pi[rws].sum()))
                if c:
                    out[(d, o)] = c
        return out

    def wants_labeller(self) -> bool:
        """Whether the next :meth:`price` call starts with the labelling search."""
        return (self.labeller is not None and self.linear_cost is not None
                and (self.label_misses == 0 or (self.calls + 1) % LABEL_RETRY == 0))

    def price(self, pi: np.ndarray, seconds: float, guided: bool = True,
              improving: Callable[[dict[int, int], float], bool] | None = None,
              labelled: tuple[int, list[tuple[int, dict[int, int]]], bool] | None = None,
              ) -> tuple[float, list[tuple[dict[int, int], float]], float]:
        """``(bound on the least reduced cost, schedules found with their costs, bound on the integer
        pricing objective)``, the best schedule last; reduced costs exclude ``mu_a``.  The labelling
        search goes first; when it does not finish, CP-SAT goes on (hinted with the labeller's best
        schedule) and the better bound and schedule of the two are kept.  Every improving schedule
        met on the way is kept (more columns per round: faster convergence and a
        richer integer master).  ``improving(schedule, own cost)`` says whether a schedule would enter
        the master: an unfinished labelling search that found one returns it with the search's root
        bound, without CP-SAT -- exact pricing is needed only once no improving schedule is found
        cheaply (heuristic pricing first: Desaulniers, Desrosiers & Solomon 2002, *Accelerating
        strategies in column generation methods for vehicle routing and crew scheduling problems*,
        in *Essays and Surveys in Metaheuristics*, 309-324).  ``labelled`` is the labelling
        search's answer for these prices when it ran elsewhere (:class:`label_pool.LabelPool`)."""
        pc = self.price_coefficients(pi)
        slack = 0.5 * self.max_rows / PRICE_SCALE  # rounding of the prices: at most 0.5 / PRICE_SCALE per row
        label_bound = -math.inf
        label_plans: list[tuple[dict[int, int], float]] = []
        use_labeller = labelled is not None or self.wants_labeller()
        self.calls += 1
        if use_labeller and self.labeller is not None and self.linear_cost is not None:
            # the labelling search first (milliseconds when it finishes); CP-SAT only where it does not
            raw, searched, complete = labelled if labelled is not None else self.labeller.cheapest_within(
                self.pricing_costs(pc), min(seconds, LABEL_SECONDS))
            label_plans = [(plan, self.own_cost(plan)) for _g, plan in searched[-8:]]
            if label_plans:
                self.last = label_plans[-1][0]
            # no schedule: CP-SAT says why
            label_bound = float(raw + self.linear_cost[1]) if raw < LB.INF else -math.inf
            if complete and raw < LB.INF:
                self.label_stats[0] += 1
                self.label_misses = 0
                return label_bound / PRICE_SCALE - slack, label_plans, label_bound
            if improving is not None and label_plans and improving(*label_plans[-1]):
                self.label_stats[2] += 1
                return label_bound / PRICE_SCALE - slack, label_plans, label_bound
            self.label_misses += 1
        if self.labeller is not None:
            self.label_stats[1] += 1
        vs, cs = [self.var_at[k] for k in pc], list(pc.values())
        cp = self.sm.cp
        cp.minimize(PRICE_SCALE * self.cost + cp_model.LinearExpr.weighted_sum(vs, cs))
        cp.clear_hints()
        if self.last is not None:
            for d, o, var, _ in self.vars:
                cp.add_hint(var, self.last.get(d) == o)
        solver = cp_model.CpSolver()
        single_agent_parameters(solver, len(self.vars), guided)
        solver.parameters.random_seed = self.seed
        solver.parameters.max_time_in_seconds = max(0.05, seconds)
        found = _Collector(self.vars, self.cost)
        code = solver.solve(cp, found)
        b = max(solver.best_objective_bound, label_bound)
        bound = b / PRICE_SCALE - slack if math.isfinite(b) else -math.inf
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE) and found.plans:
            self.last = found.plans[-1][0]
        plans = found.plans
        if label_plans and (not plans or label_plans[-1][1] + _reduced(label_plans[-1][0], pc)
                            < plans[-1][1] + _reduced(plans[-1][0], pc)):
            plans = plans + label_plans[-1:]  # the best schedule last
        return bound, plans, b


def _reduced(plan: dict[int, int], pc: dict[tuple[int, int], int]) -> float:
    """The price part of a schedule's pricing objective (model units): ``sum pc / PRICE_SCALE``."""
    return sum(pc.get(k, 0) for k in plan.items()) / PRICE_SCALE


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
        Wall-clock budget for pricing rounds and the integer master (after convergence the master
        may run up to ``min(MASTER_SECONDS, MASTER_SHARE * budget_seconds)`` past it; a run whose
        bound is within ``NEAR_CONVERGED_GAP`` of its master LP may price up to ``GRACE_SHARE`` of
        the budget past it).
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
    cover = cover_rows(m)
    pricers = [_Pricer(m, a, cover[0], seed) for a in range(len(m.agents))]
    # labelling searches hold the GIL: with two workers, half of them run in a second process
    label_pool = LP.start_pool({a: p.labeller for a, p in enumerate(pricers)
                                if p.labeller is not None}) if workers >= 2 else None
    try:
        return _column_generation(m, budget_seconds, t0, cover, pricers, label_pool, seed=seed, workers=workers,
                                  stop_event=stop_event, smoothing=smoothing)
    finally:
        if label_pool is not None:
            label_pool.close()


def _column_generation(m: RosterModel, budget_seconds: float, t0: float,
                       cover: tuple[dict[tuple[int, str], list[int]], np.ndarray, np.ndarray, np.ndarray],
                       pricers: list[_Pricer], label_pool: LP.LabelPool | None, *, seed: int, workers: int,
                       stop_event: threading.Event | None, smoothing: float) -> ColumnGenerationResult:
    """:func:`column_generation` with its cover rows and pricers built (and the labelling worker started)."""
    rows, q, wu, wo = cover
    R = len(q)
    A = len(m.agents)
    g, offset = objective_granularity(m)
    cols: list[tuple[int, tuple[tuple[int, int], ...], float, np.ndarray]] = []  # agent, plan, cost, rows
    seen: set[tuple[int, tuple[tuple[int, int], ...]]] = set()

    def rows_hit(plan: dict[int, int]) -> list[int]:
        return schedule_rows(m, rows, plan.items())

    def add_column(a: int, plan: dict[int, int], cost: float) -> bool:
        key = (a, tuple(sorted(plan.items())))
        if key in seen:
            return False
        seen.add(key)
        cols.append((a, key[1], cost, np.array(rows_hit(plan), dtype=np.int64)))
        return True

    def left() -> float:
        return budget_seconds - (time.perf_counter() - t0)

    def run_pricing(pi: np.ndarray, per_solve: float, agents: list[int] | None = None, guided: bool = True,
                    lp_duals: np.ndarray | None = None,
                    ) -> list[tuple[float, list[tuple[dict[int, int], float]], float]]:
        chosen = list(range(A)) if agents is None else agents

        def one(a: int, labelled: LP.LabelResult | None = None) -> tuple[float, list[tuple[dict[int, int], float]], float]:
            improving = None
            if lp_duals is not None:  # negative reduced cost against the master LP's duals
                def improving(plan: dict[int, int], cost: float) -> bool:
                    return cost - float(lp_duals[rows_hit(plan)].sum()) - float(lp_duals[R + a]) < -1e-6
            return pricers[a].price(pi, per_solve, guided, improving, labelled)

        if label_pool is None:
            with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
                return list(pool.map(one, chosen))
        # the worker process runs the labelling searches of its agents while this one prices the
        # others; then the worker's answers go through price() here (CP-SAT where they did not finish)
        remote = [a for a in chosen if label_pool.owns(a) and pricers[a].wants_labeller()]
        label_pool.submit([(a, pricers[a].pricing_costs(pricers[a].price_coefficients(pi)),
                            min(per_solve, LABEL_SECONDS)) for a in remote])
        taken = set(remote)
        mine = [a for a in chosen if a not in taken]
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            # threads still: CP-SAT (where a search does not finish) releases the GIL (Curtois 15: a
            # quarter of the searches; priced one at a time, 15 did not converge in 40 rounds)
            out = dict(zip(mine, pool.map(one, mine), strict=True))
            answers = label_pool.collect()
            out.update(zip(answers, pool.map(lambda a: one(a, answers[a]), list(answers)), strict=True))
        return [out[a] for a in chosen]

    best_bound = -math.inf
    best_pi = np.zeros(R)
    best_raw: list[float] = []  # integer pricing bounds of the best round (for the cuts)
    lp_value = None
    iterations = 0
    converged = False
    # initial columns: each agent's cheapest schedule on its own (no cover)
    first = run_pricing(np.zeros(R), max(0.5, 0.1 * budget_seconds / max(A, 1)))
    for a, (_b, found, _ib) in enumerate(first):
        if not found:  # tight rules (long horizons): a longer try for this agent alone
            found = pricers[a].price(np.zeros(R), max(1.0, min(10.0, 0.2 * left())))[1]
        if not found:  # no schedule satisfies this agent's rules in time
            return ColumnGenerationResult(None, None, None, None, 0, len(cols), False, time.perf_counter() - t0)
        for plan, cost in found:
            add_column(a, plan, cost)

    fixed: dict[int, int] = {}  # diving: agent -> the only column it may take
    banned: set[int] = set()  # diving: columns a backtrack took out

    master = _Master(q, wu, wo, A)

    def solve_master(method: str = "interior") -> MasterSolution:
        master.add(cols)
        master.fix(cols, fixed, banned)
        return master.solve(method)

    gave_up = False
    trace: list[tuple[float, float, float]] = []
    def near() -> bool:  # the bound within NEAR_CONVERGED_GAP of the master LP
        return (math.isfinite(best_bound) and lp_value is not None
                and lp_value - best_bound <= NEAR_CONVERGED_GAP * abs(lp_value))

    def room() -> float:  # pricing time left: to 15 % of the budget, or its grace past it when near
        return left() - 0.15 * budget_seconds if not near() else left() + GRACE_SHARE * budget_seconds

    round_started = time.perf_counter()
    while room() > 0 and not (stop_event is not None and stop_event.is_set()):
        res = solve_master()
        if res.status != 0:
            break
        lp_value = res.fun
        duals = res.duals
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
        avail = max(left(), room())
        per_solve = max(0.05, min(PRICING_SECONDS, avail / 4, 0.5 * avail * max(1, workers) / max(A, 1)))
        out = run_pricing(pi, per_solve, lp_duals=np.concatenate([pi_lp, mu]))
        lag = float(pi @ q + np.minimum(0.0, (wu - pi) * q).sum() + sum(b for b, _, _ in out))
        if lag > best_bound:
            best_bound, best_pi, best_raw = lag, pi, [ib for _, _, ib in out]
        trace.append((time.perf_counter() - t0, lp_value, best_bound))
        added = 0
        for a, (_b, found, _ib) in enumerate(out):
            for plan, cost in found:
                rc_lp = cost - float(pi_lp[rows_hit(plan)].sum()) - mu[a]
                if rc_lp < -1e-6 or (smoothing > 0 and plan is found[-1][0]):
                    added += add_column(a, plan, cost)
        if not added and smoothing == 0:
            converged = True
            break
        if added == 0:
            smoothing = 0.0  # mis-pricing with smoothed duals: fall back to the LP duals
        # judged by the latest round: the first pricing pass (zero duals: ties, the labeller's searches
        # do not finish and CP-SAT runs to its limit) and building the pricers are slower than a round
        # (Curtois 19: 31 s before its first round, ~5 s a round; judged by the average it gave up in
        # one run of three and ended at 3,659 against 3,367-3,371)
        now = time.perf_counter()
        per_round, round_started = now - round_started, now
        if iterations <= EARLY_ROUNDS and per_round * EXPECTED_ROUNDS > left():
            # too slow to converge in the budget (many agents x long horizons): an early bound is
            # weak and the time is better spent on the large-neighbourhood search
            gave_up = True
            break
    bound = round_up_bound(best_bound, g, offset) if math.isfinite(best_bound) else None
    # a basic optimum: its 0/1 weights guide the dive, the rounding and the LP-guided search after
    last_lp = solve_master("simplex" if converged or near() else "vertex")
    dive_plan: dict[int, dict[int, int]] | None = None
    dive_obj: float | None = None
    plan_out: dict[int, dict[int, int]] | None
    plan_obj: float | None
    if (converged or near()) and last_lp.status == 0:
        # a run that converged (or ended near convergence) in its grace has no budget left: the dive
        # still gets DIVE_SHARE of it (Instance 15 otherwise fell back to the greedy roster, 4,758)
        deadline = max(t0 + 0.95 * budget_seconds, time.perf_counter() + DIVE_SHARE * budget_seconds)
        dive_plan, dive_obj = _dive(cols, fixed, solve_master, pricers, run_pricing, add_column, rows_hit,
                                    R, A, q, wu, wo, deadline=deadline, stop_event=stop_event, banned=banned)
        fixed.clear()
        banned.clear()
    lp_values: dict[tuple[int, int, int], float] = {}
    if last_lp.status == 0:
        for j in np.flatnonzero(last_lp.x[: len(cols)] > 1e-9):
            a_j, sched, _cost, _hit = cols[j]
            for d, o in sched:
                lp_values[(a_j, d, o)] = lp_values.get((a_j, d, o), 0.0) + float(last_lp.x[j])
    if dive_obj is not None and bound is not None and dive_obj <= bound + g + 1e-9:
        # at the bound, or one granularity step above it: the integer master could only prove the
        # bound, which it rarely does (Instance 11: 143 s for a worse roster than the dive's 3,444
        # against the bound 3,443); the exact enumeration after the LNS settles such gaps
        plan_out, plan_obj = dive_plan, dive_obj
    else:
        # after convergence the master's columns are good and the HiGHS master often beats the dive
        # (Instance 7: 1,057 in 7 s against 1,060), so it may run past the budget by MASTER_SHARE
        # (a run that converged in its grace has no budget left: half the master's allowance then)
        # (but never longer than MASTER_MAX_SECONDS: after an early convergence and a dive one unit
        # above the bound, Instance 11's master ran 143 s for a worse roster, 4,371 against 3,444)
        plan_out, plan_obj, _status = mip_master(cols, R, A, q, wu, wo, seconds=min(MASTER_MAX_SECONDS, max(
            0.5 * min(MASTER_SECONDS, MASTER_SHARE * budget_seconds),
            left() + min(MASTER_SECONDS, MASTER_SHARE * budget_seconds))) if converged
            else max(1.0, min(left(), UNCONVERGED_MASTER_SHARE * budget_seconds)))
        if dive_obj is not None and (plan_obj is None or dive_obj < plan_obj):
            plan_out, plan_obj = dive_plan, dive_obj
    plan_from = "dive" if plan_out is not None and plan_out is dive_plan else "master" if plan_out else None
    can_descend = all(p.labeller is not None and p.linear_cost is not None for p in pricers)
    if (can_descend and not (converged or near()) and last_lp.status == 0
            and not (stop_event is not None and stop_event.is_set())):
        # unconverged (Curtois 13): the master's columns do not make a roster in the little time the
        # integer master gets; round the LP by fixing instead and let every agent best-respond
        rounded = _round_by_fixing(master, cols, A, deadline=max(t0 + 0.95 * budget_seconds,
                                                                 time.perf_counter() + DIVE_SHARE * budget_seconds))
        if rounded is not None and (plan_obj is None or rounded[1] < plan_obj):
            plan_out, plan_obj, plan_from = rounded[0], rounded[1], "rounding"
    if can_descend and plan_out is not None and plan_obj is not None and not (bound is not None and plan_obj <= bound):
        # the descent's end depends on the order the employees move in (Curtois 13: 2,535-3,431 from
        # one rounding): restarts with other orders from the same roster while its time lasts
        deadline = time.perf_counter() + DESCENT_SHARE * budget_seconds
        start, found_better = plan_out, False
        for restart in range(DESCENT_RESTARTS):
            if time.perf_counter() > deadline or (stop_event is not None and stop_event.is_set()):
                break
            better, better_obj = best_response_descent(pricers, start, rows_hit, q, wu, wo, deadline=deadline,
                                                       seed=seed + restart)
            if better_obj < plan_obj - 1e-9:
                plan_out, plan_obj, found_better = better, better_obj, True
        if found_better:
            plan_from = f"{plan_from} + descent"
    cuts = []
    for a, raw in enumerate(best_raw):
        lin = pricers[a].linear_cost
        if lin is None or not math.isfinite(raw):
            continue
        coefs = pricers[a].pricing_costs(pricers[a].price_coefficients(best_pi))
        cuts.append((a, {k: c for k, c in coefs.items() if c}, lin[1], math.ceil(raw - 1e-6)))
    floor = None
    if len(best_raw) == A and all(math.isfinite(raw) for raw in best_raw):
        floor = sum(math.ceil(raw - 1e-6) for raw in best_raw) + _cover_floor(rows, best_pi, q, wu, wo, A)
    own = tuple((a, dict(p.linear_cost[0]), p.linear_cost[1]) for a, p in enumerate(pricers)
                if p.linear_cost is not None)
    return ColumnGenerationResult(bound, plan_out, plan_obj, lp_value, iterations, len(cols), converged,
                                  time.perf_counter() - t0, lp_values, tuple(cuts), gave_up,
                                  tuple(trace), floor, own, plan_from)


def _cover_floor(rows: dict[tuple[int, str], list[int]], pi: np.ndarray, q: np.ndarray, wu: np.ndarray,
                 wo: np.ndarray, n_agents: int) -> int:
    """Least value of the cover part of ``PRICE_SCALE x objective`` once the agents' pricing terms are
    taken out: ``sum_g min_n [round(PRICE_SCALE pi_g) n + PRICE_SCALE pen_g(n)]`` over the (day, shift
    type) groups ``g`` (``pi_g`` the sum of the prices of the group's cover rows, exactly as the
    pricing coefficients round it; ``pen_g(n)`` the under- and over-cover cost of ``n`` agents on
    it) and every head count ``n = 0 .. n_agents``."""
    n = np.arange(n_agents + 1, dtype=float)
    total = 0
    for rws in rows.values():
        ix = np.asarray(rws, dtype=np.int64)
        pen = (wu[ix, None] * np.maximum(q[ix, None] - n, 0.0) + wo[ix, None] * np.maximum(n - q[ix, None], 0.0)).sum(0)
        total += int(np.min(round(PRICE_SCALE * float(pi[ix].sum())) * n + PRICE_SCALE * pen))
    return total


def _round_by_fixing(master: _Master, cols: list[tuple[int, tuple[tuple[int, int], ...], float, np.ndarray]],
                     A: int, *, deadline: float) -> tuple[dict[int, dict[int, int]], float] | None:
    """A roster from the restricted master alone: fix the free agents whose heaviest column has LP
    weight 1 (at least ``ROUNDING_FIX_SHARE`` of them, the heaviest first), re-solve, repeat; after
    ``deadline`` every free agent takes its heaviest column at once.  No pricing -- a restricted-
    master dive (Joncour et al. 2010), seconds where the pricing dive needs minutes (Curtois 13:
    ~7 s for 120 agents and 7,600 columns, against ~58 s with a pricing round per step).  Returns ``(plan, objective)``, or None when an LP fails."""
    fixed: dict[int, int] = {}
    try:
        while len(fixed) < A:
            master.fix(cols, fixed)
            res = master.solve("vertex")
            if res.status != 0:
                return None
            heaviest: dict[int, int] = {}
            for j in np.flatnonzero(res.x > 1e-9).tolist():
                a = int(cols[j][0])
                if a not in fixed and res.x[j] > res.x[heaviest.get(a, j)] - 1e-12:
                    heaviest[a] = j
            if not heaviest:
                return None
            ranked = sorted(heaviest, key=lambda a: -res.x[heaviest[a]])
            whole = [a for a in ranked if res.x[heaviest[a]] > DIVE_FIX_AT]
            k = max(1, math.ceil(ROUNDING_FIX_SHARE * (A - len(fixed))))
            take = ranked if time.perf_counter() > deadline else whole if len(whole) >= k else ranked[:k]
            fixed.update((a, heaviest[a]) for a in take)
    finally:
        master.fix(cols, {})
    return {a: dict(cols[j][1]) for a, j in fixed.items()}, _roster_cost(cols, list(fixed.values()), *master.cover)


def best_response_descent(pricers: list[_Pricer], plan: dict[int, dict[int, int]],
                          rows_hit: Callable[[dict[int, int]], list[int]], q: np.ndarray, wu: np.ndarray,
                          wo: np.ndarray, *, deadline: float, seed: int = 0,
                          ) -> tuple[dict[int, dict[int, int]], float]:
    """Improve a roster one agent at a time: each agent in turn takes its cheapest schedule given
    everyone else's (its own cost plus, per cover row it works, ``-wu`` while the others leave the
    row short and ``+wo`` once they meet it), found exactly by its labelling search; sweeps in
    random order until no agent moves or ``deadline``.  Every accepted move lowers the roster
    objective by exactly the agent's gain, so the descent ends at a roster no single agent can
    improve (best-response dynamics, a coordinate descent over whole schedules; the agent
    decomposition of nurse rostering as in Burke & Curtois 2014, EJOR 237:71-81).  Requires every
    pricer to have a labeller and a linear cost.  Returns ``(plan, objective)`` in model units."""
    rng = np.random.default_rng(seed)
    plans = {a: dict(p) for a, p in plan.items()}
    n = np.zeros(len(q))
    for a, p in plans.items():
        n[rows_hit(p)] += 1
    moved = True
    while moved and time.perf_counter() < deadline:
        moved = False
        for a in rng.permutation(len(pricers)).tolist():
            if time.perf_counter() > deadline:
                break
            pricer, lab = pricers[a], pricers[a].labeller
            assert lab is not None and pricer.linear_cost is not None
            n[rows_hit(plans[a])] -= 1
            costs = pricer.pricing_costs(pricer.price_coefficients(np.where(n < q, wu, -wo)))
            _bound, found, _complete = lab.cheapest_within(costs, LABEL_SECONDS)
            if found and found[-1][0] < sum(costs.get(k, 0) for k in plans[a].items()):
                plans[a] = found[-1][1]
                moved = True
            n[rows_hit(plans[a])] += 1
    return plans, sum(pricers[a].own_cost(p) for a, p in plans.items()) + _cover_cost(n, q, wu, wo)


def _dive_step(n_free: int) -> int:
    """Agents a diving step fixes when none has LP weight 1: ``DIVE_FIX_SHARE`` of the free, at least one."""
    return max(1, int(DIVE_FIX_SHARE * n_free))


def _dive(cols: list[tuple[int, tuple[tuple[int, int], ...], float, np.ndarray]], fixed: dict[int, int],
          solve_master: Any, pricers: list[_Pricer], run_pricing: Any, add_column: Any, rows_hit: Any, R: int,
          A: int, q: np.ndarray, wu: np.ndarray, wo: np.ndarray, *, deadline: float,
          stop_event: threading.Event | None, banned: set[int],
          ) -> tuple[dict[int, dict[int, int]] | None, float | None]:
    """Column-generation diving: fix agents to their schedules of largest master-LP weight, re-solve
    the master, price the agents still free, repeat until every agent is fixed.

    Every step fixes all agents whose LP weight on one schedule is at least ``DIVE_FIX_AT``, or
    else the ``DIVE_FIX_SHARE`` of the free agents (at least one) with the largest weight; once
    ``deadline`` has passed, every free agent takes its heaviest schedule (Joncour, Michel, Sadykov, Sverdlov & Vanderbeck 2010,
    *Column generation based primal heuristics*, ENDM 36:695-702; Sadykov, Vanderbeck, Pessoa,
    Tahiri & Uchoa 2019, *Primal heuristics for branch and price: the assets of diving methods*,
    INFORMS J. Comput. 31:251-267).  When the Dantzig-Wolfe LP is tight (nurse rostering) the dive
    usually ends at or next to the bound.  Returns ``(plan, objective)`` or ``(None, None)`` when
    stopped or the fixed schedules leave the master infeasible (it never is: cover is soft).

    ``banned`` is the set of column indices ``solve_master`` keeps at zero: a step whose fixing
    raised the re-priced master LP by more than ``DIVE_JUMP`` of its value is undone and its columns
    banned, at most ``DIVE_RETRIES`` times in a row (limited backtracking: Sadykov et al. 2019, section 3.3).
    """
    last_step: list[int] = []  # the agents fixed by the latest step ...
    lp_before = math.inf  # ... and the master LP before it
    retries = 0
    while len(fixed) < A:
        if stop_event is not None and stop_event.is_set():
            return None, None
        now = time.perf_counter()
        late = now > deadline
        n_free = A - len(fixed)
        # this step's share of the time left: as if every step fixed DIVE_FIX_SHARE of the free agents
        step_deadline = now + (deadline - now) / math.ceil(n_free / _dive_step(n_free))
        res = solve_master("simplex")
        for k in range(0 if late else DIVE_PRICING_ROUNDS):  # re-price the free agents against the dive's duals
            if res.status != 0 or time.perf_counter() > (deadline if k == 0 else step_deadline):
                break
            duals = res.duals
            pi = np.maximum(duals[:R], -wo)
            free = [a for a in range(A) if a not in fixed]
            per = max(0.05, min(1.0, 0.25 * (deadline - time.perf_counter()) / max(len(free), 1)))
            out = run_pricing(pi, per, agents=free, guided=False)  # many short solves: no LP overhead
            added = 0
            for a, (_b, found, _ib) in zip(free, out, strict=True):
                for plan, cost in found:
                    if cost - float(pi[rows_hit(plan)].sum()) - duals[R + a] < -1e-6:
                        added += add_column(a, plan, cost)
            if not added:
                break
            res = solve_master("simplex")
        if res.status != 0:
            return None, None
        if (last_step and not late and retries < DIVE_RETRIES
                and res.fun > lp_before + DIVE_JUMP * abs(lp_before)):
            banned.update(fixed.pop(a) for a in last_step)  # the step went wrong: undo it, try another
            last_step, retries = [], retries + 1
            continue
        if last_step:
            retries = 0
        lp_before = res.fun
        x = res.x[: len(cols)]
        best_of: dict[int, int] = {}
        for jj in np.flatnonzero(x > 1e-9).tolist():
            a_j = int(cols[jj][0])
            if a_j not in fixed and x[jj] > x[best_of.get(a_j, jj)] - 1e-12:
                best_of[a_j] = jj
        if not best_of:  # a free agent with no LP weight cannot happen (convexity rows)
            return None, None
        whole = {a: j for a, j in best_of.items() if x[j] > DIVE_FIX_AT}
        if late:  # out of time: every free agent takes its heaviest column (Curtois 13 timed out with
            # 120 agents and had no dive roster at all)
            step = best_of
        elif whole:
            step = whole
        else:  # the heaviest agent(s): one at a time on small rosters, DIVE_FIX_SHARE of the free on large
            ranked = sorted(best_of, key=lambda k: -x[best_of[k]])
            step = {a: best_of[a] for a in ranked[: _dive_step(len(best_of))]}
        fixed.update(step)
        last_step = list(step)
    return {a: dict(cols[j][1]) for a, j in fixed.items()}, _roster_cost(cols, list(fixed.values()), q, wu, wo)


def _master_problem(cols: list[tuple[int, tuple[tuple[int, int], ...], float, np.ndarray]], R: int, A: int,
                    q: np.ndarray, wu: np.ndarray, wo: np.ndarray,
                    ) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray, np.ndarray]:
    """The master's equality rows (cover, then one convexity row per agent), right-hand side, costs
    and upper bounds over ``[lambda (one per column), u (short), o (extra)]``."""
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
    return a_eq, b_eq, cost, np.concatenate([np.ones(n), q, np.full(R, np.inf)])


def _roster_cost(cols: list[tuple[int, tuple[tuple[int, int], ...], float, np.ndarray]], chosen: list[int],
                 q: np.ndarray, wu: np.ndarray, wo: np.ndarray) -> float:
    """Master objective of one column per agent: the columns' own costs plus the cover penalties."""
    n = np.zeros(len(q))
    cost = 0.0
    for j in chosen:
        n[cols[j][3]] += 1
        cost += cols[j][2]
    return cost + _cover_cost(n, q, wu, wo)


def _cover_cost(n: np.ndarray, q: np.ndarray, wu: np.ndarray, wo: np.ndarray) -> float:
    """Under- and over-cover penalty (model units) of head counts ``n`` on the cover rows."""
    return float((wu * np.maximum(q - n, 0)).sum() + (wo * np.maximum(n - q, 0)).sum())


def cut_excess(m: RosterModel, cuts: tuple[tuple[int, dict[tuple[int, int], int], int, int], ...],
               ) -> Callable[[np.ndarray], np.ndarray]:
    """Per-agent slack of the Lagrangian cuts at a complete solution (values in proto order): how
    far each agent's schedule is above its least reduced cost, in pricing units.  The slacks plus
    the cover terms add up to the roster's distance from the Lagrangian bound, so agents with a
    large slack are where a better roster is most likely to differ."""
    A = len(m.agents)
    parts = []
    for a, coefs, const, rhs in cuts:
        idx = np.array([m.shift[a][d][o].index for (d, o) in coefs], dtype=np.int64)
        parts.append((a, idx, np.array(list(coefs.values()), float), const - rhs))

    def excess(values: np.ndarray) -> np.ndarray:
        out = np.zeros(A)
        for a, idx, c, shift in parts:
            out[a] = float(c @ values[idx]) + shift
        return out

    return excess


@dataclass(frozen=True)
class ReducedCostLimits:
    """Per-agent upper limits on the Lagrangian cuts' left-hand sides, tightened as rosters improve.

    With ``S_a(x) = PRICE_SCALE cost_a(x_a) - sum_g round(PRICE_SCALE pi_g) x_ag`` (the left-hand side
    of agent ``a``'s cut, ``S_a >= B_a``) every roster satisfies
    ``PRICE_SCALE objective(x) >= sum_a S_a(x) + cover floor`` (see :func:`_cover_floor`), hence
    ``S_a(x) <= B_a + PRICE_SCALE objective(x) - lagrangian_floor``.  A roster no worse than ``upper``
    therefore keeps each agent's schedule within ``PRICE_SCALE upper - lagrangian_floor`` of its
    least reduced cost: reduced-cost fixing applied to whole schedules (Nemhauser & Wolsey 1988,
    *Integer and Combinatorial Optimization*, I.2.3; Irnich, Desaulniers, Desrosiers & Hadjar 2010,
    *Path-reduced costs for eliminating arcs in routing and scheduling*, INFORMS J. Comput.
    22:297-313).  When the Dantzig-Wolfe bound is close to the incumbent (Curtois 5, 7, 17) this
    leaves each agent only its near-cheapest schedules and CP-SAT's propagation prunes accordingly.

    Attributes
    ----------
    constraints : tuple of int
        Indices of the limit constraints in the model proto (and in every clone of it).
    cut_rhs : tuple of int
        ``B_a - constant_a`` of each (the cut's right-hand side less its constant).
    floor : int
        ``lagrangian_floor`` of the column generation run (pricing units).
    """

    constraints: tuple[int, ...]
    cut_rhs: tuple[int, ...]
    floor: int

    def apply(self, proto: Any, upper: float) -> None:
        """Rewrite the limits of ``proto`` (the model's or a clone's) for rosters of objective at most
        ``upper`` (model units)."""
        slack = reduced_cost_slack(upper, self.floor)
        for ci, rhs in zip(self.constraints, self.cut_rhs, strict=True):
            dom = proto.constraints[ci].linear.domain
            dom[len(dom) - 1] = rhs + slack


def reduced_cost_slack(upper: float, floor: int) -> int:
    """``PRICE_SCALE x upper - floor`` in whole pricing units: how far above its cut a schedule may
    be in a roster of objective at most ``upper`` (model units)."""
    whole = round(upper)  # objectives are integers; undo float noise such as 574599.99999999994
    return math.floor(PRICE_SCALE * (whole if abs(upper - whole) < 1e-6 else upper)) - floor


def add_reduced_cost_limits(m: RosterModel, result: ColumnGenerationResult, upper: float,
                            ) -> ReducedCostLimits | None:
    """Add :class:`ReducedCostLimits` for every agent with a Lagrangian cut, set for rosters of objective
    at most ``upper`` (model units, e.g. the incumbent's); None without cuts or floor."""
    if not result.cuts or result.lagrangian_floor is None:
        return None
    idx, rhs_out = [], []
    for a, coefs, const, rhs in result.cuts:
        vs = [m.shift[a][d][o] for (d, o) in coefs]
        idx.append(len(m.cp.proto.constraints))
        m.cp.add(cp_model.LinearExpr.weighted_sum(vs, list(coefs.values())) <= rhs - const)
        rhs_out.append(rhs - const)
    limits = ReducedCostLimits(tuple(idx), tuple(rhs_out), int(result.lagrangian_floor))
    limits.apply(m.cp.proto, upper)
    return limits


def add_lagrangian_cuts(m: RosterModel, cuts: tuple[tuple[int, dict[tuple[int, int], int], int, int], ...]) -> int:
    """Add the per-agent Lagrangian cuts of a column generation run to the full model.

    For the dual prices ``pi`` of the best Lagrangian bound, agent ``a``'s pricing problem proved
    ``PRICE_SCALE cost_a(x_a) - sum_r round(PRICE_SCALE pi_r) A_r(x_a) >= B_a`` for every schedule
    its rules allow; the same inequality over the full model's shift variables is therefore valid
    and redundant for integer rosters, but it lifts CP-SAT's linear relaxation to the
    Lagrangian (Dantzig-Wolfe) bound: summed over the agents with the cover rows it gives
    ``objective >= L(pi)``, which the compact model's LP is far below.  Returns the number added.
    """
    for a, coefs, const, rhs in cuts:
        vs = [m.shift[a][d][o] for (d, o) in coefs]
        m.cp.add(cp_model.LinearExpr.weighted_sum(vs, list(coefs.values())) + const >= rhs)
    return len(cuts)


def mip_master(cols: list[tuple[int, tuple[tuple[int, int], ...], float, np.ndarray]], R: int, A: int,
                q: np.ndarray, wu: np.ndarray, wo: np.ndarray, *, seconds: float,
                ) -> tuple[dict[int, dict[int, int]] | None, float | None, int]:
    """One generated schedule per agent minimising the master objective, by HiGHS' branch and cut
    (``scipy.optimize.milp``): a set-partitioning problem whose LP relaxation is tight for nurse
    rostering, which LP-based branching solves far better than CP-SAT's search (Instance 7: the
    optimum over the generated columns in seconds, where CP-SAT stayed above 1,150)."""
    n = len(cols)
    by_agent = {int(c[0]) for c in cols}
    if len(by_agent) < A or n == 0:
        return None, None, 2  # some agent has no column: no roster over these columns
    a_eq, b_eq, cost, bounds_hi = _master_problem(cols, R, A, q, wu, wo)
    integrality = np.concatenate([np.ones(n), np.zeros(2 * R)])
    res = optimize.milp(cost, integrality=integrality, bounds=optimize.Bounds(np.zeros(len(cost)), bounds_hi),
                        constraints=optimize.LinearConstraint(a_eq, b_eq, b_eq),
                        options={"time_limit": max(0.5, seconds), "disp": False, "mip_rel_gap": 0.0})
    if res.x is None:
        return None, None, int(res.status)
    chosen = np.flatnonzero(res.x[:n] > 0.5).tolist()
    plan = {int(cols[j][0]): dict(cols[j][1]) for j in chosen}
    if len(plan) < A:
        return None, None, 1
    return plan, _roster_cost(cols, chosen, q, wu, wo), int(res.status)


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
