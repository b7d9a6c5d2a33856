"""The Curtois & Qu benchmark expressed with the weekly-roster model (build_roster) and solved."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from staffing.curtois_format import evaluate_roster, parse_curtois, read_curtois
from staffing.scheduling.curtois import solve_curtois

DATA = Path(__file__).parent / "data"

# One employee, 7 days, min 3 consecutive shifts, min 2 days off, at most 4 shifts.
# Cover wants 1 person every day (under weight 10, over weight 1).
# Best: 4 shifts in one run -> 3 uncovered days = 30. Requests make the placement unique.
TINY = """
SECTION_HORIZON
7
SECTION_SHIFTS
D,480,
SECTION_STAFF
A,D=4,1920,0,4,3,2,1
SECTION_DAYS_OFF
SECTION_SHIFT_ON_REQUESTS
A,1,D,5
SECTION_SHIFT_OFF_REQUESTS
A,0,D,7
SECTION_COVER
0,D,1,10,1
1,D,1,10,1
2,D,1,10,1
3,D,1,10,1
4,D,1,10,1
5,D,1,10,1
6,D,1,10,1
"""


def test_instance1_proven_optimum() -> None:
    # Curtois & Qu (2014), Instance 1: proven optimum 607 (benchmark README, every method).
    inst = read_curtois(DATA / "curtois_Instance1.txt")
    res = solve_curtois(inst, time_limit_seconds=60, num_workers=8, seed=1)
    assert res.status == "optimal"
    assert res.objective == 607 and res.bound == pytest.approx(607)
    violations, penalty = evaluate_roster(inst, res.roster)
    assert violations == [] and penalty == 607


def test_tiny_instance_hand_optimum() -> None:
    inst = parse_curtois(TINY)
    res = solve_curtois(inst, time_limit_seconds=20, num_workers=2)
    assert res.status == "optimal" and res.objective == 30
    # run of 4 starting on day 1 (request on day 1, off request on day 0, weekend max 1 allows Sat only)
    assert sorted(res.roster["day"]) == [1, 2, 3, 4]
    assert evaluate_roster(inst, res.roster) == ([], 30)


def _three_days_one_employee(cover: tuple[int, int, int]) -> str:
    """Three days, one shift type, one employee with at least 2 consecutive shifts; ``cover`` is the
    head count wanted per day (under-cover weight 10, over-cover weight 1)."""
    rows = "".join(f"{d},D,{n},10,1\n" for d, n in enumerate(cover))
    return ("SECTION_HORIZON\n3\nSECTION_SHIFTS\nD,480,\nSECTION_STAFF\nA,D=3,1440,0,3,2,1,1\n"
            f"SECTION_COVER\n{rows}")


def test_runs_touching_day_zero_convention() -> None:
    # Three days, min 2 consecutive shifts, cover wants day 0 only. Strict: a one-day run is illegal,
    # so the employee works both days (over-cover 1). Published convention: a run touching day 0
    # may have started before the horizon... but this one also ends inside: it is still exempt.
    text = _three_days_one_employee((1, 0, 0))
    inst = parse_curtois(text)
    strict = solve_curtois(inst, time_limit_seconds=10, num_workers=2)
    assert strict.objective == 1 and sorted(strict.roster["day"]) == [0, 1]
    published = solve_curtois(inst, time_limit_seconds=10, num_workers=2, runs_may_continue_before_start=True)
    assert published.objective == 0 and sorted(published.roster["day"]) == [0]
    assert evaluate_roster(inst, published.roster)[0] != []  # strictly, that roster breaks the minimum
    assert evaluate_roster(inst, published.roster, runs_may_continue_before_start=True) == ([], 0)


def test_evaluator_flags_each_rule() -> None:
    inst = parse_curtois(TINY)
    bad = pd.DataFrame({"employee": ["A"] * 6, "day": [0, 1, 3, 4, 5, 6], "shift": ["D"] * 6})
    violations, _ = evaluate_roster(inst, bad)
    text = " | ".join(violations)
    assert "6 D shifts > max 4" in text
    assert "4 consecutive shifts" not in text  # the run 3-6 has length 4 = max: allowed
    assert "2 consecutive shifts < 3 from day 0" in text
    assert "1 consecutive days off < 2 from day 2" in text
    assert "paid minutes outside" in text


def test_runs_touching_the_last_day_convention() -> None:
    # Three days, min 2 consecutive shifts, cover wants only the last day. Strict and published:
    # a one-day run at the end is illegal, so the employee works days 1 and 2 (over-cover 1) or not
    # at all (under-cover 10); edges convention: the run may continue after the horizon, exempt.
    text = _three_days_one_employee((0, 0, 1))
    inst = parse_curtois(text)
    for first in (False, True):
        res = solve_curtois(inst, time_limit_seconds=10, num_workers=2, runs_may_continue_before_start=first)
        assert res.objective == 1 and sorted(res.roster["day"]) == [1, 2]
    edges = solve_curtois(inst, time_limit_seconds=10, num_workers=2, runs_may_continue_before_start=True,
                          edges_exempt=True)
    assert edges.objective == 0 and sorted(edges.roster["day"]) == [2]
    assert evaluate_roster(inst, edges.roster, runs_may_continue_before_start=True)[0] != []
    assert evaluate_roster(inst, edges.roster, runs_may_continue_before_start=True,
                           runs_may_continue_after_end=True) == ([], 0)


def test_cli_conventions(tmp_path, capsys) -> None:
    # `wfm curtois --convention`: the last-day instance above costs 1 strictly and 0 with edges
    from staffing.cli import main

    path = tmp_path / "last_day.txt"
    path.write_text(_three_days_one_employee((0, 0, 1)))
    out = tmp_path / "roster.csv"
    for convention, penalty, days in (("strict", 1, [1, 2]), ("published", 1, [1, 2]), ("edges", 0, [2])):
        assert main(["curtois", str(path), "--time-limit", "10", "--workers", "2", "--convention", convention,
                     "-o", str(out)]) == 0
        text = capsys.readouterr().out
        assert f"objective (benchmark penalty): {penalty} " in text and "hard-rule violations: 0" in text
        assert sorted(pd.read_csv(out)["day"]) == days
