"""Reader for the Curtois & Qu employee-scheduling benchmark format (schedulingbenchmarks.org).

The plain-text format has ``#`` comments and sections ``SECTION_HORIZON``,
``SECTION_SHIFTS``, ``SECTION_STAFF``, ``SECTION_DAYS_OFF``,
``SECTION_SHIFT_ON_REQUESTS``, ``SECTION_SHIFT_OFF_REQUESTS`` and ``SECTION_COVER``
(see ``../shared/benchmarks/curtois_nrp/README.md``).  Parse errors name the file,
the section and the line.

References
----------
Curtois, T. & Qu, R. (2014). Computational results on new staff scheduling benchmark
instances. Technical report, University of Nottingham.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    import pandas as pd

from staffing.errors import InputError

_SECTIONS = (
    "SECTION_HORIZON",
    "SECTION_SHIFTS",
    "SECTION_STAFF",
    "SECTION_DAYS_OFF",
    "SECTION_SHIFT_ON_REQUESTS",
    "SECTION_SHIFT_OFF_REQUESTS",
    "SECTION_COVER",
)


@dataclass(frozen=True)
class CurtoisShift:
    """A shift type: id, paid length in minutes, shift ids that may not follow it the next day."""

    shift_id: str
    length_minutes: int
    forbidden_next: tuple[str, ...]


@dataclass(frozen=True)
class CurtoisStaff:
    """One employee's hard limits (all counts over the whole horizon)."""

    staff_id: str
    max_shifts: dict[str, int]
    max_total_minutes: int
    min_total_minutes: int
    max_consecutive_shifts: int
    min_consecutive_shifts: int
    min_consecutive_days_off: int
    max_weekends: int


@dataclass(frozen=True)
class CurtoisRequest:
    """A weighted shift-on or shift-off request: the weight is paid when it is not met."""

    staff_id: str
    day: int
    shift_id: str
    weight: int


@dataclass(frozen=True)
class CurtoisCover:
    """Cover wanted for one day and shift type, with per-person under- and over-cover weights."""

    day: int
    shift_id: str
    requirement: int
    weight_under: int
    weight_over: int


@dataclass(frozen=True)
class CurtoisInstance:
    """A parsed benchmark instance. Day 0 is a Monday; days outside the horizon are days off."""

    name: str
    horizon_days: int
    shifts: tuple[CurtoisShift, ...]
    staff: tuple[CurtoisStaff, ...]
    days_off: dict[str, tuple[int, ...]] = field(default_factory=dict)
    shift_on_requests: tuple[CurtoisRequest, ...] = ()
    shift_off_requests: tuple[CurtoisRequest, ...] = ()
    cover: tuple[CurtoisCover, ...] = ()

    @property
    def shift_ids(self) -> tuple[str, ...]:
        return tuple(s.shift_id for s in self.shifts)


T = TypeVar("T")


def read_curtois(path: str | Path) -> CurtoisInstance:
    """Parse an instance file.

    Raises
    ------
    InputError
        Naming the file, section and line number of the first malformed line, a missing
        section, or a reference to an unknown shift or employee.
    """
    path = Path(path)
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise InputError(f"{path}: file not found.") from None
    return parse_curtois(text, name=str(path))


def parse_curtois(text: str, *, name: str = "instance") -> CurtoisInstance:
    """Parse the text of an instance (see :func:`read_curtois`)."""
    lines: dict[str, list[tuple[int, str]]] = {s: [] for s in _SECTIONS}
    section: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            if line not in lines:
                raise InputError(f"{name}: line {number}: unknown section {line!r}; expected one of {list(_SECTIONS)}.")
            section = line
            continue
        if section is None:
            raise InputError(f"{name}: line {number}: data {line!r} before any SECTION_ header.")
        lines[section].append((number, line))

    def parse_rows(sec: str, n_fields: tuple[int, ...], build: Callable[[list[str]], T], what: str) -> list[T]:
        out = []
        for number, line in lines[sec]:
            parts = [p.strip() for p in line.split(",")]
            if len(parts) not in n_fields:
                raise InputError(
                    f"{name}: {sec}, line {number}: expected {what} ({n_fields[0]} comma-separated fields), "
                    f"found {len(parts)} in {line!r}."
                )
            try:
                out.append(build(parts))
            except ValueError as exc:
                raise InputError(f"{name}: {sec}, line {number}: expected {what}, found {line!r} ({exc}).") from None
        return out

    if not lines["SECTION_HORIZON"]:
        raise InputError(f"{name}: SECTION_HORIZON is missing or empty; expected the number of days.")
    h_line, h_text = lines["SECTION_HORIZON"][0]
    try:
        horizon = int(h_text)
    except ValueError:
        raise InputError(f"{name}: SECTION_HORIZON, line {h_line}: expected a whole number of days, found {h_text!r}.") from None
    if horizon <= 0:
        raise InputError(f"{name}: SECTION_HORIZON, line {h_line}: expected a number of days > 0, found {horizon}.")

    shifts = parse_rows(
        "SECTION_SHIFTS",
        (2, 3),
        lambda p: CurtoisShift(p[0], int(p[1]), tuple(x for x in (p[2].split("|") if len(p) > 2 else []) if x)),
        "ShiftID, length in minutes, forbidden next shifts",
    )
    if not shifts:
        raise InputError(f"{name}: SECTION_SHIFTS is missing or empty.")
    shift_ids = {s.shift_id for s in shifts}

    def max_shifts(text: str) -> dict[str, int]:
        result = {}
        for kv in text.split("|"):
            if kv:
                key, value = kv.split("=")
                result[key] = int(value)
        return result

    staff = parse_rows(
        "SECTION_STAFF",
        (8,),
        lambda p: CurtoisStaff(p[0], max_shifts(p[1]), *(int(v) for v in p[2:8])),
        "ID, MaxShifts, MaxTotalMinutes, MinTotalMinutes, MaxConsecutiveShifts, MinConsecutiveShifts, "
        "MinConsecutiveDaysOff, MaxWeekends",
    )
    staff_ids = {s.staff_id for s in staff}

    days_off: dict[str, tuple[int, ...]] = {}
    for number, line in lines["SECTION_DAYS_OFF"]:
        parts = [p.strip() for p in line.split(",")]
        try:
            days = tuple(int(x) for x in parts[1:] if x)
        except ValueError:
            raise InputError(f"{name}: SECTION_DAYS_OFF, line {number}: expected EmployeeID, day indexes; found {line!r}.") from None
        days_off[parts[0]] = tuple(sorted(set(days_off.get(parts[0], ()) + days)))

    def request(p: list[str]) -> CurtoisRequest:
        return CurtoisRequest(p[0], int(p[1]), p[2], int(p[3]))

    on = parse_rows("SECTION_SHIFT_ON_REQUESTS", (4,), request, "EmployeeID, Day, ShiftID, Weight")
    off = parse_rows("SECTION_SHIFT_OFF_REQUESTS", (4,), request, "EmployeeID, Day, ShiftID, Weight")
    cover = parse_rows(
        "SECTION_COVER",
        (5,),
        lambda p: CurtoisCover(int(p[0]), p[1], int(p[2]), int(p[3]), int(p[4])),
        "Day, ShiftID, Requirement, Weight for under, Weight for over",
    )

    # Cross-references, reported with their line.
    def check_refs(sec: str, rows: list, staff_attr: str | None, shift_attr: str | None, day_attr: str | None) -> None:
        for (number, _), row in zip(lines[sec], rows, strict=True):
            if staff_attr and getattr(row, staff_attr) not in staff_ids:
                raise InputError(f"{name}: {sec}, line {number}: unknown employee {getattr(row, staff_attr)!r}.")
            if shift_attr and getattr(row, shift_attr) not in shift_ids:
                raise InputError(f"{name}: {sec}, line {number}: unknown shift {getattr(row, shift_attr)!r}; known: {sorted(shift_ids)}.")
            if day_attr and not 0 <= getattr(row, day_attr) < horizon:
                raise InputError(f"{name}: {sec}, line {number}: day {getattr(row, day_attr)} outside the horizon 0..{horizon - 1}.")

    check_refs("SECTION_SHIFT_ON_REQUESTS", on, "staff_id", "shift_id", "day")
    check_refs("SECTION_SHIFT_OFF_REQUESTS", off, "staff_id", "shift_id", "day")
    check_refs("SECTION_COVER", cover, None, "shift_id", "day")
    for (number, _), s in zip(lines["SECTION_SHIFTS"], shifts, strict=True):
        for nxt in s.forbidden_next:
            if nxt not in shift_ids:
                raise InputError(f"{name}: SECTION_SHIFTS, line {number}: unknown shift {nxt!r} in the forbidden successions.")
    for (number, _), member in zip(lines["SECTION_STAFF"], staff, strict=True):
        unknown = set(member.max_shifts) - shift_ids
        if unknown:
            raise InputError(f"{name}: SECTION_STAFF, line {number}: unknown shift(s) {sorted(unknown)} in MaxShifts.")
    for number, line in lines["SECTION_DAYS_OFF"]:
        emp = line.split(",")[0].strip()
        if emp not in staff_ids:
            raise InputError(f"{name}: SECTION_DAYS_OFF, line {number}: unknown employee {emp!r}.")

    return CurtoisInstance(
        name=name,
        horizon_days=horizon,
        shifts=tuple(shifts),
        staff=tuple(staff),
        days_off=days_off,
        shift_on_requests=tuple(on),
        shift_off_requests=tuple(off),
        cover=tuple(cover),
    )


def evaluate_roster(
    inst: CurtoisInstance, roster: pd.DataFrame, *, runs_may_continue_before_start: bool = False,
    runs_may_continue_after_end: bool = False,
) -> tuple[list[str], int]:
    """Independent check of a roster against an instance: hard violations and soft penalty.

    Written directly from the benchmark's definitions, sharing no code with the solver.

    Parameters
    ----------
    inst : CurtoisInstance
        The instance.
    roster : pandas.DataFrame
        Columns ``employee``, ``day`` (0-based), ``shift``; one row per worked shift.
    runs_may_continue_before_start : bool
        When True, a working run touching day 0 is exempt from the minimum consecutive
        shifts (the convention behind the published values); default False (days before
        the horizon are days off, as the benchmark text says).
    runs_may_continue_after_end : bool
        When True, a working run touching the last day is exempt too.

    Returns
    -------
    (list of str, int)
        Hard-rule violations in plain words, and the soft penalty.
    """
    shifts = {s.shift_id: s for s in inst.shifts}
    staff = {s.staff_id: s for s in inst.staff}
    horizon = inst.horizon_days
    violations: list[str] = []
    assign: dict[tuple[str, int], str] = {}
    for row in roster.itertuples(index=False):
        e, d, s = str(row.employee), int(row.day), str(row.shift)
        if e not in staff or s not in shifts or not 0 <= d < horizon:
            violations.append(f"unknown employee/shift or day outside the horizon: {e}, {d}, {s}")
            continue
        if (e, d) in assign:
            violations.append(f"{e} has two shifts on day {d}")
        assign[(e, d)] = s
    for e, c in staff.items():
        row_ = [assign.get((e, d)) for d in range(horizon)]
        for d in range(horizon - 1):
            a, b = row_[d], row_[d + 1]
            if a and b and b in shifts[a].forbidden_next:
                violations.append(f"{e}: {b} may not follow {a} (day {d} -> {d + 1})")
        for sid in shifts:
            n = sum(1 for v in row_ if v == sid)
            if n > c.max_shifts.get(sid, 0):
                violations.append(f"{e}: {n} {sid} shifts > max {c.max_shifts.get(sid, 0)}")
        minutes = sum(shifts[v].length_minutes for v in row_ if v)
        if not c.min_total_minutes <= minutes <= c.max_total_minutes:
            violations.append(f"{e}: {minutes} paid minutes outside [{c.min_total_minutes}, {c.max_total_minutes}]")
        d = 0
        while d < horizon:
            on = row_[d] is not None
            end = d
            while end < horizon and (row_[end] is not None) == on:
                end += 1
            length = end - d
            if on:
                if length > c.max_consecutive_shifts:
                    violations.append(f"{e}: {length} consecutive shifts > {c.max_consecutive_shifts} from day {d}")
                exempt = (runs_may_continue_before_start and d == 0) or (runs_may_continue_after_end and end == horizon)
                if length < c.min_consecutive_shifts and not exempt:
                    violations.append(f"{e}: {length} consecutive shifts < {c.min_consecutive_shifts} from day {d}")
            elif d > 0 and end < horizon and length < c.min_consecutive_days_off:
                violations.append(f"{e}: {length} consecutive days off < {c.min_consecutive_days_off} from day {d}")
            d = end
        weekends = sum(1 for w in range(horizon // 7) if row_[7 * w + 5] or row_[7 * w + 6])
        if weekends > c.max_weekends:
            violations.append(f"{e}: {weekends} weekends worked > {c.max_weekends}")
        for d in inst.days_off.get(e, ()):
            if d < horizon and row_[d]:
                violations.append(f"{e}: works on fixed day off {d}")
    penalty = sum(r.weight for r in inst.shift_on_requests if assign.get((r.staff_id, r.day)) != r.shift_id)
    penalty += sum(r.weight for r in inst.shift_off_requests if assign.get((r.staff_id, r.day)) == r.shift_id)
    have: dict[tuple[int, str], int] = {}
    for (_, d), s in assign.items():
        have[(d, s)] = have.get((d, s), 0) + 1
    for cov in inst.cover:
        n = have.get((cov.day, cov.shift_id), 0)
        penalty += cov.weight_under * max(0, cov.requirement - n) + cov.weight_over * max(0, n - cov.requirement)
    return violations, penalty
