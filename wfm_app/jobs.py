"""Long work in a background thread: progress reports, a stop event, the result or the error.

A page starts a :class:`BackgroundJob` and keeps it in its session; every rerun of the page
reads :attr:`BackgroundJob.progress` to redraw the progress bar, and a Stop button sets
the stop event that the library's solver polls.  The page never blocks on the solver
itself, so the browser stays responsive.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Progress:
    """Latest progress report: seconds since start, best objective, best bound, solutions found."""

    elapsed_seconds: float = 0.0
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    solutions: int = 0
    message: str = ""


@dataclass
class BackgroundJob:
    """Run ``func(progress=..., stop_event=...)`` in a daemon thread.

    ``func`` receives keyword arguments ``progress`` (a callable taking any object with
    optional ``objective``/``best_objective``, ``bound``/``best_bound`` attributes or keys)
    and ``stop_event`` (a :class:`threading.Event`).
    """

    func: Callable[..., Any]
    time_limit_seconds: float = 60.0
    stop_event: threading.Event = field(default_factory=threading.Event)
    progress: Progress = field(default_factory=Progress)
    history: list[tuple[float, float | None, float | None]] = field(default_factory=list)
    result: Any = None
    error: BaseException | None = None
    started_at: float = 0.0
    finished_at: float | None = None
    _thread: threading.Thread | None = None

    def start(self) -> BackgroundJob:
        self.started_at = time.monotonic()
        self._thread = threading.Thread(target=self._run, name="wfm-job", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            self.result = self.func(progress=self.report, stop_event=self.stop_event)
        except BaseException as exc:
            self.error = exc
        finally:
            self.finished_at = time.monotonic()

    def report(self, info: Any = None, *args: Any, **kwargs: Any) -> None:
        """Progress callback accepted by the library (object, mapping or keywords)."""

        def pick(*names: str) -> Any:
            for n in names:
                if n in kwargs:
                    return kwargs[n]
                if isinstance(info, dict) and n in info:
                    return info[n]
                if info is not None and hasattr(info, n):
                    return getattr(info, n)
            return None

        obj = pick("objective", "best_objective", "objective_value")
        bnd = pick("bound", "best_bound", "best_objective_bound")
        sols = pick("solutions", "solution_count", "num_solutions")
        gap = pick("gap", "relative_gap")
        msg = pick("message", "status")
        if obj is None and isinstance(info, (int, float)):
            obj = info
            if args and isinstance(args[0], (int, float)):
                bnd = args[0]
        prev = self.progress
        # a report may carry only a new bound (or only a new roster): keep the latest of each
        obj_f = _float(obj) if _float(obj) is not None else prev.objective
        bnd_f = _float(bnd) if _float(bnd) is not None else prev.bound
        gap_f = _float(gap)
        if gap_f is None and obj_f is not None and bnd_f is not None:
            gap_f = max(obj_f - bnd_f, 0.0) / max(abs(obj_f), 1.0)  # the scheduler's definition of the gap
        p = Progress(
            elapsed_seconds=self.elapsed_seconds,
            objective=obj_f,
            bound=bnd_f,
            gap=gap_f,
            solutions=int(sols) if isinstance(sols, (int, float)) else prev.solutions + (obj is not None),
            message=str(msg) if msg is not None else "",
        )
        self.progress = p
        self.history.append((p.elapsed_seconds, p.objective, p.bound))

    @property
    def elapsed_seconds(self) -> float:
        end = self.finished_at if self.finished_at is not None else time.monotonic()
        return max(0.0, end - self.started_at) if self.started_at else 0.0

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def done(self) -> bool:
        return self._thread is not None and not self._thread.is_alive()

    def fraction(self) -> float:
        """Share of the time limit used, in [0, 1] (1 when finished)."""
        if self.done:
            return 1.0
        if self.time_limit_seconds <= 0:
            return 0.0
        return min(0.99, self.elapsed_seconds / self.time_limit_seconds)

    def stop(self) -> None:
        """Ask the solver to stop and return its best solution so far."""
        self.stop_event.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until finished (or ``timeout`` seconds); True when finished."""
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()


def _float(v: Any) -> float | None:
    try:
        return None if v is None else float(v)
    except (TypeError, ValueError):
        return None
