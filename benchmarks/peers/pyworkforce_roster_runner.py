"""Run pyworkforce 0.5.4's scheduling, rostering and break models inside its Python 3.12 venv.

Driven as a subprocess by ``benchmarks/roster_vs_pyworkforce.py`` (data in and out as JSON, the
same way ``pyworkforce_runner.py`` is driven by ``erlang_speed.py``).  Timings are taken inside
this process (interpreter start-up and imports excluded).

Pipeline per shift-count model (``MinAbsDifference`` or ``MinRequiredResources``), which is
pyworkforce's documented workflow:

1. the shift-count model picks how many agents work each shift on each day against the
   requirement per day and period (``shifts_coverage``: 0/1 per period of the day; a shift
   running past midnight wraps onto the same day's early periods, pyworkforce's convention);
2. ``MinHoursRoster`` assigns the named agents to those counts (``required_resources`` per shift
   and day as a hard minimum), with everything it can express: ``banned_shifts`` (contract
   templates, availability, time off), ``non_sequential_shifts`` (forbidden successions and
   pairs that would break the minimum rest), ``min_working_hours`` and ``max_resting``.  When
   that model is infeasible it is relaxed step by step and every status is reported: first
   without the non-sequential pairs (0.5.4 writes that rule as ``k x[d, s] + sum_j x[d + 1, j]
   <= 1`` with ``k`` the number of forbidden successors of ``s``, so a shift with two or more can
   never be worked before the last day), then also without the bans that stand for contracts
   (the shift-count models know nothing of contracts, so their counts of a template may exceed
   the agents allowed to work it); availability and time off stay banned;
3. ``BreakScheduler`` places the breaks of the rostered shifts, once per group of shifts with
   the same breaks, on a two-day period grid so shifts past midnight are not wrapped.  Its
   ``min_coverage`` is the requirement shared among the groups in proportion to their agents
   and multiplied by a factor tried from 1 down to 0 until the model is feasible (the factor is
   reported).

Usage (done for you by the main script)::

    .venv-peers/bin/python pyworkforce_roster_runner.py INPUT.json OUTPUT.json

Input keys: ``num_days``, ``periods``, ``required`` ([days][periods]), ``shifts`` (list of
``{name, start_period, span_periods, paid_hours, breaks: [{name, duration_periods,
min_start_after, max_end_before}]}``), ``resources``, ``banned_shifts`` (pyworkforce's dicts plus
``why``: ``contract`` or ``availability``),
``non_sequential_shifts``, ``min_working_hours``, ``max_resting``, ``models``,
``time_limit_seconds``, ``break_time_limit_seconds``, ``num_workers``.
Output: per model the statuses, times, shift counts and the roster (``resource``, ``day``,
``shift``, ``breaks`` as ``[name, start_period, end_period]`` on the two-day grid of the day).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any


def _write(path: Path, payload: dict[str, Any]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(payload))
    tmp.replace(path)


def _wrapped(start: int, span: int, periods: int) -> list[int]:
    row = [0] * periods
    for k in range(span):
        row[(start + k) % periods] = 1
    return row


def _unwrapped(start: int, span: int, periods: int) -> list[int]:
    row = [0] * (2 * periods)
    for k in range(span):
        row[start + k] = 1
    return row


def shift_counts(cfg: dict[str, Any], model: str) -> dict[str, Any]:
    from pyworkforce.scheduling import MinAbsDifference, MinRequiredResources

    P = cfg["periods"]
    coverage = {s["name"]: _wrapped(s["start_period"], s["span_periods"], P) for s in cfg["shifts"]}
    n = len(cfg["resources"])
    kw = {"num_days": cfg["num_days"], "periods": P, "shifts_coverage": coverage,
          "required_resources": cfg["required"], "max_period_concurrency": n, "max_shift_concurrency": n,
          "max_search_time": float(cfg["time_limit_seconds"]), "num_search_workers": int(cfg["num_workers"])}
    t0 = time.perf_counter()
    if model == "MinAbsDifference":
        sol = MinAbsDifference(**kw).solve()
    else:
        cost = {s["name"]: s["paid_hours"] for s in cfg["shifts"]}
        sol = MinRequiredResources(cost_dict=cost, **kw).solve()
    secs = time.perf_counter() - t0
    counts = {s["name"]: [0] * cfg["num_days"] for s in cfg["shifts"]}
    for r in sol["resources_shifts"]:
        if r["day"] >= 0:
            counts[r["shift"]][r["day"]] = int(r["resources"])
    return {"status": sol["status"], "cost": sol["cost"], "seconds": secs, "counts": counts}


def roster(cfg: dict[str, Any], counts: dict[str, list[int]], non_sequential: bool = True,
           contract_bans: bool = True) -> dict[str, Any]:
    from pyworkforce.rostering import MinHoursRoster

    names = [s["name"] for s in cfg["shifts"]]
    t0 = time.perf_counter()
    model = MinHoursRoster(
        num_days=cfg["num_days"], resources=cfg["resources"], shifts=names,
        shifts_hours=[s["paid_hours"] for s in cfg["shifts"]], min_working_hours=int(cfg["min_working_hours"]),
        banned_shifts=[b for b in cfg["banned_shifts"] if contract_bans or b["why"] != "contract"], max_resting=int(cfg["max_resting"]), required_resources=counts,
        non_sequential_shifts=cfg["non_sequential_shifts"] if non_sequential else None, max_search_time=float(cfg["time_limit_seconds"]),
        num_search_workers=int(cfg["num_workers"]))
    sol = model.solve()
    secs = time.perf_counter() - t0
    rows = [r for r in sol["resource_shifts"] if r["day"] != -1]
    return {"status": sol["status"], "cost": sol["cost"], "seconds": secs, "rows": rows,
            "non_sequential": non_sequential, "contract_bans": contract_bans}


def breaks(cfg: dict[str, Any], rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Place breaks group by group (shifts with the same break list); see the module docstring."""
    from pyworkforce.breaks import BreakScheduler

    P, D = cfg["periods"], cfg["num_days"]
    by_name = {s["name"]: s for s in cfg["shifts"]}
    groups: dict[str, list[str]] = {}
    for s in cfg["shifts"]:
        if s["breaks"]:
            groups.setdefault(json.dumps(s["breaks"], sort_keys=True), []).append(s["name"])
    # agents on shift per absolute period (whole week + one day), all groups, and per group
    H = (D + 1) * P
    total = [0] * H
    per_group_abs: dict[str, list[int]] = {g: [0] * H for g in groups}
    group_of = {name: g for g, names in groups.items() for name in names}
    for r in rows:
        s = by_name[r["shift"]]
        t0 = r["day"] * P + s["start_period"]
        for k in range(s["span_periods"]):
            total[t0 + k] += 1
            if s["name"] in group_of:
                per_group_abs[group_of[s["name"]]][t0 + k] += 1
    req_abs = [v for day in cfg["required"] for v in day] + [0] * P
    slots: dict[tuple[str, int], list[str]] = {}
    for r in sorted(rows, key=lambda x: x["resource"]):
        slots.setdefault((r["shift"], r["day"]), []).append(r["resource"])
    out_breaks: dict[tuple[str, int], list[list[Any]]] = {}
    report = []
    for g, names in groups.items():
        brk = json.loads(g)
        cov = {n: _unwrapped(by_name[n]["start_period"], by_name[n]["span_periods"], P) for n in names}
        sched = {n: [len(slots.get((n, d), [])) for d in range(D)] for n in names}
        own = [[0] * (2 * P) for _ in range(D)]  # this group's agents of day d at period p
        for n in names:
            for d in range(D):
                for p, c in enumerate(cov[n]):
                    own[d][p] += c * sched[n][d]
        done = None
        t_start = time.perf_counter()
        for factor in (1.0, 0.9, 0.75, 0.5, 0.0):
            minc = []
            for d in range(D):
                row = []
                for p in range(2 * P):
                    a = d * P + p
                    tot = total[a] if a < H else 0
                    share = own[d][p] / tot if tot else 0.0
                    row.append(min(own[d][p], int(factor * req_abs[a] * share) if a < H else 0))
                minc.append(row)
            model = BreakScheduler(num_days=D, periods=2 * P, shifts_coverage=cov, scheduled_resources=sched,
                                   breaks=[{k: b[k] for k in ("name", "duration_periods", "min_start_after",
                                                              "max_end_before")} for b in brk],
                                   min_coverage=minc, max_search_time=float(cfg["break_time_limit_seconds"]),
                                   num_search_workers=int(cfg["num_workers"]))
            sol = model.solve()
            if sol["status"] in ("OPTIMAL", "FEASIBLE"):
                done = (factor, sol)
                break
        report.append({"shifts": names, "factor": None if done is None else done[0],
                       "status": "INFEASIBLE" if done is None else done[1]["status"],
                       "seconds": time.perf_counter() - t_start})
        if done is None:
            continue
        for e in done[1]["break_schedule"]:
            agents = slots.get((e["shift"], e["day"]), [])
            if e["slot"] < len(agents):
                out_breaks.setdefault((agents[e["slot"]], e["day"]), []).append(
                    [e["break_name"], e["start_period"], e["end_period"]])
    for r in rows:
        r["breaks"] = out_breaks.get((r["resource"], r["day"]), [])
    return {"groups": report, "seconds": sum(x["seconds"] for x in report)}


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: pyworkforce_roster_runner.py INPUT.json OUTPUT.json", file=sys.stderr)
        return 2
    import pyworkforce

    cfg = json.loads(Path(argv[0]).read_text())
    out = Path(argv[1])
    payload: dict[str, Any] = {"python": sys.version.split()[0],
                               "pyworkforce": getattr(pyworkforce, "__version__", "unknown"), "models": {}}
    for model in cfg["models"]:
        res: dict[str, Any] = {"shift_counts": shift_counts(cfg, model)}
        payload["models"][model] = res
        _write(out, payload)
        if res["shift_counts"]["status"] not in ("OPTIMAL", "FEASIBLE"):
            continue
        res["roster"] = roster(cfg, res["shift_counts"]["counts"])
        _write(out, payload)
        # MinHoursRoster's non-sequential row is k * x[d, s] + sum_j x[d + 1, j] <= 1 (k = number of
        # forbidden successors of s): a shift with two or more can never be worked before the last day.
        # And the shift-count models know nothing of contracts, so their counts of a template may exceed
        # the agents whose contract allows it.  When infeasible, relax step by step; keep every answer.
        attempts = [{"non_sequential": True, "contract_bans": True, "status": res["roster"]["status"],
                     "seconds": res["roster"]["seconds"]}]
        for ns, cb in ((False, True), (False, False)):
            if res["roster"]["status"] in ("OPTIMAL", "FEASIBLE"):
                break
            res["roster"] = roster(cfg, res["shift_counts"]["counts"], non_sequential=ns, contract_bans=cb)
            attempts.append({"non_sequential": ns, "contract_bans": cb, "status": res["roster"]["status"],
                             "seconds": res["roster"]["seconds"]})
            _write(out, payload)
        res["roster"]["attempts"] = attempts
        res["roster"]["seconds"] = sum(x["seconds"] for x in attempts)
        _write(out, payload)
        if res["roster"]["status"] not in ("OPTIMAL", "FEASIBLE"):
            continue
        res["breaks"] = breaks(cfg, res["roster"]["rows"])
        _write(out, payload)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
