"""An independent checker: re-verifies every rule on any roster (ours, a manager's, a peer's).

It shares no code with the model: it reads the roster's timestamps and the rules and recomputes
paid hours, break windows, rest, runs of days, weekends and nights from scratch.  The tests run
it on every solution.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from staffing.errors import InputError
from staffing.scheduling import schema as R
from staffing.scheduling.agents import Agent
from staffing.scheduling.rules import ScheduleSettings, parse_hhmm

_EPS_MIN = 1e-6


@dataclass(frozen=True)
class Violation:
    """One breach: ``rule`` (short name), ``agent_id``, ``date`` (YYYY-MM-DD or ``""``), ``message``."""

    rule: str
    agent_id: str
    date: str
    message: str


def _minutes(td: pd.Timedelta) -> float:
    return td.total_seconds() / 60.0


def _break_windows(settings: ScheduleSettings, paid_minutes: float, span_minutes: float) -> list[tuple]:
    """(rule, earliest start offset, latest start offset) of the breaks due in a shift."""
    out = []
    for b in settings.breaks:
        if b.min_shift_hours * 60 - 1e-6 <= paid_minutes <= b.max_shift_hours * 60 + 1e-6:
            anchor = {"start": 0.0, "middle": (span_minutes // 2), "end": span_minutes}[b.anchor]
            out.append((b, anchor + b.earliest_offset_minutes, anchor + b.latest_offset_minutes))
    return out


def check_roster(
    roster: pd.DataFrame,
    settings: ScheduleSettings,
    agents: tuple[Agent, ...] | None = None,
    *,
    requirements: pd.DataFrame | None = None,
    horizon: object | None = None,
    horizon_start: pd.Timestamp | None = None,
    n_days: int | None = None,
) -> list[Violation]:
    """Every rule breach of ``roster`` (empty list = valid).

    Parameters
    ----------
    roster : DataFrame
        Columns ``agent_id``, ``date``, ``activity``, ``start``, ``end`` (+ optional ``template``).
    settings : ScheduleSettings
    agents : tuple of Agent, optional
        Named agents (contracts, availability, time off).  Without it, agent ids of the form
        ``<contract>-NNN`` (headcount mode) give the contract.
    requirements, horizon, horizon_start, n_days
        Where the weeks start and how many days the horizon has (for weekly rules and the
        horizon edges); by default from the roster's own dates.
    """
    v: list[Violation] = []
    for col in (R.AGENT_ID, R.DATE, R.ACTIVITY, R.START, R.END):
        if col not in roster.columns:
            raise InputError(f"roster: missing column '{col}'; expected {list(R.ROSTER_COLUMNS)}.")
    df = roster.copy()
    df[R.START] = pd.to_datetime(df[R.START])
    df[R.END] = pd.to_datetime(df[R.END])
    df[R.AGENT_ID] = df[R.AGENT_ID].astype(str)
    df[R.DATE] = df[R.DATE].astype(str)
    if horizon is not None:
        h0, nd = horizon.start, horizon.n_days  # type: ignore[attr-defined]
    elif requirements is not None:
        ts = pd.to_datetime(requirements["interval_start"])
        h0 = ts.min().normalize()
        nd = int((ts.max().normalize() - h0).days) + 1
    else:
        h0 = horizon_start if horizon_start is not None else (
            pd.Timestamp(df[R.DATE].min()) if len(df) else pd.Timestamp("2000-01-03"))
        nd = n_days if n_days is not None else (
            int((pd.Timestamp(df[R.DATE].max()) - h0).days) + 1 if len(df) else 7)
    lab = settings.labor
    by_agent: dict[str, Agent] = {a.agent_id: a for a in agents} if agents else {}
    contract_names = {c.name for c in settings.contracts}
    tmpl = {t.name: t for t in settings.shifts}
    starts_of = {t.name: set(t.start_minutes) for t in settings.shifts}
    h0_date = h0.date()

    bad_act = ~df[R.ACTIVITY].isin(R.ACTIVITIES)
    for r in df[bad_act].itertuples(index=False):
        v.append(Violation("activity", r.agent_id, r.date, f"unknown activity {r.activity!r}"))
    df = df[~bad_act]
    for r in df[df[R.END] <= df[R.START]].itertuples(index=False):
        v.append(Violation("times", r.agent_id, r.date, f"{r.activity} ends at or before it starts"))

    # plain Python records grouped by agent (pandas filtering per agent is far too slow at 500 agents)
    from collections import namedtuple

    Row = namedtuple("Row", ["agent_id", "date", "activity", "start", "end", "template", "paid"])
    has_t, has_p = "template" in df.columns, "paid" in df.columns
    starts = df[R.START].dt.to_pydatetime() if len(df) else []
    ends = df[R.END].dt.to_pydatetime() if len(df) else []
    grouped: dict[str, tuple[list, list]] = {}
    tmpl_col = df["template"].tolist() if has_t else [None] * len(df)
    paid_col = df["paid"].tolist() if has_p else [None] * len(df)
    for i, (aid_, date_, act_) in enumerate(zip(df[R.AGENT_ID].tolist(), df[R.DATE].tolist(),
                                                df[R.ACTIVITY].tolist())):
        row = Row(aid_, date_, act_, starts[i], ends[i], tmpl_col[i], paid_col[i])
        grouped.setdefault(aid_, ([], []))[0 if act_ == R.SHIFT else 1].append(row)

    agent_ids = sorted(set(grouped) | set(by_agent))
    for aid in agent_ids:
        ag = by_agent.get(aid)
        if ag is not None:
            cname = ag.contract
        elif agents is None and aid.rsplit("-", 1)[0] in contract_names:
            cname = aid.rsplit("-", 1)[0]
        else:
            v.append(Violation("agent", aid, "", f"agent {aid} is not in the agents list"))
            continue
        con = settings.contract(cname)
        shift_rows, brks = grouped.get(aid, ([], []))
        shift_rows = sorted(shift_rows, key=lambda r: r.start)
        # --- one shift per day, date = start day
        dates = [r.date for r in shift_rows]
        for date in sorted({d for d in dates if dates.count(d) > 1}):
            v.append(Violation("one_shift_per_day", aid, date, f"{aid} has more than one shift on {date}"))
        worked: dict[int, dict] = {}
        for s in shift_rows:
            st, en = s.start, s.end
            if st.strftime("%Y-%m-%d") != s.date:
                v.append(Violation("date", aid, s.date, f"shift starting {st} is dated {s.date}"))
            day = (st.date() - h0_date).days
            mine = [b for b in brks if b.start >= st and b.end <= en]
            unpaid = sum(_minutes(b.end - b.start) for b in mine if not _is_paid(b, settings))
            span = _minutes(en - st)
            paid = span - unpaid
            name = getattr(s, "template", None)
            cands = [tmpl[name]] if isinstance(name, str) and name in tmpl else [tmpl[n] for n in con.shifts]
            tod = st.hour * 60 + st.minute
            wd = R.WEEKDAYS[st.weekday()]
            fits = [t for t in cands if t.name in con.shifts and wd in t.days
                    and tod in starts_of[t.name] and any(abs(paid - h * 60) < 1e-6 for h in t.paid_hours)]
            if not fits:
                v.append(Violation("shift_template", aid, s.date,
                                   f"{aid} shift {st:%a %H:%M}-{en:%H:%M} ({paid / 60:g} paid h) matches no template "
                                   f"of contract {con.name}"))
            worked[day] = {"start": st, "end": en, "paid": paid, "template": fits[0].name if fits else name,
                           "date": s.date, "night": _night(st, en, lab)}
            # --- breaks inside the shift
            due = _break_windows(settings, paid, span)
            taken = sorted(mine, key=lambda b: b.start)
            used = [False] * len(taken)
            for rule, lo, hi in due:
                ok = False
                for i, b in enumerate(taken):
                    off = _minutes(b.start - st)
                    if not used[i] and b.activity == rule.activity and \
                            abs(_minutes(b.end - b.start) - rule.duration_minutes) < _EPS_MIN and lo - 1e-6 <= off <= hi + 1e-6:
                        used[i] = ok = True
                        break
                if not ok:
                    v.append(Violation("breaks", aid, s.date, f"{aid} shift on {s.date}: break '{rule.name}' missing "
                                       f"or outside its window (minutes {lo:g}-{hi:g} after the shift start)"))
            for i, b in enumerate(taken):
                if not used[i]:
                    v.append(Violation("breaks", aid, s.date, f"{aid} shift on {s.date}: unexpected {b.activity} at "
                                       f"{b.start:%H:%M}"))
            for b1, b2 in itertools.pairwise(taken):
                if b2.start < b1.end:
                    v.append(Violation("breaks", aid, s.date, f"{aid}: breaks at {b1.start:%H:%M} and "
                                       f"{b2.start:%H:%M} overlap"))
        # breaks outside any shift
        for b in brks:
            inside = any(x.start <= b.start and x.end >= b.end for x in shift_rows)
            if not inside:
                v.append(Violation("breaks", aid, b.date, f"{aid}: {b.activity} at {b.start} lies outside every shift"))
        # --- rest
        rest = lab.min_rest_hours * 60
        srt = sorted(worked.values(), key=lambda x: x["start"])
        for x, y in itertools.pairwise(srt):
            gap = _minutes(y["start"] - x["end"])
            if gap < rest - 1e-6:
                v.append(Violation("min_rest", aid, y["date"], f"{aid}: only {gap / 60:g} h rest before the shift of "
                                   f"{y['date']} (minimum {lab.min_rest_hours:g} h)"))
        # --- forbidden successions
        for a_t, b_t in lab.forbidden_successions:
            for d, x in worked.items():
                nxt = worked.get(d + 1)
                if nxt and x["template"] == a_t and nxt["template"] == b_t:
                    v.append(Violation("forbidden_succession", aid, nxt["date"], f"{aid}: {a_t} followed by {b_t}"))
        # --- weekly hours and days
        for w0 in range(0, nd, 7):
            days = range(w0, min(w0 + 7, nd))
            full = len(days) == 7
            n = sum(1 for d in days if d in worked)
            hours = sum(worked[d]["paid"] for d in days if d in worked) / 60
            label = (h0 + pd.Timedelta(days=w0)).strftime("%Y-%m-%d")
            if n > con.max_days_per_week:
                v.append(Violation("max_days_per_week", aid, label, f"{aid}: {n} days in the week of {label} "
                                   f"(max {con.max_days_per_week})"))
            if full and n < con.min_days_per_week:
                v.append(Violation("min_days_per_week", aid, label, f"{aid}: {n} days in the week of {label} "
                                   f"(min {con.min_days_per_week})"))
            if hours > con.max_paid_hours_per_week + 1e-6:
                v.append(Violation("max_paid_hours_per_week", aid, label, f"{aid}: {hours:g} paid h in the week of "
                                   f"{label} (max {con.max_paid_hours_per_week:g})"))
            if full and hours < con.min_paid_hours_per_week - 1e-6:
                v.append(Violation("min_paid_hours_per_week", aid, label, f"{aid}: {hours:g} paid h in the week of "
                                   f"{label} (min {con.min_paid_hours_per_week:g})"))
            if con.max_nights_per_week is not None:
                nn = sum(1 for d in days if d in worked and worked[d]["night"])
                if nn > con.max_nights_per_week:
                    v.append(Violation("max_nights_per_week", aid, label, f"{aid}: {nn} night shifts in the week of "
                                       f"{label} (max {con.max_nights_per_week})"))
        total = sum(x["paid"] for x in worked.values()) / 60
        if con.max_paid_hours_total is not None and total > con.max_paid_hours_total + 1e-6:
            v.append(Violation("max_paid_hours_total", aid, "", f"{aid}: {total:g} paid h (max {con.max_paid_hours_total:g})"))
        if con.min_paid_hours_total is not None and total < con.min_paid_hours_total - 1e-6 and (worked or ag):
            v.append(Violation("min_paid_hours_total", aid, "", f"{aid}: {total:g} paid h (min {con.min_paid_hours_total:g})"))
        # --- runs of days
        seq = [d in worked for d in range(nd)]
        runs = _runs(seq)
        for val, s0, length in runs:
            touches_edge = s0 == 0 or s0 + length == nd
            date = (h0 + pd.Timedelta(days=s0)).strftime("%Y-%m-%d")
            if val and length > con.max_consecutive_days:
                v.append(Violation("max_consecutive_days", aid, date, f"{aid}: {length} working days in a row from "
                                   f"{date} (max {con.max_consecutive_days})"))
            exempt = (touches_edge and not lab.outside_horizon_is_off) or (
                s0 == 0 and lab.outside_horizon_is_off and lab.runs_may_continue_before_start)
            if val and length < con.min_consecutive_days and not exempt:
                v.append(Violation("min_consecutive_days", aid, date, f"{aid}: only {length} working day(s) in a row "
                                   f"from {date} (min {con.min_consecutive_days})"))
            if not val and length < con.min_consecutive_days_off and not touches_edge:
                v.append(Violation("min_consecutive_days_off", aid, date, f"{aid}: only {length} day(s) off in a row "
                                   f"from {date} (min {con.min_consecutive_days_off})"))
        # --- weekends
        if con.max_weekends is not None:
            weeks = {}
            for d in worked:
                day = h0 + pd.Timedelta(days=d)
                if R.WEEKDAYS[day.weekday()] in lab.weekend_days:
                    weeks[tuple(day.isocalendar())[:2]] = True
            if len(weeks) > con.max_weekends:
                v.append(Violation("max_weekends", aid, "", f"{aid}: {len(weeks)} worked weekends (max {con.max_weekends})"))
        # --- shifts per template
        for name, most in con.max_shifts_per_template:
            n = sum(1 for x in worked.values() if x["template"] == name)
            if n > most:
                v.append(Violation("max_shifts_per_template", aid, "", f"{aid}: {n} '{name}' shifts (max {most})"))
        # --- start spread
        if lab.max_start_spread_hours is not None and worked:
            tods = [x["start"].hour * 60 + x["start"].minute for x in worked.values()]
            if max(tods) - min(tods) > lab.max_start_spread_hours * 60 + 1e-6:
                v.append(Violation("start_spread", aid, "", f"{aid}: start times spread over "
                                   f"{(max(tods) - min(tods)) / 60:g} h (max {lab.max_start_spread_hours:g} h)"))
        # --- availability and time off
        if ag is not None:
            for x in worked.values():
                wd = R.WEEKDAYS[x["start"].weekday()]
                if wd not in ag.available_days:
                    v.append(Violation("availability", aid, x["date"], f"{aid} works on {wd}, not an available day"))
                for a0, a1 in ag.time_off:
                    if x["start"] < a1 and a0 < x["end"]:
                        v.append(Violation("time_off", aid, x["date"], f"{aid}'s shift on {x['date']} overlaps time "
                                           f"off {a0}-{a1}"))
    return v


def _is_paid(b: object, settings: ScheduleSettings) -> bool:
    paid = getattr(b, "paid", None)
    if isinstance(paid, (bool,)) or (paid is not None and not pd.isna(paid)):
        return bool(paid) if not isinstance(paid, str) else paid.strip().lower() in ("true", "1", "yes")
    dur = _minutes(b.end - b.start)  # type: ignore[attr-defined]
    rules = [r for r in settings.breaks if r.activity == b.activity and r.duration_minutes == dur]  # type: ignore[attr-defined]
    return all(r.paid for r in rules) if rules else b.activity == R.BREAK  # type: ignore[attr-defined]


def _night(start: pd.Timestamp, end: pd.Timestamp, lab: object) -> bool:
    ns = parse_hhmm(lab.night_start, "")  # type: ignore[attr-defined]
    ne = parse_hhmm(lab.night_end, "")  # type: ignore[attr-defined]
    first = start.hour * 60 + start.minute
    tod = (first + np.arange(int(_minutes(end - start)))) % 1440
    inside = ((tod >= ns) & (tod < ne)) if ns <= ne else ((tod >= ns) | (tod < ne))
    return int(inside.sum()) >= lab.night_min_hours * 60 - 1e-6  # type: ignore[attr-defined]


def _runs(seq: list[bool]) -> list[tuple[bool, int, int]]:
    out: list[tuple[bool, int, int]] = []
    for i, x in enumerate(seq):
        if out and out[-1][0] == x:
            out[-1] = (x, out[-1][1], out[-1][2] + 1)
        else:
            out.append((x, i, 1))
    return out
