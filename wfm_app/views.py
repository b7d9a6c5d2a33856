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


def headline_kpis(summary: pd.DataFrame, cost_per_agent_hour: float | None = None) -> dict[str, float]:
    """Flat KPIs of a staffing result (the ``TOTAL`` row of :func:`fte_summary`), for scenarios.

    Keys: ``contacts``, ``fte``, ``agent_hours_required``, ``agent_hours_to_schedule``,
    ``peak_agents``, ``service_level`` (percent), and ``staffing_cost`` (agent-hours to
    schedule x ``cost_per_agent_hour``) when a cost is given.
    """
    tot = summary[summary[S.CHANNEL] == "TOTAL"]
    if tot.empty:
        return {}
    r = tot.iloc[0]
    out = {
        "contacts": float(r[S.CONTACTS]),
        "fte": float(r["fte"]),
        "agent_hours_required": float(r["agent_hours_required"]),
        "agent_hours_to_schedule": float(r["agent_hours_to_schedule"]),
        "peak_agents": float(r["peak_agents_to_schedule"]),
        "service_level": 100.0 * float(r["volume_weighted_service_level"]),
    }
    if cost_per_agent_hour is not None:
        out["staffing_cost"] = float(r["agent_hours_to_schedule"]) * float(cost_per_agent_hour)
    return out


_PRINT_CSS = (
    "<style>body{font-family:sans-serif;margin:2em} section{page-break-after:always;margin-bottom:2em}"
    "table{border-collapse:collapse} td,th{border:1px solid #999;padding:4px 10px;text-align:left}"
    "th{background:#eee}</style></head><body>"
)


def printable_html(wide: pd.DataFrame, title: str = "Roster") -> str:
    """A printable HTML page of an agent x day roster: one section per agent, a page break between agents.

    Parameters
    ----------
    wide : DataFrame
        ``agent_id`` then one column per day (cell text such as ``08:00-16:30``; empty = day off).
    """
    import html

    days = [c for c in wide.columns if c != "agent_id"]
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title>",
        _PRINT_CSS,
    ]
    for _, row in wide.iterrows():
        agent = html.escape(str(row.get("agent_id", "")))
        parts.append(f"<section><h2>{html.escape(title)}: {agent}</h2><table><tr><th>Day</th><th>Work</th></tr>")
        for d in days:
            v = row[d]
            text = "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
            parts.append(f"<tr><td>{html.escape(str(d))}</td><td>{html.escape(text) or 'day off'}</td></tr>")
        parts.append("</table></section>")
    parts.append("</body></html>")
    return "".join(parts)


def coverage_summary(coverage: pd.DataFrame, interval_minutes: float) -> dict[str, float]:
    """Headline figures of a coverage frame (``required``, ``scheduled``, ``under``, ``over``, optional
    ``service_level`` and ``contacts``): agent-hours under and over, share of busy intervals met, and the
    volume-weighted service level in percent (the same definitions as the scheduler's KPIs)."""
    h = interval_minutes / 60.0
    req = coverage["required"].to_numpy(dtype=float)
    sch = coverage["scheduled"].to_numpy(dtype=float)
    busy = req > 0
    out = {
        "under_coverage_hours": float(coverage["under"].sum() * h),
        "over_coverage_hours": float(coverage["over"].sum() * h),
        "share_intervals_met": float((sch[busy] >= req[busy] - 1e-9).mean()) if busy.any() else 1.0,
    }
    if "contacts" in coverage and "service_level" in coverage:
        c = coverage["contacts"].to_numpy(dtype=float)
        sl = coverage["service_level"].to_numpy(dtype=float)
        ok = c > 0
        out["roster_service_level"] = (
            float(100.0 * np.sum(np.nan_to_num(sl[ok]) * c[ok]) / np.sum(c[ok])) if ok.any() else float("nan"))
    return out
