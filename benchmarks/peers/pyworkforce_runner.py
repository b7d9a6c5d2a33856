"""Run pyworkforce's Erlang C / Erlang A staffing inside its own Python 3.12 virtual environment.

pyworkforce 0.5.4 (the release with ``ErlangA``) requires Python >= 3.12, while this
project runs on 3.11, so ``benchmarks/erlang_speed.py`` starts this script as a
subprocess with the interpreter of ``benchmarks/.venv-peers`` and exchanges data
through JSON files.  Timings are taken *inside* this process (interpreter start-up
and imports excluded), so they are comparable with the in-process timings of the
main script.

Usage (done for you by the main script)::

    .venv-peers/bin/python pyworkforce_runner.py TASK INPUT.json OUTPUT.json

Tasks
-----
``erlang_c``
    Input ``{"contacts": [...], "aht_minutes", "answer_minutes", "interval_minutes",
    "service_level", "repeats"}``; output ``{"times_seconds": [...], "agents": [...]}``
    (agents of the last repeat).
``erlang_a``
    Input adds ``"patience_minutes"``, ``"order"`` (interval indices to process, in
    order), ``"ours"`` (our answers, same length as contacts) and ``"budget_seconds"``.
    Intervals are staffed one after the other until the budget is spent (at least one); for each one
    pyworkforce's own service level at our answer and at our answer minus one is
    evaluated too (an independent, exact birth-death-chain check of our engine).  The
    output file is rewritten after every interval, so a run killed by a timeout still
    leaves its partial results.
``edge_cases``
    ``{"cases": {name: contacts}}``: staff each with ErlangC and ErlangA, recording
    exceptions as strings (zero contacts, whole-number loads).
``erlang_a_single``
    One interval (``"contacts"`` of length 1): first pyworkforce's service level at our
    answer and at our answer minus one, then its ``required_positions``; each step is
    written out as soon as it finishes.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any


def _write(path: Path, payload: dict[str, Any]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(payload))
    tmp.replace(path)


def _meta() -> dict[str, Any]:
    import pyworkforce

    return {
        "python": sys.version.split()[0],
        "pyworkforce": getattr(pyworkforce, "__version__", "unknown"),
    }


def erlang_c(cfg: dict[str, Any], out: Path) -> None:
    """Staff every interval with ``ErlangC.required_positions``; best-of-``repeats`` timing."""
    from pyworkforce.queuing import ErlangC

    contacts = cfg["contacts"]
    times: list[float] = []
    agents: list[int] = []
    for _ in range(int(cfg["repeats"])):
        t0 = time.perf_counter()
        agents = [
            ErlangC(
                transactions=c,
                aht=cfg["aht_minutes"],
                asa=cfg["answer_minutes"],
                interval=cfg["interval_minutes"],
            ).required_positions(service_level=cfg["service_level"])["raw_positions"]
            for c in contacts
        ]
        times.append(time.perf_counter() - t0)
    _write(out, {**_meta(), "times_seconds": times, "agents": agents})


def _erlang_a(cfg: dict[str, Any], contacts: float) -> Any:
    from pyworkforce.queuing import ErlangA

    return ErlangA(
        transactions=contacts,
        aht=cfg["aht_minutes"],
        asa=cfg["answer_minutes"],
        interval=cfg["interval_minutes"],
        patience=cfg["patience_minutes"],
    )


def erlang_a(cfg: dict[str, Any], out: Path) -> None:
    """Staff intervals in ``order`` with ``ErlangA.required_positions`` until the budget is spent."""
    start = time.perf_counter()
    rows: list[dict[str, Any]] = []
    payload: dict[str, Any] = {**_meta(), "rows": rows, "finished": False}
    for i in cfg["order"]:
        if rows and time.perf_counter() - start > cfg["budget_seconds"]:  # at least one interval
            break
        model = _erlang_a(cfg, cfg["contacts"][i])
        t0 = time.perf_counter()
        res = model.required_positions(service_level=cfg["service_level"])
        dt = time.perf_counter() - t0
        ours = int(cfg["ours"][i])
        sl_ours = model.service_level(ours) if ours >= 1 else 0.0
        sl_below = model.service_level(ours - 1) if ours >= 2 else 0.0
        rows.append(
            {
                "interval": i,
                "seconds": dt,
                "agents": int(res["raw_positions"]),
                "service_level_at_ours": sl_ours,
                "service_level_at_ours_minus_1": sl_below,
            }
        )
        _write(out, payload)
    payload["finished"] = True
    _write(out, payload)


def erlang_a_single(cfg: dict[str, Any], out: Path) -> None:
    """One heavy interval: cross-check our answer with pyworkforce's exact chain, then time its search."""
    model = _erlang_a(cfg, cfg["contacts"][0])
    ours = int(cfg["ours"][0])
    payload: dict[str, Any] = {**_meta(), "steps": {}}
    for name, n in (("service_level_at_ours", ours), ("service_level_at_ours_minus_1", ours - 1)):
        t0 = time.perf_counter()
        sl = model.service_level(n)
        payload["steps"][name] = {"agents": n, "value": sl, "seconds": time.perf_counter() - t0}
        _write(out, payload)
    t0 = time.perf_counter()
    res = model.required_positions(service_level=cfg["service_level"])
    payload["steps"]["required_positions"] = {
        "agents": int(res["raw_positions"]),
        "service_level": res["service_level"],
        "seconds": time.perf_counter() - t0,
    }
    _write(out, payload)


def edge_cases(cfg: dict[str, Any], out: Path) -> None:
    """Staff the edge cases ``cfg["cases"]`` (name -> contacts) with ErlangC and ErlangA; record errors."""
    from pyworkforce.queuing import ErlangC

    res: dict[str, Any] = {}
    for name, contacts in cfg["cases"].items():
        for model in ("ErlangC", "ErlangA"):
            try:
                if model == "ErlangC":
                    m = ErlangC(
                        transactions=contacts,
                        aht=cfg["aht_minutes"],
                        asa=cfg["answer_minutes"],
                        interval=cfg["interval_minutes"],
                    )
                else:
                    m = _erlang_a(cfg, contacts)
                res[f"{model} {name}"] = m.required_positions(service_level=cfg["service_level"])[
                    "raw_positions"
                ]
            except Exception as exc:
                res[f"{model} {name}"] = f"{type(exc).__name__}: {exc}"
    _write(out, {**_meta(), "results": res})


TASKS = {
    "edge_cases": edge_cases,
    "erlang_c": erlang_c,
    "erlang_a": erlang_a,
    "erlang_a_single": erlang_a_single,
}


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[0] not in TASKS:
        print(
            f"usage: pyworkforce_runner.py {{{'|'.join(TASKS)}}} INPUT.json OUTPUT.json",
            file=sys.stderr,
        )
        return 2
    task, inp, out = argv
    TASKS[task](json.loads(Path(inp).read_text()), Path(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
