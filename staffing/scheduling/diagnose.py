"""Plain-word pre-checks and explanations of infeasible rule sets.

Pre-checks run before the model is built ("Mon 10:00 needs 42 agents; only 35 are available").
When the hard rules conflict, the model is rebuilt with one enforcement literal per rule group
(a rule of a contract, the minimum rest, an agent's time off ...), the literals are passed to
CP-SAT as assumptions and its *sufficient assumptions for infeasibility* are mapped back to the
rule groups.  That set is sufficient for the conflict but not always minimal.  Each group of the
set is then dropped in turn to find a single relaxation that makes the week feasible.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from staffing.scheduling.model import MINUTES_PER_DAY, Horizon, ModelAgent, _blocked, shift_options
from staffing.scheduling.rules import ScheduleSettings

DIAGNOSIS_SECONDS = 10.0  # per diagnostic solve; the relaxation search stops after 3x this


def precheck(settings: ScheduleSettings, horizon: Horizon, agents: list[ModelAgent], *, limit: int = 5) -> list[str]:
    """Problems visible before solving, in plain words (at most ``limit`` per kind)."""
    out: list[str] = []
    options = shift_options(settings, horizon.interval_minutes)
    iv = horizon.interval_minutes
    T = horizon.n_intervals
    avail = np.zeros(T + 1, dtype=int)
    short_days: list[str] = []
    for ag in agents:
        allowed = [o for o in options if o.template in ag.contract.shifts]
        days_ok = []
        for d in range(horizon.n_days):
            wd = horizon.weekday(d)
            opts = [o for o in allowed if wd in o.days and not _blocked(ag, o, d, horizon)]
            if not opts:
                continue
            days_ok.append(d)
            lo = (d * MINUTES_PER_DAY + min(o.start_minutes for o in opts)) // iv
            hi = (d * MINUTES_PER_DAY + max(o.start_minutes + o.span_minutes for o in opts)) // iv
            avail[min(lo, T)] += 1
            avail[min(hi, T)] -= 1
        c = ag.contract
        for week in horizon.weeks():
            if len(week) < 7:
                continue
            n = sum(1 for d in week if d in days_ok)
            wk = horizon.dates[week[0]].strftime("%Y-%m-%d")
            if ag.source is not None and n < c.min_days_per_week:
                short_days.append(f"Agent {ag.agent_id} (contract {c.name}) must work at least {c.min_days_per_week} "
                                  f"days in the week of {wk} but can work on only {n} (availability, time off or "
                                  f"shift days).")
            max_paid = max((o.paid_minutes for o in options if o.template in c.shifts), default=0) / 60
            most = min(n, c.max_days_per_week) * max_paid
            if ag.source is not None and most < c.min_paid_hours_per_week - 1e-9:
                short_days.append(f"Agent {ag.agent_id} (contract {c.name}) needs at least "
                                  f"{c.min_paid_hours_per_week:g} paid hours in the week of {wk} but can work at most "
                                  f"{most:g}.")
    # headcount mode: a contract that no position can meet will hire nobody
    for c in {ag.contract.name: ag.contract for ag in agents if ag.source is None}.values():
        days = {d for o in options if o.template in c.shifts for d in o.days}
        if len(days) < c.min_days_per_week:
            short_days.append(f"Contract {c.name} needs at least {c.min_days_per_week} days per week but its shifts "
                              f"run on only {len(days)} weekdays: no agent of it can be hired.")
    out += short_days[:limit]
    if len(short_days) > limit:
        out.append(f"... and {len(short_days) - limit} more agents who cannot meet their contract.")
    can = np.cumsum(avail)[:T]
    gap = horizon.required - can
    bad = np.flatnonzero(gap > 0)
    if bad.size:
        worst = bad[np.argsort(-gap[bad], kind="stable")][:limit]
        for t in sorted(worst):
            out.append(f"{horizon.label(int(t))} needs {int(horizon.required[t])} agents; only {int(can[t])} are "
                       "available.")
        if bad.size > limit:
            out.append(f"{bad.size} intervals in all need more agents than are available; they will be under-covered.")
    return out


def explain_infeasibility(settings: ScheduleSettings, horizon: Horizon, agents: list[ModelAgent]) -> str:
    """Name the rule groups that conflict and suggest a relaxation (see the module docstring)."""
    from staffing.scheduling.solve import build_model

    m, _ = build_model(settings, horizon, agents, explain=True)
    names = {lit.index: name for name, lit in m.groups.items()}
    all_lits = list(m.groups.values())

    def run(lits: list[cp_model.IntVar]) -> tuple[Any, cp_model.CpSolver]:
        m.cp.clear_assumptions()
        m.cp.add_assumptions(lits)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = DIAGNOSIS_SECONDS
        solver.parameters.num_workers = 1  # assumptions-based cores need a single worker
        solver.parameters.random_seed = settings.solver.random_seed
        return solver.solve(m.cp), solver

    code, solver = run(all_lits)
    pre = [p for p in precheck(settings, horizon, agents) if p.startswith("Agent ")]
    head = "The hard rules cannot all hold for this week."
    if code != cp_model.INFEASIBLE:
        extra = " ".join(pre)
        return (f"{head} The diagnosis could not single out rule groups within {DIAGNOSIS_SECONDS:g} s "
                f"(status {solver.status_name(code)}). {extra}").strip()
    core_idx = list(solver.sufficient_assumptions_for_infeasibility())
    core = [names[i] for i in core_idx if i in names]
    lines = [head, ("These rule groups cannot all be met together (a sufficient set found by CP-SAT; it is not "
                    "always minimal):")]
    lines += [f"  - {c}" for c in core]
    suggestion = None
    t_start = time.perf_counter()
    for name in core[:6]:
        if time.perf_counter() - t_start > 3 * DIAGNOSIS_SECONDS:
            break
        rest = [lit for n, lit in m.groups.items() if n != name]
        code2, _ = run(rest)
        if code2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            suggestion = name
            break
    if suggestion:
        lines.append(f"Suggested relaxation: relaxing '{suggestion}' alone makes the week feasible.")
    else:
        lines.append("No single rule group of the set makes the week feasible when relaxed alone; relax several.")
    if pre:
        lines.append("Pre-checks: " + " ".join(pre[:5]))
    m.cp.clear_assumptions()
    return "\n".join(lines)


def describe_interval(horizon: Horizon, t: int) -> str:
    """``"Mon 10:00"`` for interval ``t``."""
    return horizon.label(t) if 0 <= t < horizon.n_intervals else str(pd.NaT)
