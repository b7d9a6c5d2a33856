"""Weekly roster benchmark: a realistic 15-minute week with N agents (mixed contracts, breaks,
lunches, time off, preferences, all labour rules on), solved by ``build_roster``.

Run: ``python benchmarks/roster_week.py --agents 150 --time-limit 60 --seed 1``.
Prints model size, status, objective, bound, gap, coverage KPIs and rule violations found by the
independent checker, beside the lower bound of uncovered hours given by the requirement.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from staffing.requirements import requirements
from staffing.scheduling import build_roster, settings_from_mapping
from staffing.settings import ServiceTargets


def week_forecast(peak_contacts: float, seed: int, start: str = "2026-11-30") -> pd.DataFrame:
    """Two-humped weekday curve 07:00-21:00 (weekends at 60 %), 5-minute AHT, mild noise."""
    rng = np.random.default_rng(seed)
    idx = pd.date_range(start, periods=7 * 96, freq="15min")
    h = np.asarray(idx.hour + idx.minute / 60.0, dtype=float)
    shape = 0.75 * np.exp(-((h - 10.5) / 2.2) ** 2) + 0.6 * np.exp(-((h - 15.5) / 2.5) ** 2) + 0.15
    shape[(h < 7) | (h >= 21)] = 0.0
    wk = np.where(np.asarray(idx.day_of_week) >= 5, 0.6, 1.0)
    c = peak_contacts * shape * wk * rng.lognormal(0, 0.05, len(idx))
    return pd.DataFrame({"interval_start": idx, "contacts": c, "aht_seconds": 300.0})


RULES = {
    "solver": {"time_limit_seconds": 60, "num_workers": 2, "random_seed": 1},
    "objective": {"under_coverage_per_agent_hour": 100, "over_coverage_per_agent_hour": 5, "paid_hour_cost": 1,
                  "isolated_day_off": 2, "preferred_start_missed": 1, "preferred_day_off_missed": 2},
    "labor": {"min_rest_hours": 11, "max_start_spread_hours": 2},
    "shift": [
        {"name": "day", "earliest_start": "07:00", "latest_start": "13:00", "start_step_minutes": 30, "paid_hours": [8]},
        {"name": "part", "earliest_start": "07:00", "latest_start": "17:00", "start_step_minutes": 60,
         "paid_hours": [4, 6]},
    ],
    "break": [
        {"name": "first_break", "duration_minutes": 15, "earliest_offset_minutes": 90, "latest_offset_minutes": 135},
        {"name": "lunch", "activity": "lunch", "paid": False, "duration_minutes": 30, "anchor": "middle",
         "earliest_offset_minutes": -30, "latest_offset_minutes": 30, "min_shift_hours": 6},
        {"name": "second_break", "duration_minutes": 15, "anchor": "end", "earliest_offset_minutes": -135,
         "latest_offset_minutes": -90, "min_shift_hours": 7},
    ],
    "contract": [
        {"name": "full_time", "shifts": ["day"], "min_paid_hours_per_week": 40, "max_paid_hours_per_week": 40,
         "min_days_per_week": 5, "max_days_per_week": 5, "max_consecutive_days": 5, "max_weekends": 1},
        {"name": "part_time", "shifts": ["part"], "min_paid_hours_per_week": 16, "max_paid_hours_per_week": 30,
         "min_days_per_week": 3, "max_days_per_week": 5, "max_consecutive_days": 5},
    ],
}


def agents_frame(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n_ft = round(0.7 * n)
    rows = []
    for i in range(n):
        contract = "full_time" if i < n_ft else "part_time"
        time_off = "2026-12-02" if rng.random() < 0.05 else ""
        pref = rng.choice(["", "07:00-09:00", "10:00-13:00"], p=[0.7, 0.15, 0.15])
        off = rng.choice(["", "Sat;Sun", "Mon"], p=[0.7, 0.2, 0.1])
        rows.append({"agent_id": f"A{i + 1:03d}", "contract": contract, "time_off": time_off,
                     "preferred_start": pref, "preferred_days_off": off})
    return pd.DataFrame(rows).replace("", pd.NA)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--agents", type=int, default=150, help="number of agents")
    ap.add_argument("--time-limit", type=float, default=60.0, help="seconds")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--service-level-aware", action="store_true",
                    help="weight under-coverage by the service it costs (queueing engine)")
    ap.add_argument("--warm-start-share", type=float, default=None,
                    help="share of the time limit for the warm start (default: the library's)")
    a = ap.parse_args()
    # peak contacts scaled so the paid hours of the agents roughly match the requirement
    targets = ServiceTargets(service_level=0.8, answer_seconds=20, shrinkage=0.0)
    peak = 0.0
    lo, hi = 1.0, 5000.0
    staff_hours = 0.7 * a.agents * 40 + 0.3 * a.agents * 24
    for _ in range(25):
        peak = (lo + hi) / 2
        req = requirements(week_forecast(peak, a.seed), targets)
        if req["agents_to_schedule"].sum() / 4 * 1.1 > staff_hours:
            hi = peak
        else:
            lo = peak
    req = requirements(week_forecast(lo, a.seed), targets)
    rules = dict(RULES)
    rules["solver"] = dict(RULES["solver"], time_limit_seconds=a.time_limit, num_workers=a.workers,
                           random_seed=a.seed)
    if a.service_level_aware:
        rules["objective"] = dict(RULES["objective"], service_level_aware=True)
    if a.warm_start_share is not None:
        rules["solver"]["warm_start_share"] = a.warm_start_share
    settings = settings_from_mapping(rules)
    agents = agents_frame(a.agents, a.seed)
    t = time.perf_counter()
    res = build_roster(req, settings, agents, targets=targets)
    wall = time.perf_counter() - t
    k = res.kpis
    print(f"agents {a.agents}, requirement {req['agents_to_schedule'].sum() / 4:.0f} agent-hours, "
          f"peak {req['agents_to_schedule'].max()} agents")
    print(f"model: {res.model_size}")
    print(f"status {res.status}, objective {res.objective}, bound {res.bound}, gap {res.gap}, wall {wall:.1f} s, "
          f"build {res.timings['build_seconds']:.1f} s")
    if k is not None:
        print(f"under {k.under_agent_hours:.1f} h, over {k.over_agent_hours:.1f} h, intervals met "
              f"{k.share_intervals_met:.3f}, SL week {k.service_level_week:.3f}, paid {k.paid_hours:.0f} h, "
              f"preferences honoured {k.preferences_honoured_share:.2f}")
    print(f"warm start: {res.search}, timings {({k: round(v, 1) for k, v in res.timings.items()})}")
    print(f"violations (independent checker): {len(res.violations)}")
    print(f"| {a.agents} | {res.model_size['shift_variables']} | {req['agents_to_schedule'].sum() / 4:.0f} | "
          f"{res.status} | {wall:.0f} | {res.objective:.0f} | {res.bound:.0f} | {100 * (res.gap or 0):.1f} % | "
          f"{k.under_agent_hours:.0f} | {k.over_agent_hours:.0f} | {k.share_intervals_met:.2f} | "
          f"{k.service_level_week:.3f} | {len(res.violations)} |" if k is not None else "| no roster |")
    for w in res.warnings[:5]:
        print("warning:", w)


if __name__ == "__main__":
    main()
