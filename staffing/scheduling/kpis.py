"""Roster KPIs: coverage per interval, under/over agent-hours, predicted service, cost, fairness."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from staffing.scheduling import schema as R
from staffing.settings import ServiceTargets


@dataclass(frozen=True)
class RosterKpis:
    """Headline figures of a roster (hours are agent-hours unless said otherwise).

    ``service_level_week`` is volume-weighted over intervals with contacts:
    ``sum_t contacts_t SL_t / sum_t contacts_t`` (NaN without service targets).
    Fairness: the spread (max - min) over agents of worked weekend days, night shifts and
    preference misses.
    """

    required_agent_hours: float
    scheduled_agent_hours: float
    under_agent_hours: float
    over_agent_hours: float
    share_intervals_met: float
    service_level_week: float
    paid_hours: float
    cost: float
    agents_rostered: int
    shifts: int
    preferences_total: int
    preferences_honoured: int
    preferences_honoured_share: float
    weekend_days_spread: int
    night_shifts_spread: int
    preference_misses_spread: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def scheduled_per_interval(roster: pd.DataFrame, start: pd.Timestamp, n_intervals: int, interval_minutes: int) -> np.ndarray:
    """Agents on the phones per interval (shift minutes minus break/lunch minutes, averaged over
    the interval) computed from the roster's timestamps with a difference array."""
    minutes = n_intervals * interval_minutes
    diff = np.zeros(minutes + 1)
    if len(roster):
        s = ((pd.to_datetime(roster[R.START]) - start).dt.total_seconds() // 60).to_numpy().astype(int)
        e = ((pd.to_datetime(roster[R.END]) - start).dt.total_seconds() // 60).to_numpy().astype(int)
        sign = np.where(roster[R.ACTIVITY].to_numpy() == R.SHIFT, 1.0, -1.0)
        s, e = np.clip(s, 0, minutes), np.clip(e, 0, minutes)
        np.add.at(diff, s, sign)
        np.add.at(diff, e, -sign)
    per_minute = np.cumsum(diff)[:minutes]
    return per_minute.reshape(n_intervals, interval_minutes).mean(axis=1)


def coverage_frame(roster: pd.DataFrame, horizon: Any, targets: ServiceTargets | dict | None = None) -> pd.DataFrame:
    """Coverage per interval (columns :data:`staffing.scheduling.schema.COVERAGE_COLUMNS`).

    ``service_level`` uses :func:`staffing.requirements.predicted_service` with the scheduled
    agents times ``1 - shrinkage`` on the phones; with several channels the scheduled agents are
    split in proportion to each channel's requirement (an approximation of a multi-skill pool).
    """
    sched = scheduled_per_interval(roster, horizon.start, horizon.n_intervals, horizon.interval_minutes)
    req = horizon.required.astype(float)
    cov = pd.DataFrame({
        R.INTERVAL_START: horizon.interval_starts(),
        R.REQUIRED: horizon.required,
        R.SCHEDULED: sched,
        R.UNDER: np.maximum(req - sched, 0.0),
        R.OVER: np.maximum(sched - req, 0.0),
        R.SERVICE_LEVEL: np.nan,
    })
    if targets is not None and horizon.contacts is not None and {"contacts", "aht_seconds"} <= set(horizon.contacts):
        sl_num = np.zeros(horizon.n_intervals)
        vol = np.zeros(horizon.n_intervals)
        sl_num, vol = _service(horizon, sched, targets)
        with np.errstate(invalid="ignore", divide="ignore"):
            cov[R.SERVICE_LEVEL] = np.where(vol > 0, sl_num / np.where(vol > 0, vol, 1), np.nan)
        cov["contacts"] = vol
    return cov


def _service(horizon: Any, sched: np.ndarray, targets: Any) -> tuple[np.ndarray, np.ndarray]:
    from staffing.requirements import predicted_service

    df = horizon.contacts
    t = df["_t"].to_numpy(dtype=int)
    need = df["agents_to_schedule"].to_numpy(dtype=float)
    tot = np.zeros(horizon.n_intervals)
    np.add.at(tot, t, need)
    share = np.where(tot[t] > 0, need / np.where(tot[t] > 0, tot[t], 1), 0.0)
    sl_num = np.zeros(horizon.n_intervals)
    vol = np.zeros(horizon.n_intervals)
    channels = df["channel"].astype(str).to_numpy() if "channel" in df else np.full(len(df), "voice")
    for ch in np.unique(channels):
        tgt = targets if isinstance(targets, ServiceTargets) else targets.get(ch)
        if tgt is None or tgt.kind == "deferred":
            continue
        sel = (channels == ch) & (df["contacts"].to_numpy(dtype=float) > 0)
        if not sel.any():
            continue
        agents = np.floor(sched[t[sel]] * share[sel] * (1 - tgt.shrinkage) + 1e-9)
        res = predicted_service(agents, df["contacts"].to_numpy(dtype=float)[sel],
                                df["aht_seconds"].to_numpy(dtype=float)[sel], tgt, horizon.interval_minutes)
        sl = np.nan_to_num(res["service_level"].to_numpy(dtype=float), nan=0.0)
        c = df["contacts"].to_numpy(dtype=float)[sel]
        np.add.at(sl_num, t[sel], sl * c)
        np.add.at(vol, t[sel], c)
    return sl_num, vol


def roster_kpis(roster: pd.DataFrame, coverage: pd.DataFrame, horizon: Any, settings: Any, agents: list[Any],
                targets: Any = None) -> RosterKpis:
    """Headline KPIs of a roster (see :class:`RosterKpis`)."""
    hours = horizon.interval_minutes / 60.0
    shifts = roster[roster[R.ACTIVITY] == R.SHIFT]
    unpaid = roster[(roster[R.ACTIVITY] != R.SHIFT) & (~roster[R.PAID].astype(bool))] if R.PAID in roster else roster.iloc[:0]
    def dur(df: pd.DataFrame) -> pd.Series:
        return (pd.to_datetime(df[R.END]) - pd.to_datetime(df[R.START])).dt.total_seconds() / 3600.0
    paid_by_agent = dur(shifts).groupby(shifts[R.AGENT_ID]).sum().sub(
        dur(unpaid).groupby(unpaid[R.AGENT_ID]).sum(), fill_value=0.0)
    cost_of = {a.agent_id: a.hourly_cost for a in agents}
    cost = float(sum(h * cost_of.get(a, 1.0) for a, h in paid_by_agent.items()))
    met = coverage[R.SCHEDULED].to_numpy() >= coverage[R.REQUIRED].to_numpy() - 1e-9
    busy = coverage[R.REQUIRED].to_numpy() > 0
    if "contacts" in coverage and np.nansum(coverage["contacts"]) > 0:
        c = coverage["contacts"].to_numpy(dtype=float)
        sl = coverage[R.SERVICE_LEVEL].to_numpy(dtype=float)
        ok = c > 0
        sl_week = float(np.sum(np.nan_to_num(sl[ok]) * c[ok]) / np.sum(c[ok]))
    else:
        sl_week = float("nan")
    # preferences and fairness
    starts = pd.to_datetime(shifts[R.START])
    wd = starts.dt.day_of_week.map(lambda i: R.WEEKDAYS[i])
    tod = starts.dt.hour * 60 + starts.dt.minute
    weekend = wd.isin(settings.labor.weekend_days)
    night_ids = []
    ns = int(settings.labor.night_start[:2]) * 60 + int(settings.labor.night_start[3:])
    ne = int(settings.labor.night_end[:2]) * 60 + int(settings.labor.night_end[3:])
    for s, e in zip(starts, pd.to_datetime(shifts[R.END])):
        t = (s.hour * 60 + s.minute + np.arange(int((e - s).total_seconds() // 60))) % 1440
        inside = ((t >= ns) & (t < ne)) if ns <= ne else ((t >= ns) | (t < ne))
        night_ids.append(inside.sum() >= settings.labor.night_min_hours * 60 - 1e-9)
    total = honoured = 0
    misses: dict[str, int] = {}
    worked_days: dict[str, set] = {}
    for aid, w, m_ in zip(shifts[R.AGENT_ID], wd, tod):
        worked_days.setdefault(aid, set()).add(w)
    for a in agents:
        src = a.source
        if src is None:
            continue
        mine = shifts[R.AGENT_ID] == a.agent_id
        if src.preferred_start is not None:
            lo, hi = src.preferred_start
            n = int(mine.sum())
            ok = int(((tod[mine] >= lo) & (tod[mine] <= hi)).sum())
            total += n
            honoured += ok
            misses[a.agent_id] = misses.get(a.agent_id, 0) + n - ok
        for d in src.preferred_days_off:
            total += 1
            hit = d in worked_days.get(a.agent_id, set())
            honoured += 0 if hit else 1
            misses[a.agent_id] = misses.get(a.agent_id, 0) + int(hit)
    rostered = set(shifts[R.AGENT_ID])
    ids = [a.agent_id for a in agents if a.agent_id in rostered or a.source is not None]
    def spread(counts: pd.Series) -> int:
        vals = [int(counts.get(i, 0)) for i in ids]
        return int(max(vals) - min(vals)) if vals else 0
    return RosterKpis(
        required_agent_hours=float(coverage[R.REQUIRED].sum() * hours),
        scheduled_agent_hours=float(coverage[R.SCHEDULED].sum() * hours),
        under_agent_hours=float(coverage[R.UNDER].sum() * hours),
        over_agent_hours=float(coverage[R.OVER].sum() * hours),
        share_intervals_met=float(met[busy].mean()) if busy.any() else 1.0,
        service_level_week=sl_week,
        paid_hours=float(paid_by_agent.sum()),
        cost=cost,
        agents_rostered=int(shifts[R.AGENT_ID].nunique()),
        shifts=len(shifts),
        preferences_total=total,
        preferences_honoured=honoured,
        preferences_honoured_share=float(honoured / total) if total else 1.0,
        weekend_days_spread=spread(shifts[weekend.to_numpy()].groupby(R.AGENT_ID).size()),
        night_shifts_spread=spread(shifts[np.asarray(night_ids, dtype=bool)].groupby(R.AGENT_ID).size()
                                   if len(shifts) else pd.Series(dtype=int)),
        preference_misses_spread=int(max(misses.values()) - min(misses.values())) if misses else 0,
    )
