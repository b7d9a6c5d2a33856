"""Tests of the discrete-event simulator (staffing.simulation, staffing.simulation_kernel).

Reference values come from the queueing engine (staffing.erlang: Erlang C and Erlang A,
themselves tested against published tables in tests/test_erlang.py); the simulator must agree
with them in a stationary setting within its own 95 % confidence interval.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from staffing import erlang
from staffing.errors import InputError
from staffing.simulation import (
    COMPARISON_COLUMNS,
    INTERVAL_COLUMNS,
    SimulationSettings,
    compare_with_erlang,
    confidence_interval,
    draw_contacts,
    roster_agents_per_minute,
    simulate,
    simulate_arrays,
    simulate_channels,
    summarise_period,
    validate_roster,
)
from staffing.simulation_kernel import ABANDONED, ANSWERED, WAITING, group_quantile, simulate_queue

ROOT = Path(__file__).resolve().parents[1]


def _within(value: float, summary: dict[str, float], key: str) -> None:
    lo, hi = summary[f"{key}_lower"], summary[f"{key}_upper"]
    assert lo <= value <= hi, f"{key}: reference {value:.5f} outside simulated CI [{lo:.5f}, {hi:.5f}]"


# ----------------------------------------------------------------------------- settings


@pytest.mark.parametrize(
    "kwargs, key",
    [
        ({"replications": 0}, "replications"),
        ({"answer_seconds": -1.0}, "answer_seconds"),
        ({"handle_time_distribution": "gamma"}, "handle_time_distribution"),
        ({"handle_time_cv": 0.0}, "handle_time_cv"),
        ({"patience_seconds": 0.0}, "patience_seconds"),
        ({"absence_probability": 1.0}, "absence_probability"),
        ({"arrival_cv": -0.1}, "arrival_cv"),
        ({"service_level_definition": "bogus"}, "service_level_definition"),
        ({"confidence": 1.0}, "confidence"),
        ({"seed": -3}, "seed"),
        ({"concurrency": 0}, "concurrency"),
    ],
)
def test_settings_reject_bad_values_naming_the_key(kwargs, key):
    with pytest.raises(InputError, match=key):
        SimulationSettings(**kwargs)


# ----------------------------------------------------------------------------- kernel


def test_kernel_hand_computed_example():
    # One agent for two minutes, then two.  Contact 1 answered at once (1 -> 51), contact 2 waits
    # for that agent (answered at 51), contact 3 (patience 10 s) finds the agent busy until 101,
    # and the second agent only arrives at 120: it abandons at 13.  Contact 4 arrives at 100
    # and gets the first agent at 101.
    arrival = np.array([1.0, 2.0, 3.0, 100.0])
    service = np.array([50.0, 50.0, 50.0, 10.0])
    patience = np.array([np.inf, np.inf, 10.0, np.inf])
    start, outcome, busy, overrun = simulate_queue(
        arrival, service, patience, np.array([0, 4]), np.array([[1, 1, 2, 2, 2]]), 60.0, 5
    )
    np.testing.assert_allclose(start, [1.0, 51.0, 13.0, 101.0])
    assert outcome.tolist() == [ANSWERED, ANSWERED, ABANDONED, ANSWERED]
    np.testing.assert_allclose(busy[0], [59.0, 51.0, 0.0, 0.0, 0.0])
    np.testing.assert_allclose(overrun, 0.0)


def test_kernel_leaving_agent_finishes_the_call_and_queue_waits_at_end():
    # Two agents in minute 0, none after: both are busy at 60 s and finish their calls (until
    # 70 s and 90 s: overrun 10 + 30 s in interval 1); the third contact never gets an agent.
    arrival = np.array([10.0, 20.0, 30.0])
    service = np.array([60.0, 70.0, 5.0])
    start, outcome, busy, overrun = simulate_queue(
        arrival, service, np.full(3, np.inf), np.array([0, 3]), np.array([[2, 0, 0]]), 60.0, 3
    )
    assert outcome.tolist() == [ANSWERED, ANSWERED, WAITING]
    np.testing.assert_allclose(start[:2], [10.0, 20.0])
    np.testing.assert_allclose(busy[0], [50.0 + 40.0, 10.0 + 30.0, 0.0])
    np.testing.assert_allclose(overrun[0], [0.0, 40.0, 0.0])


def test_group_quantile_matches_numpy():
    rng = np.random.default_rng(3)
    values = rng.exponential(10.0, 500)
    valid = rng.random(500) < 0.8
    ptr = np.array([0, 0, 7, 100, 101, 500])
    got = group_quantile(values, valid, ptr, 0.9)
    for g in range(5):
        chunk = values[ptr[g]:ptr[g + 1]][valid[ptr[g]:ptr[g + 1]]]
        expected = np.percentile(chunk, 90) if chunk.size else np.nan
        np.testing.assert_allclose(got[g], expected, equal_nan=True)


def test_confidence_interval_is_the_t_interval():
    x = np.array([1.0, 2.0, 3.0, 4.0, np.nan])
    mean, lo, hi = confidence_interval(x[:, None], 0.95)
    # t_{0.975, 3} = 3.182446 (any t table), s = 1.290994, n = 4.
    half = 3.182446305 * 1.2909944487 / 2.0
    np.testing.assert_allclose([mean[0], lo[0], hi[0]], [2.5, 2.5 - half, 2.5 + half], rtol=1e-8)


# ----------------------------------------------------------------------------- stationary agreement

J, IM = 240, 15  # 60 hours of 15-minute intervals
CONTACTS, AHT, AGENTS = 100.0, 240.0, 30  # a = 100 * 240 / 900 = 26.67 Erlangs
LOAD = CONTACTS * AHT / (IM * 60.0)


def _stationary(settings: SimulationSettings):
    counts = simulate_arrays(np.full(J, CONTACTS), np.full(J, AHT), np.full(J * IM, AGENTS), IM, settings)
    return counts, summarise_period(counts, settings, first_interval=4)  # drop a one-hour warm-up


def test_stationary_agrees_with_erlang_c():
    settings = SimulationSettings(replications=20, answer_seconds=20.0, seed=11)
    _, s = _stationary(settings)
    _within(float(erlang.service_level_erlang_c(AGENTS, LOAD, AHT, 20.0)), s, "service_level")
    _within(float(erlang.asa_erlang_c(AGENTS, LOAD, AHT)), s, "asa_seconds")
    _within(float(erlang.erlang_c(AGENTS, LOAD)), s, "prob_wait")
    _within(float(erlang.occupancy_erlang_c(AGENTS, LOAD)), s, "occupancy")
    assert s["abandoned"] == 0.0


def test_stationary_agrees_with_erlang_a():
    settings = SimulationSettings(replications=20, answer_seconds=20.0, patience_seconds=180.0, seed=12)
    _, s = _stationary(settings)
    ref = erlang.erlang_a(AGENTS, LOAD, AHT, 180.0, 20.0)
    _within(float(ref.service_level), s, "service_level")
    _within(float(ref.asa_seconds), s, "asa_seconds")
    _within(float(ref.prob_wait), s, "prob_wait")
    _within(float(ref.prob_abandon), s, "abandon_rate")
    _within(float(ref.occupancy), s, "occupancy")
    # mean wait of every contact (answered or abandoned) = P(Ab) * patience (Little on abandonment)
    _within(float(ref.mean_wait_seconds), s, "average_wait_seconds")


def test_stationary_erlang_a_answered_definition():
    settings = SimulationSettings(
        replications=20, patience_seconds=180.0, service_level_definition="answered", seed=13
    )
    _, s = _stationary(settings)
    ref = erlang.erlang_a(AGENTS, LOAD, AHT, 180.0, 20.0)
    _within(float(ref.service_level_answered), s, "service_level")


def test_chat_concurrency_matches_the_engines_chat_model():
    # 8 agents x 3 chats = 24 slots for 100 chats of 180 s per 15 min (20 Erlangs): the queueing
    # engine's chat model is Erlang C with 24 servers.
    fc = _forecast(240, contacts=100.0, aht=180.0)
    staffing = pd.DataFrame({"interval_start": fc.interval_start, "agents": 8})
    settings = SimulationSettings(replications=20, concurrency=3, seed=21)
    res = simulate(fc, staffing=staffing, settings=settings)
    assert (res.intervals["agents"] == 8).all()
    s = summarise_period(res.counts, settings, first_interval=4)
    _within(float(erlang.service_level_erlang_c(24, 20.0, 180.0, 20.0)), s, "service_level")
    cmp = compare_with_erlang(res)
    assert cmp["erlang_service_level"].iloc[10] == pytest.approx(float(erlang.service_level_erlang_c(24, 20.0, 180.0, 20.0)))


def test_littles_law_and_conservation():
    settings = SimulationSettings(replications=10, patience_seconds=120.0, seed=5)
    agents = np.full(J * IM, AGENTS - 3)
    agents[-IM:] = 0  # nobody in the last interval: contacts are still waiting at the end
    c = simulate_arrays(np.full(J, CONTACTS), np.full(J, AHT), agents, IM, settings)
    # conservation, per interval and replication
    np.testing.assert_array_equal(c.offered, c.answered + c.abandoned + c.waiting_at_end)
    assert c.waiting_at_end[:, -1].sum() > 0
    # queue at the last interval end = contacts still waiting
    np.testing.assert_array_equal(c.queue_length[:, -1], c.waiting_at_end.sum(axis=1))
    # Little's law on the queue: time-average queue (sampled at interval ends) = lambda * mean wait
    w = slice(4, J - 2)
    lam = c.offered[:, w].sum() / (c.offered[:, w].size * IM * 60.0)
    mean_wait = c.wait_left_seconds[:, w].sum() / (c.answered[:, w] + c.abandoned[:, w]).sum()
    assert c.queue_length[:, w].mean() == pytest.approx(lam * mean_wait, rel=0.05)
    # Little's law on the agents: mean busy agents = throughput * mean handle time
    busy_agents = c.busy_seconds[:, w].mean() / (IM * 60.0)
    throughput = c.answered[:, w].sum() / (c.answered[:, w].size * IM * 60.0)
    assert busy_agents == pytest.approx(throughput * AHT, rel=0.02)


# ----------------------------------------------------------------------------- random inputs


def test_draw_contacts_distributions():
    rng = np.random.default_rng(0)
    s = SimulationSettings(handle_time_distribution="lognormal", handle_time_cv=0.6, patience_seconds=90.0)
    arrival, service, patience, interval = draw_contacts(np.full(50, 400.0), np.full(50, 200.0), 900.0, s, rng)
    assert np.all(np.diff(arrival) >= 0)
    np.testing.assert_array_equal(interval, np.floor(arrival / 900.0))
    assert arrival.size == pytest.approx(20_000, rel=0.03)
    assert service.mean() == pytest.approx(200.0, rel=0.02)
    assert service.std() / service.mean() == pytest.approx(0.6, rel=0.04)
    assert patience.mean() == pytest.approx(90.0, rel=0.03)


def test_over_dispersion_inflates_the_variance_of_arrivals():
    # Poisson-Gamma mixture: Var[N] = m + cv^2 m^2 = 100 + 0.09 * 10_000 = 1000 (vs 100 for Poisson).
    settings = SimulationSettings(replications=40, arrival_cv=0.3, seed=2)
    c = simulate_arrays(np.full(40, 100.0), np.full(40, 60.0), np.full(40 * 15, 20), 15, settings)
    var = c.offered.var(axis=0, ddof=1).mean()
    assert 800 < var < 1250
    plain = simulate_arrays(np.full(40, 100.0), np.full(40, 60.0), np.full(40 * 15, 20), 15,
                            SimulationSettings(replications=40, seed=2))
    assert 80 < plain.offered.var(axis=0, ddof=1).mean() < 125


# ----------------------------------------------------------------------------- roster


def _roster() -> pd.DataFrame:
    rows = [
        ("A", "2026-11-30", "shift", "2026-11-30T08:00", "2026-11-30T10:00"),
        ("A", "2026-11-30", "break", "2026-11-30T09:00", "2026-11-30T09:15"),
        ("B", "2026-11-30", "shift", "2026-11-30T08:30", "2026-11-30T10:00"),
        ("B", "2026-11-30", "lunch", "2026-11-30T09:10", "2026-11-30T09:40"),
        ("C", "2026-11-29", "shift", "2026-11-29T22:00", "2026-11-30T08:20"),  # night shift ends at 08:20
    ]
    return pd.DataFrame(rows, columns=["agent_id", "date", "activity", "start", "end"])


def test_roster_agents_per_minute_hand_counts():
    apm = roster_agents_per_minute(_roster(), "2026-11-30T08:00", 120)
    expected = np.zeros(120, dtype=int)
    expected[0:120] += 1  # A on shift 08:00-10:00
    expected[60:75] -= 1  # A on break 09:00-09:15
    expected[30:120] += 1  # B 08:30-10:00
    expected[70:100] -= 1  # B lunch 09:10-09:40
    expected[0:20] += 1  # C until 08:20
    np.testing.assert_array_equal(apm, expected)


def test_roster_absence_scenarios():
    # agent-days in order of first appearance: (A, 30th), (B, 30th), (C, 29th)
    present = np.array([[True, False, True], [False, False, False]])
    apm = roster_agents_per_minute(_roster(), "2026-11-30T08:00", 120, present=present)
    assert apm.shape == (2, 120)
    assert apm[0, 10] == 2 and apm[0, 40] == 1 and apm[1].sum() == 0


@pytest.mark.parametrize(
    "change, match",
    [
        ({"activity": ["meeting"] + ["shift"] * 4}, r"row 1 \(CSV line 2\), column 'activity'"),
        ({"end": ["2026-11-30T07:00"] + [None] * 4}, r"row 1 .*expected 'end' after 'start'"),
        ({"start": [None, "2026-11-30T07:30", None, None, None]}, r"row 2 .*not inside a shift"),
        ({"start": ["yesterday"] + [None] * 4}, r"column 'start'"),
        ({"activity": [None, None, None, "break"], "start": [None, None, None, "2026-11-30T09:05"],
          "agent_id": [None, None, None, "A"], "end": [None, None, None, "2026-11-30T09:20"]},
         r"row 4 .*break/lunch of agent 'A'.*overlaps row 2"),
    ],
)
def test_validate_roster_errors_name_the_row(change, match):
    df = _roster()
    for col, values in change.items():
        for i, v in enumerate(values):
            if v is not None:
                df.loc[i, col] = v
    with pytest.raises(InputError, match=match):
        validate_roster(df)


def test_validate_roster_missing_column():
    with pytest.raises(InputError, match=r"missing column\(s\) \['activity'\]"):
        validate_roster(_roster().drop(columns="activity"))


# ----------------------------------------------------------------------------- simulate()


def _forecast(n: int = 16, contacts: float = 60.0, aht: float = 300.0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "interval_start": pd.date_range("2026-11-30 08:00", periods=n, freq="15min"),
            "contacts": contacts,
            "aht_seconds": aht,
        }
    )


def test_simulate_with_staffing_frame_outputs():
    fc = _forecast()
    staffing = pd.DataFrame({"interval_start": fc.interval_start, "agents": 22})
    res = simulate(fc, staffing=staffing, settings=SimulationSettings(replications=8, patience_seconds=200.0))
    iv = res.intervals
    assert list(iv.columns) == list(INTERVAL_COLUMNS)
    assert len(iv) == 16 and (iv["agents"] == 22).all()
    for key in ("service_level", "asa_seconds", "occupancy", "abandon_rate"):
        assert (iv[f"{key}_lower"] <= iv[key] + 1e-12).all() and (iv[key] <= iv[f"{key}_upper"] + 1e-12).all()
    np.testing.assert_allclose(iv["offered"], iv["answered"] + iv["abandoned"] + iv["waiting_at_end"])
    assert len(res.period) == 1 and len(res.replications) == 8
    assert res.period["offered"].iloc[0] == pytest.approx(iv["offered"].sum())
    assert 0.5 < res.period["service_level"].iloc[0] <= 1.0


def test_daily_summary_splits_the_period_by_calendar_date():
    fc = _forecast(96, contacts=30.0, aht=200.0)  # 08:00 on the 30th to 07:45 on the 1st
    staffing = pd.DataFrame({"interval_start": fc.interval_start, "agents": 10})
    res = simulate(fc, staffing=staffing, settings=SimulationSettings(replications=6, patience_seconds=60.0))
    days = res.days
    assert days["date"].tolist() == ["2026-11-30", "2026-12-01"]
    assert days["offered"].sum() == pytest.approx(res.period["offered"].iloc[0])
    first = res.intervals[res.intervals.interval_start < pd.Timestamp("2026-12-01")]
    assert days["offered"].iloc[0] == pytest.approx(first["offered"].sum())
    c = res.counts
    # the daily p90 is the percentile of the day's waits: between the smallest and largest interval p90
    p90 = c.day_wait_p90_seconds[:, 0]
    assert np.all(p90 <= np.nanmax(c.wait_p90_seconds[:, :64], axis=1) + 1e-9)
    assert np.all(p90 >= np.nanmin(c.wait_p90_seconds[:, :64], axis=1) - 1e-9)


def test_simulate_is_reproducible_and_replications_extend():
    fc = _forecast()
    staffing = pd.DataFrame({"interval_start": fc.interval_start, "agents": 20})
    a = simulate(fc, staffing=staffing, settings=SimulationSettings(replications=5, seed=3))
    b = simulate(fc, staffing=staffing, settings=SimulationSettings(replications=5, seed=3))
    c = simulate(fc, staffing=staffing, settings=SimulationSettings(replications=10, seed=3))
    d = simulate(fc, staffing=staffing, settings=SimulationSettings(replications=5, seed=4))
    pd.testing.assert_frame_equal(a.intervals, b.intervals)
    pd.testing.assert_frame_equal(a.replications, c.replications.iloc[:5])
    assert not a.replications["service_level"].equals(d.replications["service_level"])


def test_simulate_zero_contact_and_closed_intervals():
    fc = _forecast(8)
    fc.loc[2, "contacts"] = 0.0
    fc = fc.drop(index=[5]).reset_index(drop=True)  # a closed interval (gap in the timestamps)
    staffing = pd.DataFrame({"interval_start": fc.interval_start, "agents": 25})
    res = simulate(fc, staffing=staffing, settings=SimulationSettings(replications=4))
    assert len(res.intervals) == 7
    assert np.isnan(res.intervals.loc[2, "service_level"]) and res.intervals.loc[2, "offered"] == 0


def test_simulate_input_errors():
    fc = _forecast(4)
    staffing = pd.DataFrame({"interval_start": fc.interval_start[:3], "agents": 5})
    with pytest.raises(InputError, match="no 'agents' row for interval 2026-11-30 08:45"):
        simulate(fc, staffing=staffing)
    with pytest.raises(InputError, match="exactly one of"):
        simulate(fc)
    bad = pd.DataFrame({"interval_start": fc.interval_start, "agents": [5, 5, 2.5, 5]})
    with pytest.raises(InputError, match=r"row 3 \(CSV line 4\), column 'agents'"):
        simulate(fc, staffing=bad)
    two = pd.concat([fc.assign(channel="voice"), fc.assign(channel="chat")])
    with pytest.raises(InputError, match="choose one to simulate"):
        simulate(two, staffing=pd.DataFrame({"interval_start": fc.interval_start, "agents": 5}))


def test_absence_removes_agents_and_hurts_service():
    fc = _forecast(16, contacts=60.0, aht=300.0)
    roster = pd.DataFrame(
        [(f"A{i}", "2026-11-30", "shift", "2026-11-30T08:00", "2026-11-30T12:00") for i in range(25)],
        columns=["agent_id", "date", "activity", "start", "end"],
    )
    full = simulate(fc, roster=roster, settings=SimulationSettings(replications=30, seed=1))
    sick = simulate(fc, roster=roster, settings=SimulationSettings(replications=30, seed=1, absence_probability=0.2))
    assert (full.intervals["agents"] == 25).all()
    assert sick.intervals["agents"].mean() == pytest.approx(20.0, abs=1.0)  # 25 * 0.8, sd of the mean 0.4
    assert sick.period["service_level"].iloc[0] < full.period["service_level_lower"].iloc[0]
    # staffing mode: the k-th agent of the day is absent with probability p
    staffing = pd.DataFrame({"interval_start": fc.interval_start, "agents": 25})
    s2 = simulate(fc, staffing=staffing, settings=SimulationSettings(replications=30, seed=1, absence_probability=0.2))
    assert s2.intervals["agents"].mean() == pytest.approx(20.0, abs=1.0)


def test_compare_with_erlang_flags_the_backlog_after_a_break_hole():
    # 20 agents; 9 of them are on break during the whole 09:00 interval (11 agents for 13.3
    # Erlangs).  Erlang treats every interval as a fresh steady state: it predicts SL 0 for the
    # hole (unstable) and 96 % right after.  The simulation carries the queue built in the hole
    # into 09:15, where the formula is clearly optimistic.
    fc = _forecast(8, contacts=50.0, aht=240.0)  # 13.3 Erlangs
    rows = [(f"A{i}", "2026-11-30", "shift", "2026-11-30T08:00", "2026-11-30T10:00") for i in range(20)]
    rows += [(f"A{i}", "2026-11-30", "break", "2026-11-30T09:00", "2026-11-30T09:15") for i in range(9)]
    roster = pd.DataFrame(rows, columns=["agent_id", "date", "activity", "start", "end"])
    res = simulate(fc, roster=roster, settings=SimulationSettings(replications=40, seed=8))
    cmp = compare_with_erlang(res)
    assert list(cmp.columns) == list(COMPARISON_COLUMNS)
    hole = cmp[cmp.interval_start == pd.Timestamp("2026-11-30 09:00")].iloc[0]
    after = cmp[cmp.interval_start == pd.Timestamp("2026-11-30 09:15")].iloc[0]
    assert hole.agents == 11 and hole.erlang_service_level == 0.0 and hole.simulated_service_level > 0.1
    assert after.erlang_optimistic and after.service_level_gap < -0.1
    # outside the hole the formula and the simulation agree within the CI (steady intervals)
    steady = cmp.iloc[2:4]
    assert ((steady.simulated_service_level_lower <= steady.erlang_service_level + 0.02)
            & (steady.erlang_service_level <= steady.simulated_service_level_upper + 0.02)).all()


# ----------------------------------------------------------------------------- SimPy cross-check


def test_same_inputs_give_the_same_outcomes_as_the_simpy_model():
    pytest.importorskip("simpy")
    spec = importlib.util.spec_from_file_location("simulation_speed", ROOT / "benchmarks" / "simulation_speed.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    rng = np.random.default_rng(42)
    n_int, im = 12, 15
    agents = np.repeat(rng.integers(5, 12, n_int), im)
    agents[50:58] -= 3  # breaks in the middle of intervals
    settings = SimulationSettings(patience_seconds=60.0, handle_time_distribution="lognormal", handle_time_cv=1.5)
    arr, svc, pat, _ = draw_contacts(np.full(n_int, 40.0), np.full(n_int, 150.0), im * 60.0, settings, rng)
    s_py, o_py = bench.simpy_replication(arr, svc, pat, agents)
    s_nb, o_nb, _, _ = simulate_queue(arr, svc, pat, np.array([0, arr.size]), agents[None, :], im * 60.0, n_int)
    np.testing.assert_array_equal(o_py, o_nb)
    done = o_nb != WAITING
    np.testing.assert_allclose(s_py[done], s_nb[done], rtol=0, atol=1e-9)
    assert (o_nb == ABANDONED).sum() > 10  # the scenario exercises abandonment


# ----------------------------------------------------------------------------- CLI


def _cli(argv: list[str]) -> int:
    from staffing.cli import main

    return main(argv)


def test_cli_staffing_and_roster(tmp_path, capsys):
    fc = _forecast(8)
    fc.to_csv(tmp_path / "fc.csv", index=False)
    pd.DataFrame({"interval_start": fc.interval_start, "agents": 24}).to_csv(tmp_path / "st.csv", index=False)
    code = _cli([
        "simulate", str(tmp_path / "fc.csv"), "--staffing", str(tmp_path / "st.csv"), "--replications", "5",
        "--answer-seconds", "20", "--patience-seconds", "120", "--handle-time", "lognormal",
        "--handle-time-cv", "0.7", "--seed", "1", "-o", str(tmp_path / "k.csv"),
        "--compare", str(tmp_path / "cmp.csv"), "--period-output", str(tmp_path / "p.csv"),
        "--daily-output", str(tmp_path / "d.csv"),
    ])
    assert code == 0
    kpis = pd.read_csv(tmp_path / "k.csv")
    for col in ("interval_start", "offered", "answered", "abandoned", "service_level", "service_level_lower",
                "service_level_upper", "asa_seconds", "occupancy"):
        assert col in kpis.columns
    assert len(kpis) == 8
    assert len(pd.read_csv(tmp_path / "cmp.csv")) == 8 and len(pd.read_csv(tmp_path / "p.csv")) == 1
    assert pd.read_csv(tmp_path / "d.csv")["date"].tolist() == ["2026-11-30"]
    assert "service level" in capsys.readouterr().out

    _roster().to_csv(tmp_path / "r.csv", index=False)
    code = _cli(["simulate", str(tmp_path / "fc.csv"), "--roster", str(tmp_path / "r.csv"),
                 "--replications", "3", "--absence-probability", "0.1", "-o", str(tmp_path / "k2.csv")])
    assert code == 0 and len(pd.read_csv(tmp_path / "k2.csv")) == 8


def test_several_channels_each_get_their_own_queue(tmp_path):
    fc = _forecast(4)
    two = pd.concat([fc.assign(channel="voice"), fc.assign(channel="chat", contacts=10.0)], ignore_index=True)
    staffing = pd.concat([
        pd.DataFrame({"interval_start": fc.interval_start, "agents": 22, "channel": "voice"}),
        pd.DataFrame({"interval_start": fc.interval_start, "agents": 4, "channel": "chat"}),
    ])
    res = simulate_channels(two, staffing, SimulationSettings(replications=4))
    assert list(res) == ["chat", "voice"]
    assert (res["chat"].intervals["agents"] == 4).all() and (res["voice"].intervals["agents"] == 22).all()
    assert res["chat"].period["offered"].iloc[0] < res["voice"].period["offered"].iloc[0]
    with pytest.raises(InputError, match="no 'channel' column"):
        simulate_channels(two, staffing.drop(columns="channel"))
    two.to_csv(tmp_path / "fc.csv", index=False)
    staffing.to_csv(tmp_path / "st.csv", index=False)
    assert _cli(["simulate", str(tmp_path / "fc.csv"), "--staffing", str(tmp_path / "st.csv"), "--replications",
                 "3", "-o", str(tmp_path / "k.csv"), "--period-output", str(tmp_path / "p.csv")]) == 0
    assert len(pd.read_csv(tmp_path / "k.csv")) == 8
    assert sorted(pd.read_csv(tmp_path / "p.csv")["channel"]) == ["chat", "voice"]


def test_cli_errors_exit_2(tmp_path, capsys):
    _forecast(4).to_csv(tmp_path / "fc.csv", index=False)
    pd.DataFrame({"when": [1], "agents": [3]}).to_csv(tmp_path / "st.csv", index=False)
    assert _cli(["simulate", str(tmp_path / "fc.csv"), "--staffing", str(tmp_path / "st.csv")]) == 2
    assert "missing column(s) ['interval_start']" in capsys.readouterr().err
    assert _cli(["simulate", str(tmp_path / "nope.csv"), "--staffing", str(tmp_path / "st.csv")]) == 2
    assert _cli(["simulate", str(tmp_path / "fc.csv"), "--staffing", str(tmp_path / "st.csv"),
                 "--replications", "0"]) == 2


# ----------------------------------------------------------------------------- properties and extras


def test_per_interval_handle_time_cv_column():
    rng = np.random.default_rng(1)
    s = SimulationSettings(handle_time_distribution="lognormal", handle_time_cv=1.0)
    _, service, _, interval = draw_contacts(np.array([3000.0, 3000.0]), np.array([100.0, 300.0]), 900.0, s, rng,
                                            handle_time_cv=np.array([0.2, 2.0]))
    first, second = service[interval == 0], service[interval == 1]
    assert first.mean() == pytest.approx(100.0, rel=0.02) and first.std() / first.mean() == pytest.approx(0.2, rel=0.1)
    assert second.mean() == pytest.approx(300.0, rel=0.1) and second.std() / second.mean() > 1.3
    fc = _forecast(4).assign(handle_time_cv=[0.5, 0.5, 0.5, -1.0])
    staffing = pd.DataFrame({"interval_start": fc.interval_start, "agents": 20})
    with pytest.raises(InputError, match="column 'handle_time_cv'"):
        simulate(fc, staffing=staffing, settings=SimulationSettings(handle_time_distribution="lognormal"))


def test_timezone_aware_inputs():
    fc = _forecast(8)
    fc["interval_start"] = fc["interval_start"].dt.tz_localize("Europe/Amsterdam")
    roster = _roster()
    for col in ("start", "end"):
        roster[col] = pd.to_datetime(roster[col]).dt.tz_localize("Europe/Amsterdam")
    res = simulate(fc, roster=roster, settings=SimulationSettings(replications=3))
    # 08:00-08:15: A and C; 08:15-08:30: A, and C until 08:20; 08:30-08:45: A and B
    np.testing.assert_allclose(res.intervals["agents"].iloc[:3], [2.0, 1 + 5 / 15, 2.0])
    naive = _roster()
    with pytest.raises(InputError, match="timezone"):
        simulate(fc, roster=naive, settings=SimulationSettings(replications=2))


@hyp_settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    agents=st.lists(st.integers(0, 6), min_size=3, max_size=3),
    extra_minute=st.integers(0, 44),
)
def test_an_extra_agent_never_delays_anyone_without_abandonment(seed, agents, extra_minute):
    # FCFS without abandonment: the Kiefer-Wolfowitz free-time vector is monotone, so adding an
    # agent from any minute on can only bring every answer time forward (same random numbers).
    rng = np.random.default_rng(seed)
    arr, svc, pat, _ = draw_contacts(np.full(3, 15.0), np.full(3, 200.0), 900.0, SimulationSettings(), rng)
    base = np.repeat(np.array(agents), 15)
    more = base.copy()
    more[extra_minute:] += 1
    ptr = np.array([0, arr.size])
    s0, o0, _, _ = simulate_queue(arr, svc, pat, ptr, base[None, :], 900.0, 3)
    s1, o1, _, _ = simulate_queue(arr, svc, pat, ptr, more[None, :], 900.0, 3)
    assert np.all(s1 <= s0 + 1e-9)
    assert np.sum(o1 == ANSWERED) >= np.sum(o0 == ANSWERED)
