"""Contact-centre roster instances of 50, 150 and 500 agents from the project's sample data.

Everything is derived from a documented seed (:data:`DEFAULT_SEED`); the same seed and size give
the same instance on every machine (numpy ``default_rng``; no wall-clock input).

Requirement
-----------
* ``data/sample_forecast.csv`` (``wfm forecast`` output on the sample history), the full normal
  week Monday 2026-11-30 .. Sunday 2026-12-06, 15-minute intervals, channels voice, chat and
  e-mail.
* Every channel's contacts are multiplied by one factor ``contacts_scale`` (found by bisection)
  so that the summed requirement is :data:`LOAD_SHARE` of the agents' largest on-the-phones
  capacity (full-time 5 x 7.5 h, part-time 5 x 5.75 h), i.e. the agents *can* cover it but
  the curve's shape forces some over-coverage.
* Staffing by :func:`staffing.requirements.requirements` with :data:`TARGETS`: voice 80 % in 20 s
  (Erlang C), chat 80 % in 60 s with 2 chats at once, e-mail deferred within 8 h; no shrinkage
  (breaks and lunches are rostered explicitly).  The roster engine sums the channels per interval
  (single skill pool).

Rules
-----
``data/rules.toml`` (the project's example rules: early / late / night / part-time templates,
paid first and second breaks and an unpaid lunch placed by the solver, 11 h rest, 2 h start
spread, late -> early forbidden, full-time 40 h in 5 days with days off in pairs, at most 5
consecutive days, one weekend, at most 5 nights; part-time 16-30 h in 3-5 days) with these
overrides, so that every rule family is on:

* full-time ``min_consecutive_days = 2`` (no single working day between days off),
  ``max_shifts_per_template = {night = 5}``;
* part-time ``min_consecutive_days_off = 2``, ``max_weekends = 1``;
* solver: ``time_limit_seconds`` and ``num_workers`` from the caller, ``random_seed`` = seed.

Agents (seeded)
---------------
* 60 % full-time, 40 % part-time (rounded; full-time first).
* Availability: part-time agents are 45 % "any day", 35 % "weekdays" (Mon-Fri), 20 %
  "Wed-Sun"; full-time agents are available every day.
* Time off: 6 % of agents have one whole weekday off (Mon-Fri, uniform); 5 % have a half-day
  appointment (13:00-18:00 on a uniform day).
* Preferences (soft): 25 % a preferred start window (07:00-09:00 or 11:00-13:00), 15 % prefer
  Sat;Sun off.

Usage::

    from roster_instances import make_instance       # with benchmarks/ on sys.path
    inst = make_instance(150)                         # RosterInstance
    build_roster(inst.requirements, inst.settings, inst.agents)

``python benchmarks/roster_instances.py`` prints a summary of the three instances and
``--write DIR`` writes ``requirements_N.csv`` and ``agents_N.csv``, the CLI's input files:
``wfm schedule DIR/requirements_50.csv --agents DIR/agents_50.csv --rules data/rules.toml`` runs
the week with ``data/rules.toml`` as it is, i.e. without :data:`RULE_OVERRIDES`.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from staffing.requirements import requirements as staff_requirements
from staffing.scheduling import ScheduleSettings, settings_from_mapping
from staffing.settings import ServiceTargets

ROOT = Path(__file__).resolve().parents[1]
FORECAST_CSV = ROOT / "data" / "sample_forecast.csv"
RULES_TOML = ROOT / "data" / "rules.toml"
DEFAULT_SEED = 20261130
SIZES = (50, 150, 500)
WEEK_START = pd.Timestamp("2026-11-30")  # a Monday
FULL_TIME_SHARE = 0.6
LOAD_SHARE = 0.80
FT_ON_PHONE_HOURS = 5 * 7.5    # 5 x 8 h paid, minus two paid 15-min breaks
PT_ON_PHONE_HOURS = 5 * 5.75   # 30 h as 5 x 6 h paid, minus one paid 15-min break
TARGETS: dict[str, ServiceTargets] = {
    "voice": ServiceTargets(kind="voice", service_level=0.8, answer_seconds=20, shrinkage=0.0),
    "chat": ServiceTargets(kind="chat", service_level=0.8, answer_seconds=60, concurrency=2, shrinkage=0.0),
    "email": ServiceTargets(kind="deferred", response_hours=8, shrinkage=0.0),
}
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
RULE_OVERRIDES: dict[str, dict[str, object]] = {  # per contract of data/rules.toml
    "full_time": {"min_consecutive_days": 2, "max_shifts_per_template": {"night": 5}},
    "part_time": {"min_consecutive_days_off": 2, "max_weekends": 1},
}


@dataclass(frozen=True)
class RosterInstance:
    """One generated week.

    Attributes
    ----------
    name : str
        ``cc<N>-s<seed>``.
    n_agents, seed : int
    requirements : DataFrame
        Output of :func:`staffing.requirements.requirements` (one row per interval and channel).
    settings : ScheduleSettings
    agents : DataFrame
        Agents table (columns of the agents CSV).
    contacts_scale : float
        Factor applied to the sample forecast's contacts.
    required_agent_hours : float
        Sum over intervals of ``agents_to_schedule`` x 0.25 h.
    fingerprint : str
        First 12 hex digits of the SHA-256 of the requirement per interval, the agents table, the
        text of ``data/rules.toml`` and :data:`RULE_OVERRIDES`: the instance changes when
        ``data/sample_forecast.csv``, ``data/rules.toml`` or the staffing maths change, and the
        fingerprint says so.
    """

    name: str
    n_agents: int
    seed: int
    requirements: pd.DataFrame
    settings: ScheduleSettings
    agents: pd.DataFrame
    contacts_scale: float
    required_agent_hours: float
    fingerprint: str = ""

    def __post_init__(self) -> None:
        if self.n_agents < 2:
            raise ValueError(f"n_agents must be >= 2, found {self.n_agents}.")


def week_forecast(path: Path = FORECAST_CSV) -> pd.DataFrame:
    """The sample forecast's week from :data:`WEEK_START` (columns interval_start, channel, contacts, aht_seconds)."""
    f = pd.read_csv(path)
    ts = pd.to_datetime(f["interval_start"])
    sel = (ts >= WEEK_START) & (ts < WEEK_START + pd.Timedelta(days=7))
    out = f.loc[sel, ["interval_start", "channel", "contacts", "aht_seconds"]].reset_index(drop=True)
    if out.empty:
        raise ValueError(f"{path}: no rows in the week starting {WEEK_START:%Y-%m-%d}.")
    return out


def scaled_requirements(forecast: pd.DataFrame, target_agent_hours: float) -> tuple[pd.DataFrame, float]:
    """Requirement whose summed agent-hours are closest to ``target_agent_hours`` (bisection on the contacts factor)."""
    def req_for(k: float) -> pd.DataFrame:
        g = forecast.copy()
        g["contacts"] = g["contacts"].to_numpy(dtype=float) * k
        return staff_requirements(g, TARGETS)

    lo, hi = 0.01, 20.0
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        if req_for(mid)["agents_to_schedule"].sum() * 0.25 > target_agent_hours:
            hi = mid
        else:
            lo = mid
    return req_for(lo), lo


def instance_settings(seed: int, time_limit_seconds: float, num_workers: int) -> ScheduleSettings:
    """``data/rules.toml`` with the overrides listed in the module docstring."""
    with RULES_TOML.open("rb") as fh:
        data = tomllib.load(fh)
    data["solver"] = dict(data.get("solver", {}), time_limit_seconds=float(time_limit_seconds),
                          num_workers=int(num_workers), random_seed=int(seed % 2**31), log_search=False)
    for c in data["contract"]:
        c.update(RULE_OVERRIDES.get(c["name"], {}))
    return settings_from_mapping(data, source=str(RULES_TOML))


def instance_agents(n_agents: int, seed: int) -> pd.DataFrame:
    """Agents table for ``n_agents`` (see the module docstring for the shares)."""
    rng = np.random.default_rng(seed)
    n_ft = round(FULL_TIME_SHARE * n_agents)
    dates = [WEEK_START + pd.Timedelta(days=d) for d in range(7)]
    rows = []
    for i in range(n_agents):
        ft = i < n_ft
        avail = ""
        if not ft:
            u = rng.random()
            avail = "" if u < 0.45 else ("Mon;Tue;Wed;Thu;Fri" if u < 0.80 else "Wed;Thu;Fri;Sat;Sun")
        time_off = ""
        u = rng.random()
        if u < 0.06:
            time_off = f"{dates[int(rng.integers(0, 5))]:%Y-%m-%d}"
        elif u < 0.11:
            d = dates[int(rng.integers(0, 7))]
            time_off = f"{d:%Y-%m-%d}T13:00/{d:%Y-%m-%d}T18:00"
        pref = ""
        if rng.random() < 0.25:
            pref = "07:00-09:00" if rng.random() < 0.5 else "11:00-13:00"
        days_off = "Sat;Sun" if rng.random() < 0.15 else ""
        rows.append({"agent_id": f"A{i + 1:03d}", "contract": "full_time" if ft else "part_time",
                     "available_days": avail, "time_off": time_off, "preferred_start": pref,
                     "preferred_days_off": days_off})
    return pd.DataFrame(rows).replace("", pd.NA)


def make_instance(n_agents: int, seed: int = DEFAULT_SEED, *, time_limit_seconds: float = 60.0,
                  num_workers: int = 2) -> RosterInstance:
    """Generate the instance of ``n_agents`` agents (deterministic in ``seed``)."""
    n_ft = round(FULL_TIME_SHARE * n_agents)
    capacity = n_ft * FT_ON_PHONE_HOURS + (n_agents - n_ft) * PT_ON_PHONE_HOURS
    req, k = scaled_requirements(week_forecast(), LOAD_SHARE * capacity)
    settings = instance_settings(seed, time_limit_seconds, num_workers)
    agents = instance_agents(n_agents, seed + n_agents)
    per_t = req.groupby("interval_start")["agents_to_schedule"].sum()
    blob = per_t.to_csv() + agents.to_csv(index=False) + RULES_TOML.read_text() + repr(RULE_OVERRIDES)
    return RosterInstance(name=f"cc{n_agents}-s{seed}", n_agents=n_agents, seed=seed, requirements=req,
                          settings=settings, agents=agents, contacts_scale=k,
                          required_agent_hours=float(req["agents_to_schedule"].sum() * 0.25),
                          fingerprint=hashlib.sha256(blob.encode()).hexdigest()[:12])


def uncoverable_agent_hours(inst: RosterInstance) -> float:
    """Agent-hours of requirement in intervals that no candidate shift of the horizon covers at all
    (e.g. Monday 00:00-06:00, which only a night shift starting the Sunday *before* the week could
    cover): under-coverage no roster can avoid."""
    from staffing.scheduling.model import MINUTES_PER_DAY, horizon_from_requirements, shift_options

    h = horizon_from_requirements(inst.requirements)
    iv = h.interval_minutes
    can = np.zeros(h.n_intervals, dtype=bool)
    for o in shift_options(inst.settings, iv):
        for d in range(h.n_days):
            if h.weekday(d) in o.days:
                t0 = (d * MINUTES_PER_DAY + o.start_minutes) // iv
                can[t0: min(h.n_intervals, t0 + o.span_minutes // iv)] = True
    return float(h.required[~can].sum() * iv / 60)


def with_solver(settings: ScheduleSettings, **changes: object) -> ScheduleSettings:
    """A copy of ``settings`` with solver fields changed (e.g. ``time_limit_seconds=300``)."""
    return dataclasses.replace(settings, solver=dataclasses.replace(settings.solver, **changes))


def main() -> None:
    ap = argparse.ArgumentParser(description="Print (and optionally write) the generated roster instances.")
    ap.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="numbers of agents")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"seed (default {DEFAULT_SEED})")
    ap.add_argument("--write", type=Path, default=None, help="directory for requirements_N.csv and agents_N.csv")
    a = ap.parse_args()
    print("| agents | full-time | part-time | contacts scale | required agent-hours | uncoverable agent-hours "
          "| peak agents | fingerprint |")
    print("|---:|---:|---:|---:|---:|---:|---:|---|")
    for n in a.sizes:
        inst = make_instance(n, a.seed)
        per_t = inst.requirements.groupby("interval_start")["agents_to_schedule"].sum()
        n_ft = int((inst.agents["contract"] == "full_time").sum())
        print(f"| {n} | {n_ft} | {n - n_ft} | {inst.contacts_scale:.4f} | {inst.required_agent_hours:.1f} | "
              f"{uncoverable_agent_hours(inst):.2f} | {int(per_t.max())} | {inst.fingerprint} |")
        if a.write is not None:
            a.write.mkdir(parents=True, exist_ok=True)
            inst.requirements.to_csv(a.write / f"requirements_{n}.csv", index=False)
            inst.agents.to_csv(a.write / f"agents_{n}.csv", index=False)


if __name__ == "__main__":
    main()
