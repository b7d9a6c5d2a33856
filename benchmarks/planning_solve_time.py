"""Solve time of the hiring MIP for 24 months / 104 weeks and 1-8 staff groups.

Builds the example plan (data/plan.toml), stretches it to 24 monthly or 104 weekly
periods and replicates its two groups (full-time / part-time, each copy 2 % dearer and
with its own classes) to 1, 2, 4 and 8 groups, then times the queueing step and the
SCIP solve and prints the model size, status and gap. Also times the whole scenario
comparison (base + 5 scenarios) and sensitivity table (4 re-solves) of the example.

Run:  python benchmarks/planning_solve_time.py
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import numpy as np
import pandas as pd

from staffing.errors import InfeasibleError
from staffing.planning import (
    class_start_dates,
    cohort_supply,
    compare_scenarios,
    period_bounds,
    period_demand,
    plan,
    representative_week,
    required_fte,
    sensitivity_table,
    solve_plan,
)
from staffing.planning_settings import Cohort, Horizon, load_plan

ROOT = Path(__file__).resolve().parents[1]


def variant(n_groups: int, period: str, periods: int):  # type: ignore[no-untyped-def]
    s = load_plan(ROOT / "data" / "plan.toml")
    base = list(s.groups)
    groups = []
    total_fte = sum(c.headcount * g.fte_per_head for g in base for c in g.cohorts)
    for i in range(n_groups):
        g = base[i % len(base)]
        copies = len(range(i % len(base), n_groups, len(base)))
        share = 1.0 / copies
        if n_groups == 1:  # one group: all of today's FTE as full-time staff
            share = total_fte / sum(c.headcount * g.fte_per_head for c in g.cohorts)
        groups.append(dataclasses.replace(
            g, name=f"{g.name}_{i // len(base) + 1}",
            annual_cost_per_fte=g.annual_cost_per_fte * (1 + 0.02 * (i // len(base))),
            cohorts=tuple(Cohort(c.headcount * share, c.tenure_months) for c in g.cohorts),
        ))
    hiring_every = 1 if period == "month" else 4
    groups = [dataclasses.replace(g, hiring=dataclasses.replace(g.hiring, start_every_periods=max(
        g.hiring.start_every_periods, 1) * hiring_every)) for g in groups]
    start = s.horizon.start
    return dataclasses.replace(s, horizon=Horizon(start, periods, period), groups=tuple(groups))  # type: ignore[arg-type]


def spreadsheet_rule(s):  # type: ignore[no-untyped-def]
    """The usual spreadsheet: at each allowed full-time start date, hire the gap (rounded up, within the
    class limits) that the requirement shows for the month the class becomes fully proficient."""
    wk = representative_week(s.demand)
    req = required_fte(period_demand(s, wk), wk, s.targets, s.paid_hours_per_fte_week)
    bounds = period_bounds(s.horizon)
    empty = pd.DataFrame({"group": [], "class_start": [], "hires": []})
    supply = solve_plan(s, req, fixed_classes=empty).periods["fte_productive"].to_numpy().copy()
    g = s.groups[0]
    h = g.hiring
    rows = []
    for start in class_start_dates(g, bounds):
        full = start + pd.Timedelta(days=int(np.ceil((h.training_weeks + h.ramp_stage_weeks * len(h.ramp_curve)) * 7)))
        t = int(np.searchsorted(bounds, full, side="right") - 1)
        if t >= len(req):
            break
        gap = req["required_fte"].iloc[t] - supply[t]
        n = int(np.ceil(gap / g.fte_per_head)) if gap > 0 else 0
        n = 0 if n == 0 else min(max(n, h.class_min), h.class_max)
        if n:
            rows.append({"group": g.name, "class_start": start, "hires": n})
            supply += cohort_supply(g, s.horizon, start=start.date(), headcount=n)["fte_productive"].to_numpy()
    return solve_plan(s, req, week=wk, fixed_classes=pd.DataFrame(rows, columns=["group", "class_start", "hires"]))


def main() -> None:
    rows = []
    for period, periods in (("month", 24), ("week", 104)):
        for n in (1, 2, 4, 8):
            s = variant(n, period, periods)
            t0 = time.perf_counter()
            r = plan(s)
            total = time.perf_counter() - t0
            rows.append({
                "periods": f"{periods} {period}s", "groups": n, "classes run": len(r.classes),
                "hires": int(r.periods["hires"].sum()), "status": r.status, "gap %": round(100 * r.gap, 3),
                "queueing s": round(r.requirements_seconds, 3), "MIP s": round(r.solve_seconds, 3),
                "total s": round(total, 2), "budget M EUR": round(r.total_cost / 1e6, 3),
            })
    print("Hiring MIP (OR-Tools pywraplp + SCIP, 1 thread, gap 1e-4)")
    print(pd.DataFrame(rows).to_string(index=False))
    s = load_plan(ROOT / "data" / "plan.toml")
    t0 = time.perf_counter()
    base = plan(s)
    comp = compare_scenarios(s, base=base)
    t1 = time.perf_counter()
    sens = sensitivity_table(s, base=base)
    t2 = time.perf_counter()
    print(f"\nExample plan: base + {len(comp.results) - 1} scenarios in {t1 - t0:.2f} s; sensitivity (4 re-solves) "
          f"in {t2 - t1:.2f} s")
    print(comp.summary[["scenario", "total_cost", "delta_cost", "hires", "required_fte_mean", "shortfall_fte_months"]]
          .round(1).to_string(index=False))
    print(sens[["driver", "unit", "step", "cost_per_unit", "required_fte_per_unit", "delta_hires"]].round(2)
          .to_string(index=False))

    print("\nPeer: the spreadsheet rule (hire the gap at full proficiency) vs the MIP, same costs and penalty")
    peer = spreadsheet_rule(s)
    rows = []
    candidates = [("MIP (SCIP), penalised shortfall", base), ("spreadsheet rule", peer)]
    try:
        candidates.insert(1, ("MIP (SCIP), hard coverage", plan(dataclasses.replace(s, allow_shortfall=False))))
    except InfeasibleError as exc:
        print(f"  hard coverage: {exc}")
    for label, r in candidates:
        p = r.periods
        rows.append({"plan": label, "hires": int(p["hires"].sum()), "classes": len(r.classes),
                     "budget EUR": round(r.total_cost), "overtime EUR": round(p["cost_overtime"].sum()),
                     "short FTE-months": round(float((p["shortfall_fte"] * p["days"] / (365.25 / 12)).sum()), 1),
                     "budget + penalty EUR": round(r.objective)})
    print(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main()
