"""The hiring-plan MIP (OR-Tools ``pywraplp``, SCIP by default): build, solve, extract.

This is the only planning module that imports OR-Tools. The problem arrives as
:class:`PlanningProblem` (plain arrays, per-hire coefficients already averaged over each
period's days by :mod:`staffing.planning`), so the model is small and readable:

variables
    ``hires(group, class YYYY-MM-DD)`` integer class size, ``runs(group, class ...)`` binary
    (only when a class has a minimum size or a fixed cost), ``overtime(group, period)`` FTE,
    ``shortfall(period)`` FTE (only when under-staffing is allowed).
constraints (one ``add_*`` function per family)
    ``cover(period)``: productive FTE of current staff + hires x per-hire productive FTE
    + overtime + shortfall >= required FTE;
    ``overtime_cap(group, period)``: overtime <= share x the group's productive FTE;
    ``class_size(group, class)``: ``class_min x runs <= hires <= class_max x runs``;
    ``headcount_cap(period, average|end)``: with an approved headcount, the hires' expected heads
    fit in the room current staff leave (no hiring while current staff are above it).
objective (built in one place)
    salaries of every paid FTE (in training too) + cost per hire + cost per class run
    + overtime at ``(1 + premium)`` x the FTE cost + shortfall penalty.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

import numpy as np
from ortools.linear_solver import pywraplp

from staffing.errors import InfeasibleError
from staffing.planning_settings import SolverOptions

Status = Literal["optimal", "feasible", "infeasible", "time_limit_no_solution", "error"]


@dataclass(frozen=True)
class PlanningProblem:
    """Arrays of the hiring MIP; ``T`` periods, ``G`` groups, ``K`` candidate classes.

    Attributes
    ----------
    period_labels : tuple of str (T)
    required_fte : ndarray (T)
        Paid FTE needed per period (after shrinkage).
    fte_cost : ndarray (G, T)
        Cost of one paid FTE of each group for each period, currency.
    base_productive_fte, base_paid_fte : ndarray (G, T)
        Productive / paid FTE of the current staff after expected attrition.
    group_names : tuple of str (G)
    overtime_share, overtime_premium : ndarray (G)
    class_group : ndarray of int (K)
    class_labels : tuple of str (K)
    class_min, class_max : ndarray of int (K)
    class_productive_fte, class_paid_fte : ndarray (K, T)
        Per hire of class k, productive / paid FTE in each period.
    cost_per_hire, cost_per_class : ndarray (K)
    shortfall_penalty : ndarray (T) or None
        Penalty per FTE short in each period; ``None`` makes coverage a hard constraint.
    class_fixed : ndarray of int (K) or None
        Class sizes fixed in advance (evaluating a given plan); ``None`` to optimise them.
    headcount_room : ndarray (2, T) or None
        Room for hires under the approved headcount: ``max(cap - current staff, 0)`` for the
        period average (row 0) and the period end (row 1); ``None`` without a cap.
    class_heads : ndarray (2, K, T) or None
        Heads per hire of each class: period average and period end.
    """

    period_labels: tuple[str, ...]
    required_fte: np.ndarray
    fte_cost: np.ndarray
    base_productive_fte: np.ndarray
    base_paid_fte: np.ndarray
    group_names: tuple[str, ...]
    overtime_share: np.ndarray
    overtime_premium: np.ndarray
    class_group: np.ndarray
    class_labels: tuple[str, ...]
    class_min: np.ndarray
    class_max: np.ndarray
    class_productive_fte: np.ndarray
    class_paid_fte: np.ndarray
    cost_per_hire: np.ndarray
    cost_per_class: np.ndarray
    shortfall_penalty: np.ndarray | None
    class_fixed: np.ndarray | None = None
    headcount_room: np.ndarray | None = None
    class_heads: np.ndarray | None = None


@dataclass(frozen=True)
class MipSolution:
    """Solver outcome: ``hires`` (K), ``overtime_fte`` (G, T), ``shortfall_fte`` (T)."""

    status: Status
    hires: np.ndarray
    overtime_fte: np.ndarray
    shortfall_fte: np.ndarray
    objective: float
    bound: float
    solve_seconds: float
    backend: str
    num_variables: int
    num_constraints: int

    @property
    def gap(self) -> float:
        """Relative gap between the objective and the proven bound (0 when optimal)."""
        if not np.isfinite(self.objective) or self.objective == 0:
            return 0.0
        return abs(self.objective - self.bound) / abs(self.objective)


class _Model:
    """Variables of the MIP kept in one place, named in domain words."""

    def __init__(self, p: PlanningProblem, options: SolverOptions) -> None:
        solver = pywraplp.Solver.CreateSolver(options.backend)
        if solver is None:  # pragma: no cover - SCIP ships with ortools wheels
            raise InfeasibleError(f"solver backend '{options.backend}' is not available in this OR-Tools build.")
        self.solver = solver
        self.p = p
        T, G, K = len(p.period_labels), len(p.group_names), len(p.class_labels)
        low = p.class_fixed if p.class_fixed is not None else np.zeros(K)
        self.hires = [solver.IntVar(float(low[k]), float(p.class_max[k]), f"hires({p.class_labels[k]})") for k in range(K)]
        self.runs = {
            k: solver.BoolVar(f"runs({p.class_labels[k]})")
            for k in range(K)
            if p.class_min[k] > 0 or p.cost_per_class[k] > 0
        }
        self.overtime = {
            (g, t): solver.NumVar(0.0, solver.infinity(), f"overtime({p.group_names[g]}, {p.period_labels[t]})")
            for g in range(G)
            if p.overtime_share[g] > 0
            for t in range(T)
        }
        self.shortfall = (
            [solver.NumVar(0.0, solver.infinity(), f"shortfall({p.period_labels[t]})") for t in range(T)]
            if p.shortfall_penalty is not None
            else None
        )

    def productive(self, t: int, group: int | None = None) -> tuple[float, list[tuple[pywraplp.Variable, float]]]:
        """Constant and linear terms of the productive FTE in period ``t`` (one group or all)."""
        p = self.p
        const = float(p.base_productive_fte[:, t].sum() if group is None else p.base_productive_fte[group, t])
        ks = np.flatnonzero(p.class_productive_fte[:, t] > 0)
        if group is not None:
            ks = ks[p.class_group[ks] == group]
        return const, [(self.hires[k], float(p.class_productive_fte[k, t])) for k in ks]


def add_cover(m: _Model) -> None:
    """``cover(period)``: supply + overtime (+ shortfall) >= required FTE."""
    p, s = m.p, m.solver
    for t, label in enumerate(p.period_labels):
        const, terms = m.productive(t)
        expr = s.Sum([c * v for v, c in terms] + [v for (g, tt), v in m.overtime.items() if tt == t])
        if m.shortfall is not None:
            expr = expr + m.shortfall[t]
        s.Add(expr >= float(p.required_fte[t]) - const, f"cover({label})")


def add_overtime_cap(m: _Model) -> None:
    """``overtime_cap(group, period)``: overtime <= share x the group's productive FTE."""
    p, s = m.p, m.solver
    for (g, t), var in m.overtime.items():
        const, terms = m.productive(t, g)
        share = float(p.overtime_share[g])
        s.Add(var - s.Sum([share * c * v for v, c in terms]) <= share * const,
              f"overtime_cap({p.group_names[g]}, {p.period_labels[t]})")


def add_class_size(m: _Model) -> None:
    """``class_size(class)``: a class runs with ``class_min..class_max`` hires or not at all."""
    p, s = m.p, m.solver
    for k, run in m.runs.items():
        s.Add(m.hires[k] <= float(p.class_max[k]) * run, f"class_max({p.class_labels[k]})")
        s.Add(m.hires[k] >= float(p.class_min[k]) * run, f"class_min({p.class_labels[k]})")


def set_objective(m: _Model) -> float:
    """Minimise the cost; returns the constant part (salaries of current staff)."""
    p, s = m.p, m.solver
    terms = []
    for k, var in enumerate(m.hires):
        g = int(p.class_group[k])
        coef = float(np.dot(p.fte_cost[g], p.class_paid_fte[k])) + float(p.cost_per_hire[k])
        terms.append(coef * var)
    for k, run in m.runs.items():
        if p.cost_per_class[k] > 0:
            terms.append(float(p.cost_per_class[k]) * run)
    for (g, t), var in m.overtime.items():
        terms.append(float(p.fte_cost[g, t] * (1.0 + p.overtime_premium[g])) * var)
    if m.shortfall is not None and p.shortfall_penalty is not None:
        terms += [float(p.shortfall_penalty[t]) * v for t, v in enumerate(m.shortfall)]
    constant = float((p.fte_cost * p.base_paid_fte).sum())
    s.Minimize(s.Sum(terms) if terms else 0.0)
    return constant


def add_headcount_cap(m: _Model) -> None:
    """``headcount_cap(period, average|end)``: hires' expected heads fit in the approved headcount."""
    p, s = m.p, m.solver
    if p.headcount_room is None or p.class_heads is None:
        return
    for i, kind in enumerate(("average", "end")):
        for t, label in enumerate(p.period_labels):
            ks = np.flatnonzero(p.class_heads[i, :, t] > 0)
            if ks.size == 0:
                continue
            s.Add(s.Sum([float(p.class_heads[i, k, t]) * m.hires[k] for k in ks]) <= float(p.headcount_room[i, t]),
                  f"headcount_cap({label}, {kind})")


def solve(p: PlanningProblem, options: SolverOptions) -> MipSolution:
    """Build, solve and extract the hiring MIP.

    Returns
    -------
    MipSolution
        ``status`` is ``optimal`` (proven), ``feasible`` (time limit with a solution; see
        ``gap``), ``infeasible`` (proven) or ``time_limit_no_solution``. ``objective`` and
        ``bound`` include the constant salaries of the current staff.
    """
    started = time.perf_counter()
    m = _Model(p, options)
    add_cover(m)
    add_overtime_cap(m)
    add_class_size(m)
    add_headcount_cap(m)
    constant = set_objective(m)
    m.solver.SetTimeLimit(int(options.time_limit_seconds * 1000))
    m.solver.SetNumThreads(options.num_threads)
    params = pywraplp.MPSolverParameters()
    params.SetDoubleParam(pywraplp.MPSolverParameters.RELATIVE_MIP_GAP, options.relative_gap)
    code = m.solver.Solve(params)
    elapsed = time.perf_counter() - started
    T, G, K = len(p.period_labels), len(p.group_names), len(p.class_labels)
    statuses: dict[int, Status] = {
        pywraplp.Solver.OPTIMAL: "optimal",
        pywraplp.Solver.FEASIBLE: "feasible",
        pywraplp.Solver.INFEASIBLE: "infeasible",
        pywraplp.Solver.NOT_SOLVED: "time_limit_no_solution",
    }
    status: Status = statuses.get(code, "error")
    if status not in ("optimal", "feasible"):
        return MipSolution(status, np.zeros(K), np.zeros((G, T)), np.zeros(T), float("nan"), float("nan"), elapsed,
                           options.backend, m.solver.NumVariables(), m.solver.NumConstraints())
    hires = np.array([round(v.solution_value()) for v in m.hires], dtype=float)
    overtime = np.zeros((G, T))
    for (g, t), var in m.overtime.items():
        overtime[g, t] = max(var.solution_value(), 0.0)
    shortfall = np.array([max(v.solution_value(), 0.0) for v in m.shortfall]) if m.shortfall is not None else np.zeros(T)
    objective = m.solver.Objective().Value() + constant
    bound = m.solver.Objective().BestBound() + constant if status == "feasible" else objective
    return MipSolution(status, hires, overtime, shortfall, objective, bound, elapsed, options.backend,
                       m.solver.NumVariables(), m.solver.NumConstraints())
