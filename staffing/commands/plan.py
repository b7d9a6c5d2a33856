"""``wfm plan``: capacity plan and hiring budget from a PLAN.toml."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

import pandas as pd

from staffing.errors import InputError
from staffing.planning import compare_scenarios, plan, sensitivity_table
from staffing.planning_io import write_plan_xlsx
from staffing.planning_risk import attrition_risk
from staffing.planning_settings import SolverOptions, load_plan

_FLOAT = "%.4f"  # CSV precision: 1/10,000 of an FTE, of a share, of a currency unit


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "plan",
        help="capacity plan: required FTE per month/week, optimal hiring classes and the budget",
        description=(
            "Read a PLAN.toml (horizon, service targets, demand, staff groups with attrition and hiring "
            "rules; keys documented in the planning section of the README), compute the required FTE of "
            "every period with the interval queueing model on a representative week, optimise the hiring "
            "classes with OR-Tools (SCIP) and print the summary. The per-period table (demand, required "
            "FTE, headcount, hires, leavers, productive FTE, overtime, gap, costs) is written with -o."
        ),
    )
    p.add_argument("plan", type=Path, help="PLAN.toml file")
    p.add_argument("-o", "--output", type=Path, help="per-period plan CSV to write (one row per period)")
    p.add_argument("--classes", type=Path, help="hiring-plan CSV to write (one row per class that runs)")
    p.add_argument("--groups", type=Path, help="per-period, per-group CSV to write (headcount, hires, FTE, cost)")
    p.add_argument("--scenarios", action="store_true",
                   help="also solve every [[scenarios]] entry and print cost and FTE side by side")
    p.add_argument("--scenarios-csv", type=Path,
                   help="write the per-period scenario comparison (required/supply FTE, hires, cost per scenario)")
    p.add_argument("--sensitivity", action="store_true",
                   help="print the cost of +1 point of service level, +1 s of AHT, +1 %% volume, +1 point of attrition")
    p.add_argument("--sensitivity-csv", type=Path, help="write the sensitivity table as CSV")
    p.add_argument("--risk", action="store_true",
                   help="simulate random attrition (2,000 futures) and print, per period, the P10 supply and the "
                        "probability of being short")
    p.add_argument("--risk-csv", type=Path, help="write the attrition-risk table as CSV")
    p.add_argument("--xlsx", type=Path,
                   help="also write an Excel workbook (.xlsx): summary, periods, classes, groups and, when "
                        "requested, scenarios and sensitivity sheets")
    p.add_argument("--fixed-classes", type=Path,
                   help="evaluate this hiring plan instead of optimising: CSV with columns group, class_start "
                        "[YYYY-MM-DD], hires [people] (e.g. a --classes output edited by hand)")
    p.add_argument("--scenario", metavar="NAME",
                   help="plan under this [[scenarios]] entry instead of the base (its tables go to -o, --classes ...)")
    p.add_argument("--time-limit-seconds", type=float,
                   help="solver time limit per plan, seconds (overrides [solver] time_limit_seconds)")
    p.set_defaults(func=run)


def _fmt_side_by_side(summary: pd.DataFrame, currency: str) -> str:
    """Metrics as rows, one column per scenario."""
    table = summary.set_index("scenario").T
    widths = [max(12, len(str(c)) + 2) for c in table.columns]
    lines = [f"{'':<26}" + "".join(f"{c!s:>{w}}" for c, w in zip(table.columns, widths))]
    for metric, row in table.iterrows():
        money = "cost" in str(metric) or "penalty" in str(metric)
        cells = []
        for v, w in zip(row, widths):
            if isinstance(v, str):
                cells.append(f"{v:>{w}}")
            elif money:
                cells.append(f"{float(v):>{w},.0f}")
            elif metric == "hires":
                cells.append(f"{int(v):>{w}d}")
            else:
                cells.append(f"{float(v):>{w}.1f}")
        label = f"{metric} [{currency}]" if money else str(metric)
        lines.append(f"{label:<26}" + "".join(cells))
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    settings = load_plan(args.plan)
    if args.time_limit_seconds is not None:
        settings = dataclasses.replace(
            settings, solver=dataclasses.replace(settings.solver, time_limit_seconds=args.time_limit_seconds)
        )
        SolverOptions(**dataclasses.asdict(settings.solver))  # validate
    if args.scenario:
        names = [sc.name for sc in settings.scenarios]
        if args.scenario not in names:
            raise InputError(f"--scenario: no [[scenarios]] entry named {args.scenario!r}; the plan has {names}.")
        chosen = settings.scenarios[names.index(args.scenario)]
        settings = dataclasses.replace(chosen.apply(settings), scenarios=())
    fixed = None
    if args.fixed_classes:
        try:
            fixed = pd.read_csv(args.fixed_classes)
        except FileNotFoundError:
            raise InputError(f"{args.fixed_classes}: file not found.") from None
        except pd.errors.EmptyDataError:
            raise InputError(f"{args.fixed_classes}: the file is empty; expected group, class_start, hires.") from None
    result = plan(settings, fixed_classes=fixed)
    print(result.summary())
    if args.output:
        result.periods.to_csv(args.output, index=False, date_format="%Y-%m-%d", float_format=_FLOAT)
        print(f"wrote {len(result.periods)} periods to {args.output}")
    if args.classes:
        result.classes.to_csv(args.classes, index=False, date_format="%Y-%m-%d")
        print(f"wrote {len(result.classes)} classes to {args.classes}")
    if args.groups:
        result.groups.to_csv(args.groups, index=False, date_format="%Y-%m-%d", float_format=_FLOAT)
        print(f"wrote {len(result.groups)} rows to {args.groups}")
    comp = sens = None
    if args.scenarios or args.scenarios_csv:
        if not settings.scenarios:
            print("no [[scenarios]] in the plan; nothing to compare")
        else:
            comp = compare_scenarios(settings, base=result)
            print("\nScenarios side by side:")
            print(_fmt_side_by_side(comp.summary, settings.currency))
            if args.scenarios_csv:
                comp.periods.to_csv(args.scenarios_csv, index=False, date_format="%Y-%m-%d", float_format=_FLOAT)
                print(f"wrote {len(comp.periods)} periods x {len(comp.results)} scenarios to {args.scenarios_csv}")
    if args.sensitivity or args.sensitivity_csv:
        sens = sensitivity_table(settings, base=result)
        print(f"\nSensitivity (re-optimised; over the horizon, {settings.currency}; cost = budget + shortfall penalty):")
        for _, r in sens.iterrows():
            print(f"  +1 {r['unit']:<7} of {r['driver']:<18} (base {r['base_value']:.1f}, step {r['step']:g}): "
                  f"cost {r['cost_per_unit']:>+10,.0f}, budget {r['budget_per_unit']:>+10,.0f}, "
                  f"{r['required_fte_per_unit']:+.2f} required FTE")
        if args.sensitivity_csv:
            sens.to_csv(args.sensitivity_csv, index=False, float_format=_FLOAT)
            print(f"wrote {len(sens)} rows to {args.sensitivity_csv}")
    risk = None
    if args.risk or args.risk_csv:
        risk = attrition_risk(settings, result)
        print("\nAttrition risk (2,000 simulated futures; FTE on the floor incl. overtime):")
        print(f"  {'period':<11}{'required':>10}{'expected':>10}{'P10':>10}{'P(short)':>10}")
        for _, r in risk.iterrows():
            print(f"  {pd.Timestamp(r['period_start']).date()!s:<11}{r['required_fte']:>10.1f}"
                  f"{r['supply_fte_expected']:>10.1f}{r['supply_fte_p10']:>10.1f}{100 * r['prob_short']:>9.0f}%")
        if args.risk_csv:
            risk.to_csv(args.risk_csv, index=False, date_format="%Y-%m-%d", float_format=_FLOAT)
            print(f"wrote {len(risk)} periods to {args.risk_csv}")
    if args.xlsx:
        write_plan_xlsx(args.xlsx, result, comparison=comp, sensitivity=sens, risk=risk)
        print(f"wrote workbook {args.xlsx}")
    return 0
