"""Writing a capacity plan to an Excel workbook (for budget owners who live in spreadsheets)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from staffing.errors import InputError
from staffing.planning import (
    COST_OVERTIME,
    COST_SALARIES,
    COST_TRAINING,
    HEADCOUNT_END,
    HEADCOUNT_START,
    HIRES,
    LEAVERS,
    REQUIRED_FTE,
    SHORTFALL_FTE,
    SHORTFALL_PENALTY,
    PlanResult,
    ScenarioComparison,
)


def summary_frame(result: PlanResult) -> pd.DataFrame:
    """Key figures of a plan as ``item``, ``value``, ``unit`` rows."""
    p = result.periods
    rows = [
        ("plan", result.name, ""),
        ("solver status", result.status, ""),
        ("hiring plan", "optimised" if result.optimised else "given (evaluated)", ""),
        ("periods", len(p), ""),
        ("demand shape", result.week.source, ""),
        ("required FTE, mean", round(float(p[REQUIRED_FTE].mean()), 2), "FTE"),
        ("required FTE, peak", round(float(p[REQUIRED_FTE].max()), 2), "FTE"),
        ("headcount at start", round(float(p[HEADCOUNT_START].iloc[0]), 2), "people"),
        ("headcount at end", round(float(p[HEADCOUNT_END].iloc[-1]), 2), "people"),
        ("hires", int(p[HIRES].sum()), "people"),
        ("expected leavers", round(float(p[LEAVERS].sum()), 2), "people"),
        ("budget", round(result.total_cost, 2), result.currency),
        ("  salaries", round(float(p[COST_SALARIES].sum()), 2), result.currency),
        ("  training", round(float(p[COST_TRAINING].sum()), 2), result.currency),
        ("  overtime", round(float(p[COST_OVERTIME].sum()), 2), result.currency),
        ("FTE short (sum over periods)", round(float(p[SHORTFALL_FTE].sum()), 2), "FTE"),
        ("shortfall penalty (not budget)", round(float(p[SHORTFALL_PENALTY].sum()), 2), result.currency),
    ]
    rows += [("note", n, "") for n in result.notes]
    return pd.DataFrame(rows, columns=["item", "value", "unit"])


def write_plan_xlsx(
    path: str | Path,
    result: PlanResult,
    *,
    comparison: ScenarioComparison | None = None,
    sensitivity: pd.DataFrame | None = None,
    risk: pd.DataFrame | None = None,
) -> Path:
    """Write the plan to an ``.xlsx`` workbook.

    Sheets: ``summary`` (:func:`summary_frame`), ``periods``, ``classes``, ``groups`` (the
    :class:`~staffing.planning.PlanResult` tables, same columns as the CSV files), and when
    given ``scenarios`` (one row per scenario), ``scenario_periods``, ``sensitivity`` and
    ``risk`` (:func:`staffing.planning_risk.attrition_risk`).

    Returns
    -------
    pathlib.Path
        The path written.
    """
    out = Path(path)
    if out.suffix.lower() != ".xlsx":
        raise InputError(f"{out}: expected a file name ending in .xlsx.")
    sheets: dict[str, pd.DataFrame] = {
        "summary": summary_frame(result),
        "periods": result.periods,
        "classes": result.classes,
        "groups": result.groups,
    }
    if comparison is not None:
        sheets["scenarios"] = comparison.summary
        sheets["scenario_periods"] = comparison.periods
    if sensitivity is not None:
        sheets["sensitivity"] = sensitivity
    if risk is not None:
        sheets["risk"] = risk
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
            ws = writer.sheets[name]
            for i, col in enumerate(frame.columns, start=1):
                letter = ws.cell(row=1, column=i).column_letter
                ws.column_dimensions[letter].width = min(max(len(str(col)) + 2, 12), 60)
            ws.freeze_panes = "B2"
    return out
