"""Roster rules (the parsed ``rules.toml`` document) as editable tables and back.

The columns come from the library's own dataclasses (:mod:`staffing.scheduling.rules`),
so the app never keeps a second copy of the rule definitions. List values (paid hours,
days, shifts) are shown as ``;``-separated text; empty cells fall back to the library's
defaults. :func:`staffing.scheduling.rules.settings_from_mapping` validates the result.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from dataclasses import MISSING, fields
from typing import Any

import pandas as pd

#: TOML array-of-tables key -> rules dataclass name
TABLES: dict[str, str] = {"shift": "ShiftTemplate", "break": "BreakRule", "contract": "Contract"}

MINIMAL_RULES_TOML = """\
[solver]
time_limit_seconds = 20
num_workers = 2

[labor]
min_rest_hours = 11
max_start_spread_hours = 2

[[shift]]
name = "day8"
earliest_start = "07:00"
latest_start = "13:00"
start_step_minutes = 30
paid_hours = [8]

[[shift]]
name = "part"
earliest_start = "08:00"
latest_start = "17:00"
start_step_minutes = 30
paid_hours = [4, 5, 6]

[[break]]
name = "break1"
activity = "break"
duration_minutes = 15
paid = true
anchor = "start"
earliest_offset_minutes = 90
latest_offset_minutes = 150

[[break]]
name = "lunch"
activity = "lunch"
duration_minutes = 30
paid = false
anchor = "middle"
earliest_offset_minutes = -60
latest_offset_minutes = 60
min_shift_hours = 7

[[contract]]
name = "full_time"
shifts = ["day8"]
min_paid_hours_per_week = 40
max_paid_hours_per_week = 40
min_days_per_week = 5
max_days_per_week = 5
max_consecutive_days = 5
hourly_cost = 25

[[contract]]
name = "part_time"
shifts = ["part"]
min_paid_hours_per_week = 16
max_paid_hours_per_week = 30
max_days_per_week = 5
hourly_cost = 22
"""


def _rules_module() -> Any:
    from staffing.scheduling import rules

    return rules


def _columns(key: str) -> list[tuple[str, str, Any]]:
    """(field name, type text, default) of the dataclass behind a table."""
    cls = getattr(_rules_module(), TABLES[key])
    out = []
    for f in fields(cls):
        default = f.default if f.default is not MISSING else (
            f.default_factory() if f.default_factory is not MISSING else None)  # type: ignore[misc]
        out.append((f.name, str(f.type), default))
    return out


def _is_list(type_text: str) -> bool:
    return type_text.startswith("tuple")


def _cell(value: Any, type_text: str) -> Any:
    if value is None:
        return None
    if _is_list(type_text):
        if isinstance(value, Mapping):
            return "; ".join(f"{k}={v}" for k, v in value.items())
        if isinstance(value, (list, tuple)):
            return "; ".join(
                "=".join(str(x) for x in v) if isinstance(v, (list, tuple)) else (f"{v:g}" if isinstance(v, float) else str(v))
                for v in value
            )
    return value


def to_tables(doc: Mapping[str, Any]) -> dict[str, pd.DataFrame]:
    """One frame per ``[[shift]]``, ``[[break]]`` and ``[[contract]]`` array (all dataclass fields as columns)."""
    out = {}
    for key in TABLES:
        cols = _columns(key)
        rows = []
        for item in doc.get(key, []) or []:
            # missing keys show the library default, so the table reads as the rules in force
            rows.append({name: _cell(item.get(name, d), t) for name, t, d in cols})
        frame = pd.DataFrame(rows, columns=[c[0] for c in cols])
        for name, t, d in cols:
            if _is_list(t) or t.startswith("str"):
                frame[name] = frame[name].astype(object)
            elif t.startswith("bool"):
                frame[name] = frame[name].fillna(bool(d)).astype(bool)
            else:
                frame[name] = pd.to_numeric(frame[name], errors="coerce").astype(float)
        out[key] = frame
    return out


def _blank(v: Any) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v.strip())


def _value(v: Any, name: str, type_text: str, where: str) -> Any:
    if _is_list(type_text):
        parts = [p.strip() for p in str(v).replace(",", ";").split(";") if p.strip()]
        if "tuple[tuple" in type_text:  # pairs such as max_shifts_per_template: "day8=3; late=2"
            pairs = {}
            for p in parts:
                a, sep, b = p.partition("=")
                if not sep:
                    raise ValueError(f"{where}: column '{name}': expected entries like 'day8=3', found {p!r}.")
                pairs[a.strip()] = _number(b.strip(), name, where, integer=True)
            return pairs
        if "float" in type_text:
            return [_number(p, name, where) for p in parts]
        return parts
    if type_text.startswith("bool"):
        if isinstance(v, str):
            low = v.strip().lower()
            if low not in ("true", "false", "yes", "no", "1", "0"):
                raise ValueError(f"{where}: column '{name}': expected true or false, found {v!r}.")
            return low in ("true", "yes", "1")
        return bool(v)
    if type_text.startswith("int"):
        return _number(v, name, where, integer=True)
    if type_text.startswith("float"):
        return _number(v, name, where)
    return str(v).strip()


def _number(v: Any, name: str, where: str, integer: bool = False) -> Any:
    try:
        x = float(v)
    except (TypeError, ValueError):
        raise ValueError(f"{where}: column '{name}': expected a number, found {v!r}.") from None
    if integer:
        if not x.is_integer():
            raise ValueError(f"{where}: column '{name}': expected a whole number, found {v!r}.")
        return int(x)
    return int(x) if x.is_integer() else x


def from_tables(doc: Mapping[str, Any], tables: Mapping[str, pd.DataFrame]) -> dict[str, Any]:
    """``doc`` with its ``shift``/``break``/``contract`` arrays replaced by the edited tables.

    Blank cells are left out (the library default applies); rows with a blank ``name`` are dropped.

    Raises
    ------
    ValueError
        Naming the table, row and column of a cell that is not a number / true-false where one is expected.
    """
    out = copy.deepcopy(dict(doc))
    for key, frame in tables.items():
        cols = {name: t for name, t, _ in _columns(key)}
        items = []
        for i, row in enumerate(frame.to_dict("records")):
            if _blank(row.get("name")):
                continue
            where = f"[[{key}]] row {i + 1}"
            item = {}
            for name, v in row.items():
                if name not in cols or _blank(v):
                    continue
                item[name] = _value(v, name, cols[name], where)
            items.append(item)
        out[key] = items
    return out


def labor_defaults() -> dict[str, Any]:
    """Defaults of ``[labor]``, ``[objective]`` and ``[solver]`` keys, from the library."""
    r = _rules_module()
    out = {}
    for key, cls in (("labor", r.LaborRules), ("objective", r.ObjectiveWeights), ("solver", r.SolverSettings)):
        out[key] = {f.name: (f.default if f.default is not MISSING else None) for f in fields(cls)}
    return out


def generate_agents(doc: Mapping[str, Any], counts: Mapping[str, int], prefix: str = "A") -> pd.DataFrame:
    """An agents table with ``counts[contract]`` agents per contract (columns ``agent_id``, ``contract``).

    Ids are ``A001``, ``A002`` ... in contract order. Raises ValueError for an unknown contract.
    """
    known = [c.get("name") for c in doc.get("contract", []) or []]
    rows = []
    n = 0
    for contract, k in counts.items():
        if contract not in known:
            raise ValueError(f"agents: unknown contract {contract!r}; the rules define {known}.")
        if int(k) < 0:
            raise ValueError(f"agents: number of {contract} agents must be >= 0, found {k}.")
        for _ in range(int(k)):
            n += 1
            rows.append({"agent_id": f"{prefix}{n:03d}", "contract": contract})
    if not rows:
        raise ValueError("agents: expected at least one agent; set a number for at least one contract.")
    return pd.DataFrame(rows)
