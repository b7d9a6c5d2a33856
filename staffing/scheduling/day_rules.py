"""Day-level labour rules over "employee e works shift s on day d" literals.

These are the rule families of classic employee rostering — forbidden shift
successions, limits on shifts per type, paid minutes, consecutive working days
and days off, weekends, fixed days off, weighted shift requests and cover per day
and shift with under/over weights — written once, as one ``add_<family>()``
function each, over a :class:`DayGrid` of CP-SAT literals.  Every variable and
penalty term is named after the rule instance it stands for, e.g.
``under(Tue 2 D)`` or ``min_off(E07, day 12, 1 day)``.

The Curtois & Qu benchmark (:mod:`staffing.curtois`) is expressed entirely with
these functions.  Hard rules can be made conditional on an enforcement literal
per rule group (see ``enforce``), which is how infeasibility is explained through
CP-SAT's sufficient assumptions.

References
----------
Curtois, T. & Qu, R. (2014). Computational results on new staff scheduling benchmark
instances.  The constraint families follow that benchmark and the OR-Tools example
``shift_scheduling_sat.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class DayShift:
    """A shift type worked on a day-level roster.

    Attributes
    ----------
    shift_id : str
        Short name, e.g. ``"E"``.
    paid_minutes : int
        Paid length of the shift in minutes.
    forbidden_next : tuple of str
        Shift ids that may not be worked on the day after this one (e.g. an early after a
        late, which would break the minimum rest).
    """

    shift_id: str
    paid_minutes: int
    forbidden_next: tuple[str, ...] = ()


@dataclass(frozen=True)
class EmployeeLimits:
    """Hard limits for one employee over the horizon (``None`` = no limit).

    ``runs_may_continue_before_start``: when True, a working run that touches day 0 may have
    begun before the horizon, so the minimum-run rule does not apply to it (the convention
    behind the published Curtois & Qu values); when False (default) the days before the
    horizon are days off and every run counts.
    """

    employee_id: str
    max_shifts_per_type: dict[str, int] = field(default_factory=dict)
    min_paid_minutes: int | None = None
    max_paid_minutes: int | None = None
    min_consecutive_days: int | None = None
    max_consecutive_days: int | None = None
    min_consecutive_days_off: int | None = None
    max_weekends: int | None = None
    days_off: tuple[int, ...] = ()
    runs_may_continue_before_start: bool = False


@dataclass(frozen=True)
class ShiftRequest:
    """Soft request: employee wants (``on=True``) or does not want shift on day; weight if unmet."""

    employee_id: str
    day: int
    shift_id: str
    weight: int
    on: bool


@dataclass(frozen=True)
class DayCover:
    """Soft cover: ``requirement`` people on shift ``shift_id`` of ``day``; weights per person under/over."""

    day: int
    shift_id: str
    requirement: int
    weight_under: int
    weight_over: int


class DayGrid:
    """CP-SAT literals ``x[e][d][s]`` (employee ``e`` works shift ``s`` on day ``d``) and helpers.

    Days outside ``0 .. horizon_days - 1`` are days off.  ``works(e, d)`` is the sum of an
    employee's shift literals on a day (at most one is true, see :func:`add_one_shift_per_day`).
    """

    def __init__(
        self,
        model: cp_model.CpModel,
        employees: Sequence[str],
        horizon_days: int,
        shifts: Sequence[DayShift],
        *,
        first_weekday: int = 0,
    ) -> None:
        self.model = model
        self.employees = list(employees)
        self.horizon_days = horizon_days
        self.shifts = list(shifts)
        self.first_weekday = first_weekday
        self.shift_index = {s.shift_id: i for i, s in enumerate(self.shifts)}
        self.x = [
            [
                [model.new_bool_var(f"works({e}, {self.day_label(d)}, {s.shift_id})") for s in self.shifts]
                for d in range(horizon_days)
            ]
            for e in self.employees
        ]
        self.work = [
            [self._work_literal(ei, d) for d in range(horizon_days)] for ei in range(len(self.employees))
        ]

    def _work_literal(self, ei: int, d: int) -> cp_model.IntVar:
        lits = self.x[ei][d]
        if len(lits) == 1:
            return lits[0]
        w = self.model.new_bool_var(f"on_duty({self.employees[ei]}, {self.day_label(d)})")
        self.model.add(sum(lits) == w)
        return w

    def day_label(self, d: int) -> str:
        return f"{DAY_NAMES[(d + self.first_weekday) % 7]} {d}"

    def weekends(self) -> list[tuple[int, int]]:
        """(Saturday, Sunday) day indexes of complete weekends inside the horizon."""
        out = []
        for d in range(self.horizon_days - 1):
            if (d + self.first_weekday) % 7 == 5:
                out.append((d, d + 1))
        return out


def add_one_shift_per_day(grid: DayGrid) -> None:
    """At most one shift per employee per day (implied by the ``on_duty`` equality)."""
    for ei in range(len(grid.employees)):
        for d in range(grid.horizon_days):
            if len(grid.x[ei][d]) > 1:
                grid.model.add_at_most_one(grid.x[ei][d])


def add_forbidden_successions(grid: DayGrid, enforce: cp_model.IntVar | None = None) -> None:
    """Shift ``b`` may not be worked the day after shift ``a`` when ``b`` is in ``a.forbidden_next``."""
    m = grid.model
    for ei in range(len(grid.employees)):
        for d in range(grid.horizon_days - 1):
            for a in grid.shifts:
                for b_id in a.forbidden_next:
                    b = grid.shift_index[b_id]
                    c = m.add_bool_or([grid.x[ei][d][grid.shift_index[a.shift_id]].Not(), grid.x[ei][d + 1][b].Not()])
                    if enforce is not None:
                        c.only_enforce_if(enforce)


def add_employee_limits(grid: DayGrid, limits: Iterable[EmployeeLimits], enforce: dict[str, cp_model.IntVar] | None = None) -> None:
    """Per-employee hard limits: shifts per type, paid minutes, consecutive days and days off,
    weekends and fixed days off.  ``enforce`` maps a rule-group name (``"max_shifts"``,
    ``"paid_minutes"``, ``"consecutive_days"``, ``"days_off"``, ``"weekends"``, ``"fixed_days_off"``)
    to an enforcement literal used for infeasibility explanations.
    """
    enforce = enforce or {}
    index = {e: i for i, e in enumerate(grid.employees)}
    m = grid.model
    horizon = grid.horizon_days

    def guard(c: cp_model.Constraint, group: str) -> None:
        if group in enforce:
            c.only_enforce_if(enforce[group])

    for lim in limits:
        ei = index[lim.employee_id]
        work = grid.work[ei]
        for s_id, cap in lim.max_shifts_per_type.items():
            s = grid.shift_index[s_id]
            guard(m.add(sum(grid.x[ei][d][s] for d in range(horizon)) <= cap), "max_shifts")
        minutes = sum(grid.x[ei][d][s] * sh.paid_minutes for d in range(horizon) for s, sh in enumerate(grid.shifts))
        if lim.max_paid_minutes is not None:
            guard(m.add(minutes <= lim.max_paid_minutes), "paid_minutes")
        if lim.min_paid_minutes is not None:
            guard(m.add(minutes >= lim.min_paid_minutes), "paid_minutes")
        _add_runs(grid, ei, lim, guard)
        if lim.max_weekends is not None:
            worked = []
            for sat, sun in grid.weekends():
                w = m.new_bool_var(f"weekend_worked({lim.employee_id}, {grid.day_label(sat)})")
                m.add_max_equality(w, [work[sat], work[sun]])
                worked.append(w)
            if worked:
                guard(m.add(sum(worked) <= lim.max_weekends), "weekends")
        for d in lim.days_off:
            if 0 <= d < horizon:
                guard(m.add(work[d] == 0), "fixed_days_off")


def _add_runs(grid: DayGrid, ei: int, lim: EmployeeLimits, guard) -> None:  # type: ignore[no-untyped-def]
    """Minimum/maximum consecutive working days and minimum consecutive days off.

    Uses the start/stop formulation of minimum up- and down-times from unit commitment
    (Rajan & Takriti 2005, whose inequalities describe the convex hull of the min-up/min-down
    polytope), which gives CP-SAT's LP relaxation far better bounds than one clause per
    forbidden short block:

    * ``work[d] - work[d-1] = start[d] - stop[d]`` (``work[-1]`` is 0 unless the history
      before the horizon is unknown, see ``EmployeeLimits.runs_may_continue_before_start``);
    * minimum working run ``L``: ``sum(start[d-L+1 .. d]) <= work[d]``, and no run may start
      later than ``H - L`` (days after the horizon are days off);
    * maximum working run ``K``: ``work[d] <= sum(start[d-K+1 .. d])``;
    * minimum days off ``l``: ``sum(stop[d-l+1 .. d]) <= 1 - work[d]``; off runs touching the
      horizon's edges are exempt (they continue outside it).
    """
    m = grid.model
    horizon = grid.horizon_days
    work = grid.work[ei]
    who = lim.employee_id
    need_min = lim.min_consecutive_days is not None and lim.min_consecutive_days > 1
    need_max = lim.max_consecutive_days is not None and lim.max_consecutive_days < horizon
    need_off = lim.min_consecutive_days_off is not None and lim.min_consecutive_days_off > 1
    if not (need_min or need_max or need_off):
        return
    free_start = lim.runs_may_continue_before_start
    start = [m.new_bool_var(f"run_starts({who}, {grid.day_label(d)})") for d in range(horizon)]
    stop = [m.new_bool_var(f"run_stops({who}, {grid.day_label(d)})") for d in range(horizon)]
    for d in range(horizon):
        prev = work[d - 1] if d > 0 else 0
        m.add(work[d] - prev == start[d] - stop[d])
        m.add(start[d] + stop[d] <= 1)
    if free_start:
        # a run already under way at day 0 is not counted as starting inside the horizon
        counted = [0] + start[1:]
    else:
        counted = list(start)
    if need_min:
        k = int(lim.min_consecutive_days)  # type: ignore[arg-type]
        for d in range(horizon):
            lo = max(0, d - k + 1)
            guard(m.add(sum(counted[lo : d + 1]) <= work[d]), "consecutive_days")
        for d in range(max(1 if free_start else 0, horizon - k + 1), horizon):
            guard(m.add(start[d] == 0), "consecutive_days")
        if free_start:
            # a run touching day 0 is exempt from the minimum, but only if it is not fully inside
            pass
    if need_max:
        k = int(lim.max_consecutive_days)  # type: ignore[arg-type]
        for d in range(horizon):
            lo = d - k + 1
            if lo <= 0 and free_start:
                # the run may have begun before the horizon: only the window rule applies
                continue
            guard(m.add(work[d] <= sum(start[max(lo, 0) : d + 1])), "consecutive_days")
        for s0 in range(0, horizon - k):
            guard(m.add(sum(work[s0 : s0 + k + 1]) <= k), "consecutive_days")
    if need_off:
        k = int(lim.min_consecutive_days_off)  # type: ignore[arg-type]
        for d in range(horizon):
            lo = max(0, d - k + 1)
            guard(m.add(sum(stop[lo : d + 1]) <= 1 - work[d]), "days_off")


def add_requests(grid: DayGrid, requests: Iterable[ShiftRequest]) -> list[tuple[int, cp_model.LinearExpr]]:
    """Weighted shift-on / shift-off requests; returns ``(weight, literal)`` penalty terms."""
    index = {e: i for i, e in enumerate(grid.employees)}
    terms: list[tuple[int, cp_model.LinearExpr]] = []
    for r in requests:
        lit = grid.x[index[r.employee_id]][r.day][grid.shift_index[r.shift_id]]
        terms.append((r.weight, 1 - lit if r.on else lit))
    return terms


def add_cover(grid: DayGrid, cover: Iterable[DayCover]) -> list[tuple[int, cp_model.IntVar]]:
    """Cover per day and shift; returns ``(weight, under/over variable)`` penalty terms."""
    m = grid.model
    n_emp = len(grid.employees)
    terms: list[tuple[int, cp_model.IntVar]] = []
    for c in cover:
        s = grid.shift_index[c.shift_id]
        label = f"{grid.day_label(c.day)} {c.shift_id}"
        on_shift = sum(grid.x[ei][c.day][s] for ei in range(n_emp))
        under = m.new_int_var(0, max(c.requirement, 0), f"under({label})")
        over = m.new_int_var(0, n_emp, f"over({label})")
        m.add(on_shift - c.requirement == over - under)
        terms.append((c.weight_under, under))
        terms.append((c.weight_over, over))
    return terms
