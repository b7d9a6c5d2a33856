"""Reader of the Curtois & Qu benchmark format: sizes and error messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from staffing.curtois_format import parse_curtois, read_curtois
from staffing.errors import InputError

DATA = Path(__file__).parent / "data"

SMALL = """
SECTION_HORIZON
14
SECTION_SHIFTS
D,480,
L,600,D
SECTION_STAFF
A,D=14|L=3,4320,3360,5,2,2,1
B,D=14|L=0,4320,3360,5,2,2,1
SECTION_DAYS_OFF
A,0,7
SECTION_SHIFT_ON_REQUESTS
B,2,D,3
SECTION_SHIFT_OFF_REQUESTS
A,3,L,2
SECTION_COVER
0,D,1,100,1
"""


def test_parse_small_instance() -> None:
    inst = parse_curtois(SMALL)
    assert inst.horizon_days == 14
    assert inst.shift_ids == ("D", "L")
    assert inst.shifts[1].forbidden_next == ("D",)
    assert inst.staff[0].max_shifts == {"D": 14, "L": 3}
    assert inst.staff[0].min_consecutive_days_off == 2
    assert inst.days_off == {"A": (0, 7)}
    assert inst.shift_on_requests[0].weight == 3
    assert inst.cover[0].weight_under == 100


def test_published_sizes() -> None:
    # Sizes from the benchmark README (counted from the files): Instance 1.
    inst = read_curtois(DATA / "curtois_Instance1.txt")
    assert (inst.horizon_days, len(inst.shifts), len(inst.staff)) == (14, 1, 8)
    assert (len(inst.shift_on_requests), len(inst.shift_off_requests)) == (21, 5)


@pytest.mark.parametrize(
    "old,new,match",
    [
        ("B,D=14|L=0,4320,3360,5,2,2,1", "B,D=14|L=0,4320,3360,5,2,2", r"SECTION_STAFF, line 9: expected ID.*found 7"),
        ("0,D,1,100,1", "0,X,1,100,1", r"SECTION_COVER, line 17: unknown shift 'X'"),
        ("B,2,D,3", "Z,2,D,3", r"SECTION_SHIFT_ON_REQUESTS, line 13: unknown employee 'Z'"),
        ("14\n", "fourteen\n", r"SECTION_HORIZON, line 3: expected a whole number"),
        ("L,600,D", "L,ten,D", r"SECTION_SHIFTS, line 6"),
        ("A,3,L,2", "A,30,L,2", r"SECTION_SHIFT_OFF_REQUESTS, line 15: day 30 outside the horizon"),
    ],
)
def test_errors_name_section_and_line(old: str, new: str, match: str) -> None:
    with pytest.raises(InputError, match=match):
        parse_curtois(SMALL.replace(old, new, 1))
