"""Speed and agreement of the contact-centre simulator against the same model written with SimPy.

Scenario (issue 7): one week of 15-minute intervals, 10,000 contacts a day, a roster of 150
agents (8.5 h shifts starting between 07:00 and 13:00, two 15-min breaks and a 30-min lunch),
lognormal handle times (mean 300 s, CV 0.8), exponential patience (mean 180 s), 5 % absence,
30 replications.

The SimPy version is the textbook way to write the same model: one process per contact that
requests an agent from a ``PriorityResource`` and gives up after its patience; staffing changes
are "blocker" processes that take agents away at a higher priority (the next free agent leaves,
calls are never cut) and release them when the count goes back up.  Both read the same
per-minute agent counts (from :func:`staffing.simulation.roster_agents_per_minute`).

Checks:

* **same inputs** - both simulators are fed identical contacts (arrival, handle time, patience)
  for one replication; every contact must end the same way (answered/abandoned/waiting) with
  the same answer time;
* **equal in distribution** - independent seeds; per-replication service level, ASA and
  abandonment compared by mean with 95 % CIs, Welch t-test and two-sample KS test.

Run: ``python benchmarks/simulation_speed.py [--simpy-replications 30] [--replications 30]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from staffing.simulation import (
    SimulationSettings,
    compare_with_erlang,
    draw_contacts,
    roster_agents_per_minute,
    simulate,
    validate_roster,
)
from staffing.simulation_kernel import HAVE_NUMBA, simulate_queue

INTERVAL_MINUTES = 15
DAYS = 7
AGENTS = 150
CONTACTS_PER_DAY = 10_000
AHT_SECONDS = 360.0
HANDLE_CV = 0.8
PATIENCE_SECONDS = 180.0
ABSENCE = 0.05
ANSWER_SECONDS = 20.0


def build_roster(start: pd.Timestamp) -> pd.DataFrame:
    """150 agents x 7 days: staggered 8.5 h shifts with two breaks and a lunch."""
    rows = []
    rng = np.random.default_rng(7)
    for agent in range(AGENTS):
        offset_min = int(rng.integers(0, 25)) * 15  # 07:00 .. 13:00
        for day in range(DAYS):
            s = start + pd.Timedelta(days=day, hours=7, minutes=offset_min)
            date = (start + pd.Timedelta(days=day)).date().isoformat()
            aid = f"A{agent:03d}"
            rows.append((aid, date, "shift", s, s + pd.Timedelta(hours=8.5)))
            b1 = s + pd.Timedelta(minutes=120 + 15 * int(rng.integers(0, 3)))
            lunch = s + pd.Timedelta(minutes=240 + 15 * int(rng.integers(0, 3)))
            b2 = s + pd.Timedelta(minutes=390 + 15 * int(rng.integers(0, 3)))
            rows.append((aid, date, "break", b1, b1 + pd.Timedelta(minutes=15)))
            rows.append((aid, date, "lunch", lunch, lunch + pd.Timedelta(minutes=30)))
            rows.append((aid, date, "break", b2, b2 + pd.Timedelta(minutes=15)))
    return pd.DataFrame(rows, columns=["agent_id", "date", "activity", "start", "end"])


def build_forecast(start: pd.Timestamp, roster: pd.DataFrame) -> pd.DataFrame:
    """Contacts per interval following the roster's coverage (smoothed), 10,000 a day."""
    n_int = DAYS * 24 * 60 // INTERVAL_MINUTES
    apm = roster_agents_per_minute(roster, start, n_int * INTERVAL_MINUTES)
    cover = apm.reshape(n_int, INTERVAL_MINUTES).mean(axis=1)
    smooth = np.convolve(cover, np.ones(5) / 5, mode="same")
    per_day = smooth.reshape(DAYS, -1)
    contacts = (per_day / per_day.sum(axis=1, keepdims=True) * CONTACTS_PER_DAY).ravel()
    return pd.DataFrame(
        {
            "interval_start": start + pd.to_timedelta(np.arange(n_int) * INTERVAL_MINUTES, unit="min"),
            "channel": "voice",
            "contacts": contacts,
            "aht_seconds": AHT_SECONDS,
        }
    )


# ----------------------------------------------------------------------------- SimPy model


def simpy_replication(
    arrival: np.ndarray, service: np.ndarray, patience: np.ndarray, agents_per_minute: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The straightforward SimPy version; returns (answer or abandon time, outcome) per contact."""
    import simpy

    env = simpy.Environment()
    horizon = agents_per_minute.size * 60.0
    k_max = int(agents_per_minute.max())
    capacity = 2 * k_max + 1  # room for agents who finish a call after they were due to leave
    agents = simpy.PriorityResource(env, capacity=capacity)
    n = arrival.size
    start = np.full(n, np.inf)
    outcome = np.full(n, 2, dtype=np.int8)  # waiting at the end unless set
    held: list = []  # granted blocker requests (agents away), most recent last

    def blocker():
        req = agents.request(priority=-1)
        yield req
        held.append(req)

    def staffing():
        # Start with capacity - agents[0] blockers (all granted at t=0).
        for _ in range(capacity - int(agents_per_minute[0])):
            env.process(blocker())
        diff = np.diff(agents_per_minute.astype(np.int64))
        changes = np.flatnonzero(diff)
        for m in changes:
            yield env.timeout((m + 1) * 60.0 - env.now)
            d = int(diff[m])
            if d < 0:
                for _ in range(-d):
                    env.process(blocker())
            else:
                for _ in range(d):
                    agents.release(held.pop())

    def contact(i):
        with agents.request(priority=0) as req:
            if np.isfinite(patience[i]):
                yield req | env.timeout(patience[i])
            else:
                yield req
            if req.triggered:
                start[i] = env.now
                outcome[i] = 0
                yield env.timeout(service[i])
            else:
                start[i] = env.now
                outcome[i] = 1

    def source():
        for i in range(n):
            yield env.timeout(arrival[i] - env.now)
            env.process(contact(i))

    env.process(staffing())
    env.process(source())
    env.run(until=horizon)
    return start, outcome


def kpis(arrival, start, outcome, answer_seconds=ANSWER_SECONDS) -> dict[str, float]:
    answered = outcome == 0
    wait = start - arrival
    return {
        "offered": float(arrival.size),
        "service_level": float(np.sum(answered & (wait <= answer_seconds)) / arrival.size),
        "asa_seconds": float(np.mean(wait[answered])),
        "abandon_rate": float(np.mean(outcome == 1)),
    }


def mean_ci(x: np.ndarray) -> str:
    m = x.mean()
    h = stats.t.ppf(0.975, x.size - 1) * x.std(ddof=1) / np.sqrt(x.size)
    return f"{m:.4f} +- {h:.4f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replications", type=int, default=30, help="replications of the fast simulator")
    parser.add_argument("--simpy-replications", type=int, default=30, help="replications of the SimPy version")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of the fast simulator (median reported)")
    args = parser.parse_args()

    start = pd.Timestamp("2026-11-30 00:00")
    roster = build_roster(start)
    forecast = build_forecast(start, roster)
    settings = SimulationSettings(
        replications=args.replications,
        answer_seconds=ANSWER_SECONDS,
        handle_time_distribution="lognormal",
        handle_time_cv=HANDLE_CV,
        patience_seconds=PATIENCE_SECONDS,
        absence_probability=ABSENCE,
        seed=1,
    )
    print(f"cores: {os.cpu_count()}, numba: {HAVE_NUMBA}")
    print(f"scenario: {DAYS} days x {24 * 60 // INTERVAL_MINUTES} intervals of {INTERVAL_MINUTES} min, "
          f"{CONTACTS_PER_DAY} contacts/day, {AGENTS} agents, {args.replications} replications")

    t = time.perf_counter()
    simulate(forecast, roster=roster, settings=SimulationSettings(replications=2, seed=99))
    warm = time.perf_counter() - t
    walls, cpus = [], []
    for _ in range(args.repeats):
        t, c = time.perf_counter(), time.process_time()
        result = simulate(forecast, roster=roster, settings=settings)
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    fast = float(np.median(walls))
    fast_cpu = float(np.median(cpus))
    print(f"\nfast simulator (first call, incl. loading the cached JIT code): {warm:.2f} s for 2 replications")
    print(f"fast simulator: median {fast:.2f} s wall (min {min(walls):.2f}, max {max(walls):.2f}; "
          f"{np.median(cpus):.2f} s CPU) for {args.replications} replications over {args.repeats} runs "
          f"(roster parsing, absence, simulation, tallies, CIs) = {fast / args.replications * 1000:.0f} ms/replication")
    p = result.period.iloc[0]
    print(f"  period SL {p.service_level:.4f} [{p.service_level_lower:.4f}, {p.service_level_upper:.4f}], "
          f"ASA {p.asa_seconds:.1f} s, abandon {p.abandon_rate:.4f}, occupancy {p.occupancy:.3f}")
    cmp = compare_with_erlang(result)
    busy = cmp[cmp.contacts > 10]
    print(f"  Erlang above the simulated upper CI bound in {int(busy.erlang_optimistic.sum())} of {len(busy)} "
          f"open intervals; mean SL gap (sim - Erlang) {busy.service_level_gap.mean():+.4f}")

    # ---- SimPy, independent seeds, same model
    n_int = len(forecast)
    base_apm = None
    rows = []
    t, c = time.perf_counter(), time.process_time()

    valid = validate_roster(roster)
    n_units = valid[["agent_id", "date"]].drop_duplicates().shape[0]
    for r in range(args.simpy_replications):
        rng = np.random.default_rng([2026, r])
        present = (rng.random(n_units) >= ABSENCE)[None, :]
        apm = roster_agents_per_minute(valid, start, n_int * INTERVAL_MINUTES, present=present)[0]
        arr, svc, pat, _ = draw_contacts(forecast.contacts.to_numpy(), forecast.aht_seconds.to_numpy(),
                                         INTERVAL_MINUTES * 60.0, settings, rng)
        s, o = simpy_replication(arr, svc, pat, apm)
        rows.append(kpis(arr, s, o))
        base_apm = apm
    slow = time.perf_counter() - t
    slow_cpu = time.process_time() - c
    simpy_df = pd.DataFrame(rows)
    per_rep_simpy = slow / args.simpy_replications
    per_rep_fast = fast / args.replications
    print(f"\nSimPy: {slow:.1f} s wall ({slow_cpu:.1f} s CPU) for {args.simpy_replications} replications "
          f"= {per_rep_simpy:.2f} s/replication "
          f"(~{per_rep_simpy * args.replications:.0f} s for {args.replications})")
    print(f"speed-up (per replication, end to end): {per_rep_simpy / per_rep_fast:.0f}x wall-clock, "
          f"{(slow_cpu / args.simpy_replications) / (fast_cpu / args.replications):.0f}x CPU time "
          "(the fast one uses both cores)")

    # ---- same inputs, one replication: outcomes must coincide
    rng = np.random.default_rng(77)
    arr, svc, pat, _ = draw_contacts(forecast.contacts.to_numpy(), forecast.aht_seconds.to_numpy(),
                                     INTERVAL_MINUTES * 60.0, settings, rng)
    s_py, o_py = simpy_replication(arr, svc, pat, base_apm)
    s_nb, o_nb, _, _ = simulate_queue(arr, svc, pat, np.array([0, arr.size]), base_apm[None, :],
                                      INTERVAL_MINUTES * 60.0, n_int)
    same_outcome = np.mean(o_py == o_nb)
    both = (o_py == 0) & (o_nb == 0)
    max_dt = float(np.max(np.abs(s_py[both] - s_nb[both]))) if both.any() else 0.0
    print(f"\nsame inputs ({arr.size} contacts): identical outcome for {same_outcome:.4%} of contacts, "
          f"max |answer time difference| {max_dt:.2e} s")

    # ---- equal in distribution
    fast_rep = result.replications
    print("\nper-replication measures   fast (mean +- 95% CI)   SimPy (mean +- 95% CI)   Welch p   KS p")
    for key in ("service_level", "asa_seconds", "abandon_rate"):
        a = fast_rep[key].to_numpy(dtype=float)
        b = simpy_df[key].to_numpy(dtype=float)
        welch = stats.ttest_ind(a, b, equal_var=False).pvalue
        ks = stats.ks_2samp(a, b).pvalue
        print(f"  {key:<22} {mean_ci(a):>22}   {mean_ci(b):>22}   {welch:7.3f}  {ks:6.3f}")


if __name__ == "__main__":
    main()
