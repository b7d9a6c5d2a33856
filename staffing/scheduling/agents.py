"""Named agents: the agents CSV reader, with errors naming the row and column.

Agents CSV
----------
======================  ========  ==============================================================
column                  unit      meaning
======================  ========  ==============================================================
``agent_id``            text      unique id (required)
``contract``            text      a ``[[contract]]`` name of the rules file (required)
``hourly_cost``         money/h   cost per paid hour (default: the contract's ``hourly_cost``)
``skills``              text      ``;``-separated channels/skills (kept on the roster; not used
                                  by the single-pool model)
``available_days``      weekdays  ``;``-separated days the agent may start a shift, e.g.
                                  ``Mon;Tue;Wed`` (default every day)
``time_off``            dates     ``;``-separated approved time off: ``2026-11-30`` (whole day),
                                  ``2026-11-30/2026-12-02`` (dates, inclusive) or
                                  ``2026-11-30T09:00/2026-11-30T13:00`` (time range); no shift
                                  may overlap it
``preferred_start``     HH:MM     preferred start window ``07:00-09:00`` (soft)
``preferred_days_off``  weekdays  ``;``-separated preferred days off, e.g. ``Sat;Sun`` (soft)
======================  ========  ==============================================================
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from staffing.errors import InputError
from staffing.scheduling import schema as R
from staffing.scheduling.rules import ScheduleSettings, parse_hhmm


@dataclass(frozen=True)
class Agent:
    """One agent.

    Parameters
    ----------
    agent_id, contract : str
    hourly_cost : float or None
        Cost per paid hour; None uses the contract's.
    skills : tuple of str
    available_days : tuple of str
        Weekdays on which the agent may start a shift.
    time_off : tuple of (Timestamp, Timestamp)
        Half-open ranges no shift may overlap.
    preferred_start : (int, int) or None
        Preferred start window, minutes after midnight (inclusive).
    preferred_days_off : tuple of str
        Weekdays the agent prefers off.
    """

    agent_id: str
    contract: str
    hourly_cost: float | None = None
    skills: tuple[str, ...] = ()
    available_days: tuple[str, ...] = R.WEEKDAYS
    time_off: tuple[tuple[pd.Timestamp, pd.Timestamp], ...] = ()
    preferred_start: tuple[int, int] | None = None
    preferred_days_off: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.agent_id, str) or not self.agent_id.strip():
            raise InputError(f"agent: 'agent_id' must be a non-empty text, found {self.agent_id!r}.")
        for key in ("available_days", "preferred_days_off"):
            bad = [d for d in getattr(self, key) if d not in R.WEEKDAYS]
            if bad:
                raise InputError(f"agent '{self.agent_id}': '{key}': unknown weekday(s) {bad}; "
                                 f"expected names from {list(R.WEEKDAYS)}.")
        if self.hourly_cost is not None and not (self.hourly_cost >= 0):
            raise InputError(f"agent '{self.agent_id}': 'hourly_cost' must be >= 0, found {self.hourly_cost!r}.")


def _split(value: object) -> list[str]:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return []
    text = str(value).strip()
    return [p.strip() for p in text.split(";") if p.strip()] if text else []


def _parse_time_off(item: str, where: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    left, sep, right = item.partition("/")
    try:
        a = pd.Timestamp(left)
        b = pd.Timestamp(right) if sep else a
    except (ValueError, TypeError):
        raise InputError(f"{where}: expected a date 2026-11-30, a date range 2026-11-30/2026-12-02 or a "
                         f"time range 2026-11-30T09:00/2026-11-30T13:00, found {item!r}.") from None
    has_time = ("T" in left or " " in left.strip()) or ("T" in right or " " in right.strip())
    if not has_time:  # whole dates, inclusive
        b = b.normalize() + pd.Timedelta(days=1)
        a = a.normalize()
    if b <= a:
        raise InputError(f"{where}: the range {item!r} ends before it starts.")
    return (a, b)


def agents_from_frame(frame: pd.DataFrame, settings: ScheduleSettings, *, source: str = "agents") -> tuple[Agent, ...]:
    """Validate an agents table (columns: see the module docstring) into :class:`Agent` objects.

    Raises
    ------
    InputError
        Naming the row (CSV line) and column of the first problem.
    """
    missing = [c for c in R.AGENT_REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(f"{source}: missing column(s) {missing}; expected {list(R.AGENT_REQUIRED_COLUMNS)} and "
                         f"optional {list(R.AGENT_OPTIONAL_COLUMNS)}, found {list(frame.columns)}.")
    unknown = [c for c in frame.columns if c not in R.AGENT_COLUMNS]
    if unknown:
        raise InputError(f"{source}: unknown column(s) {unknown}; known columns are {list(R.AGENT_COLUMNS)}.")
    if len(frame) == 0:
        raise InputError(f"{source}: no agents; expected at least one data row.")
    contracts = {c.name for c in settings.contracts}
    out: list[Agent] = []
    seen: dict[str, int] = {}
    rows = frame.reset_index(drop=True)
    for i in range(len(rows)):
        row = rows.iloc[i]
        where = f"{source}: row {i + 1} (CSV line {i + 2})"

        def cell(col: str, row: pd.Series = row) -> object:
            return row[col] if col in rows.columns else None

        aid = cell(R.AGENT_ID)
        if aid is None or pd.isna(aid) or not str(aid).strip():
            raise InputError(f"{where}, column '{R.AGENT_ID}': expected an agent id, found an empty value.")
        aid = str(aid).strip()
        if aid in seen:
            raise InputError(f"{where}, column '{R.AGENT_ID}': duplicate id {aid!r} (first on CSV line {seen[aid] + 2}).")
        seen[aid] = i
        con = cell(R.CONTRACT)
        con = "" if con is None or pd.isna(con) else str(con).strip()
        if con not in contracts:
            raise InputError(f"{where}, column '{R.CONTRACT}': unknown contract {con!r}; the rules file defines "
                             f"{sorted(contracts)}.")
        cost_raw = cell(R.HOURLY_COST)
        cost: float | None = None
        if cost_raw is not None and not pd.isna(cost_raw) and str(cost_raw).strip() != "":
            try:
                cost = float(cost_raw)  # type: ignore[arg-type]
            except ValueError:
                cost = float("nan")
            if not (cost >= 0):
                raise InputError(f"{where}, column '{R.HOURLY_COST}': expected a cost per hour >= 0, found {cost_raw!r}.")
        days = _split(cell(R.AVAILABLE_DAYS))
        for key, vals in ((R.AVAILABLE_DAYS, days), (R.PREFERRED_DAYS_OFF, _split(cell(R.PREFERRED_DAYS_OFF)))):
            bad = [d for d in vals if d not in R.WEEKDAYS]
            if bad:
                raise InputError(f"{where}, column '{key}': unknown weekday(s) {bad}; expected ';'-separated names "
                                 f"from {list(R.WEEKDAYS)}.")
        time_off = tuple(_parse_time_off(t, f"{where}, column '{R.TIME_OFF}'") for t in _split(cell(R.TIME_OFF)))
        pref_raw = cell(R.PREFERRED_START)
        pref = None
        if pref_raw is not None and not pd.isna(pref_raw) and str(pref_raw).strip():
            text = str(pref_raw).strip()
            a, sep, b = text.partition("-")
            if not sep:
                raise InputError(f"{where}, column '{R.PREFERRED_START}': expected a window 'HH:MM-HH:MM' such as "
                                 f"'07:00-09:00', found {text!r}.")
            lo = parse_hhmm(a.strip(), f"{where}, column '{R.PREFERRED_START}'")
            hi = parse_hhmm(b.strip(), f"{where}, column '{R.PREFERRED_START}'")
            if hi < lo:
                raise InputError(f"{where}, column '{R.PREFERRED_START}': the window {text!r} ends before it starts.")
            pref = (lo, hi)
        out.append(Agent(
            agent_id=aid, contract=con, hourly_cost=cost, skills=tuple(_split(cell(R.SKILLS))),
            available_days=tuple(days) if days else R.WEEKDAYS, time_off=time_off, preferred_start=pref,
            preferred_days_off=tuple(_split(cell(R.PREFERRED_DAYS_OFF))),
        ))
    return tuple(out)


def read_agents(path: str | Path, settings: ScheduleSettings) -> tuple[Agent, ...]:
    """Read and validate an agents CSV file (see the module docstring)."""
    p = Path(path)
    try:
        frame = pd.read_csv(p, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise InputError(f"{p}: file not found.") from None
    except pd.errors.EmptyDataError:
        raise InputError(f"{p}: the file is empty; expected a CSV with a header row.") from None
    frame = frame.replace("", pd.NA) if len(frame) else frame
    return agents_from_frame(frame, settings, source=str(p))
