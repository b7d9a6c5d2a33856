"""A roster result as plain data: persisted, shown and compared without the solver objects.

:func:`result_record` turns the scheduler's ``ScheduleResult`` into frames (roster,
coverage, wide view) and a JSON-able ``meta`` mapping (status, KPIs, solver facts,
explanation, warnings, violations), which the store keeps so that a restart loses nothing.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd


def jsonable(value: Any) -> Any:
    """Tuples to lists, numpy scalars to Python numbers, NaN to None, recursively."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            value = value.item()
        except (TypeError, ValueError):
            return str(value)
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, Mapping):
        return "{ " + ", ".join(f"{k} = {_toml_value(x)}" for k, x in v.items()) + " }"
    return _toml_value(str(v))


def to_toml(doc: Mapping[str, Any]) -> str:
    """A TOML text of a rules document (tables first, then arrays of tables); None values are left out."""
    lines: list[str] = []
    for key, val in doc.items():
        if isinstance(val, Mapping):
            lines.append(f"[{key}]")
            lines += [f"{k} = {_toml_value(v)}" for k, v in val.items() if v is not None]
            lines.append("")
    for key, val in doc.items():
        if isinstance(val, list) and all(isinstance(x, Mapping) for x in val):
            for item in val:
                lines.append(f"[[{key}]]")
                lines += [f"{k} = {_toml_value(v)}" for k, v in item.items() if v is not None]
                lines.append("")
    return "\n".join(lines)


def result_record(result: Any, inputs: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Frames and JSON meta of a ``staffing.scheduling.ScheduleResult``.

    Returns
    -------
    dict
        ``roster``, ``coverage``, ``wide`` (DataFrames) and ``meta`` (status, objective, bound,
        gap, timings, explanation, warnings, violations as text, headcount, kpis, model_size,
        plus the ``inputs`` given: channels, week, agents mode).
    """
    kpis = result.kpis
    if kpis is not None:
        kpis = kpis.as_dict() if hasattr(kpis, "as_dict") else dataclasses.asdict(kpis)
    violations = [getattr(v, "message", str(v)) for v in (result.violations or ())]
    meta = {
        "status": result.status,
        "objective": result.objective,
        "bound": result.bound,
        "gap": result.gap,
        "timings": dict(result.timings or {}),
        "explanation": result.explanation,
        "warnings": list(result.warnings or ()),
        "violations": violations,
        "headcount": result.headcount,
        "kpis": kpis,
        "model_size": dict(getattr(result, "model_size", {}) or {}),
        **dict(inputs or {}),
    }
    wide = result.wide
    if isinstance(wide, pd.DataFrame) and len(wide) and wide.index.name is not None:
        wide = wide.reset_index()
    return {"roster": result.roster, "coverage": result.coverage, "wide": wide, "meta": jsonable(meta)}


def status_message(meta: Mapping[str, Any]) -> str:
    """One sentence on the solver status in plain words."""
    status = meta.get("status", "")
    gap = meta.get("gap")
    secs = (meta.get("timings") or {}).get("total_seconds")
    t = f" in {secs:.1f} s" if isinstance(secs, (int, float)) else ""
    if status == "optimal":
        return f"Proven optimal roster{t}."
    if status == "feasible":
        g = f" (gap {100 * gap:.1f}% to the proven lower bound)" if isinstance(gap, (int, float)) else ""
        return f"Roster found{t}{g}; the solver stopped at its time limit or when asked, before proving it optimal."
    if status == "infeasible":
        return "The hard rules cannot all hold for this week: no roster exists (see the explanation)."
    if status == "no_solution":
        return f"No roster found within the time limit{t}; raise the time limit or simplify the rules."
    if status == "stopped":
        return "Stopped before any roster was found."
    return f"Status: {status}."


def scenario_kpis(meta: Mapping[str, Any]) -> dict[str, float]:
    """Roster figures under the metric keys of :mod:`wfm_app.compare` (for saving with a scenario)."""
    k = meta.get("kpis") or {}
    out: dict[str, float] = {}
    for src, dst in (("paid_hours", "paid_hours"), ("cost", "cost"), ("under_agent_hours", "under_coverage_hours"),
                     ("over_agent_hours", "over_coverage_hours"), ("agents_rostered", "agents")):
        if isinstance(k.get(src), (int, float)):
            out[dst] = float(k[src])
    sl = k.get("service_level_week")
    if isinstance(sl, (int, float)):
        out["roster_service_level"] = 100.0 * float(sl)
    sim = meta.get("simulated_service_level")
    if isinstance(sim, (int, float)):
        out["simulated_service_level"] = 100.0 * float(sim)
    return out


#: Store names of a roster result: record key -> frame name.
FRAME_NAMES = {"roster": "roster", "coverage": "roster_coverage", "wide": "roster_wide", "agents": "roster_agents"}
META_KEY = "roster_meta"
SIMULATION_FRAME = "roster_simulation"


def save_record(store: Any, record: Mapping[str, Any]) -> None:
    """Persist a roster record atomically (safe to call from the solver's background thread)."""
    frames: dict[str, pd.DataFrame | None] = {
        name: (record.get(key) if isinstance(record.get(key), pd.DataFrame) else pd.DataFrame())
        for key, name in FRAME_NAMES.items()
    }
    frames[SIMULATION_FRAME] = None
    store.save_bundle(frames, {META_KEY: dict(record["meta"])})


def absent_agents(roster: pd.DataFrame, share: float, seed: int = 0, among: list[str] | None = None) -> list[str]:
    """A reproducible random choice of ``round(share x agents)`` rostered agents (for a sickness what-if).

    ``among`` restricts the choice to these agent ids (e.g. one contract group).
    """
    import numpy as np

    if not 0.0 <= share <= 1.0:
        raise ValueError(f"share of agents absent: expected a share in [0, 1], found {share!r}.")
    ids = sorted(roster["agent_id"].astype(str).unique()) if len(roster) else []
    if among is not None:
        allowed = {str(a) for a in among}
        ids = [i for i in ids if i in allowed]
    k = round(share * len(ids))
    if k == 0:
        return []
    rng = np.random.default_rng(seed)
    return sorted(rng.choice(ids, size=k, replace=False).tolist())
