"""Reshaping library outputs for display: pivots, labels and headline figures.

Nothing here decides a staffing number; the figures come from the library
(``staffing.requirements``, the scheduler's KPIs, the planner).  The only arithmetic
is unit conversion of those figures for display (agent-intervals to agent-hours to FTE).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from staffing import schema as S

DAY_COLUMN = "day"
TIME_COLUMN = "time"


def interval_minutes_of(frame: pd.DataFrame, default: float = 15.0) -> float:
    """Smallest gap between consecutive ``interval_start`` values of a channel, minutes."""
    if frame.empty or S.INTERVAL_START not in frame:
        return default
    ts = pd.to_datetime(frame[S.INTERVAL_START])
    key = frame[S.CHANNEL] if S.CHANNEL in frame else pd.Series("voice", index=frame.index)
    gaps = ts.groupby(key.to_numpy()).diff().dropna()
    gaps = gaps[gaps > pd.Timedelta(0)]
    return float(gaps.min().total_seconds() / 60.0) if len(gaps) else default


def heatmap_frame(req: pd.DataFrame, value: str = S.AGENTS_TO_SCHEDULE, channel: str | None = None) -> pd.DataFrame:
    """Long frame for a day x time-of-day heatmap.

    Parameters
    ----------
    req : DataFrame
        Output of ``staffing.requirements`` (``interval_start``, ``channel``, ``value``).
    value : str
        Column to show; summed over channels when ``channel`` is None.
    channel : str, optional
        Show one channel only.

    Returns
    -------
    DataFrame
        Columns ``day`` (e.g. ``"Mon 30 Nov"``), ``date``, ``time`` (``"HH:MM"``) and ``value``.
    """
    df = req if channel is None else req[req[S.CHANNEL] == channel]
    ts = pd.to_datetime(df[S.INTERVAL_START])
    out = (
        pd.DataFrame({"date": ts.dt.normalize(), TIME_COLUMN: ts.dt.strftime("%H:%M"), value: df[value].to_numpy()})
        .groupby(["date", TIME_COLUMN], as_index=False)[value]
        .sum()
    )
    out[DAY_COLUMN] = out["date"].dt.strftime("%a %d %b")
    return out


def fte_summary(req: pd.DataFrame, hours_per_fte_week: float = 37.5) -> pd.DataFrame:
    """Agent-hours and full-time equivalents per channel (and in total) from a requirements frame.

    Parameters
    ----------
    req : DataFrame
        Output of ``staffing.requirements``.
    hours_per_fte_week : float
        Paid hours of one full-time equivalent per week, hours.

    Returns
    -------
    DataFrame
        One row per channel plus ``TOTAL``: ``contacts``, ``agent_hours_required`` (on the
        phones), ``agent_hours_to_schedule`` (after shrinkage), ``peak_agents_to_schedule``,
        ``weeks`` (length of the forecast), ``fte`` (= agent-hours to schedule / weeks /
        ``hours_per_fte_week``), ``volume_weighted_service_level`` (share).

    Notes
    -----
    The total row's peak is the peak of the summed channels, not the sum of the peaks.
    """
    if hours_per_fte_week <= 0:
        raise ValueError(f"hours per FTE: expected a number of hours > 0, found {hours_per_fte_week!r}.")
    minutes = interval_minutes_of(req)
    h = minutes / 60.0
    ts = pd.to_datetime(req[S.INTERVAL_START])
    span_days = max(((ts.max() - ts.min()).total_seconds() / 86400.0) + minutes / 1440.0, 1.0) if len(req) else 7.0
    weeks = span_days / 7.0
    rows = []

    def row(name: str, part: pd.DataFrame, peak: float) -> dict:
        contacts = part[S.CONTACTS].to_numpy(dtype=float)
        sl = part[S.SERVICE_LEVEL].to_numpy(dtype=float)
        ok = np.isfinite(sl) & (contacts > 0)
        wsl = float(np.sum(sl[ok] * contacts[ok]) / np.sum(contacts[ok])) if ok.any() else float("nan")
        sched = float(part[S.AGENTS_TO_SCHEDULE].sum()) * h
        return {
            S.CHANNEL: name,
            S.CONTACTS: float(contacts.sum()),
            "agent_hours_required": float(part[S.AGENTS_REQUIRED].sum()) * h,
            "agent_hours_to_schedule": sched,
            "peak_agents_to_schedule": peak,
            "weeks": weeks,
            "fte": sched / weeks / hours_per_fte_week,
            "volume_weighted_service_level": wsl,
        }

    for ch, part in req.groupby(S.CHANNEL, sort=True):
        rows.append(row(str(ch), part, float(part[S.AGENTS_TO_SCHEDULE].max())))
    if rows:
        peak_total = float(req.groupby(S.INTERVAL_START)[S.AGENTS_TO_SCHEDULE].sum().max())
        rows.append(row("TOTAL", req, peak_total))
    return pd.DataFrame(rows)


def printable_roster(roster: pd.DataFrame) -> pd.DataFrame:
    """Agent x day view of a long roster (``agent_id``, ``date``, ``activity``, ``start``, ``end``).

    Each cell reads like ``08:00-16:30 (break 10:00, lunch 12:00)``; empty = day off.
    """
    if roster is None or roster.empty:
        return pd.DataFrame()
    df = roster.copy()
    for c in ("start", "end"):
        df[c] = pd.to_datetime(df[c])
    df["date"] = pd.to_datetime(df["date"]).dt.strftime("%a %d %b") if "date" in df else df["start"].dt.strftime("%a %d %b")
    cells: dict[tuple[str, str], str] = {}
    for (agent, day), part in df.groupby(["agent_id", "date"], sort=False):
        shift = part[part["activity"] == "shift"]
        others = part[part["activity"] != "shift"].sort_values("start")
        text = ""
        if len(shift):
            s, e = shift["start"].min(), shift["end"].max()
            text = f"{s:%H:%M}-{e:%H:%M}"
        if len(others):
            text += " (" + ", ".join(f"{a} {t:%H:%M}" for a, t in zip(others["activity"], others["start"])) + ")"
        cells[(str(agent), str(day))] = text.strip()
    days = list(dict.fromkeys(df.sort_values("start")["date"]))
    agents = list(dict.fromkeys(df["agent_id"].astype(str)))
    wide = pd.DataFrame(
        [[cells.get((a, d), "") for d in days] for a in agents], index=pd.Index(agents, name="agent_id"), columns=days
    )
    return wide.reset_index()


def daily_totals(history: pd.DataFrame) -> pd.DataFrame:
    """Contacts per day and channel (columns ``date``, ``channel``, ``contacts``) for the history chart."""
    ts = pd.to_datetime(history[S.INTERVAL_START])
    ch = history[S.CHANNEL].astype(str) if S.CHANNEL in history else pd.Series("voice", index=history.index)
    df = pd.DataFrame({"date": ts.dt.normalize(), S.CHANNEL: ch.to_numpy(), S.CONTACTS: history[S.CONTACTS].to_numpy()})
    return df.groupby(["date", S.CHANNEL], as_index=False)[S.CONTACTS].sum()
