"""Roster engine on small instances with hand-known optima; every roster goes through the
independent checker (staffing.scheduling.validate.check_roster)."""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest

from staffing.requirements import requirements
from staffing.scheduling import Agent, build_roster, check_roster, settings_from_mapping
from staffing.scheduling.model import horizon_from_requirements
from staffing.settings import ServiceTargets

MON = "2026-11-30"  # a Monday


def req_frame(blocks, days=1, interval_minutes=15):
    """Requirement with ``n`` agents in each (day, "HH:MM", "HH:MM", n) block, 0 elsewhere."""
    idx = pd.date_range(MON, periods=days * 1440 // interval_minutes, freq=f"{interval_minutes}min")
    need = np.zeros(len(idx), dtype=int)
    for day, a, b, n in blocks:
        s = pd.Timestamp(MON) + pd.Timedelta(days=day) + pd.Timedelta(a + ":00")
        e = pd.Timestamp(MON) + pd.Timedelta(days=day) + pd.Timedelta(b + ":00")
        if e <= s:
            e += pd.Timedelta(days=1)
        need[(idx >= s) & (idx < e)] += n
    return pd.DataFrame({"interval_start": idx, "channel": "voice", "agents_to_schedule": need})


def settings(shifts, contracts, breaks=(), labor=None, objective=None, seconds=10, **solver):
    return settings_from_mapping({
        "solver": {"time_limit_seconds": seconds, "num_workers": 2, "random_seed": 1, **solver},
        "objective": objective or {},
        "labor": labor or {},
        "shift": list(shifts), "break": list(breaks), "contract": list(contracts),
    })


def agents(n, contract="c", **kw):
    return tuple(Agent(f"A{i + 1}", contract, **kw) for i in range(n))


def assert_valid(res, s, ags, req):
    assert res.status in ("optimal", "feasible"), res.explanation
    h = horizon_from_requirements(req)
    assert res.violations == ()
    assert check_roster(res.roster, s, ags, horizon=h) == []


DAY8 = {"name": "day", "earliest_start": "08:00", "latest_start": "10:00", "start_step_minutes": 60, "paid_hours": [8]}


def test_two_agents_nine_to_five_optimum_is_paid_hours_only():
    # 2 agents needed 09:00-17:00; shifts of 8 h starting 08, 09 or 10: the optimum puts both at 09:00,
    # no under/over; objective = 16 paid hours x 1.
    s = settings([DAY8], [{"name": "c", "shifts": ["day"]}])
    req = req_frame([(0, "09:00", "17:00", 2)])
    ags = agents(3)
    res = build_roster(req, s, ags)
    assert_valid(res, s, ags, req)
    assert res.status == "optimal"
    assert res.objective == pytest.approx(16.0)
    shifts = res.roster[res.roster.activity == "shift"]
    assert len(shifts) == 2 and set(pd.to_datetime(shifts.start).dt.hour) == {9}
    assert res.kpis.under_agent_hours == 0 and res.kpis.over_agent_hours == 0
    assert res.kpis.paid_hours == 16 and res.gap == pytest.approx(0.0)
    assert res.search["lp_bound"] == pytest.approx(16.0, abs=1e-4)  # the covering LP is tight here
    assert list(res.coverage.columns[:5]) == ["interval_start", "required", "scheduled", "under", "over"]
    assert res.wide.loc["A1"].tolist().count("") + res.wide.loc["A2"].tolist().count("") <= 1


def test_week_with_five_day_contract_has_known_optimum():
    # 1 agent needed 09-17 every day of a week; one full-timer works at most 5 days: 2 days
    # (16 agent-hours) are short: 16 x 100 + 40 paid hours = 1640, days off together (no penalty).
    s = settings([{**DAY8, "earliest_start": "09:00", "latest_start": "09:00"}],
                 [{"name": "c", "shifts": ["day"], "max_days_per_week": 5, "max_paid_hours_per_week": 40}])
    req = req_frame([(d, "09:00", "17:00", 1) for d in range(7)], days=7)
    ags = agents(1)
    res = build_roster(req, s, ags)
    assert_valid(res, s, ags, req)
    assert res.status == "optimal"
    assert res.objective == pytest.approx(1640.0)
    assert res.kpis.under_agent_hours == pytest.approx(16.0)
    assert res.search["lp_bound"] == pytest.approx(1640.0, abs=1e-3)  # 5 days at most: 2 days short
    worked = sorted(pd.to_datetime(res.roster.start).dt.day_of_week)
    off = sorted(set(range(7)) - set(worked))
    assert off[1] - off[0] == 1  # the two days off are consecutive


def test_breaks_are_staggered_so_coverage_holds():
    # 1 agent needed 09-17, two agents must work 09-17 (min 1 day each) with a 30-min paid break
    # starting 12:00-13:00. Staggered breaks keep one agent on the phones all day: under = 0,
    # over = 16 - 1 - 8 = 7 agent-hours -> objective 7 x 5 + 16 = 51.
    s = settings(
        [{**DAY8, "earliest_start": "09:00", "latest_start": "09:00"}],
        [{"name": "c", "shifts": ["day"], "min_paid_hours_total": 8}],
        breaks=[{"name": "rest", "duration_minutes": 30, "earliest_offset_minutes": 180, "latest_offset_minutes": 240}],
    )
    req = req_frame([(0, "09:00", "17:00", 1)])
    ags = agents(2)
    res = build_roster(req, s, ags)
    assert_valid(res, s, ags, req)
    assert res.objective == pytest.approx(51.0)
    assert res.search["lp_bound"] <= 51.0 + 1e-6  # a lower bound, never above the optimum
    b = res.roster[res.roster.activity == "break"].sort_values("start")
    assert len(b) == 2
    assert pd.Timestamp(b.end.iloc[0]) <= pd.Timestamp(b.start.iloc[1])  # not at the same time
    assert res.coverage.under.sum() == 0


def test_overnight_shift_is_dated_by_its_start_and_counts_next_morning():
    night = {"name": "night", "earliest_start": "22:00", "latest_start": "22:00", "paid_hours": [8]}
    s = settings([night], [{"name": "c", "shifts": ["night"]}])
    req = req_frame([(0, "22:00", "06:00", 1)], days=2)
    ags = agents(1)
    res = build_roster(req, s, ags)
    assert_valid(res, s, ags, req)
    row = res.roster[res.roster.activity == "shift"].iloc[0]
    assert row.date == "2026-11-30"
    assert pd.Timestamp(row.end) == pd.Timestamp("2026-12-01 06:00")
    tue = res.coverage[res.coverage.interval_start >= pd.Timestamp("2026-12-01")]
    assert tue.scheduled.iloc[:24].min() == 1 and res.coverage.under.sum() == 0
    assert res.wide.loc["A1", "2026-11-30"] == "22:00-06:00+1"


def test_min_rest_forbids_night_then_morning():
    # one agent; night Mon 22-06 and day Tue 08-16 are both needed: 2 h rest < 11 h, so only one is worked.
    night = {"name": "night", "earliest_start": "22:00", "latest_start": "22:00", "paid_hours": [8]}
    s = settings([night, {**DAY8, "earliest_start": "08:00", "latest_start": "08:00"}],
                 [{"name": "c", "shifts": ["night", "day"]}], labor={"min_rest_hours": 11})
    req = req_frame([(0, "22:00", "06:00", 1), (1, "08:00", "16:00", 1)], days=2)
    ags = agents(1)
    res = build_roster(req, s, ags)
    assert_valid(res, s, ags, req)
    assert (res.roster.activity == "shift").sum() == 1
    assert res.kpis.under_agent_hours == pytest.approx(8.0)


def test_time_off_and_preferences_are_respected():
    s = settings([DAY8], [{"name": "c", "shifts": ["day"]}])
    req = req_frame([(0, "08:00", "18:00", 1), (1, "08:00", "18:00", 1)], days=2)
    ags = (Agent("A1", "c", time_off=((pd.Timestamp("2026-11-30"), pd.Timestamp("2026-12-01")),)),
           Agent("A2", "c", preferred_start=(600, 600), preferred_days_off=("Tue",)))
    res = build_roster(req, s, ags)
    assert_valid(res, s, ags, req)
    mon = res.roster[(res.roster.activity == "shift") & (res.roster.date == "2026-11-30")]
    assert mon.agent_id.tolist() == ["A2"]
    assert pd.Timestamp(mon.start.iloc[0]).hour == 10  # preferred start honoured
    assert res.kpis.preferences_total == 3


def test_headcount_mode_finds_the_number_of_agents():
    # 3 agents needed 09-17 Mon-Fri; full-timers work exactly 5 x 8 h at 09:00: 3 are hired.
    s = settings([{**DAY8, "earliest_start": "09:00", "latest_start": "09:00"}],
                 [{"name": "ft", "shifts": ["day"], "min_days_per_week": 5, "max_days_per_week": 5,
                   "headcount_max": 5}], objective={"agent_week_cost": 10})
    req = req_frame([(d, "09:00", "17:00", 3) for d in range(5)], days=7)
    res = build_roster(req, s, None)
    assert res.status == "optimal"
    assert res.headcount == {"ft": 3}
    assert res.kpis.under_agent_hours == 0
    assert check_roster(res.roster, s, None, horizon=horizon_from_requirements(req)) == []


def test_progress_stop_seed_and_workers():
    s = settings([{**DAY8, "start_step_minutes": 15, "earliest_start": "06:00", "latest_start": "14:00"}],
                 [{"name": "c", "shifts": ["day"], "max_days_per_week": 5}],
                 breaks=[{"name": "b", "duration_minutes": 15, "earliest_offset_minutes": 90,
                          "latest_offset_minutes": 180}], seconds=20, warm_start_share=0.05)
    rng = np.random.default_rng(3)
    req = req_frame([(d, f"{h:02d}:00", f"{h + 1:02d}:00", int(rng.integers(2, 8))) for d in range(7)
                     for h in range(7, 21)], days=7)
    ags = agents(25)
    seen, stop = [], threading.Event()

    def progress(p):
        seen.append(p)
        if p.objective is not None:
            stop.set()

    res = build_roster(req, s, ags, progress=progress, stop_event=stop)
    assert any(p.objective is not None for p in seen)
    assert res.status in ("feasible", "optimal")
    assert res.timings["solve_seconds"] < 15
    assert_valid(res, s, ags, req)
    # the worker count and seed reach CP-SAT
    from staffing.scheduling.solve import build_model, model_agents, solve_model

    h = horizon_from_requirements(req)
    m, _ = build_model(s, h, model_agents(s, ags, h))
    solver, _code, _, _ = solve_model(m, s, time_limit_seconds=0.5)
    assert solver.parameters.num_workers == 2 and solver.parameters.random_seed == 1


def test_service_level_aware_objective_with_real_requirement():
    idx = pd.date_range(MON, periods=96, freq="15min")
    hrs = np.asarray(idx.hour, dtype=float)
    contacts = np.where((hrs >= 8) & (hrs < 18), 30.0, 0.0)
    fc = pd.DataFrame({"interval_start": idx, "contacts": contacts, "aht_seconds": 240.0})
    tg = ServiceTargets(service_level=0.8, answer_seconds=20)
    req = requirements(fc, tg)
    s = settings([{**DAY8, "start_step_minutes": 30}], [{"name": "c", "shifts": ["day"]}],
                 objective={"service_level_aware": True})
    ags = agents(int(req.agents_to_schedule.max()) - 2)  # short-staffed on purpose
    res = build_roster(req, s, ags, targets=tg)
    assert_valid(res, s, ags, req)
    assert 0 < res.kpis.service_level_week < 1
    assert res.coverage.service_level.notna().sum() == 40


def _nurse_settings(**contract):
    e = {"name": "E", "earliest_start": "06:00", "latest_start": "06:00", "paid_hours": [8]}
    late = {"name": "L", "earliest_start": "14:00", "latest_start": "14:00", "paid_hours": [8]}
    return settings([e, late], [{"name": "nurse", "shifts": ["E", "L"], **contract}],
                    labor={"min_rest_hours": 0, "forbidden_successions": [["L", "E"]],
                           "outside_horizon_is_off": True},
                    objective={"under_coverage_per_agent_hour": 0, "over_coverage_per_agent_hour": 0,
                               "paid_hour_cost": 0, "isolated_day_off": 0})


def test_day_level_cover_and_requests_nurse_style():
    # Curtois & Qu style: cover per day and shift type, weighted shift-on/off requests, zero interval
    # requirement. Optimum 0: N2 works E on day 0 (requested), N1 works L on day 1 (N2 asked it off).
    from staffing.scheduling import ShiftCover, ShiftRequest

    s = _nurse_settings()
    req = req_frame([], days=2)
    covers = (ShiftCover(0, "E", 1, 100, 1), ShiftCover(1, "L", 1, 100, 1), ShiftCover(0, "L", 0, 100, 1),
              ShiftCover(1, "E", 0, 100, 1))
    wishes = (ShiftRequest("N1", 0, None, False, 3), ShiftRequest("N2", 0, "E", True, 2),
              ShiftRequest("N2", 1, None, False, 1))
    ags = (Agent("N1", "nurse"), Agent("N2", "nurse"))
    res = build_roster(req, s, ags, shift_cover=covers, requests=wishes)
    assert_valid(res, s, ags, req)
    assert res.objective == pytest.approx(0.0)
    got = sorted(zip(res.roster.agent_id, res.roster.date, res.roster.template))
    assert got == [("N1", "2026-12-01", "L"), ("N2", "2026-11-30", "E")]
    assert res.shift_cover.under.sum() == 0


def test_min_consecutive_days_with_days_outside_the_horizon_off():
    # one nurse, 3 days, E needed on day 0 only; runs of at least 2 days (days outside the horizon
    # are off) force day 1 too: one surplus E shift -> objective 1 (over weight 1).
    from staffing.scheduling import ShiftCover

    s = _nurse_settings(min_consecutive_days=2)
    req = req_frame([], days=3)
    covers = (ShiftCover(0, "E", 1, 10, 1), ShiftCover(1, "E", 0, 10, 1), ShiftCover(2, "E", 0, 10, 1),
              ShiftCover(1, "L", 0, 10, 1), ShiftCover(2, "L", 0, 10, 1))
    ags = (Agent("N1", "nurse"),)
    res = build_roster(req, s, ags, shift_cover=covers)
    assert_valid(res, s, ags, req)
    assert res.status == "optimal" and res.objective == pytest.approx(1.0)
    assert sorted(res.roster.date) == ["2026-11-30", "2026-12-01"]


def test_warm_start_roster_is_rule_valid_on_its_own():
    # the heuristic roster (used as CP-SAT's hint, and returned if CP-SAT finds nothing in time)
    # must pass the independent checker by itself
    from staffing.scheduling.heuristic import warm_start
    from staffing.scheduling.solve import build_model, extract_roster, model_agents

    s = settings([{**DAY8, "start_step_minutes": 30, "earliest_start": "06:00", "latest_start": "13:00"},
                  {"name": "part", "earliest_start": "08:00", "latest_start": "16:00", "paid_hours": [4, 6]}],
                 [{"name": "ft", "shifts": ["day"], "min_days_per_week": 5, "max_days_per_week": 5,
                   "max_consecutive_days": 5, "min_consecutive_days_off": 2, "max_weekends": 1},
                  {"name": "pt", "shifts": ["part"], "min_paid_hours_per_week": 12, "max_days_per_week": 4}],
                 breaks=[{"name": "b", "duration_minutes": 15, "earliest_offset_minutes": 90,
                          "latest_offset_minutes": 150},
                         {"name": "lunch", "activity": "lunch", "paid": False, "duration_minutes": 30,
                          "anchor": "middle", "earliest_offset_minutes": -30, "latest_offset_minutes": 30,
                          "min_shift_hours": 6}],
                 labor={"max_start_spread_hours": 1.5})
    rng = np.random.default_rng(5)
    req = req_frame([(d, f"{h:02d}:00", f"{h + 1:02d}:00", int(rng.integers(1, 9))) for d in range(7)
                     for h in range(6, 22)], days=7)
    ags = tuple(Agent(f"F{i}", "ft") for i in range(8)) + tuple(
        Agent(f"P{i}", "pt", available_days=("Mon", "Wed", "Fri", "Sat")) for i in range(4))
    h = horizon_from_requirements(req)
    m, _ = build_model(s, h, model_agents(s, ags, h))
    info = warm_start(m, 1.0)
    assert info["complete"] and info["agents_placed"] == 12
    roster = extract_roster(m, m.hint)
    assert check_roster(roster, s, ags, horizon=h) == []
    assert m.hint.objective(m.cp.proto) > 0


def test_deterministic_mode_gives_the_same_roster_twice():
    s = settings([{**DAY8, "start_step_minutes": 30, "earliest_start": "06:00", "latest_start": "12:00"}],
                 [{"name": "c", "shifts": ["day"], "max_days_per_week": 5, "min_days_per_week": 4}],
                 breaks=[{"name": "b", "duration_minutes": 15, "earliest_offset_minutes": 90,
                          "latest_offset_minutes": 180}], seconds=0.2, deterministic=True)
    rng = np.random.default_rng(8)
    req = req_frame([(d, f"{h:02d}:00", f"{h + 1:02d}:00", int(rng.integers(1, 6))) for d in range(7)
                     for h in range(7, 20)], days=7)
    ags = agents(8)
    a, b = build_roster(req, s, ags), build_roster(req, s, ags)
    assert_valid(a, s, ags, req)
    assert a.objective == b.objective
    pd.testing.assert_frame_equal(a.roster, b.roster)


def test_service_slopes_are_convex_and_normalised():
    from staffing.scheduling.constraints import service_slopes

    # contacts lost in time with u agents short: concave-then-flat losses become a convex penalty
    lost = [np.array([0.0, 2.0, 5.0, 9.0, 20.0]), None, np.array([0.0, 4.0, 6.0])]
    out = service_slopes(np.array([4, 0, 2]), lost, base_weight=30.0)
    assert out[1] == []
    for chords in (out[0], out[2]):
        slopes = [c[2] for c in chords]
        assert slopes == sorted(slopes)  # convex: non-decreasing marginal penalty
        assert chords[0][0] == 0 and chords[0][1] == 0.0
    # normalisation: the mean first-agent loss (2 and 4 -> 3) is worth base_weight
    assert out[0][0][2] * 1 == pytest.approx(30.0 * 2.0 / 3.0)


def test_thirty_minute_grid_and_off_grid_template():
    from staffing.errors import InputError

    s = settings([DAY8], [{"name": "c", "shifts": ["day"]}])
    req = req_frame([(0, "09:00", "17:00", 2)], interval_minutes=30)
    ags = agents(2)
    res = build_roster(req, s, ags)
    assert_valid(res, s, ags, req)
    assert res.objective == pytest.approx(16.0) and len(res.coverage) == 48
    bad = settings([{**DAY8, "earliest_start": "08:15"}], [{"name": "c", "shifts": ["day"]}])
    with pytest.raises(InputError, match="30-minute grid"):
        build_roster(req, bad, ags)
