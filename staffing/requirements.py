"""Agents required per interval: the smallest whole number of agents meeting every target.

The search brackets and bisects on all intervals at once (vectorised), relying on
every measure being monotone in the number of agents: service level rises, ASA,
occupancy and abandonment fall.  Deferred channels (e-mail, tickets) use a
workload model with backlog carried between intervals.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from staffing import erlang
from staffing import schema as S
from staffing.errors import InputError
from staffing.settings import ServiceTargets

_TOL = 1e-9  # comparisons of measures with targets (a/n == 0.8 must meet a cap of 0.8)


def _measures(
    agents: np.ndarray,
    erlangs: np.ndarray,
    aht_seconds: np.ndarray,
    targets: ServiceTargets,
    *,
    with_asa: bool = True,
) -> dict[str, np.ndarray]:
    """Service level, ASA, occupancy, abandonment and P(wait) at ``agents`` (queueing channels).

    Erlang B is evaluated once per call.  ``with_asa=False`` skips Erlang A's ASA sum (the
    search only needs it when there is an ASA target).
    """
    servers = np.asarray(agents * (targets.concurrency if targets.kind == "chat" else 1), dtype=float)
    a = np.asarray(erlangs, dtype=float)
    aht = np.asarray(aht_seconds, dtype=float)
    if targets.patience_seconds is None:
        servers, a, aht = np.broadcast_arrays(servers, a, aht)
        pw = erlang._erlang_c(servers, a)
        stable = servers > a
        gap = np.where(stable, servers - a, 1.0)
        sl = np.where(stable, 1.0 - pw * np.exp(-gap * targets.answer_seconds / aht), 0.0)
        asa = np.where(stable, pw * aht / gap, np.inf)
        sl = np.clip(np.where(a <= 0, 1.0, sl), 0.0, 1.0)
        asa = np.where(a <= 0, 0.0, asa)
        occ = np.asarray(erlang.occupancy_erlang_c(servers, a))
        ab = np.full(np.shape(sl), np.nan)
    else:
        res = erlang.erlang_a(
            servers, a, aht, targets.patience_seconds, targets.answer_seconds, with_asa=with_asa
        )
        sl = {
            "offered": res.service_level,
            "answered": res.service_level_answered,
            "offered_excl_short_abandons": res.service_level_excl_short_abandons,
        }[targets.service_level_definition]
        asa, occ, pw, ab = res.asa_seconds, res.occupancy, res.prob_wait, res.prob_abandon
    return {"service_level": sl, "asa_seconds": asa, "occupancy": occ, "abandon_rate": ab, "prob_wait": pw}


def _meets(agents: np.ndarray, erlangs: np.ndarray, aht: np.ndarray, targets: ServiceTargets) -> np.ndarray:
    """True where ``agents`` meets every target of ``targets``."""
    ok = agents >= targets.min_agents
    busy = erlangs > 0
    if not busy.any():
        return ok
    m = _measures(agents[busy], erlangs[busy], aht[busy], targets, with_asa=targets.max_asa_seconds is not None)
    sub = np.ones(int(busy.sum()), dtype=bool)
    if targets.service_level is not None:
        sub &= np.nan_to_num(m["service_level"], nan=0.0) >= targets.service_level - _TOL
    if targets.max_asa_seconds is not None:
        sub &= np.nan_to_num(m["asa_seconds"], nan=np.inf) <= targets.max_asa_seconds + _TOL
    if targets.max_occupancy is not None:
        n_busy = agents[busy]
        if targets.patience_seconds is None:
            # Offered load per server, not the capped occupancy: n <= a is never acceptable.
            servers = n_busy * (targets.concurrency if targets.kind == "chat" else 1)
            with np.errstate(divide="ignore"):
                occ = np.where(servers > 0, erlangs[busy] / np.maximum(servers, 1), np.inf)
        else:
            occ = m["occupancy"]
        sub &= (occ <= targets.max_occupancy + _TOL) & (n_busy > 0)
    if targets.max_abandon_rate is not None:
        sub &= m["abandon_rate"] <= targets.max_abandon_rate + _TOL
    ok = ok.copy()
    ok[busy] &= sub
    return ok


def agents_required(
    erlangs: np.ndarray | pd.Series | float,
    aht_seconds: np.ndarray | pd.Series | float,
    targets: ServiceTargets,
) -> np.ndarray:
    """Smallest whole number of agents meeting every target, per interval.

    Parameters
    ----------
    erlangs : array_like
        Offered load per interval in Erlangs (contacts x AHT / interval length).
    aht_seconds : array_like
        Average handle time per interval, seconds.
    targets : ServiceTargets
        A ``voice`` or ``chat`` channel's targets.

    Returns
    -------
    numpy.ndarray of int64
        Agents required (before shrinkage); ``targets.min_agents`` where the load is 0.

    Notes
    -----
    Feasibility is monotone in the number of agents, so the answer is found by
    doubling an upper bracket and bisecting, on all intervals at once: about
    ``2 log2(sqrt(a))`` vectorised evaluations instead of a scan over agent counts.
    Without patience the search starts above the load (Erlang C is unstable at
    ``n <= a``); with patience (Erlang A) it starts at zero, because fewer agents than
    Erlangs can meet a target when callers abandon.
    """
    if targets.kind == "deferred":
        raise InputError("agents_required: a deferred channel is staffed with deferred_requirements().")
    a, aht = np.broadcast_arrays(np.asarray(erlangs, dtype=float), np.asarray(aht_seconds, dtype=float))
    shape = a.shape
    a = a.ravel()
    aht = aht.ravel()
    k = targets.concurrency if targets.kind == "chat" else 1
    if targets.patience_seconds is None and (
        targets.service_level is not None or targets.max_asa_seconds is not None
    ):
        # n servers with n <= a never meet a service-level or ASA target in M/M/n.
        lo = np.floor(a / k).astype(np.int64)
        lo = np.where(lo * k >= a, lo - 1, lo)
    elif targets.service_level is not None and targets.service_level_definition != "offered":
        # Service level over answered contacts rewards abandonment: it can be high with almost
        # no agents because most callers hang up.  It is monotone from the load upward, so the
        # search for these definitions never goes below floor(a) agents.
        lo = np.floor(a / k).astype(np.int64) - 1
    else:
        lo = np.full(a.shape, -1, dtype=np.int64)
    lo = np.maximum(lo, targets.min_agents - 1)
    lo = np.where(a > 0, lo, targets.min_agents - 1)
    step = np.maximum(np.ceil((2.0 * np.sqrt(a) + 2.0) / k), 1).astype(np.int64)
    hi = lo + step
    ok = _meets(hi.astype(float), a, aht, targets)
    for _ in range(64):
        if ok.all():
            break
        bad = ~ok
        lo[bad] = hi[bad]
        step[bad] *= 2
        hi[bad] = hi[bad] + step[bad]
        ok[bad] = _meets(hi[bad].astype(float), a[bad], aht[bad], targets)
    else:  # pragma: no cover - targets in (0, 1) are always reachable
        raise InputError("agents_required: no staffing level meets the targets.")
    active = hi - lo > 1
    while active.any():
        idx = np.flatnonzero(active)
        mid = (lo[idx] + hi[idx]) // 2
        good = _meets(mid.astype(float), a[idx], aht[idx], targets)
        hi[idx[good]] = mid[good]
        lo[idx[~good]] = mid[~good]
        active[idx] = hi[idx] - lo[idx] > 1
    return np.maximum(hi, 0).reshape(shape)


def agents_to_schedule(agents: np.ndarray | float, shrinkage: np.ndarray | float) -> np.ndarray:
    """Agents to put on the schedule so that ``agents`` remain after shrinkage.

    ``ceil(agents / (1 - shrinkage))``, with a tolerance of 1e-9 so that exact
    quotients are not rounded up by floating-point noise.
    """
    s = np.asarray(shrinkage, dtype=float)
    if np.any((s < 0) | (s >= 1)):
        raise InputError(f"shrinkage: expected shares in [0, 1), found {s[(s < 0) | (s >= 1)].ravel()[0]:g}.")
    return np.ceil(np.asarray(agents, dtype=float) / (1.0 - s) - 1e-9).astype(np.int64)


def deferred_requirements(
    interval_start: pd.Series | np.ndarray,
    contacts: np.ndarray,
    aht_seconds: np.ndarray,
    targets: ServiceTargets,
    interval_minutes: float,
) -> pd.DataFrame:
    """Workload staffing for deferred work (e-mail, tickets) with a response deadline.

    Parameters
    ----------
    interval_start : array_like of datetime64
        Sorted starts of the open intervals (gaps are closed hours).
    contacts : ndarray
        Items arriving in each interval.
    aht_seconds : ndarray
        Handle time per item, seconds.
    targets : ServiceTargets
        ``kind="deferred"`` with ``response_hours``; ``max_occupancy`` is the productive
        share of an agent's interval (default 1); ``min_agents`` a floor.
    interval_minutes : float
        Interval length in minutes.

    Returns
    -------
    pandas.DataFrame
        Columns ``agents_required``, ``work_done_seconds``, ``backlog`` (items waiting at the
        interval's end, fluid), ``occupancy``.

    Notes
    -----
    An item arriving in the interval starting at ``s`` is due at ``s + response_hours``;
    items due during closed hours must be finished before closing.  Each interval works at
    the smallest constant rate that meets every upcoming deadline given the work already
    done (``max_h (D[t+h] - W[t-1]) / (h + 1)``, earliest-deadline-first), rounded up to whole
    agents, so every item is answered in time and the work is spread as evenly as the
    deadlines allow.  Work is processed first-in first-out and never before it arrives.
    The recursion over intervals is inherently sequential (backlog carries over), so it
    is a loop over intervals with a vectorised look-ahead.
    """
    starts = pd.to_datetime(pd.Series(np.asarray(interval_start))).reset_index(drop=True)
    n = len(starts)
    work = np.asarray(contacts, dtype=float) * np.asarray(aht_seconds, dtype=float)
    step = pd.Timedelta(minutes=interval_minutes)
    sla = pd.Timedelta(hours=float(targets.response_hours or 0.0))
    if sla < step:
        raise InputError(
            f"response_hours={targets.response_hours:g} is shorter than one interval ({interval_minutes:g} min); "
            "use a queueing channel (voice or chat) for deadlines under an interval."
        )
    start_ns = starts.to_numpy().astype("datetime64[ns]").astype(np.int64)
    next_start = np.append(start_ns[1:], start_ns[-1] + step.value) if n else start_ns
    due_ns = start_ns + sla.value
    # D[t]: cumulative work whose deadline falls at or before the start of the next open interval.
    due_count = np.searchsorted(due_ns, next_start, side="right")
    cum_work = np.concatenate([[0.0], np.cumsum(work)])
    must_done = cum_work[due_count]
    arrived = cum_work[1:]
    capacity = interval_minutes * 60.0 * (targets.max_occupancy or 1.0)
    horizon = int(np.ceil(sla / step)) + 1
    agents = np.zeros(n, dtype=np.int64)
    done = np.zeros(n)
    total = 0.0
    for t in range(n):
        window = must_done[t : t + horizon] - total
        rate = max(0.0, float(np.max(window / np.arange(1, window.size + 1)))) if window.size else 0.0
        rate = min(rate, arrived[t] - total)
        k = max(int(np.ceil(rate / capacity - 1e-9)), targets.min_agents)
        agents[t] = k
        done_t = min(k * capacity, arrived[t] - total)
        done[t] = done_t
        total += done_t
    aht = np.asarray(aht_seconds, dtype=float)
    backlog_seconds = arrived - np.cumsum(done)
    with np.errstate(divide="ignore", invalid="ignore"):
        occ = np.where(agents > 0, done / (agents * interval_minutes * 60.0), 0.0)
    return pd.DataFrame(
        {
            "agents_required": agents,
            "work_done_seconds": done,
            "backlog": np.maximum(backlog_seconds, 0.0) / aht,
            "occupancy": occ,
        }
    )


def requirements(
    forecast: pd.DataFrame,
    targets: ServiceTargets | Mapping[str, ServiceTargets],
    *,
    interval_minutes: float | None = None,
    source: str = "forecast",
) -> pd.DataFrame:
    """Agents required and to schedule per interval and channel, with predicted service.

    Parameters
    ----------
    forecast : pandas.DataFrame
        ``interval_start``, ``contacts`` (per interval), ``aht_seconds`` (s), optional
        ``channel`` (default ``voice``) and ``shrinkage`` (share, overrides the target's).
    targets : ServiceTargets or mapping of channel name to ServiceTargets
        One set for every channel, or one per channel (every channel must have one).
    interval_minutes : float, optional
        Interval length in minutes; inferred from the timestamps when omitted and checked
        against them when given.
    source : str
        Name for error messages.

    Returns
    -------
    pandas.DataFrame
        One row per interval and channel with the columns of
        :data:`staffing.schema.REQUIREMENTS_COLUMNS`:

        ``interval_start``, ``channel``, ``contacts``, ``aht_seconds`` (s), ``erlangs``
        (offered load), ``agents_required`` (on the phones), ``agents_to_schedule``
        (after shrinkage), ``service_level`` (share within T; NaN for deferred),
        ``asa_seconds`` (s; NaN for deferred), ``occupancy`` (share), ``abandon_rate``
        (share; NaN without patience), ``prob_wait`` (share; NaN for deferred),
        ``backlog`` (deferred items waiting at interval end; NaN for queueing channels).
    """
    df = S.validate_forecast(forecast, source=source, interval_minutes=interval_minutes)
    if interval_minutes is None:
        interval_minutes = S.infer_interval_minutes(df, source=source) if len(df) > 1 else 15.0
    interval_seconds = float(interval_minutes) * 60.0
    out_frames = []
    for channel, part in df.groupby(S.CHANNEL, sort=True):
        if isinstance(targets, ServiceTargets):
            tgt = targets
        else:
            if channel not in targets:
                raise InputError(
                    f"{source}: channel '{channel}' has no service targets; targets were given for "
                    f"{sorted(targets)}."
                )
            tgt = targets[channel]
        part = part.reset_index(drop=True)
        contacts = part[S.CONTACTS].to_numpy(dtype=float)
        aht = part[S.AHT_SECONDS].to_numpy(dtype=float)
        erl = contacts * aht / interval_seconds
        shrink = part[S.SHRINKAGE].to_numpy(dtype=float) if S.SHRINKAGE in part else np.full(len(part), tgt.shrinkage)
        res = pd.DataFrame(
            {
                S.INTERVAL_START: part[S.INTERVAL_START],
                S.CHANNEL: channel,
                S.CONTACTS: contacts,
                S.AHT_SECONDS: aht,
                S.ERLANGS: erl,
            }
        )
        if tgt.kind == "deferred":
            d = deferred_requirements(part[S.INTERVAL_START], contacts, aht, tgt, float(interval_minutes))
            need = d["agents_required"].to_numpy()
            res[S.AGENTS_REQUIRED] = need
            res[S.SERVICE_LEVEL] = np.nan
            res[S.ASA_SECONDS] = np.nan
            res[S.OCCUPANCY] = d["occupancy"].to_numpy()
            res[S.ABANDON_RATE] = np.nan
            res[S.PROB_WAIT] = np.nan
            res[S.BACKLOG] = d["backlog"].to_numpy()
        else:
            need = agents_required(erl, aht, tgt)
            m = _measures(need.astype(float), erl, aht, tgt)
            res[S.AGENTS_REQUIRED] = need
            res[S.SERVICE_LEVEL] = m["service_level"]
            res[S.ASA_SECONDS] = m["asa_seconds"]
            res[S.OCCUPANCY] = m["occupancy"]
            res[S.ABANDON_RATE] = m["abandon_rate"]
            res[S.PROB_WAIT] = m["prob_wait"]
            res[S.BACKLOG] = np.nan
        res[S.AGENTS_TO_SCHEDULE] = agents_to_schedule(need, shrink)
        out_frames.append(res)
    out = pd.concat(out_frames, ignore_index=True) if out_frames else pd.DataFrame(columns=S.REQUIREMENTS_COLUMNS)
    return out[list(S.REQUIREMENTS_COLUMNS)].sort_values([S.INTERVAL_START, S.CHANNEL], kind="stable").reset_index(
        drop=True
    )


def predicted_service(
    agents: np.ndarray,
    contacts: np.ndarray,
    aht_seconds: np.ndarray,
    targets: ServiceTargets,
    interval_minutes: float,
) -> pd.DataFrame:
    """Service measures for a *given* number of agents per interval (e.g. a roster's coverage).

    Returns a frame with ``service_level``, ``asa_seconds``, ``occupancy``, ``abandon_rate`` and
    ``prob_wait`` per interval (same definitions as :func:`requirements`).
    """
    erl = np.asarray(contacts, dtype=float) * np.asarray(aht_seconds, dtype=float) / (interval_minutes * 60.0)
    m = _measures(np.asarray(agents, dtype=float), erl, np.asarray(aht_seconds, dtype=float), targets)
    return pd.DataFrame(m)
