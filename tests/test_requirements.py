"""Agents required per interval: published staffing levels, searches, channels, validation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import staffing
from staffing import erlang
from staffing.errors import InputError
from staffing.requirements import agents_required, agents_to_schedule, deferred_requirements
from staffing.settings import ServiceTargets

SL_80_20 = ServiceTargets(service_level=0.8, answer_seconds=20)
SL_80_20_A = ServiceTargets(service_level=0.8, answer_seconds=20, patience_seconds=120)


def brute_force(erlangs: float, aht: float, targets: ServiceTargets) -> int:
    """Independent linear scan from 0 upward using the formulas directly."""
    start = 0 if targets.service_level_definition == "offered" else int(np.floor(erlangs))
    for n in range(start, 100_000):
        if targets.patience_seconds is None:
            sl = erlang.service_level_erlang_c(n, erlangs, aht, targets.answer_seconds)
            asa = erlang.asa_erlang_c(n, erlangs, aht)
            occ = erlang.occupancy_erlang_c(n, erlangs)
            ab = 0.0
        else:
            r = erlang.erlang_a(n, erlangs, aht, targets.patience_seconds, targets.answer_seconds)
            sl = float(
                {"offered": r.service_level, "answered": r.service_level_answered}[targets.service_level_definition]
            )
            asa, occ, ab = float(r.asa_seconds), float(r.occupancy), float(r.prob_abandon)
        ok = n >= targets.min_agents
        if erlangs > 0:
            ok &= targets.service_level is None or sl >= targets.service_level
            ok &= targets.max_asa_seconds is None or asa <= targets.max_asa_seconds
            ok &= targets.max_occupancy is None or (n > 0 and occ <= targets.max_occupancy + 1e-12)
            ok &= targets.max_abandon_rate is None or ab <= targets.max_abandon_rate
        if ok:
            return n
    raise AssertionError("not found")


def test_published_erlang_c_staffing() -> None:
    # Issue #3 reference values: 10 Erlangs at AHT 180 s needs 14 for 80/20 (13 give 79.56 %);
    # 10,000 calls/h at AHT 300 s needs 848; 5,000 Erlangs needs 5,019.
    got = agents_required(np.array([10.0, 10_000 * 300 / 3600, 5000.0]), np.array([180.0, 300.0, 300.0]), SL_80_20)
    assert got.tolist() == [14, 848, 5019]


def test_published_erlang_a_staffing() -> None:
    # Issue #3: patience 120 s: 10 Erlangs -> 12 agents; 10,000 calls/h at 300 s -> 755 agents.
    got = agents_required(np.array([10.0, 10_000 * 300 / 3600]), np.array([180.0, 300.0]), SL_80_20_A)
    assert got.tolist() == [12, 755]


def test_erlang_a_goes_below_the_load() -> None:
    # With abandonment, fewer agents than Erlangs can meet 80/20 (pyworkforce never searches there).
    n = int(agents_required(5000.0, 300.0, SL_80_20_A))
    assert n < 5000
    assert 4300 < n < 4450
    r_n = erlang.erlang_a(np.array([n - 1, n]), 5000.0, 300.0, 120.0, 20.0)
    assert r_n.service_level[0] < 0.8 <= r_n.service_level[1]


@pytest.mark.parametrize(
    "targets",
    [
        ServiceTargets(service_level=0.9, answer_seconds=15),
        ServiceTargets(service_level=None, max_asa_seconds=10),
        ServiceTargets(service_level=None, max_occupancy=0.85),
        ServiceTargets(service_level=0.8, max_occupancy=0.75, max_asa_seconds=30, min_agents=3),
        ServiceTargets(service_level=0.8, patience_seconds=60, max_abandon_rate=0.03),
        ServiceTargets(service_level=None, patience_seconds=200, max_abandon_rate=0.05),
        ServiceTargets(service_level=0.7, patience_seconds=30, service_level_definition="answered"),
    ],
)
def test_search_matches_brute_force(targets: ServiceTargets) -> None:
    loads = np.array([0.0, 0.3, 1.0, 2.0, 7.5, 12.0, 33.3, 80.0])
    got = agents_required(loads, 240.0, targets)
    expected = [brute_force(a, 240.0, targets) for a in loads]
    assert got.tolist() == expected


def test_whole_number_erlangs_and_full_occupancy_cap() -> None:
    # Peers crash on these: whole-number Erlangs with an occupancy cap of 1.0.
    t = ServiceTargets(service_level=None, max_occupancy=1.0)
    assert agents_required(np.array([10.0, 0.0, 1.0]), 300.0, t).tolist() == [10, 0, 1]
    n = int(agents_required(10.0, 300.0, ServiceTargets(service_level=0.8)))
    assert n > 10 and n == brute_force(10.0, 300.0, ServiceTargets(service_level=0.8))


def test_shrinkage() -> None:
    assert agents_to_schedule(np.array([14, 10, 0]), 0.3).tolist() == [20, 15, 0]  # 14/0.7 = 20 exactly
    assert agents_to_schedule(np.array([7, 7]), np.array([0.0, 0.35])).tolist() == [7, 11]
    with pytest.raises(InputError, match="shrinkage"):
        agents_to_schedule(10, 1.0)


def _forecast(contacts: list[float], aht: float = 180.0, freq: str = "30min", channel: str | None = None) -> pd.DataFrame:
    df = pd.DataFrame(
        {
            "interval_start": pd.date_range("2026-11-30 08:00", periods=len(contacts), freq=freq),
            "contacts": contacts,
            "aht_seconds": aht,
        }
    )
    if channel:
        df["channel"] = channel
    return df


def test_requirements_table() -> None:
    table = staffing.requirements(_forecast([100, 0, 50]), ServiceTargets(shrinkage=0.3))
    assert list(table.columns) == [
        "interval_start", "channel", "contacts", "aht_seconds", "erlangs", "agents_required",
        "agents_to_schedule", "service_level", "asa_seconds", "occupancy", "abandon_rate", "prob_wait", "backlog",
    ]
    assert table["agents_required"].tolist() == [14, 0, 8]
    assert table["agents_to_schedule"].tolist() == [20, 0, 12]
    assert table["erlangs"].tolist() == [10.0, 0.0, 5.0]
    assert table.loc[0, "service_level"] == pytest.approx(0.8884, abs=5e-5)
    assert table.loc[0, "asa_seconds"] == pytest.approx(7.84, abs=5e-3)
    assert table["abandon_rate"].isna().all() and table["backlog"].isna().all()
    assert table.loc[1, "service_level"] == 1.0


def test_requirements_zero_contacts_gives_min_staff() -> None:
    table = staffing.requirements(_forecast([0, 0]), ServiceTargets(min_agents=2))
    assert table["agents_required"].tolist() == [2, 2]
    assert table.notna()[["service_level", "asa_seconds", "occupancy"]].all().all()


def test_chat_concurrency() -> None:
    # k = 3 chats per agent: M/M/(3n); 30 Erlangs of chat need the smallest n with 3n servers meeting 80/60.
    t = ServiceTargets(kind="chat", concurrency=3, answer_seconds=60)
    n = int(agents_required(30.0, 600.0, t))
    sl = erlang.service_level_erlang_c(np.array([3 * (n - 1), 3 * n]), 30.0, 600.0, 60.0)
    assert sl[0] < 0.8 <= sl[1]
    single = int(agents_required(30.0, 600.0, ServiceTargets(answer_seconds=60)))
    assert n == pytest.approx(single / 3, abs=2)


def test_deferred_backlog_meets_deadlines() -> None:
    # 96 e-mails arrive at 08:00 only, 600 s each, 2 h deadline, 15-min intervals:
    # 57,600 s of work over the 8 intervals ending by 10:00 is 7,200 s per interval = 8 agents.
    starts = pd.date_range("2026-11-30 08:00", periods=12, freq="15min")
    contacts = np.zeros(12)
    contacts[0] = 96
    t = ServiceTargets(kind="deferred", service_level=None, response_hours=2.0)
    out = deferred_requirements(starts, contacts, np.full(12, 600.0), t, 15.0)
    assert out["agents_required"].tolist()[:8] == [8] * 8
    assert out["agents_required"].tolist()[8:] == [0] * 4
    assert out["backlog"].tolist()[:8] == pytest.approx([84, 72, 60, 48, 36, 24, 12, 0])


def test_deferred_closed_hours_finish_before_closing() -> None:
    # Items due overnight must be done before the centre closes.
    day1 = pd.date_range("2026-11-30 16:00", periods=8, freq="15min")  # 16:00-18:00
    day2 = pd.date_range("2026-12-01 08:00", periods=4, freq="15min")
    starts = day1.append(day2)
    contacts = np.zeros(12)
    contacts[6] = 10  # 17:30, due 19:30 while closed -> by 18:00
    t = ServiceTargets(kind="deferred", service_level=None, response_hours=2.0)
    out = deferred_requirements(starts, contacts, np.full(12, 900.0), t, 15.0)
    assert out["backlog"].iloc[7] == pytest.approx(0.0)
    assert out["agents_required"].iloc[6:8].sum() * 900 >= 10 * 900


def test_requirements_deferred_and_voice_channels() -> None:
    voice = _forecast([100, 80], channel="voice")
    email = _forecast([20, 0], aht=600.0, channel="email")
    targets = {"voice": ServiceTargets(), "email": ServiceTargets(kind="deferred", service_level=None, response_hours=1.0)}
    table = staffing.requirements(pd.concat([voice, email]), targets)
    em = table[table["channel"] == "email"]
    assert em["service_level"].isna().all() and em["backlog"].notna().all()
    assert em["agents_required"].sum() * 1800 >= 20 * 600


@pytest.mark.parametrize(
    "mutate,match",
    [
        (lambda df: df.assign(contacts=["10", "x", "3"]), r"row 2 \(CSV line 3\), column 'contacts'.*'x'"),
        (lambda df: df.assign(contacts=[10, -1, 3]), r"row 2 .*'contacts'.*>= 0.*-1"),
        (lambda df: df.assign(aht_seconds=[180, 0, 180]), r"row 2 .*'aht_seconds'.*> 0"),
        (lambda df: df.assign(interval_start=[df.interval_start[0]] * 2 + [df.interval_start[2]]), r"row 2 .*duplicate interval"),
        (lambda df: df.assign(interval_start=["2026-11-30 08:00", "yesterday", "2026-11-30 09:00"]), r"row 2 .*ISO 8601.*'yesterday'"),
        (lambda df: df.drop(columns="aht_seconds"), r"missing column.*aht_seconds"),
    ],
)
def test_bad_input_names_row_and_column(mutate, match) -> None:  # type: ignore[no-untyped-def]
    df = mutate(_forecast([10, 20, 30]))
    with pytest.raises(InputError, match=match):
        staffing.requirements(df, SL_80_20)


def test_interval_length_mismatch() -> None:
    with pytest.raises(InputError, match=r"row 2 .*interval length of 15 minutes"):
        staffing.requirements(_forecast([10, 20, 30], freq="20min"), SL_80_20, interval_minutes=15)


@pytest.mark.parametrize(
    "kwargs,key",
    [
        ({"service_level": 1.0}, "service_level"),
        ({"service_level": 0.0}, "service_level"),
        ({"max_occupancy": 1.2}, "max_occupancy"),
        ({"max_abandon_rate": 0.05}, "max_abandon_rate"),
        ({"shrinkage": 1.0}, "shrinkage"),
        ({"kind": "deferred", "service_level": None}, "response_hours"),
    ],
)
def test_bad_targets(kwargs, key) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=key):
        ServiceTargets(**kwargs)


# ----------------------------------------------------------------------------- property tests

loads = st.floats(min_value=0.0, max_value=3000.0, allow_nan=False)
ahts = st.floats(min_value=10.0, max_value=1800.0, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(a=st.floats(min_value=0.01, max_value=2000.0), aht=ahts, t=st.floats(min_value=0, max_value=120))
def test_service_level_rises_and_asa_falls_with_agents(a: float, aht: float, t: float) -> None:
    n = np.arange(int(a) + 1, int(a) + 60, dtype=float)
    sl = erlang.service_level_erlang_c(n, a, aht, t)
    asa = erlang.asa_erlang_c(n, a, aht)
    assert np.all(np.diff(sl) >= -1e-12) and np.all(np.diff(asa) <= 1e-12)
    assert np.all(np.isfinite(sl)) and np.all(np.isfinite(asa))
    r = erlang.erlang_a(np.arange(0, int(a) + 60, dtype=float), a, aht, 90.0, t)
    assert np.all(np.diff(r.service_level) >= -1e-12) and np.all(np.diff(r.prob_abandon) <= 1e-12)
    assert np.all(np.isfinite(r.service_level)) and np.all(np.isfinite(r.prob_abandon))


@settings(max_examples=60, deadline=None)
@given(a=loads, extra=st.floats(min_value=0.0, max_value=500.0), aht=ahts, patience=st.none() | st.floats(10, 1000))
@example(a=0.0, extra=5e-324, aht=10.0, patience=10.0)  # a subnormal load: no underflow warning
def test_required_agents_never_decrease_with_load(a: float, extra: float, aht: float, patience: float | None) -> None:
    t = ServiceTargets(service_level=0.8, answer_seconds=20, patience_seconds=patience)
    lo, hi = agents_required(np.array([a, a + extra]), aht, t)
    assert hi >= lo
    # more handle time for the same contacts: more Erlangs and slower service
    contacts = a * 900 / aht
    n1 = agents_required(contacts * aht / 900, aht, t)
    n2 = agents_required(contacts * (aht + 30) / 900, aht + 30, t)
    assert n2 >= n1
