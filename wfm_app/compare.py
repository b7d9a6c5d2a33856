"""Side-by-side comparison of saved scenarios, with differences against a baseline.

A scenario's KPIs are a flat mapping of metric key to number (see :data:`METRICS`).
:func:`comparison_table` lines them up (one column per scenario) and adds, for every
scenario after the first, its difference from the first; :func:`highlight` gives the
CSS for a pandas Styler so that better values are green and worse red.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Metric:
    """A KPI: display label (with unit) and which direction is better (+1 higher, -1 lower, 0 neither)."""

    label: str
    better: int = 0


METRICS: dict[str, Metric] = {
    "contacts": Metric("Contacts offered (week)", 0),
    "fte": Metric("FTE to schedule", -1),
    "agent_hours_required": Metric("Agent-hours required (on phones)", -1),
    "agent_hours_to_schedule": Metric("Agent-hours to schedule", -1),
    "peak_agents": Metric("Peak agents to schedule", -1),
    "service_level": Metric("Predicted service level (volume-weighted, %)", +1),
    "staffing_cost": Metric("Staffing cost (agent-hours x cost per hour)", -1),
    "paid_hours": Metric("Roster paid hours", -1),
    "cost": Metric("Roster cost", -1),
    "under_coverage_hours": Metric("Under-coverage (agent-hours)", -1),
    "over_coverage_hours": Metric("Over-coverage (agent-hours)", -1),
    "roster_service_level": Metric("Roster predicted service level (%)", +1),
    "simulated_service_level": Metric("Simulated service level (%)", +1),
    "agents": Metric("Agents rostered", -1),
    "share_intervals_met": Metric("Share of intervals fully covered", +1),
    "plan_total_cost": Metric("Capacity plan total cost", -1),
    "plan_hires": Metric("Capacity plan hires", -1),
}


def label(key: str) -> str:
    """Display label of a metric key (the key itself when unknown)."""
    return METRICS[key].label if key in METRICS else key


def comparison_table(
    scenarios: Sequence[tuple[str, Mapping[str, Any]]],
    metrics: Iterable[str] | None = None,
) -> pd.DataFrame:
    """One row per metric, one column per scenario, then ``Δ name`` columns against the first.

    Parameters
    ----------
    scenarios : sequence of (name, kpis)
        At least one; the first is the baseline.
    metrics : iterable of str, optional
        Metric keys to show, in order; default every key of :data:`METRICS` that any
        scenario has, then any other numeric keys.

    Returns
    -------
    DataFrame
        Index ``metric`` (labels); columns: scenario names, then ``Δ <name>`` for each
        non-baseline scenario (NaN where either value is missing). ``attrs["keys"]`` holds
        the metric keys in row order.
    """
    if not scenarios:
        raise ValueError("scenario comparison: expected at least one scenario, found none.")
    names = [n for n, _ in scenarios]
    if len(set(names)) != len(names):
        raise ValueError(f"scenario comparison: scenario names must differ, found {names}.")
    if metrics is None:
        present = set().union(*[set(k) for _, k in scenarios])
        keys = [k for k in METRICS if k in present]
        keys += sorted(k for k in present - set(METRICS) if all(_is_num(kp.get(k)) for _, kp in scenarios if k in kp))
    else:
        keys = list(metrics)
    data = {n: [_num(k_.get(m)) for m in keys] for n, k_ in scenarios}
    table = pd.DataFrame(data, index=pd.Index([label(k) for k in keys], name="metric"))
    base = names[0]
    for n in names[1:]:
        table[f"Δ {n}"] = table[n] - table[base]
    table.attrs["keys"] = keys
    return table


def highlight(table: pd.DataFrame, tolerance: float = 1e-9) -> pd.DataFrame:
    """CSS per cell for :func:`comparison_table` output: green where better than the baseline, red where worse.

    Differences within ``tolerance`` (relative) are not highlighted; metrics with no
    better direction are shown amber when they differ.
    """
    css = pd.DataFrame("", index=table.index, columns=table.columns)
    keys = table.attrs.get("keys", [])
    names = [c for c in table.columns if not str(c).startswith("Δ ")]
    if not names:
        return css
    base = names[0]
    for i, key in enumerate(keys):
        better = METRICS[key].better if key in METRICS else 0
        b = table.iloc[i][base]
        for n in names[1:]:
            v = table.iloc[i][n]
            if not (np.isfinite(b) and np.isfinite(v)) or abs(v - b) <= tolerance * max(1.0, abs(b)):
                continue
            if better == 0:
                style = "background-color: #fff3cd"
            elif (v - b) * better > 0:
                style = "background-color: #d4edda; color: #155724"
            else:
                style = "background-color: #f8d7da; color: #721c24"
            css.iloc[i, table.columns.get_loc(n)] = style
            css.iloc[i, table.columns.get_loc(f"Δ {n}")] = style
    return css


def settings_diff(scenarios: Sequence[tuple[str, Mapping[str, Any]]]) -> pd.DataFrame:
    """Settings that differ between scenarios: one row per (flattened) key, one column per scenario."""
    flat = [(n, _flatten(s)) for n, s in scenarios]
    keys = sorted(set().union(*[set(f) for _, f in flat])) if flat else []
    rows = {}
    for k in keys:
        vals = [f.get(k) for _, f in flat]
        if len({repr(v) for v in vals}) > 1:
            rows[k] = ["" if v is None else str(v) for v in vals]
    return pd.DataFrame.from_dict(rows, orient="index", columns=[n for n, _ in flat]).rename_axis("setting")


def _flatten(d: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, Mapping):
            out.update(_flatten(v, key + "."))
        else:
            out[key] = v
    return out


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)


def _num(v: Any) -> float:
    return float(v) if _is_num(v) else float("nan")
