"""Labelling searches in a second process, so that pricing uses both cores.

The labelling search (:mod:`staffing.scheduling.labelling`) is Python and small numpy arrays: it
holds the GIL, so pricing threads run one at a time (Curtois 13, 120 employees: ~4.4 s of pricing
per column-generation round with two threads, the same as with one).  :class:`LabelPool` forks one
worker process that owns the labellers of half of the agents (``a % 2 == 1``) for the lifetime of
the pool -- each labeller keeps its own warm start (the template multipliers of its last search)
-- and answers :meth:`Labeller.cheapest_within` requests for them while the calling process prices
the other half.  Only the costs go over the pipe, only the schedules come back.

The worker is forked (copy-on-write: the labellers' tables are not pickled); where ``fork`` is not
available :func:`start_pool` returns None and the caller prices in threads as before.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
from typing import Any

from staffing.scheduling.labelling import Labeller

#: ``(bound, [(cost, {day: option}), ...], complete)``, as :meth:`Labeller.cheapest_within` returns.
LabelResult = tuple[int, list[tuple[int, dict[int, int]]], bool]


def _serve(conn: multiprocessing.connection.Connection, labellers: dict[int, Labeller],
           parent_end: multiprocessing.connection.Connection) -> None:
    """Worker loop: ``[(agent, costs, seconds), ...]`` in, ``[LabelResult, ...]`` out; None ends it,
    and so does the calling process's end of the pipe closing (it exited or was killed)."""
    parent_end.close()  # the fork's copy: while it is open the pipe never reports the caller gone
    while True:
        try:
            jobs = conn.recv()
        except EOFError:
            return
        if jobs is None:
            return
        conn.send([labellers[a].cheapest_within(costs, seconds) for a, costs, seconds in jobs])


class LabelPool:
    """One forked worker owning the labellers of the agents ``a`` with ``a % 2 == 1``.

    Use :meth:`submit` (non-blocking) then :meth:`collect`; :meth:`close` ends the worker (also on
    garbage collection of the pool, and the worker is a daemon).
    """

    def __init__(self, labellers: dict[int, Labeller]) -> None:
        ctx = multiprocessing.get_context("fork")
        self._conn, child = ctx.Pipe()
        self.agents = frozenset(a for a in labellers if a % 2 == 1)
        self._proc = ctx.Process(target=_serve, args=(child, {a: labellers[a] for a in self.agents}, self._conn),
                                 daemon=True)
        self._proc.start()
        child.close()
        self._pending: list[int] | None = None

    def owns(self, agent: int) -> bool:
        """Whether the worker prices this agent."""
        return agent in self.agents

    def submit(self, jobs: list[tuple[int, dict[tuple[int, int], int], float]]) -> None:
        """Send ``(agent, costs, seconds)`` searches (agents the worker owns) without waiting."""
        assert self._pending is None, "collect() the previous batch first"
        self._pending = [a for a, _c, _s in jobs]
        if jobs:  # an empty batch is not sent: collect() reads no answer for it
            self._conn.send(jobs)

    def collect(self) -> dict[int, LabelResult]:
        """Wait for the batch sent by :meth:`submit`: the result per agent."""
        pending, self._pending = self._pending or [], None
        if not pending:
            return {}
        got: list[Any] = self._conn.recv()
        return dict(zip(pending, got, strict=True))

    def close(self) -> None:
        """End the worker."""
        if self._proc.is_alive():
            try:
                if self._pending:
                    self._conn.recv()
                self._conn.send(None)
            except (BrokenPipeError, EOFError, OSError):
                pass
            self._proc.join(timeout=2)
            if self._proc.is_alive():
                self._proc.kill()
        self._conn.close()

    def __del__(self) -> None:  # pragma: no cover - safety net
        proc = getattr(self, "_proc", None)
        if proc is not None and proc.pid is not None and proc.exitcode is None:
            proc.kill()


def start_pool(labellers: dict[int, Labeller]) -> LabelPool | None:
    """A :class:`LabelPool` when ``fork`` exists and there is work for two processes, else None."""
    if "fork" not in multiprocessing.get_all_start_methods() or sum(1 for a in labellers if a % 2 == 1) < 2:
        return None
    return LabelPool(labellers)
