"""How much do average-based staffing shortcuts misstate the required FTE?

For a range of centre sizes (contacts per week) on the built-in representative week
(08:00-20:00, 7 days, double-hump intraday curve, Monday-heavy), the required FTE is
computed four ways for an 80/20 voice target with AHT 300 s and 30 % shrinkage:

* interval   - staffing.requirements.agents_required on every interval of the week (the plan's method);
* single avg - the agents one *average* interval needs, applied to every open interval;
* workload/85% - the budgeting-spreadsheet formula: Erlang hours / 85 % occupancy;
* workload   - Erlang hours only (no queueing, 100 % occupancy): a hard lower bound.

It also prints the contact-weighted service level that flat staffing at the single-average
level would actually deliver (the peaks are under-staffed), and the same table for the
example plan (data/plan.toml). Run:  python benchmarks/planning_requirements.py
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

from staffing.planning import builtin_week, period_demand, representative_week, required_fte
from staffing.planning_settings import DemandSettings, load_plan
from staffing.settings import ServiceTargets

ROOT = Path(__file__).resolve().parents[1]


def one_week(volume: float, targets: ServiceTargets, interval_minutes: float = 30.0) -> pd.Series:
    d = DemandSettings(base_week_contacts=volume, base_aht_seconds=300.0, interval_minutes=interval_minutes)
    wk = builtin_week(d)
    dem = pd.DataFrame({"period_start": [pd.Timestamp("2027-01-04")], "period_end": [pd.Timestamp("2027-01-11")],
                        "days": [7], "contacts_per_week": [volume], "aht_seconds": [300.0],
                        "shrinkage_planned": [0.20], "shrinkage_unplanned": [0.10]})
    return required_fte(dem, wk, targets, 37.5).iloc[0]


def main() -> None:
    rows = []
    for occ in (None, 0.88):
        targets = ServiceTargets(service_level=0.8, answer_seconds=20, max_occupancy=occ)
        for volume in (1_000, 3_000, 10_000, 30_000, 100_000):
            r = one_week(float(volume), targets)
            spreadsheet = r["workload_hours_per_week"] / 0.85 / 0.70 / 37.5
            rows.append({
                "occupancy cap": "none" if occ is None else f"{occ:.0%}",
                "contacts/week": volume,
                "interval FTE": round(r["required_fte"], 1),
                "single avg": f"{100 * (r['required_fte_single_average'] / r['required_fte'] - 1):+.1f} %",
                "SL if flat at single avg": f"{r['service_level_single_average']:.0%}",
                "workload/85%": f"{100 * (spreadsheet / r['required_fte'] - 1):+.1f} %",
                "workload": f"{100 * (r['required_fte_workload'] / r['required_fte'] - 1):+.1f} %",
                "peak agents": int(r["peak_agents"]),
            })
    print("Required FTE by method (80/20, AHT 300 s, 30 % shrinkage, 37.5 h/week; deltas vs interval FTE)")
    print(pd.DataFrame(rows).to_string(index=False))

    s = load_plan(ROOT / "data" / "plan.toml")
    t0 = time.perf_counter()
    wk = representative_week(s.demand)
    req = required_fte(period_demand(s, wk), wk, s.targets, s.paid_hours_per_fte_week)
    elapsed = time.perf_counter() - t0
    print(f"\nExample plan data/plan.toml ({len(req)} months, {wk.volume_share.size} intervals/week, "
          f"{len(req) * wk.volume_share.size} Erlang searches in {elapsed:.3f} s):")
    print(f"  interval method     mean {req['required_fte'].mean():6.1f} FTE, peak {req['required_fte'].max():6.1f}")
    for col, label in (("required_fte_single_average", "single average"), ("required_fte_workload", "workload only")):
        print(f"  {label:<19} mean {req[col].mean():6.1f} FTE ({100 * (req[col].mean() / req['required_fte'].mean() - 1):+.1f} %)")
    print(f"  single average staffed flat answers {100 * req['service_level_single_average'].mean():.0f} % "
          f"of calls in 20 s (target {s.targets.service_level:.0%})")


if __name__ == "__main__":
    main()
