"""Curtois & Qu benchmark instances expressed with the project's own roster model.

Nothing here is a separate model: an instance becomes a :class:`ScheduleSettings` (one shift
template per shift type, one contract per employee carrying its limits, forbidden
successions as labour rules, days outside the horizon off), a tuple of :class:`Agent` (fixed
days off as time off), weighted :class:`ShiftRequest` and day-level :class:`ShiftCover`
targets, and is solved by :func:`staffing.scheduling.build_roster` with every interval-level
weight set to zero, so that the objective is exactly the benchmark's soft penalty.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from staffing.curtois_format import CurtoisInstance
from staffing.scheduling.agents import Agent
from staffing.scheduling.constraints import ShiftCover, ShiftRequest
from staffing.scheduling.rules import (
    Contract,
    LaborRules,
    ObjectiveWeights,
    ScheduleSettings,
    ShiftTemplate,
    SolverSettings,
)
from staffing.scheduling.solve import Progress, build_roster

#: Day 0 of every instance is a Monday; any Monday will do.
FIRST_DAY = pd.Timestamp("2024-01-01")

#: Edge conventions by name -> (runs touching day 0 exempt, runs touching the last day exempt), the
#: keyword pair of :func:`solve_curtois` (``runs_may_continue_before_start``, ``edges_exempt``) and of
#: :func:`staffing.curtois_format.evaluate_roster` (``runs_may_continue_before_start``,
#: ``runs_may_continue_after_end``).
CONVENTIONS = {"strict": (False, False), "published": (True, False), "edges": (True, True)}


@dataclass(frozen=True)
class CurtoisResult:
    """Outcome of a benchmark solve.

    Attributes
    ----------
    status : str
        The roster engine's status: ``optimal``, ``feasible`` (time limit, with a gap),
        ``infeasible``, ``no_solution`` or ``stopped``.
    objective : float or None
        Soft penalty as the benchmark defines it (None without a roster).
    bound : float or None
        Best proven lower bound on the penalty.
    gap : float or None
        ``(objective - bound) / objective`` (0 when optimal).
    seconds : float
        Wall-clock time of the whole run (model build, warm start, solve, checks).
    roster : pandas.DataFrame
        Columns ``employee``, ``day`` (0-based), ``shift``; one row per worked shift.
    violations : int
        Rule breaches found by the roster engine's independent checker (always 0 for a
        solver roster).
    search : dict
        The roster engine's account of its search (``RosterResult.search``: column generation
        rounds and convergence, LNS steps, enumeration levels, ...).
    """

    status: str
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float
    roster: pd.DataFrame
    violations: int
    search: dict = field(default_factory=dict)


def to_roster_problem(
    inst: CurtoisInstance,
    *,
    time_limit_seconds: float = 60.0,
    num_workers: int = 8,
    seed: int = 0,
    runs_may_continue_before_start: bool = False,
    edges_exempt: bool = False,
) -> tuple[pd.DataFrame, ScheduleSettings, tuple[Agent, ...], tuple[ShiftRequest, ...], tuple[ShiftCover, ...]]:
    """Express an instance with the roster model's types.

    ``runs_may_continue_before_start`` exempts working runs touching day 0 from the minimum
    consecutive shifts; ``edges_exempt`` exempts runs touching either edge of the horizon (the
    roster model's ``outside_horizon_is_off=False``).

    Returns
    -------
    (requirements, settings, agents, requests, covers)
        ``requirements`` is an all-zero hourly requirement that only fixes the horizon.
    """
    days = inst.horizon_days
    templates = tuple(
        ShiftTemplate(name=s.shift_id, earliest_start="00:00", latest_start="00:00",
                      paid_hours=(s.length_minutes / 60.0,), start_step_minutes=60)
        for s in inst.shifts
    )
    contracts = tuple(
        Contract(
            name=f"staff {s.staff_id}",
            shifts=tuple(t.name for t in templates if s.max_shifts.get(t.name, 0) > 0) or (templates[0].name,),
            max_consecutive_days=s.max_consecutive_shifts,
            min_consecutive_days=max(1, s.min_consecutive_shifts),
            min_consecutive_days_off=max(1, s.min_consecutive_days_off),
            max_weekends=s.max_weekends,
            max_shifts_per_template=tuple((t.name, s.max_shifts.get(t.name, 0)) for t in templates),
            min_paid_hours_total=s.min_total_minutes / 60.0,
            max_paid_hours_total=s.max_total_minutes / 60.0,
            hourly_cost=0.0,
        )
        for s in inst.staff
    )
    settings = ScheduleSettings(
        shifts=templates,
        contracts=contracts,
        labor=LaborRules(
            min_rest_hours=0.0,
            forbidden_successions=tuple((s.shift_id, nxt) for s in inst.shifts for nxt in s.forbidden_next),
            outside_horizon_is_off=not edges_exempt,
            runs_may_continue_before_start=runs_may_continue_before_start and not edges_exempt,
        ),
        objective=ObjectiveWeights(
            under_coverage_per_agent_hour=0.0, over_coverage_per_agent_hour=0.0, paid_hour_cost=0.0,
            agent_week_cost=0.0, isolated_day_off=0.0, preferred_start_missed=0.0, preferred_day_off_missed=0.0,
        ),
        solver=SolverSettings(time_limit_seconds=time_limit_seconds, num_workers=num_workers, random_seed=seed,
                              warm_start=False),
    )
    agents = tuple(
        Agent(
            agent_id=s.staff_id,
            contract=f"staff {s.staff_id}",
            time_off=tuple(
                (FIRST_DAY + pd.Timedelta(days=d), FIRST_DAY + pd.Timedelta(days=d + 1))
                for d in inst.days_off.get(s.staff_id, ())
                if 0 <= d < days
            ),
        )
        for s in inst.staff
    )
    requests = tuple(ShiftRequest(r.staff_id, r.day, r.shift_id, True, float(r.weight)) for r in inst.shift_on_requests)
    requests += tuple(ShiftRequest(r.staff_id, r.day, r.shift_id, False, float(r.weight)) for r in inst.shift_off_requests)
    covers = tuple(ShiftCover(c.day, c.shift_id, c.requirement, float(c.weight_under), float(c.weight_over))
                   for c in inst.cover)
    requirements = pd.DataFrame({
        "interval_start": pd.date_range(FIRST_DAY, periods=24 * days, freq="60min"),
        "agents_to_schedule": 0,
    })
    return requirements, settings, agents, requests, covers


def solve_curtois(
    inst: CurtoisInstance,
    *,
    time_limit_seconds: float = 60.0,
    num_workers: int = 8,
    seed: int = 0,
    progress: Callable[[Progress], None] | None = None,
    stop_event: threading.Event | None = None,
    runs_may_continue_before_start: bool = False,
    edges_exempt: bool = False,
) -> CurtoisResult:
    """Solve an instance with :func:`staffing.scheduling.build_roster`.

    Parameters
    ----------
    inst : CurtoisInstance
        Parsed instance.
    time_limit_seconds : float
        Wall-clock limit; the best roster found is returned with its gap when it is reached.
    num_workers : int
        CP-SAT search workers (a portfolio; more workers than cores interleave).
    seed : int
        Random seed.
    progress, stop_event
        As for :func:`build_roster`.
    runs_may_continue_before_start : bool
        Convention for working runs touching day 0 (False: the benchmark text, days before
        the horizon are off; True: such runs are exempt from the minimum length, the
        convention that reproduces the published values of Instances 3 and 7).
    edges_exempt : bool
        Working runs touching either edge of the horizon are exempt from the minimum length (the
        only one of the three conventions under which the published 1,143 of Instance 5 exists).
    """
    requirements, settings, agents, requests, covers = to_roster_problem(
        inst, time_limit_seconds=time_limit_seconds, num_workers=num_workers, seed=seed,
        runs_may_continue_before_start=runs_may_continue_before_start, edges_exempt=edges_exempt,
    )
    res = build_roster(requirements, settings, agents, requests=requests, shift_cover=covers,
                       progress=progress, stop_event=stop_event, explain=False)
    rows = res.roster[res.roster["activity"] == "shift"] if len(res.roster) else res.roster
    if len(rows):
        day = ((pd.to_datetime(rows["date"]) - FIRST_DAY).dt.days).astype(int)
        roster = pd.DataFrame({"employee": rows["agent_id"].to_numpy(), "day": day.to_numpy(),
                               "shift": rows["template"].to_numpy()})
        roster = roster.sort_values(["employee", "day"]).reset_index(drop=True)
    else:
        roster = pd.DataFrame(columns=["employee", "day", "shift"])
    gap = res.gap
    if res.status == "optimal":
        gap = 0.0
    return CurtoisResult(
        status=res.status,
        objective=res.objective,
        bound=res.bound,
        gap=gap,
        seconds=float(res.timings.get("total_seconds", 0.0)),
        roster=roster,
        violations=len(res.violations),
        search=dict(res.search),
    )
