"""Compiled core of the contact-centre simulator: an FCFS multi-server queue with abandonment.

The model is simulated per contact, not per event.  With first-come first-served
service, a contact's answer time depends only on the contacts that arrived before
it and were answered, so contacts can be processed in arrival order against a
binary min-heap holding, for every agent currently on duty, the time at which
that agent becomes free (Kiefer-Wolfowitz workload recursion for G/G/n, extended
with abandonment and a time-varying number of agents):

* the candidate answer time of contact ``i`` is ``c = max(a_i, min(heap))``;
* staffing changes (agents joining or leaving, minute by minute) with time
  ``s <= c`` are applied first, in time order: a joining agent is pushed with free
  time ``s``; a leaving agent is the one that becomes free first (popped from
  the heap): an idle agent leaves at once, otherwise the first agent to finish
  a call leaves after that call (calls are never cut off);
* if ``c - a_i`` exceeds the contact's patience it abandons at ``a_i + patience``
  and leaves the heap untouched (it never held an agent); otherwise the agent is
  taken and its free time becomes ``c + handle time``.

Contacts still queued at the horizon end are reported as waiting.  One
replication is one sequential pass; replications run in parallel threads
(numba ``prange``).  Without numba the same functions run as plain Python
(correct, about 50 times slower).

References
----------
.. [1] Kiefer, J. & Wolfowitz, J. (1955). On the theory of queues with many servers.
   *Trans. AMS* 78(1), 1-18 (the vector of workloads / free times of the servers).
.. [2] Koole, G. (2013). *Call Center Optimization*, ch. 5 and 11 (simulating
   call centres with abandonment and time-varying staffing).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

try:  # optional dependency: without it the kernel runs as plain Python
    import numba
except ImportError:  # pragma: no cover - fallback without numba
    numba = None  # type: ignore[assignment]

HAVE_NUMBA: bool = numba is not None
prange: Any = numba.prange if numba is not None else range


def njit(**options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``numba.njit(**options)``, or the identity decorator when numba is not installed."""
    if numba is None:  # pragma: no cover
        return lambda fn: fn
    return numba.njit(**options)  # type: ignore[no-any-return]


#: Outcome codes in :func:`simulate_queue`'s ``outcome`` array.
ANSWERED = 0
ABANDONED = 1
WAITING = 2


@njit(cache=True)
def _heap_push(heap: np.ndarray, size: int, value: float) -> int:
    i = size
    heap[i] = value
    while i > 0:
        parent = (i - 1) >> 1
        if heap[parent] <= heap[i]:
            break
        tmp = heap[parent]
        heap[parent] = heap[i]
        heap[i] = tmp
        i = parent
    return size + 1


@njit(cache=True)
def _heap_sift_down(heap: np.ndarray, size: int) -> None:
    i = 0
    while True:
        left = 2 * i + 1
        if left >= size:
            break
        smallest = left
        right = left + 1
        if right < size and heap[right] < heap[left]:
            smallest = right
        if heap[i] <= heap[smallest]:
            break
        tmp = heap[i]
        heap[i] = heap[smallest]
        heap[smallest] = tmp
        i = smallest


@njit(cache=True)
def _heap_pop(heap: np.ndarray, size: int) -> int:
    """Remove the minimum (``heap[0]``); returns the new size."""
    size -= 1
    if size > 0:
        heap[0] = heap[size]
        _heap_sift_down(heap, size)
    return size


@njit(cache=True)
def _add_overlap(row: np.ndarray, start: float, end: float, interval_seconds: float, horizon: float) -> None:
    """Add the length of ``[start, end)`` falling in each interval to ``row`` (clipped to the horizon)."""
    end = min(end, horizon)
    if end <= start:
        return
    j = int(start // interval_seconds)
    n = row.shape[0]
    while j < n:
        lo = j * interval_seconds
        hi = lo + interval_seconds
        if lo >= end:
            break
        a = max(lo, start)
        b = min(hi, end)
        if b > a:
            row[j] += b - a
        j += 1


@njit(cache=True)
def _one_replication(
    arrival: np.ndarray,
    service: np.ndarray,
    patience: np.ndarray,
    event_time: np.ndarray,
    event_delta: np.ndarray,
    initial_agents: int,
    capacity: int,
    horizon: float,
    interval_seconds: float,
    start: np.ndarray,
    outcome: np.ndarray,
    busy: np.ndarray,
    overrun: np.ndarray,
) -> None:
    heap = np.empty(capacity + 1, dtype=np.float64)
    size = 0
    for _ in range(initial_agents):
        size = _heap_push(heap, size, 0.0)
    e = 0
    n_events = event_time.shape[0]
    for i in range(arrival.shape[0]):
        a = arrival[i]
        while True:
            if size > 0:
                c = max(a, heap[0])
            else:
                c = np.inf
            if e < n_events and event_time[e] <= c:
                s = event_time[e]
                d = event_delta[e]
                if d > 0:
                    for _ in range(d):
                        size = _heap_push(heap, size, s)
                else:
                    for _ in range(-d):
                        if size == 0:
                            break
                        f = heap[0]
                        size = _heap_pop(heap, size)
                        if f > s:  # busy agent leaves after the call: on duty until f
                            _add_overlap(overrun, s, f, interval_seconds, horizon)
                e += 1
                continue
            break
        if c - a > patience[i]:
            start[i] = a + patience[i]
            outcome[i] = ABANDONED if a + patience[i] <= horizon else WAITING
        elif c >= horizon:
            start[i] = np.inf
            outcome[i] = WAITING
        else:
            start[i] = c
            outcome[i] = ANSWERED
            size = _heap_pop(heap, size)
            end = c + service[i]
            size = _heap_push(heap, size, end)
            _add_overlap(busy, c, end, interval_seconds, horizon)


@njit(parallel=True, cache=True)
def _all_replications(
    arrival: np.ndarray,
    service: np.ndarray,
    patience: np.ndarray,
    contact_ptr: np.ndarray,
    event_time: np.ndarray,
    event_delta: np.ndarray,
    event_ptr: np.ndarray,
    initial_agents: np.ndarray,
    capacity: int,
    horizon: float,
    interval_seconds: float,
    start: np.ndarray,
    outcome: np.ndarray,
    busy: np.ndarray,
    overrun: np.ndarray,
) -> None:
    for r in prange(contact_ptr.shape[0] - 1):
        lo, hi = contact_ptr[r], contact_ptr[r + 1]
        elo, ehi = event_ptr[r], event_ptr[r + 1]
        _one_replication(
            arrival[lo:hi],
            service[lo:hi],
            patience[lo:hi],
            event_time[elo:ehi],
            event_delta[elo:ehi],
            initial_agents[r],
            capacity,
            horizon,
            interval_seconds,
            start[lo:hi],
            outcome[lo:hi],
            busy[r],
            overrun[r],
        )


@njit(parallel=True, cache=True)
def group_quantile(values: np.ndarray, valid: np.ndarray, group_ptr: np.ndarray, q: float) -> np.ndarray:
    """``q``-quantile of ``values[valid]`` inside each contiguous group (numpy's linear rule).

    Parameters
    ----------
    values : ndarray of float
        Values, grouped contiguously.
    valid : ndarray of bool
        Which values take part.
    group_ptr : ndarray of int64
        Group ``g`` is ``values[group_ptr[g]:group_ptr[g + 1]]``.
    q : float
        Quantile in [0, 1].

    Returns
    -------
    ndarray
        One value per group; NaN for a group without valid values.
    """
    n_groups = group_ptr.shape[0] - 1
    out = np.full(n_groups, np.nan)
    for g in prange(n_groups):
        lo, hi = group_ptr[g], group_ptr[g + 1]
        if hi <= lo:
            continue
        chunk = values[lo:hi][valid[lo:hi]]
        m = chunk.shape[0]
        if m == 0:
            continue
        chunk = np.sort(chunk)
        pos = q * (m - 1)
        k = int(np.floor(pos))
        if k + 1 < m:
            out[g] = chunk[k] + (pos - k) * (chunk[k + 1] - chunk[k])
        else:
            out[g] = chunk[k]
    return out


def simulate_queue(
    arrival: np.ndarray,
    service: np.ndarray,
    patience: np.ndarray,
    contact_ptr: np.ndarray,
    agents_per_minute: np.ndarray,
    interval_seconds: float,
    n_intervals: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Run every replication of the FCFS queue with abandonment and minute-by-minute staffing.

    Parameters
    ----------
    arrival : ndarray of float, shape (C,)
        Arrival times in seconds since the horizon start, sorted within each replication.
    service : ndarray of float, shape (C,)
        Handle times in seconds.
    patience : ndarray of float, shape (C,)
        Patience in seconds (``inf``: never abandons).
    contact_ptr : ndarray of int64, shape (R + 1,)
        Replication ``r`` owns contacts ``contact_ptr[r]:contact_ptr[r + 1]``.
    agents_per_minute : ndarray of int, shape (R, M)
        Agents on duty in each minute of the horizon, per replication (``M`` minutes long).
    interval_seconds : float
        Reporting interval length in seconds (``M * 60`` must equal ``n_intervals * interval_seconds``).
    n_intervals : int
        Number of reporting intervals.

    Returns
    -------
    start : ndarray of float, shape (C,)
        Answer time (answered), abandonment time (abandoned) or ``inf``/abandonment time beyond
        the horizon (waiting at the end).
    outcome : ndarray of int8, shape (C,)
        :data:`ANSWERED`, :data:`ABANDONED` or :data:`WAITING` (still queued at the horizon end).
    busy : ndarray of float, shape (R, n_intervals)
        Agent-seconds spent handling contacts in each interval.
    overrun : ndarray of float, shape (R, n_intervals)
        Agent-seconds of agents who were due to leave but finished a call first.
    """
    apm = np.asarray(agents_per_minute)
    n_rep, n_min = apm.shape
    horizon = float(n_min * 60.0)
    diff = np.diff(apm.astype(np.int64), axis=1)
    rows, cols = np.nonzero(diff)
    event_time = (cols + 1).astype(np.float64) * 60.0
    event_delta = diff[rows, cols].astype(np.int64)
    event_ptr = np.zeros(n_rep + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n_rep), out=event_ptr[1:])
    initial = apm[:, 0].astype(np.int64)
    capacity = int(apm.max()) if apm.size else 0
    c = arrival.shape[0]
    start = np.empty(c, dtype=np.float64)
    outcome = np.empty(c, dtype=np.int8)
    busy = np.zeros((n_rep, n_intervals), dtype=np.float64)
    overrun = np.zeros((n_rep, n_intervals), dtype=np.float64)
    _all_replications(
        np.ascontiguousarray(arrival, dtype=np.float64),
        np.ascontiguousarray(service, dtype=np.float64),
        np.ascontiguousarray(patience, dtype=np.float64),
        np.asarray(contact_ptr, dtype=np.int64),
        event_time,
        event_delta,
        event_ptr,
        initial,
        capacity,
        horizon,
        float(interval_seconds),
        start,
        outcome,
        busy,
        overrun,
    )
    return start, outcome, busy, overrun
