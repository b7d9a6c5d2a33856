"""The capacity plan document (parsed ``plan.toml``) and its headline knobs.

The app edits a handful of headline keys with widgets and leaves every other key of the
plan file as written; :mod:`staffing.planning_settings` validates the result.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

MINIMAL_PLAN_TOML = """\
[plan]
start = 2027-01-01
periods = 12
period = "month"

[targets]
kind = "voice"
service_level = 0.8
answer_seconds = 20

[demand]
base_week_contacts = 20000
base_aht_seconds = 300

[[groups]]
name = "full_time"
annual_cost_per_fte = 40000
cohorts = [{ headcount = 80, tenure_months = 24 }]
attrition = 0.02
[groups.hiring]
class_min = 5
class_max = 20
"""

HEADLINE_DEFAULTS: dict[str, Any] = {
    "periods": 12,
    "base_week_contacts": 20000.0,
    "base_aht_seconds": 300.0,
    "volume_growth_annual": 0.0,
    "service_level": 0.8,
    "answer_seconds": 20.0,
}


def headline(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The headline values of a plan document (defaults where a key is absent)."""
    plan = doc.get("plan", {}) or {}
    demand = doc.get("demand", {}) or {}
    targets = doc.get("targets", {}) or {}
    out = dict(HEADLINE_DEFAULTS)
    for key, table in (("periods", plan), ("base_week_contacts", demand), ("base_aht_seconds", demand),
                       ("volume_growth_annual", demand), ("service_level", targets), ("answer_seconds", targets)):
        if isinstance(table, Mapping) and table.get(key) is not None:
            out[key] = table[key]
    return out


def with_headline(
    doc: Mapping[str, Any],
    *,
    periods: int,
    base_week_contacts: float,
    base_aht_seconds: float,
    volume_growth_annual: float,
    service_level: float,
    answer_seconds: float,
    attrition_multiplier: float = 1.0,
) -> dict[str, Any]:
    """A copy of ``doc`` with the headline keys set (attrition rates scaled by ``attrition_multiplier``).

    A key the document leaves out (so that the library derives it, e.g. the weekly volume from
    ``forecast_csv``) stays out unless its value was changed from the shown default.
    """
    d = copy.deepcopy(dict(doc))
    shown = headline(doc)
    values = {"periods": int(periods), "base_week_contacts": float(base_week_contacts),
              "base_aht_seconds": float(base_aht_seconds), "volume_growth_annual": float(volume_growth_annual),
              "service_level": float(service_level), "answer_seconds": float(answer_seconds)}
    tables = {"periods": "plan", "base_week_contacts": "demand", "base_aht_seconds": "demand",
              "volume_growth_annual": "demand", "service_level": "targets", "answer_seconds": "targets"}
    for key, value in values.items():
        table = d.setdefault(tables[key], {})
        if key in table or value != shown[key]:
            table[key] = value
    if attrition_multiplier != 1.0:
        for g in d.get("groups", []) or []:
            attr = g.get("attrition")
            if isinstance(attr, (int, float)) and not isinstance(attr, bool):
                g["attrition"] = min(0.99, attr * attrition_multiplier)
            elif isinstance(attr, list):
                for band in attr:
                    if isinstance(band, dict) and isinstance(band.get("monthly_rate"), (int, float)):
                        band["monthly_rate"] = min(0.99, band["monthly_rate"] * attrition_multiplier)
    return d
