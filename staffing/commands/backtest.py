"""``wfm backtest``: rolling-origin accuracy of every forecasting model on a history CSV."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from forecasting import backtest_history
from forecasting.errors import InputError
from forecasting.models import AUTO_CANDIDATES, MODEL_NAMES
from staffing.commands.forecast import add_history_options, load_history, settings_from_args


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "backtest",
        help="rolling-origin accuracy (wMAPE, MASE, RMSE) of each forecasting model on your history",
        description=(
            "Refit each model at several weekly origins at the end of the history, forecast the next "
            "--horizon-days days and score against what happened: wMAPE [share of contacts], MASE [vs the "
            "in-sample one-week seasonal naive], RMSE [contacts per interval], run time [s]."
        ),
    )
    add_history_options(p)
    p.add_argument("--horizon-days", type=int, default=7, help="days forecast from each origin (default 7)")
    p.add_argument("--models", default=",".join(AUTO_CANDIDATES),
                   help=f"comma-separated models (default {','.join(AUTO_CANDIDATES)}; all: {','.join(MODEL_NAMES)})")
    p.add_argument("-o", "--output", type=Path, help="also write the per-origin metrics to this CSV")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    bad = [m for m in models if m not in MODEL_NAMES]
    if bad:
        raise InputError(f"--models: unknown {bad}; expected some of {', '.join(MODEL_NAMES)}.")
    history = load_history(args)
    result = backtest_history(history, models, settings=settings_from_args(args), horizon_days=args.horizon_days)
    s = result.summary.copy()
    print(f"rolling-origin backtest: {args.origins} origins x {args.horizon_days} days, "
          f"interval {history.attrs['interval_minutes']} min")
    for channel, part in s.groupby("channel", sort=True):
        print(f"\n{channel}")
        print(f"  {'rank':>4}  {'model':<18}{'wMAPE':>8}{'MASE':>7}{'RMSE':>9}{'seconds':>9}")
        for _, r in part.iterrows():
            print(f"  {r['rank']:>4}  {r['model']:<18}{r['wmape']:>8.1%}{r['mase']:>7.2f}{r['rmse']:>9.2f}"
                  f"{r['seconds']:>9.2f}")
        print(f"  winner: {result.winners[channel]}")
    if args.output:
        result.per_origin.to_csv(args.output, index=False)
        print(f"\nwrote {args.output}", file=sys.stdout)
    return 0
