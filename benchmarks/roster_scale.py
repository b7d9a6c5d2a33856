"""Roster quality at scale: 50, 150 and 500 agents, each with two proven lower bounds.

For every generated week (:mod:`roster_instances`, documented seed) the script

1. computes the LP bound of the same model (:func:`staffing.scheduling.lp_bound.lp_bound`:
   LP relaxation of the CP-SAT roster model, safe dual bound, GLOP);
2. solves with :func:`staffing.scheduling.build_roster` (CP-SAT, ``num_workers`` as the rules set
   it: 2) within the time limit;
3. re-checks the roster with the independent checker
   :func:`staffing.scheduling.check_roster` and prints status, objective, the Dantzig-Wolfe bound
   of the interval column generation (``ScheduleResult.search["interval_columns"]``), CP-SAT's
   bound, the LP bound of the same model, the engine's own pooled covering-LP bound
   (``ScheduleResult.search["lp_bound"]``, :mod:`staffing.scheduling.bounds`), the gap to the
   best of the four bounds, under- / over-coverage agent-hours, paid hours, rule
   violations, times and the load average (``os.getloadavg``) before and after each solve.

Goals (issue 6): 150 agents within 2 % of the lower bound in 60 s on 2 cores; 500 agents with a
rule-valid roster in under 5 minutes, gap reported.

Run::

    python benchmarks/roster_scale.py                       # 50 / 150 / 500 at 60 / 60 / 300 s
    python benchmarks/roster_scale.py --sizes 150 --time-limits 60
    python benchmarks/roster_scale.py --json /tmp/roster_scale.json
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from roster_instances import DEFAULT_SEED, SIZES, make_instance, uncoverable_agent_hours

from staffing.scheduling import build_roster, check_roster
from staffing.scheduling.agents import agents_from_frame
from staffing.scheduling.lp_bound import lp_bound

DEFAULT_LIMITS = {50: 60.0, 150: 60.0, 500: 300.0}


def load() -> str:
    """The 1-, 5- and 15-minute load averages as ``"a / b / c"``."""
    a, b, c = os.getloadavg()
    return f"{a:.1f} / {b:.1f} / {c:.1f}"


def run_one(n: int, time_limit: float, seed: int, lp_time_limit: float | None) -> dict[str, Any]:
    """Generate, bound, solve and check one instance; return a flat record of figures."""
    inst = make_instance(n, seed, time_limit_seconds=time_limit)
    agents = agents_from_frame(inst.agents, inst.settings)
    load_lp = load()
    lp = lp_bound(inst.requirements, inst.settings, agents, time_limit_seconds=lp_time_limit)
    load_before = load()
    t0 = time.perf_counter()
    res = build_roster(inst.requirements, inst.settings, agents)
    wall = time.perf_counter() - t0
    load_after = load()
    viol = check_roster(res.roster, inst.settings, agents, requirements=inst.requirements) if len(res.roster) else []
    k = res.kpis
    cp_bound = res.search.get("cp_sat_bound", res.bound) if res.search else res.bound
    engine_lp = res.search.get("lp_bound") if res.search else None
    bounds = [b for b in (res.bound, lp.bound) if b is not None and math.isfinite(b)]
    best = max(bounds) if bounds else None
    gap = (res.objective - best) / max(abs(res.objective), 1.0) if res.objective is not None and best is not None \
        else None
    by_rule: dict[str, int] = {}
    for v in viol:
        by_rule[v.rule] = by_rule.get(v.rule, 0) + 1
    return {
        "agents": n, "seed": seed, "fingerprint": inst.fingerprint, "time_limit_seconds": time_limit, "num_workers": inst.settings.solver.num_workers,
        "required_agent_hours": inst.required_agent_hours, "uncoverable_agent_hours": uncoverable_agent_hours(inst),
        "contacts_scale": inst.contacts_scale,
        "model": res.model_size, "status": res.status, "objective": res.objective,
        "cp_sat_bound": cp_bound, "engine_bound": res.bound, "engine_covering_lp_bound": engine_lp,
        "lp_bound": lp.bound, "lp_objective": lp.lp_objective, "lp_status": lp.status,
        "lp_seconds": lp.seconds, "lp_rows": lp.n_rows, "lp_columns": lp.n_variables,
        "best_bound": best, "gap": gap, "cp_sat_gap": res.gap,
        "under_agent_hours": None if k is None else k.under_agent_hours,
        "over_agent_hours": None if k is None else k.over_agent_hours,
        "paid_hours": None if k is None else k.paid_hours,
        "violations": len(viol), "violations_by_rule": by_rule, "engine_violations": len(res.violations),
        "wall_seconds": wall, "timings": res.timings, "search": res.search,
        "load_at_lp": load_lp, "load_before": load_before, "load_after": load_after,
        "first_solution_seconds": res.progress[0].seconds if res.progress else None,
    }


def fmt(x: Any, spec: str = ".1f") -> str:
    return "-" if x is None or (isinstance(x, float) and not math.isfinite(x)) else format(x, spec)


def print_table(rows: list[dict[str, Any]]) -> None:
    """The markdown table of ``notes/roster_scale_readme.md``."""
    print("\n| agents | limit s | status | objective | Dantzig-Wolfe bound | CP-SAT bound | pooled LP bound (engine) "
          "| model LP bound (ours) | gap | under h (uncoverable) | over h | required h | paid h | violations | total s (first roster s) "
          "| LP s | load before / after | fingerprint |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for r in rows:
        t = r["timings"]
        ic = (r["search"] or {}).get("interval_columns")
        # the first complete roster: the interval column generation's dive, else the greedy warm start
        first = t["build_seconds"] + (ic["seconds"] if ic else t["warm_start_seconds"])
        gap = None if r["gap"] is None else 100 * r["gap"]
        print(f"| {r['agents']} | {r['time_limit_seconds']:g} | {r['status']} | {fmt(r['objective'])} | "
              f"{fmt(ic and ic['bound'])} | {fmt(r['cp_sat_bound'])} | {fmt(r['engine_covering_lp_bound'])} | {fmt(r['lp_bound'])} | "
              f"{fmt(gap)} % | {fmt(r['under_agent_hours'], '.2f')} ({fmt(r['uncoverable_agent_hours'], '.2f')}) | "
              f"{fmt(r['over_agent_hours'])} | {fmt(r['required_agent_hours'], '.0f')} | {fmt(r['paid_hours'], '.0f')} | "
              f"{r['violations']} | {fmt(t['total_seconds'])} ({fmt(first)}) | {fmt(r['lp_seconds'])} | "
              f"{r['load_before'].split(' / ')[0]} / {r['load_after'].split(' / ')[0]} | {r['fingerprint']} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="numbers of agents (default 50 150 500)")
    ap.add_argument("--time-limits", type=float, nargs="+", default=None,
                    help="CP-SAT time limit per size, seconds (default 60 / 60 / 300)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"instance seed (default {DEFAULT_SEED})")
    ap.add_argument("--lp-time-limit", type=float, default=None, help="GLOP time limit, seconds (default none)")
    ap.add_argument("--json", type=Path, default=None, help="also write the records to this JSON file")
    a = ap.parse_args()
    limits = a.time_limits or [DEFAULT_LIMITS.get(n, 60.0) for n in a.sizes]
    if len(limits) == 1:
        limits = limits * len(a.sizes)
    if len(limits) != len(a.sizes):
        ap.error("--time-limits needs one value or one per size")
    rows = []
    for n, tl in zip(a.sizes, limits):
        print(f"--- {n} agents, limit {tl:g} s, seed {a.seed}, load {load()}", flush=True)
        r = run_one(n, tl, a.seed, a.lp_time_limit)
        rows.append(r)
        print(json.dumps({k: v for k, v in r.items() if k not in ("timings",)}, default=str), flush=True)
        if a.json is not None:
            a.json.write_text(json.dumps(rows, indent=1, default=str))
    print_table(rows)


if __name__ == "__main__":
    main()
