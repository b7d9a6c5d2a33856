"""Solve Curtois & Qu benchmark instances with the project's day-level roster rules.

The instance is read by :mod:`staffing.curtois_format` and expressed with the rule
families of :mod:`staffing.scheduling.day_rules` (the same functions the weekly
roster uses for its day-level rules); the objective is the benchmark's soft penalty.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from ortools.sat.python import cp_model

from staffing.curtois_format import CurtoisInstance
from staffing.scheduling import day_rules as R


@dataclass(frozen=True)
class CurtoisResult:
    """Outcome of a benchmark solve.

    Attributes
    ----------
    status : str
        ``optimal``, ``feasible`` (time limit, with a gap), ``infeasible`` or ``unknown``
        (time limit with no roster).
    objective : float or None
        Soft penalty as the benchmark defines it (None without a roster).
    bound : float
        Best proven lower bound on the penalty.
    gap : float or None
        ``(objective - bound) / objective`` (0 when optimal).
    seconds : float
        Wall-clock solve time.
    roster : pandas.DataFrame
        Columns ``employee``, ``day`` (0-based), ``shift``; one row per worked shift.
    """

    status: str
    objective: float | None
    bound: float
    gap: float | None
    seconds: float
    roster: pd.DataFrame


def build_day_model(
    inst: CurtoisInstance, *, runs_may_continue_before_start: bool = False
) -> tuple[cp_model.CpModel, R.DayGrid, list[tuple[int, cp_model.LinearExprT]]]:
    """The CP-SAT model of an instance: grid, hard rules and the weighted penalty terms.

    ``runs_may_continue_before_start`` selects the convention for working runs touching day 0
    (see :class:`staffing.scheduling.day_rules.EmployeeLimits`).
    """
    model = cp_model.CpModel()
    shifts = [R.DayShift(s.shift_id, s.length_minutes, s.forbidden_next) for s in inst.shifts]
    grid = R.DayGrid(model, [s.staff_id for s in inst.staff], inst.horizon_days, shifts, first_weekday=0)
    R.add_one_shift_per_day(grid)
    R.add_forbidden_successions(grid)
    limits = [
        R.EmployeeLimits(
            employee_id=s.staff_id,
            max_shifts_per_type={sid: s.max_shifts.get(sid, 0) for sid in inst.shift_ids},
            min_paid_minutes=s.min_total_minutes,
            max_paid_minutes=s.max_total_minutes,
            min_consecutive_days=s.min_consecutive_shifts,
            max_consecutive_days=s.max_consecutive_shifts,
            min_consecutive_days_off=s.min_consecutive_days_off,
            max_weekends=s.max_weekends,
            days_off=inst.days_off.get(s.staff_id, ()),
            runs_may_continue_before_start=runs_may_continue_before_start,
        )
        for s in inst.staff
    ]
    R.add_employee_limits(grid, limits)
    requests = [R.ShiftRequest(r.staff_id, r.day, r.shift_id, r.weight, True) for r in inst.shift_on_requests]
    requests += [R.ShiftRequest(r.staff_id, r.day, r.shift_id, r.weight, False) for r in inst.shift_off_requests]
    terms: list[tuple[int, cp_model.LinearExprT]] = list(R.add_requests(grid, requests))
    terms += R.add_cover(grid, [R.DayCover(c.day, c.shift_id, c.requirement, c.weight_under, c.weight_over) for c in inst.cover])
    model.minimize(sum(w * v for w, v in terms))
    return model, grid, terms


class _Progress(cp_model.CpSolverSolutionCallback):
    def __init__(self, callback: Callable[[float, float, float], None] | None, stop: threading.Event | None) -> None:
        super().__init__()
        self._callback = callback
        self._stop = stop
        self._t0 = time.perf_counter()

    def on_solution_callback(self) -> None:
        if self._callback is not None:
            self._callback(self.objective_value, self.best_objective_bound, time.perf_counter() - self._t0)
        if self._stop is not None and self._stop.is_set():
            self.stop_search()


def solve_curtois(
    inst: CurtoisInstance,
    *,
    time_limit_seconds: float = 60.0,
    num_workers: int = 8,
    seed: int = 0,
    progress: Callable[[float, float, float], None] | None = None,
    stop_event: threading.Event | None = None,
    runs_may_continue_before_start: bool = False,
) -> CurtoisResult:
    """Solve an instance to the benchmark's objective.

    Parameters
    ----------
    inst : CurtoisInstance
        Parsed instance.
    time_limit_seconds : float
        Wall-clock limit; the best roster found is returned with its gap when it is reached.
    num_workers : int
        CP-SAT search workers (a portfolio; more workers than cores interleave).
    seed : int
        Random seed for reproducibility.
    progress : callable, optional
        Called with ``(objective, bound, seconds)`` at each improving solution.
    stop_event : threading.Event, optional
        Set it to stop the search; the best roster so far is returned.
    runs_may_continue_before_start : bool
        Convention for working runs touching day 0 (False: the benchmark text, days before
        the horizon are off; True: the convention that reproduces the published values).
    """
    model, grid, _ = build_day_model(inst, runs_may_continue_before_start=runs_may_continue_before_start)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(time_limit_seconds)
    solver.parameters.num_workers = int(num_workers)
    solver.parameters.random_seed = int(seed)
    t0 = time.perf_counter()
    status = solver.solve(model, _Progress(progress, stop_event))
    seconds = time.perf_counter() - t0
    name = {
        cp_model.OPTIMAL: "optimal",
        cp_model.FEASIBLE: "feasible",
        cp_model.INFEASIBLE: "infeasible",
        cp_model.MODEL_INVALID: "invalid",
    }.get(status, "unknown")
    rows = []
    objective = bound = None
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        for ei, emp in enumerate(grid.employees):
            for d in range(grid.horizon_days):
                for s, sh in enumerate(grid.shifts):
                    if solver.boolean_value(grid.x[ei][d][s]):
                        rows.append((emp, d, sh.shift_id))
        objective = float(solver.objective_value)
    bound = float(solver.best_objective_bound)
    gap = None
    if objective is not None:
        gap = 0.0 if status == cp_model.OPTIMAL or objective == 0 else max(0.0, (objective - bound) / objective)
    return CurtoisResult(
        status=name,
        objective=objective,
        bound=bound,
        gap=gap,
        seconds=seconds,
        roster=pd.DataFrame(rows, columns=["employee", "day", "shift"]),
    )
