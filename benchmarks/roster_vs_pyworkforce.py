"""Our roster engine beside pyworkforce 0.5.4's scheduling and rostering models, same requirement.

One run, one generated week (:mod:`roster_instances`, default 150 agents, documented seed):

* **ours** — :func:`staffing.scheduling.build_roster` (CP-SAT, breaks placed with the shifts,
  every labour rule of the rules file), time limit ``--time-limit``;
* **pyworkforce shift counts** — ``MinAbsDifference`` and ``MinRequiredResources`` (how many
  agents per shift and day; no agents, no breaks, no labour rules), each given the same
  candidate shifts as ours and the same time limit; their coverage is shown as they model it
  (shift spans, no breaks, nights wrapped onto the same day);
* **pyworkforce rosters** — each shift-count result handed to ``MinHoursRoster`` (named agents,
  with every rule it can express: banned shifts for contract templates, availability and time
  off, non-sequential shift pairs for the 11 h rest and the forbidden succession, one minimum of
  working hours for all agents = the smallest contract minimum, ``max_resting`` = 7 minus the
  smallest contract's days) and then to ``BreakScheduler`` for the breaks (see
  ``benchmarks/peers/pyworkforce_roster_runner.py``).

Every roster, ours and pyworkforce's, is measured the same way: coverage per interval from the
roster's timestamps (:func:`staffing.scheduling.coverage_frame`), under- and over-coverage in
agent-hours, paid hours, and rule violations counted by our independent checker
(:func:`staffing.scheduling.check_roster`).  pyworkforce runs in ``benchmarks/.venv-peers``
(Python 3.12; created by ``benchmarks/erlang_speed.py``) as a subprocess; its times are taken
inside that process.

Run::

    python benchmarks/roster_vs_pyworkforce.py                  # 150 agents, 60 s per model
    python benchmarks/roster_vs_pyworkforce.py --agents 50 --time-limit 30
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from roster_instances import DEFAULT_SEED, make_instance, uncoverable_agent_hours

from staffing.scheduling import build_roster, check_roster, coverage_frame
from staffing.scheduling import schema as R
from staffing.scheduling.agents import agents_from_frame
from staffing.scheduling.model import (
    MINUTES_PER_DAY,
    _blocked,
    horizon_from_requirements,
    shift_options,
)
from staffing.scheduling.solve import model_agents

VENV_PYTHON = HERE / ".venv-peers" / "bin" / "python"
RUNNER = HERE / "peers" / "pyworkforce_roster_runner.py"
MODELS = ("MinAbsDifference", "MinRequiredResources")


def load() -> str:
    a, b, c = os.getloadavg()
    return f"{a:.1f} / {b:.1f} / {c:.1f}"


def peer_config(inst: Any, agents: tuple[Any, ...], time_limit: float, break_limit: float) -> tuple[dict, dict]:
    """The JSON input of the pyworkforce runner and the option index by shift name."""
    settings = inst.settings
    h = horizon_from_requirements(inst.requirements)
    iv = h.interval_minutes
    P = MINUTES_PER_DAY // iv
    opts = shift_options(settings, iv)
    by_name = {o.label: o for o in opts}
    shifts = []
    for o in opts:
        brk = []
        for slot in o.breaks:
            dur = slot.rule.duration_minutes // iv
            lo, hi = slot.offsets[0] // iv, slot.offsets[-1] // iv
            brk.append({"name": slot.rule.name, "duration_periods": dur, "min_start_after": lo,
                        "max_end_before": o.span_minutes // iv - dur - hi})
        ph = o.paid_minutes / 60
        shifts.append({"name": o.label, "start_period": o.start_minutes // iv, "span_periods": o.span_minutes // iv,
                       "paid_hours": int(ph) if ph == int(ph) else ph, "breaks": brk})
    mags = model_agents(settings, agents, h)
    banned = []
    for ag in mags:
        allowed = set(ag.contract.shifts)
        for d in range(h.n_days):
            for o in opts:
                if h.weekday(d) not in o.days or _blocked(ag, o, d, h):
                    banned.append({"resource": ag.agent_id, "shift": o.label, "day": d, "why": "availability"})
                elif o.template not in allowed:
                    banned.append({"resource": ag.agent_id, "shift": o.label, "day": d, "why": "contract"})
    rest = settings.labor.min_rest_hours * 60
    forbidden = set(settings.labor.forbidden_successions)
    non_seq = []
    for a in opts:
        for b in opts:
            gap = MINUTES_PER_DAY + b.start_minutes - (a.start_minutes + a.span_minutes)
            if gap < rest - 1e-9 or (a.template, b.template) in forbidden:
                non_seq.append({"origin": a.label, "destination": b.label})
    cfg = {
        "num_days": h.n_days, "periods": P, "required": h.required.reshape(h.n_days, P).astype(int).tolist(),
        "shifts": shifts, "resources": [ag.agent_id for ag in mags], "banned_shifts": banned,
        "non_sequential_shifts": non_seq,
        "min_working_hours": int(min(c.min_paid_hours_per_week for c in settings.contracts)),
        "max_resting": int(7 - min(c.min_days_per_week for c in settings.contracts)),
        "models": list(MODELS), "time_limit_seconds": time_limit, "break_time_limit_seconds": break_limit,
        "num_workers": settings.solver.num_workers,
    }
    return cfg, by_name


def peer_roster(rows: list[dict[str, Any]], by_name: dict[str, Any], horizon: Any, settings: Any) -> pd.DataFrame:
    """pyworkforce's roster rows as our long roster (shift rows + break rows)."""
    iv = horizon.interval_minutes
    rule = {b.name: b for b in settings.breaks}
    out = []
    for r in rows:
        o = by_name[r["shift"]]
        day0 = horizon.start + pd.Timedelta(days=int(r["day"]))
        s = day0 + pd.Timedelta(minutes=o.start_minutes)
        e = s + pd.Timedelta(minutes=o.span_minutes)
        date = f"{day0:%Y-%m-%d}"
        out.append((r["resource"], date, R.SHIFT, s, e, o.template, True))
        for name, p0, p1 in r.get("breaks", []):
            b = rule[name]
            out.append((r["resource"], date, b.activity, day0 + pd.Timedelta(minutes=p0 * iv),
                        day0 + pd.Timedelta(minutes=p1 * iv), o.template, b.paid))
    return pd.DataFrame(out, columns=list(R.ROSTER_COLUMNS))


def measure(roster: pd.DataFrame, horizon: Any, settings: Any, agents: Any, requirements: pd.DataFrame) -> dict:
    """Under/over agent-hours, paid hours and violations (our checker) of any roster."""
    hours = horizon.interval_minutes / 60
    cov = coverage_frame(roster, horizon)
    shifts = roster[roster[R.ACTIVITY] == R.SHIFT]
    unpaid = roster[(roster[R.ACTIVITY] != R.SHIFT) & (~roster[R.PAID].astype(bool))]
    dur = (lambda df: float(((pd.to_datetime(df[R.END]) - pd.to_datetime(df[R.START])).dt.total_seconds() / 3600).sum()))
    viol = check_roster(roster, settings, agents, requirements=requirements) if len(roster) else []
    by_rule: dict[str, int] = {}
    for v in viol:
        by_rule[v.rule] = by_rule.get(v.rule, 0) + 1
    return {"under_agent_hours": float(cov[R.UNDER].sum() * hours), "over_agent_hours": float(cov[R.OVER].sum() * hours),
            "paid_hours": dur(shifts) - dur(unpaid), "shifts": len(shifts), "violations": len(viol),
            "violations_by_rule": by_rule}


def counts_view(counts: dict[str, list[int]], by_name: dict[str, Any], horizon: Any) -> dict:
    """Coverage of a shift-count solution as pyworkforce models it (spans, no breaks, nights wrapped)."""
    iv = horizon.interval_minutes
    P = MINUTES_PER_DAY // iv
    req = horizon.required.reshape(horizon.n_days, P).astype(float)
    cov = np.zeros_like(req)
    paid = 0.0
    for name, per_day in counts.items():
        o = by_name[name]
        idx = (o.start_minutes // iv + np.arange(o.span_minutes // iv)) % P
        for d, n in enumerate(per_day):
            cov[d, idx] += n
            paid += n * o.paid_minutes / 60
    hours = iv / 60
    return {"under_agent_hours": float(np.maximum(req - cov, 0).sum() * hours),
            "over_agent_hours": float(np.maximum(cov - req, 0).sum() * hours), "paid_hours": paid,
            "shifts": int(sum(sum(v) for v in counts.values()))}


def run_peers(cfg: dict, timeout: float) -> dict | None:
    if not VENV_PYTHON.exists():
        print(f"pyworkforce skipped: {VENV_PYTHON} not found (run benchmarks/erlang_speed.py once to create it).")
        return None
    with tempfile.TemporaryDirectory() as tmp:
        inp, out = Path(tmp) / "in.json", Path(tmp) / "out.json"
        inp.write_text(json.dumps(cfg))
        try:
            proc = subprocess.run([str(VENV_PYTHON), str(RUNNER), str(inp), str(out)], check=False, capture_output=True,
                                  text=True,
                                  timeout=timeout)
            if proc.returncode != 0:
                print("pyworkforce runner failed:\n", proc.stderr[-3000:])
        except subprocess.TimeoutExpired:
            print(f"pyworkforce runner timed out after {timeout:g} s; partial results follow.")
        return json.loads(out.read_text()) if out.exists() else None


def fmt(x: Any, spec: str = ".1f") -> str:
    return "-" if x is None or (isinstance(x, float) and not math.isfinite(x)) else format(x, spec)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--agents", type=int, default=150, help="number of agents (default 150)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"instance seed (default {DEFAULT_SEED})")
    ap.add_argument("--time-limit", type=float, default=60.0,
                    help="seconds for our solve and for each pyworkforce model (default 60)")
    ap.add_argument("--break-time-limit", type=float, default=20.0,
                    help="seconds per BreakScheduler attempt (default 20)")
    ap.add_argument("--json", type=Path, default=None, help="also write the records to this JSON file")
    a = ap.parse_args()
    inst = make_instance(a.agents, a.seed, time_limit_seconds=a.time_limit)
    settings = inst.settings
    agents = agents_from_frame(inst.agents, settings)
    h = horizon_from_requirements(inst.requirements)
    print(f"{inst.name} (fingerprint {inst.fingerprint}): {a.agents} agents, requirement {inst.required_agent_hours:.0f} agent-hours, "
          f"peak {int(h.required.max())} agents, {len(shift_options(settings, h.interval_minutes))} candidate shifts",
          flush=True)
    records: list[dict[str, Any]] = []
    cfg, by_name = peer_config(inst, agents, a.time_limit, a.break_time_limit)
    l0 = load()
    peers = run_peers(cfg, timeout=len(MODELS) * (3 * a.time_limit + 8 * a.break_time_limit) + 300)
    l1 = load()
    if peers is not None:
        print(f"pyworkforce {peers.get('pyworkforce')} on Python {peers.get('python')}, load {l0} -> {l1}", flush=True)
        for model, res in peers["models"].items():
            sc = res["shift_counts"]
            rec = {"name": f"pyworkforce {model} (shift counts)", "status": sc["status"], "seconds": sc["seconds"],
                   "violations": None, "load": f"{l0.split(' / ')[0]} / {l1.split(' / ')[0]}"}
            if sc["status"] in ("OPTIMAL", "FEASIBLE"):
                rec.update(counts_view(sc["counts"], by_name, h))
            records.append(rec)
            if "roster" in res:
                ro = res["roster"]
                steps = "; ".join(f"{x['status']} ({'pairs' if x['non_sequential'] else 'no pairs'}, "
                                  f"{'contract bans' if x['contract_bans'] else 'no contract bans'})"
                                  for x in ro.get("attempts", []))
                rec2 = {"name": f"pyworkforce {model} -> MinHoursRoster -> BreakScheduler",
                        "status": steps or ro["status"], "seconds": sc["seconds"] + ro["seconds"] +
                        res.get("breaks", {}).get("seconds", 0.0), "load": rec["load"]}
                if ro["status"] in ("OPTIMAL", "FEASIBLE"):
                    roster = peer_roster(ro["rows"], by_name, h, settings)
                    rec2.update(measure(roster, h, settings, agents, inst.requirements))
                    rec2["break_groups"] = res.get("breaks", {}).get("groups")
                records.append(rec2)
    l2 = load()
    t0 = time.perf_counter()
    res = build_roster(inst.requirements, settings, agents)
    wall = time.perf_counter() - t0
    l3 = load()
    ours = {"name": "ours: build_roster (CP-SAT)", "status": res.status, "seconds": wall,
            "objective": res.objective, "bound": res.bound, "load": f"{l2.split(' / ')[0]} / {l3.split(' / ')[0]}"}
    ours.update(measure(res.roster, h, settings, agents, inst.requirements))
    records.insert(0, ours)
    for r in records:
        print(json.dumps(r, default=str), flush=True)
    req_h = inst.required_agent_hours
    print(f"\nrequirement {req_h:.0f} agent-hours, of which {uncoverable_agent_hours(inst):.2f} in intervals no "
          f"candidate shift covers; {a.agents} agents; time limit {a.time_limit:g} s per model; "
          f"CP-SAT workers {settings.solver.num_workers}")
    print("\n| model | status | under h | under % of req. | over h | paid h | shifts | rule violations | time s | "
          "load before / after |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in records:
        under = r.get("under_agent_hours")
        viol = r.get("violations")
        vtxt = "n/a (no agents)" if viol is None and "shift counts" in r["name"] else fmt(viol, "d")
        print(f"| {r['name']} | {r['status']} | {fmt(under)} | {fmt(None if under is None else 100 * under / req_h, '.2f')} | "
              f"{fmt(r.get('over_agent_hours'))} | {fmt(r.get('paid_hours'), '.0f')} | {fmt(r.get('shifts'), 'd')} | "
              f"{vtxt} | {fmt(r.get('seconds'))} | {r['load']} |")
    print("\nviolations by rule:")
    for r in records:
        if r.get("violations_by_rule"):
            print(f"- {r['name']}: " + ", ".join(f"{k} {v}" for k, v in sorted(r["violations_by_rule"].items())))
        if r.get("break_groups"):
            print("  break groups: " + "; ".join(f"{len(g['shifts'])} shifts: {g['status']} at factor {g['factor']}"
                                                  f" ({g['seconds']:.0f} s)" for g in r["break_groups"]))
    if a.json is not None:
        a.json.write_text(json.dumps(records, indent=1, default=str))


if __name__ == "__main__":
    main()
