"""Build, solve, extract: the roster engine's entry point :func:`build_roster`.

Statuses are told apart (:data:`STATUSES`): ``optimal`` (proven), ``feasible`` (a roster with a
gap, e.g. at the time limit), ``no_solution`` (time limit with nothing found), ``infeasible``
(hard rules conflict; ``explanation`` names the rule groups) and ``stopped`` (stopped by the
caller before any roster was found).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from staffing.errors import InputError
from staffing.scheduling import column_generation as CG
from staffing.scheduling import constraints as C
from staffing.scheduling import enumeration as EN
from staffing.scheduling import interval_columns as IC
from staffing.scheduling import schema as R
from staffing.scheduling.agents import Agent
from staffing.scheduling.model import (
    MINUTES_PER_DAY,
    Horizon,
    ModelAgent,
    RosterModel,
    build_variables,
    horizon_from_requirements,
)
from staffing.scheduling.rules import ScheduleSettings
from staffing.settings import ServiceTargets

STATUSES = ("optimal", "feasible", "no_solution", "infeasible", "stopped")
LIGHT_PRESOLVE_ABOVE = 30_000  # shift variables above which CP-SAT's presolve is kept light
LNS_SHARE = 0.8  # share of the time left after the warm start given to heuristic.agent_lns (0 = off)
ENUMERATION_SECONDS = 15.0  # most time for the exact enumeration after column generation: it either settles its
# first levels within seconds (Instance 5: ~7 s) or not at all (7, 15, 17), so its time is kept short ...
ENUMERATION_RESERVE = 0.25  # ... and at most this share of the time left after the LP-guided search
CG_SHARE = 0.5  # most of the time left that column generation may use (day-level cover models)
CG_LNS_SHARE = 0.8  # share of the time left after the LP-guided sub-search (and the enumeration's reserve) for the LNS
UNCONVERGED_CG_LNS_SHARE = 0.95  # the same when column generation ended far from convergence: no cuts, so CP-SAT's
# own search afterwards has only the compact LP and improved Curtois 13's LNS roster by 0-4 units in its 31 s
DIVE_SHARE = 0.3  # share of the time left after it for the LP-guided sub-search (column_generation)
LNS_WORKERS = 2  # neighbourhoods solved in parallel by heuristic.agent_lns (one per core of the 2-core target)
LNS_MIN_SHIFT_VARIABLES = 4_000  # smaller weeks: CP-SAT alone closes them; no agent LNS
IC_SHARE = 0.4  # most of the time limit the interval column generation and its dive may take
IC_MIN_SHIFT_VARIABLES = 1_000  # smaller weeks: no interval column generation (CP-SAT alone proves them)


@dataclass(frozen=True)
class Progress:
    """One progress report: ``objective`` of the best roster so far (None before the first),
    ``bound`` (CP-SAT's best proven lower bound), ``gap`` (share), ``seconds`` since the solve (or,
    for the first report, the warm start) began, ``solutions`` found by CP-SAT (0 for the report of
    the warm-start roster)."""

    seconds: float
    objective: float | None
    bound: float | None
    gap: float | None
    solutions: int


@dataclass(frozen=True, eq=False)
class ScheduleResult:
    """What :func:`build_roster` returns.

    Attributes
    ----------
    status : str
        One of :data:`STATUSES`.
    roster : DataFrame
        Long roster, columns :data:`staffing.scheduling.schema.ROSTER_COLUMNS`.
    wide : DataFrame
        Agent x date view (``"08:00-16:30"`` or ``""``).
    coverage : DataFrame
        Columns :data:`staffing.scheduling.schema.COVERAGE_COLUMNS`.
    violations : tuple of Violation
        Rule breaches found by the independent checker (empty for every solver roster).
    kpis : RosterKpis or None
    objective, bound, gap : float or None
        Objective (in weight units), best proven lower bound (the larger of CP-SAT's bound and the
        covering LP relaxation's) and relative gap ``(obj - bound) / max(|obj|, 1)``.
    timings : dict
        ``build_seconds`` (pre-checks and model), ``warm_start_seconds``, ``solve_seconds``
        (CP-SAT), ``report_seconds`` (extraction, coverage, independent check, KPIs) and
        ``total_seconds``; the time limit covers build, warm start and solve (at least 1 s is
        left to CP-SAT).
    explanation : str or None
        For ``infeasible``: the conflicting rule groups and a suggested relaxation.
    warnings : tuple of str
        Pre-checks in plain words (e.g. intervals that cannot be covered).
    headcount : dict or None
        Headcount mode: agents hired per contract.
    model_size : dict
        ``agents``, ``shift_variables``, ``variables``, ``constraints``.
    progress : tuple of Progress
        Every improving roster CP-SAT reported.
    shift_cover : DataFrame or None
        With day-level cover targets: ``day``, ``template``, ``required``, ``scheduled``, ``under``,
        ``over`` per target.
    search : dict
        ``warm_start_complete`` (a full roster was hinted), ``warm_start_passes``, ``solutions``
        (improving rosters found by CP-SAT), ``solver_status`` (CP-SAT's status name),
        ``roster_from`` (``cp_sat``, ``warm_start`` when CP-SAT found nothing better in time and the
        rule-valid warm-start roster is returned, or ``none``), ``cp_sat_bound`` and ``lp_bound``
        (the covering LP relaxation of :mod:`staffing.scheduling.bounds`); ``bound`` is the larger
        (or the Dantzig-Wolfe bound when larger still).  ``interval_columns`` (interval cover:
        the column generation's ``bound``, ``lp``, ``roster_objective`` of its dive, ``rounds``,
        ``columns``, ``classes``, ``converged``, ``seconds``) or ``interval_columns_skipped`` (why
        it did not run), ``lns`` (the neighbourhood search), ``column_generation`` and
        ``enumeration`` (day-level cover).
    """

    status: str
    roster: pd.DataFrame
    wide: pd.DataFrame
    coverage: pd.DataFrame
    violations: tuple[Any, ...]
    kpis: Any
    objective: float | None
    bound: float | None
    gap: float | None
    timings: dict[str, float]
    explanation: str | None = None
    warnings: tuple[str, ...] = ()
    headcount: dict[str, int] | None = None
    model_size: dict[str, int] = field(default_factory=dict)
    progress: tuple[Progress, ...] = ()
    search: dict[str, Any] = field(default_factory=dict)
    shift_cover: pd.DataFrame | None = None

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, found {self.status!r}.")


class _Callback(cp_model.CpSolverSolutionCallback):
    """Reports each improving roster; stops the search when the caller's event is set."""

    def __init__(self, scale: float, progress: Callable[[Progress], None] | None,
                 stop_event: threading.Event | None, log: list[Progress], stop_at: float | None = None) -> None:
        super().__init__()
        self._scale, self._progress, self._stop, self._log = scale, progress, stop_event, log
        self._stop_at = stop_at  # objective (model units) proven optimal elsewhere: stop on reaching it
        self._count = 0
        self._t0 = time.perf_counter()

    def on_solution_callback(self) -> None:
        self._count += 1
        obj = self.objective_value / self._scale
        bnd = self.best_objective_bound / self._scale
        ev = Progress(self.wall_time, obj, bnd, _gap(obj, bnd), self._count)
        self._log.append(ev)
        if self._progress is not None:
            self._progress(ev)
        if (self._stop is not None and self._stop.is_set()) or (
                self._stop_at is not None and self.objective_value <= self._stop_at + 1e-6):
            self.stop_search()


def _integral_objective(m: RosterModel, value: float, bound: float) -> tuple[float, float]:
    """CP-SAT's objective value and bound in model units, snapped to integers when the model's
    objective is integral (integer coefficients always; an integral offset and no scaling): after
    presolve CP-SAT may report 99.99999999999991 for a roster whose objective is 100."""
    obj = m.cp.proto.objective
    if float(obj.offset).is_integer() and obj.scaling_factor in (0.0, 1.0):
        value = float(round(value))
        if math.isfinite(bound):
            bound = float(math.ceil(bound - 1e-6))
    return value, bound


def _gap(obj: float | None, bound: float | None) -> float | None:
    if obj is None or bound is None or not math.isfinite(obj) or not math.isfinite(bound):
        return None
    return max(obj - bound, 0.0) / max(abs(obj), 1.0)


def model_agents(settings: ScheduleSettings, agents: tuple[Agent, ...] | None, horizon: Horizon) -> list[ModelAgent]:
    """Named agents, or headcount positions per contract when ``agents`` is None."""
    if agents is not None:
        known = {c.name for c in settings.contracts}
        out = []
        for ag in agents:
            if ag.contract not in known:
                raise InputError(f"agent '{ag.agent_id}': unknown contract {ag.contract!r}; known {sorted(known)}.")
            c = settings.contract(ag.contract)
            out.append(ModelAgent(ag.agent_id, c, c.hourly_cost if ag.hourly_cost is None else ag.hourly_cost, ag))
        return out
    peak = int(horizon.required.max()) if horizon.n_intervals else 0
    out = []
    for c in settings.contracts:
        n = c.headcount_max if c.headcount_max is not None else math.ceil(1.6 * peak) + 2
        for i in range(n):
            out.append(ModelAgent(f"{c.name}-{i + 1:03d}", c, c.hourly_cost, None))
    return out


def build_model(
    settings: ScheduleSettings,
    horizon: Horizon,
    agents: list[ModelAgent],
    *,
    explain: bool = False,
    requests: tuple[C.ShiftRequest, ...] = (),
    slopes: list[list[tuple[int, float, float]]] | None = None,
    shift_cover: tuple[C.ShiftCover, ...] = (),
) -> tuple[RosterModel, list[C.Penalty]]:
    """Variables, every rule family and (unless ``explain``) the objective."""
    m = build_variables(settings, horizon, agents, explain=explain)
    for ag in agents:  # headcount positions: a fresh 'hired' literal in every model built
        ag.hired = m.cp.new_bool_var(f"hired({ag.agent_id})") if ag.source is None else None
    pens: list[C.Penalty] = []
    pens += C.add_min_rest(m)
    pens += C.add_forbidden_successions(m)
    pens += C.add_weekly_hours_and_days(m)
    pens += C.add_consecutive_days(m)
    pens += C.add_weekends_and_nights(m)
    pens += C.add_start_spread(m)
    pens += C.add_availability(m)
    if explain:
        return m, pens
    pens += C.add_headcount(m)
    pens += C.add_break_placement(m)
    pens += C.add_coverage(m, slopes)
    pens += C.add_paid_cost(m)
    pens += C.add_days_off_together(m)
    pens += C.add_preferences(m)
    pens += C.add_requests(m, requests)
    pens += C.add_shift_cover(m, shift_cover)
    exprs, coefs = C.objective_terms(pens)
    m.cp.minimize(cp_model.LinearExpr.weighted_sum(exprs, coefs))
    return m, pens


def _service_lost(horizon: Horizon, targets: Any) -> list[np.ndarray | None]:
    """Contacts answered in time lost per missing agent, per interval (single- or multi-channel)."""
    from staffing.requirements import predicted_service

    df = horizon.contacts
    out: list[np.ndarray | None] = [None] * horizon.n_intervals
    if df is None or "contacts" not in df.columns or "aht_seconds" not in df.columns:
        return out
    for _, row in df.iterrows():
        t = int(row["_t"])
        req = int(row["agents_to_schedule"])
        ch = str(row.get("channel", "voice"))
        tgt = targets if isinstance(targets, ServiceTargets) else targets.get(ch)
        if tgt is None or tgt.kind == "deferred" or req <= 0 or not row["contacts"] > 0:
            continue
        k = np.arange(req, -1, -1)  # agents with u = 0..req short
        on_phone = np.floor(k * (1 - tgt.shrinkage) + 1e-9)
        sl = predicted_service(on_phone, np.full(k.shape, float(row["contacts"])),
                               np.full(k.shape, float(row["aht_seconds"])), tgt, horizon.interval_minutes)
        vals = np.nan_to_num(sl["service_level"].to_numpy(dtype=float), nan=0.0)
        lost = float(row["contacts"]) * (vals[0] - vals)
        prev = out[t]
        if prev is None:
            out[t] = lost
        else:  # several channels in one interval: add up on the shorter grid
            n = min(len(prev), len(lost))
            out[t] = prev[:n] + lost[:n]
    # pad to the summed requirement
    for t, x in enumerate(out):
        if x is not None and len(x) < horizon.required[t] + 1:
            out[t] = np.concatenate([x, np.full(horizon.required[t] + 1 - len(x), x[-1])])
    return out


def solve_model(
    m: RosterModel,
    settings: ScheduleSettings,
    *,
    progress: Callable[[Progress], None] | None = None,
    stop_event: threading.Event | None = None,
    time_limit_seconds: float | None = None,
    hint: bool = True,
    stop_at_objective: float | None = None,
) -> tuple[cp_model.CpSolver, Any, list[Progress], bool]:
    """Solve with the settings' time limit, workers and seed; return solver, status code,
    progress log and whether the caller stopped it.  ``stop_at_objective`` (model units): a proven
    lower bound; the search stops as soon as a roster reaches it."""
    s = settings.solver
    solver = cp_model.CpSolver()
    p = solver.parameters
    limit = float(time_limit_seconds if time_limit_seconds is not None else s.time_limit_seconds)
    if s.deterministic:  # reproducible whatever the load: deterministic time, interleaved workers
        p.max_deterministic_time = limit
        p.interleave_search = True
    else:
        p.max_time_in_seconds = limit
    p.num_workers = int(s.num_workers)
    p.random_seed = int(s.random_seed)
    p.log_search_progress = bool(s.log_search)
    if s.relative_gap_limit > 0:
        p.relative_gap_limit = float(s.relative_gap_limit)
    n_shift_vars = sum(len(v) for row in m.shift for v in row)
    if n_shift_vars > LIGHT_PRESOLVE_ABOVE:
        # large weeks (~500 agents): full presolve (probing, symmetry) ate most of a 60 s budget on 2
        # cores and left no time to improve the warm start; measured 65,768 vs 66,176 (default)
        p.max_presolve_iterations = 1
        p.cp_model_probing_level = 0
        p.symmetry_level = 0
    log: list[Progress] = []
    cb = _Callback(C.OBJECTIVE_SCALE, progress, stop_event, log, stop_at_objective)
    if progress is not None:
        t0 = time.perf_counter()

        def on_bound(b: float) -> None:
            last = log[-1].objective if log else None
            bnd = b / C.OBJECTIVE_SCALE
            progress(Progress(time.perf_counter() - t0, last, bnd, _gap(last, bnd), len(log)))

        solver.best_bound_callback = on_bound
    done = threading.Event()
    stopped = {"flag": False}

    def watch() -> None:
        while not done.is_set():
            if stop_event is not None and stop_event.wait(0.05):
                stopped["flag"] = True
                solver.stop_search()
                return

    watcher = threading.Thread(target=watch, daemon=True) if stop_event is not None else None
    if watcher is not None:
        watcher.start()
    try:
        code = solver.solve(m.cp, cb)
    finally:
        done.set()
        if watcher is not None:
            watcher.join(timeout=1.0)
    return solver, code, log, stopped["flag"] or bool(stop_event is not None and stop_event.is_set())


def extract_roster(m: RosterModel, solver: Any) -> pd.DataFrame:
    """Roster rows from the solution: shifts per agent, and break counts dealt out to the agents of
    each (day, option) in agent order (exact: break windows of a shift are disjoint)."""
    h = m.horizon
    rows: list[tuple[Any, ...]] = []
    members: dict[tuple[int, int], list[int]] = {}
    for a, ag in enumerate(m.agents):
        for d, vd in enumerate(m.shift[a]):
            for o, v in vd.items():
                if solver.boolean_value(v):
                    members.setdefault((d, o), []).append(a)
    for (d, o), agents_idx in sorted(members.items()):
        opt = m.options[o]
        start = h.start + pd.Timedelta(minutes=d * MINUTES_PER_DAY + opt.start_minutes)
        date = (h.start + pd.Timedelta(days=d)).strftime("%Y-%m-%d")
        plans: list[list[tuple[str, int, int, bool]]] = [[] for _ in agents_idx]
        for k, slot in enumerate(opt.breaks):
            offs: list[int] = []
            for s in slot.offsets:
                cnt = len(agents_idx) if len(slot.offsets) == 1 else int(solver.value(m.on_break[(d, o, k, s)]))
                offs += [s] * cnt
            for i in range(len(agents_idx)):
                plans[i].append((slot.rule.activity, offs[i], slot.rule.duration_minutes, slot.rule.paid))
        for i, a in enumerate(agents_idx):
            aid = m.agents[a].agent_id
            rows.append((aid, date, R.SHIFT, start, start + pd.Timedelta(minutes=opt.span_minutes), opt.template, True))
            for act, off, dur, paid in plans[i]:
                bs = start + pd.Timedelta(minutes=off)
                rows.append((aid, date, act, bs, bs + pd.Timedelta(minutes=dur), opt.template, paid))
    df = pd.DataFrame(rows, columns=list(R.ROSTER_COLUMNS))
    order = {R.SHIFT: 0, R.BREAK: 1, R.LUNCH: 1}
    if len(df):
        df["_o"] = df[R.ACTIVITY].map(order)
        df = df.sort_values([R.AGENT_ID, R.START, "_o"], kind="stable").drop(columns="_o").reset_index(drop=True)
    return df


def wide_view(roster: pd.DataFrame, agent_ids: list[str], horizon: Horizon) -> pd.DataFrame:
    """Agent x date table with ``"HH:MM-HH:MM"`` per worked day (``"+1"`` when it ends next day)."""
    dates = [d.strftime("%Y-%m-%d") for d in horizon.dates]
    cells: dict[tuple[str, str], str] = {}
    shifts = roster[roster[R.ACTIVITY] == R.SHIFT] if len(roster) else roster
    for aid, date, s, e in zip(shifts[R.AGENT_ID], shifts[R.DATE], pd.to_datetime(shifts[R.START]),
                               pd.to_datetime(shifts[R.END])):
        nxt = "+1" if e.normalize() > s.normalize() else ""
        cells[(aid, date)] = f"{s:%H:%M}-{e:%H:%M}{nxt}"
    data = {d: [cells.get((a, d), "") for a in agent_ids] for d in dates}
    return pd.DataFrame(data, index=pd.Index(agent_ids, name=R.AGENT_ID), columns=dates)


def build_roster(
    requirements: pd.DataFrame,
    settings: ScheduleSettings,
    agents: tuple[Agent, ...] | pd.DataFrame | None = None,
    *,
    targets: ServiceTargets | dict[str, ServiceTargets] | None = None,
    requests: tuple[C.ShiftRequest, ...] = (),
    shift_cover: tuple[C.ShiftCover, ...] = (),
    progress: Callable[[Progress], None] | None = None,
    stop_event: threading.Event | None = None,
    explain: bool = True,
) -> ScheduleResult:
    """Weekly roster for named agents (or the headcount needed when ``agents`` is None).

    Parameters
    ----------
    requirements : DataFrame
        Output of :func:`staffing.requirements.requirements`: ``interval_start``,
        ``agents_to_schedule`` (summed over ``channel``), optional ``contacts``, ``aht_seconds``.
    settings : ScheduleSettings
        Shifts, breaks, contracts, labour rules, objective weights, solver settings.
    agents : tuple of Agent, DataFrame or None
        Named agents (a frame is read with :func:`staffing.scheduling.agents.agents_from_frame`);
        None = headcount mode: the model hires positions per contract.
    targets : ServiceTargets or mapping channel -> ServiceTargets, optional
        Service targets for the predicted service-level KPIs and the service-level-aware objective.
    requests : tuple of ShiftRequest
        Extra weighted shift-on / shift-off requests.
    shift_cover : tuple of ShiftCover
        Day-level cover targets per shift template (nurse-rostering demand), soft.
    progress : callable, optional
        Called with a :class:`Progress` on every improving roster and bound.
    stop_event : threading.Event, optional
        Set it to stop the search; the best roster so far is returned.
    explain : bool
        On infeasibility, run the assumption-based diagnosis (a few short extra solves).

    Returns
    -------
    ScheduleResult
    """
    from staffing.scheduling import diagnose, kpis, validate
    from staffing.scheduling.agents import agents_from_frame

    t0 = time.perf_counter()
    horizon = horizon_from_requirements(requirements)
    if isinstance(agents, pd.DataFrame):
        agents = agents_from_frame(agents, settings)
    magents = model_agents(settings, agents, horizon)
    warnings = tuple(diagnose.precheck(settings, horizon, magents))
    slopes = None
    if settings.objective.service_level_aware:
        if targets is None:
            raise InputError("[objective]: key 'service_level_aware' = true needs service targets "
                             "(pass targets=... or --service-level on the command line).")
        slopes = C.service_slopes(horizon.required, _service_lost(horizon, targets),
                                  settings.objective.under_coverage_per_agent_hour * horizon.interval_minutes / 60)
    m, _ = build_model(settings, horizon, magents, requests=requests, slopes=slopes, shift_cover=shift_cover)
    t_build = time.perf_counter() - t0
    t_warm = 0.0

    def report_objective(obj: float) -> None:
        """Progress report of a better roster from a heuristic (objective units)."""
        if progress is not None:
            progress(Progress(time.perf_counter() - t0, obj, None, None, 0))

    warm: dict[str, Any] = {}
    limit = settings.solver.time_limit_seconds
    ic: IC.IntervalColumnsResult | None = None
    n_shift = sum(len(v) for row in m.shift for v in row)
    if (settings.solver.warm_start and settings.solver.column_generation and not settings.solver.deterministic
            and n_shift >= IC_MIN_SHIFT_VARIABLES and IC.applicable(m) is None
            and not (stop_event is not None and stop_event.is_set())):
        # interval cover (contact-centre weeks): the Dantzig-Wolfe bound, and a roster from diving
        # on its master, instead of the greedy warm start (150-agent week: bound 5,976 against the
        # compact LP's 5,784; roster 6,459 after ~12 s against the greedy's ~9,000 after ~20-50 s)
        from staffing.scheduling.heuristic import add_plan_hint

        t_ic = time.perf_counter()
        res = IC.interval_column_generation(m, IC_SHARE * limit, stop_event=stop_event)
        t_warm += time.perf_counter() - t_ic
        if isinstance(res, str):
            warm["interval_columns_skipped"] = res
        else:
            ic = res
            if res.plan is not None:
                add_plan_hint(m, res.plan, res.breaks)
                if progress is not None:
                    progress(Progress(t_warm, m.hint.objective(m.cp.proto) / C.OBJECTIVE_SCALE,
                                      None if res.bound is None else res.bound / C.OBJECTIVE_SCALE, None, 0))
    if settings.solver.warm_start and not (stop_event is not None and stop_event.is_set()):
        if m.hint is None:
            from staffing.scheduling.heuristic import warm_start

            warm.update(warm_start(m, math.inf if settings.solver.deterministic
                                   else settings.solver.warm_start_share * limit,
                                   seed=settings.solver.random_seed, stop_event=stop_event))
            t_warm += warm["seconds"]
            if progress is not None and m.hint is not None:  # the app's progress bar moves before CP-SAT starts
                progress(Progress(t_warm, m.hint.objective(m.cp.proto) / C.OBJECTIVE_SCALE, None, None, 0))
        if (m.hint is not None and not settings.solver.deterministic and LNS_SHARE > 0
                and n_shift >= LNS_MIN_SHIFT_VARIABLES
                and not (stop_event is not None and stop_event.is_set())):
            # agent-based large-neighbourhood search on the full model (heuristic.agent_lns): on the
            # busy 2-core machine CP-SAT's own LNS found only 0-4 improving rosters in 30-40 s at
            # 150 agents; fixing all but a few agents' weeks makes each step a small, fast model
            from staffing.scheduling.heuristic import agent_lns

            lns_budget = max(0.0, limit - (time.perf_counter() - t0)) * LNS_SHARE

            lns = agent_lns(m, lns_budget, seed=settings.solver.random_seed, stop_event=stop_event,
                            on_improve=report_objective, workers=min(LNS_WORKERS, settings.solver.num_workers),
                            stop_at=None if ic is None or ic.bound is None else ic.bound / C.OBJECTIVE_SCALE,
                            agent_excess=CG.cut_excess(m, ic.cuts) if ic is not None and ic.cuts else None)
            warm["lns"] = lns
            t_warm += lns["seconds"]
    cg = None
    cg_bound: float | None = None
    if (settings.solver.column_generation and not settings.solver.deterministic and CG.applicable(m)
            and m.hint is None and not (stop_event is not None and stop_event.is_set())):
        # agents meet only in day-level cover: Dantzig-Wolfe bound + price-and-branch warm start
        from staffing.scheduling.heuristic import add_plan_hint

        cg = CG.column_generation(m, CG_SHARE * max(limit - (time.perf_counter() - t0), 1.0),
                                  seed=settings.solver.random_seed, workers=min(2, settings.solver.num_workers),
                                  stop_event=stop_event)
        if cg.plan is not None:
            add_plan_hint(m, cg.plan)
            if progress is not None and cg.plan_objective is not None:
                progress(Progress(cg.seconds, cg.plan_objective / C.OBJECTIVE_SCALE,
                                  None if cg.bound is None else cg.bound / C.OBJECTIVE_SCALE, None, 0))
        t_warm += cg.seconds
        # unconverged: the integer master had little time and few good columns (Instances 13 and 19:
        # rosters of 22,210-31,617) and an LP-guided search from the unfinished LP found nothing
        # better than the greedy roster (Instance 19: 40 s for nothing, bound at 88 % of the LP)
        # the greedy roster is not needed when the LP's rounding and the best-response descent made one
        if (not cg.converged and not (cg.plan_from or "").startswith("rounding")
                and not (stop_event is not None and stop_event.is_set())):
            # the greedy warm start of the interval models as well (every agent against the cover left
            # by the others; Instance 13: 6,262 in 42 s); the better of the two rosters is kept
            from staffing.scheduling.heuristic import warm_start

            cg_objective = m.hint.objective(m.cp.proto) if m.hint is not None else math.inf
            m.cp.clear_hints()
            m.hint = None
            greedy = warm_start(m, settings.solver.warm_start_share * limit, seed=settings.solver.random_seed,
                                stop_event=stop_event)
            t_warm += greedy["seconds"]
            greedy_objective = math.inf if m.hint is None else m.hint.objective(m.cp.proto)
            warm["greedy_after_column_generation"] = None if m.hint is None else greedy_objective / C.OBJECTIVE_SCALE
            if cg.plan is not None and greedy_objective >= cg_objective:
                m.cp.clear_hints()
                add_plan_hint(m, cg.plan)
            elif m.hint is not None:
                report_objective(greedy_objective / C.OBJECTIVE_SCALE)
        # per-agent Lagrangian cuts: CP-SAT's LP starts from the Dantzig-Wolfe bound, not the compact LP
        limits = None
        cg_bound = cg.bound  # raised by the enumeration after the LNS
        if cg.near_converged:  # cuts from far unconverged duals are weak and slowed the later search down
            CG.add_lagrangian_cuts(m, cg.cuts)
            if m.hint is not None:  # and each agent's schedule kept near its least reduced cost
                limits = CG.add_reduced_cost_limits(m, cg, m.hint.objective(m.cp.proto))
        at_bound = m.hint is not None and cg_bound is not None and m.hint.objective(m.cp.proto) <= cg_bound + 1e-9
        if cg.lp_shift_values and cg.plan is not None and cg.converged and not at_bound:
            t_dive = time.perf_counter()
            dive = CG.lp_guided_search(m, cg.lp_shift_values,
                                       DIVE_SHARE * max(limit - (time.perf_counter() - t0), 1.0),
                                       seed=settings.solver.random_seed, workers=settings.solver.num_workers)
            if dive is not None:
                report_objective(dive / C.OBJECTIVE_SCALE)
            t_warm += time.perf_counter() - t_dive
        if (m.hint is not None and CG_LNS_SHARE > 0 and not (cg_bound is not None and m.hint.objective(m.cp.proto)
                                                              <= cg_bound + 1e-9)):
            from staffing.scheduling.heuristic import agent_lns

            left_now = max(limit - (time.perf_counter() - t0), 0.0)
            reserve = min(ENUMERATION_SECONDS, ENUMERATION_RESERVE * left_now) if EN.applicable(m, cg) else 0.0
            share = CG_LNS_SHARE if cg.near_converged else UNCONVERGED_CG_LNS_SHARE
            warm["lns"] = agent_lns(m, share * (left_now - reserve),
                                    seed=settings.solver.random_seed, stop_event=stop_event,
                                    on_improve=report_objective,
                                    stop_at=None if cg_bound is None else cg_bound / C.OBJECTIVE_SCALE,
                                    agent_excess=CG.cut_excess(m, cg.cuts) if cg.near_converged and cg.cuts else None,
                                    workers=min(LNS_WORKERS, settings.solver.num_workers),
                                    tighten=None if limits is None else limits.apply)
            t_warm += warm["lns"]["seconds"]
        if (m.hint is not None and cg_bound is not None and EN.applicable(m, cg) and ENUMERATION_SECONDS > 0
                and m.hint.objective(m.cp.proto) > cg_bound and not (stop_event is not None and stop_event.is_set())):
            # every schedule that can still be in a better roster, and the master over them, exactly:
            # proves the LNS roster optimal or raises the bound (Instance 5: 1,142 -> 1,143 in ~7 s);
            # after the LNS, whose rosters come faster where the enumeration is large (Instances 7, 17)
            upper = m.hint.objective(m.cp.proto)
            enum = EN.enumerate_and_solve(m, cg, upper, min(ENUMERATION_SECONDS,
                                                            0.9 * max(limit - (time.perf_counter() - t0), 1.0)),
                                          workers=min(2, settings.solver.num_workers), stop_event=stop_event)
            t_warm += enum.seconds
            cg_bound = max(cg_bound, enum.bound)
            if enum.plan is not None and enum.plan_objective is not None and enum.plan_objective < upper:
                m.cp.clear_hints()
                add_plan_hint(m, enum.plan)
                report_objective(enum.plan_objective / C.OBJECTIVE_SCALE)
            warm["enumeration"] = {
                "bound": enum.bound / C.OBJECTIVE_SCALE, "proven_optimal": enum.proven_optimal,
                "roster_objective": None if enum.plan_objective is None else enum.plan_objective / C.OBJECTIVE_SCALE,
                "levels": [(t / C.OBJECTIVE_SCALE, n, out) for t, n, out in enum.levels], "seconds": enum.seconds}
        if limits is not None and m.hint is not None:
            limits.apply(m.cp.proto, m.hint.objective(m.cp.proto))
    solver, code, log, stopped = solve_model(
        m, settings, progress=progress, stop_event=stop_event,
        time_limit_seconds=limit if settings.solver.deterministic else max(limit - t_build - t_warm, 1.0),
        stop_at_objective=cg_bound if cg is not None else None if ic is None else ic.bound)
    t_solve = time.perf_counter() - t0 - t_build - t_warm
    proto = m.cp.proto
    size = {"agents": len(magents), "shift_variables": sum(len(v) for row in m.shift for v in row),
            "variables": len(proto.variables), "constraints": len(proto.constraints)}
    ids = [ag.agent_id for ag in magents]
    empty = pd.DataFrame(columns=list(R.ROSTER_COLUMNS))
    from_warm_start = m.hint is not None and (code == cp_model.UNKNOWN or (
        code == cp_model.FEASIBLE and solver.objective_value > m.hint.objective(m.cp.proto) + 1e-6))
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE) or from_warm_start:
        if from_warm_start:  # CP-SAT found nothing in time: the warm-start roster is rule-valid
            src: Any = m.hint
            obj = m.hint.objective(m.cp.proto) / C.OBJECTIVE_SCALE
            b = solver.best_objective_bound
            bnd = b / C.OBJECTIVE_SCALE if math.isfinite(b) and abs(b) < 1e30 else None
            status = "feasible"
        else:
            src = solver
            obj, bnd = _integral_objective(m, solver.objective_value, solver.best_objective_bound)
            obj, bnd = obj / C.OBJECTIVE_SCALE, bnd / C.OBJECTIVE_SCALE
            status = "optimal" if code == cp_model.OPTIMAL else "feasible"
        cp_sat_bound = bnd  # CP-SAT's own, before the decomposition's bound joins it
        dw_bound = cg_bound if cg is not None else None if ic is None else ic.bound
        if dw_bound is not None:  # the Dantzig-Wolfe bound (or the enumeration's), proven
            cg_bnd = dw_bound / C.OBJECTIVE_SCALE
            if bnd is None or cg_bnd > bnd:
                bnd = min(cg_bnd, obj)
            if obj <= cg_bnd + 1e-9:
                status = "optimal"
        roster = extract_roster(m, src)
        headcount = None
        if agents is None:
            hired = {ag.agent_id for ag in magents if ag.hired is not None and src.boolean_value(ag.hired)}
            hired |= set(roster[R.AGENT_ID]) if len(roster) else set()
            headcount = {c.name: sum(1 for ag in magents if ag.contract.name == c.name and ag.agent_id in hired)
                         for c in settings.contracts}
            ids = [i for i in ids if i in hired]
        explanation = None
    else:
        roster, obj, bnd, headcount = empty, None, None, None
        if code == cp_model.INFEASIBLE:
            status = "infeasible"
            explanation = (diagnose.explain_infeasibility(settings, horizon, magents) if explain
                           else "The hard rules cannot all hold (diagnosis not run).")
        elif code == cp_model.MODEL_INVALID:  # pragma: no cover - a bug, not a user error
            raise RuntimeError(f"CP-SAT rejected the model: {m.cp.validate()}")
        else:
            status = "stopped" if stopped else "no_solution"
            explanation = ("Stopped before any roster was found." if stopped else
                           f"No roster found within the time limit of {settings.solver.time_limit_seconds:g} s; "
                           "raise time_limit_seconds or simplify the rules.")
    cover_df = None
    if shift_cover and len(roster):
        shifts = roster[roster[R.ACTIVITY] == R.SHIFT]
        day_idx = (pd.to_datetime(shifts[R.DATE]) - horizon.start).dt.days.to_numpy()
        rows = []
        for c in shift_cover:
            n = int(((day_idx == c.day) & (shifts[R.TEMPLATE].to_numpy() == c.template)).sum())
            rows.append((c.day, c.template, c.required, n, max(c.required - n, 0), max(n - c.required, 0)))
        cover_df = pd.DataFrame(rows, columns=["day", "template", "required", "scheduled", "under", "over"])
    t_rep = time.perf_counter()
    lp_bound = None
    if status in ("optimal", "feasible"):
        from staffing.scheduling.bounds import covering_lower_bound

        lp_bound = covering_lower_bound(m)
        cp_bound = bnd if ic is None else cp_sat_bound
        if lp_bound is not None and (bnd is None or lp_bound > bnd):
            bnd = min(lp_bound, obj) if obj is not None else lp_bound
    else:
        cp_bound = None
    coverage = kpis.coverage_frame(roster, horizon, targets)
    violations = tuple(validate.check_roster(roster, settings, agents, requirements=None, horizon=horizon)) \
        if len(roster) else ()
    k = kpis.roster_kpis(roster, coverage, horizon, settings, magents, targets) \
        if status in ("optimal", "feasible") else None
    total = time.perf_counter() - t0
    return ScheduleResult(
        status=status, roster=roster,
        wide=wide_view(roster, ids, horizon) if status in ("optimal", "feasible") else pd.DataFrame(),
        coverage=coverage, violations=violations, kpis=k, objective=obj, bound=bnd, gap=_gap(obj, bnd),
        timings={"build_seconds": t_build, "warm_start_seconds": t_warm, "solve_seconds": t_solve,
                 "report_seconds": time.perf_counter() - t_rep, "total_seconds": total},
        explanation=explanation, warnings=warnings, headcount=headcount, model_size=size, progress=tuple(log),
        search={"warm_start_complete": bool(warm.get("complete", False)),
                "warm_start_passes": int(warm.get("passes", 0)),
                "solutions": len(log), "solver_status": solver.status_name(code),
                "roster_from": "warm_start" if from_warm_start else ("cp_sat" if len(roster) else "none"),
                "cp_sat_bound": cp_bound, "lp_bound": lp_bound,
                "lns": {k_: v for k_, v in warm.get("lns", {}).items()},
                "enumeration": warm.get("enumeration"),
                "interval_columns": None if ic is None else {
                    "bound": None if ic.bound is None else ic.bound / C.OBJECTIVE_SCALE,
                    "lp": None if ic.lp_value is None else ic.lp_value / C.OBJECTIVE_SCALE,
                    "roster_objective": None if ic.plan_objective is None else ic.plan_objective / C.OBJECTIVE_SCALE,
                    "rounds": ic.rounds, "columns": ic.columns, "classes": ic.classes, "converged": ic.converged,
                    "seconds": ic.seconds, "breaks_status": ic.mip_status},
                "interval_columns_skipped": warm.get("interval_columns_skipped"),
                "column_generation": None if cg is None else {
                    "bound": None if cg.bound is None else cg.bound / C.OBJECTIVE_SCALE,
                    "roster_objective": None if cg.plan_objective is None else cg.plan_objective / C.OBJECTIVE_SCALE,
                    "iterations": cg.iterations, "columns": cg.columns, "converged": cg.converged,
                    "gave_up": cg.gave_up, "lagrangian_cuts": len(cg.cuts) if cg.near_converged else 0,
                    "seconds": cg.seconds, "roster_from": cg.plan_from,
                    "greedy_roster_objective": warm.get("greedy_after_column_generation")}},
        shift_cover=cover_df,
    )
