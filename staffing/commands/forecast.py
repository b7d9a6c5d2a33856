"""``wfm forecast``: contacts (mean + quantiles) and handle time per future interval from history."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import pandas as pd

from forecasting import (
    ForecastSettings,
    aggregate_contact_records,
    make_forecast,
    read_history,
    read_overrides,
)
from forecasting.errors import InputError
from forecasting.models import MODEL_NAMES, Event


def _parse_quantiles(text: str) -> tuple[float, ...]:
    try:
        values = tuple(float(v) for v in text.split(",") if v.strip())
    except ValueError:
        raise InputError(f"--quantiles: expected comma-separated probabilities such as 0.1,0.5,0.9, found {text!r}.") from None
    values = tuple(v / 100 if v >= 1 else v for v in values)  # accept 10,50,90 too
    for v in values:
        if not 0 < v < 1:
            raise InputError(f"--quantiles: each must be in (0, 1) (or 1..99 percent), found {v!r}.")
    return values


def _parse_event(text: str) -> Event:
    """NAME:START[:END[:MULTIPLIER]] with ISO dates."""
    parts = text.split(":")
    if len(parts) < 2:
        raise InputError(f"--event: expected NAME:YYYY-MM-DD[:YYYY-MM-DD[:MULTIPLIER]], found {text!r}.")
    try:
        start = dt.date.fromisoformat(parts[1])
        end = dt.date.fromisoformat(parts[2]) if len(parts) > 2 and parts[2] else start
        mult = float(parts[3]) if len(parts) > 3 and parts[3] else None
    except ValueError:
        raise InputError(f"--event: expected NAME:YYYY-MM-DD[:YYYY-MM-DD[:MULTIPLIER]], found {text!r}.") from None
    return Event(parts[0], start, end, mult)


def add_history_options(p: argparse.ArgumentParser) -> None:
    """Options shared by ``wfm forecast`` and ``wfm backtest``."""
    p.add_argument("history", type=Path,
                   help="history CSV: interval_start [ISO 8601, local time], contacts [per interval], optional "
                        "aht_seconds [s] and channel")
    p.add_argument("--interval-minutes", type=int, choices=[5, 15, 30, 60],
                   help="interval length of the output in minutes; the history is aggregated or split to it "
                        "(default: the history's own)")
    p.add_argument("--country", help="ISO country code for public holidays (holidays package), e.g. US, GB, DE")
    p.add_argument("--subdiv", help="state/province code for regional holidays, e.g. CA, BY")
    p.add_argument("--event", action="append", default=[], metavar="NAME:START[:END[:MULT]]",
                   help="special days, dates YYYY-MM-DD (END inclusive); MULT = known volume factor for future "
                        "days (e.g. 1.3), else learnt from past days with the same NAME (repeatable)")
    p.add_argument("--timezone", help="IANA zone to convert timestamps with a UTC offset to (e.g. America/New_York)")
    p.add_argument("--gaps", default="leave", choices=["leave", "zero", "seasonal", "interpolate"],
                   help="treatment of missing intervals inside opening hours (default leave: models skip them)")
    p.add_argument("--contact-records", action="store_true",
                   help="HISTORY.csv has one row per contact (arrival_time [ISO 8601], optional handle_seconds "
                        "[s] and channel); it is aggregated to --interval-minutes (default 15) intervals first")
    p.add_argument("--origins", type=int, default=4,
                   help="origins (weeks) of the rolling-origin backtest used for model selection (default 4)")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "forecast",
        help="forecast contacts (mean and quantiles) and AHT per interval from history",
        description=(
            "Read a contact history CSV and write one row per future open interval and channel: "
            "interval_start, channel, contacts [mean per interval, after overrides], aht_seconds [s], "
            "contacts_pNN [quantiles], contacts_statistical [before overrides], override_note. "
            "The output feeds `wfm staff` directly."
        ),
    )
    add_history_options(p)
    p.add_argument("-o", "--output", type=Path, help="forecast CSV to write (default: print to stdout)")
    p.add_argument("--horizon-days", type=int, default=14, help="days to forecast (default 14)")
    p.add_argument("--start", help="first forecast day YYYY-MM-DD (default: the day after the history)")
    p.add_argument("--model", default="auto", choices=["auto", *MODEL_NAMES],
                   help="model; auto = lowest wMAPE in a rolling-origin backtest per channel (default auto)")
    p.add_argument("--quantiles", default="0.1,0.5,0.9",
                   help="probabilities of the quantile columns, comma-separated (default 0.1,0.5,0.9 -> "
                        "contacts_p10, contacts_p50, contacts_p90)")
    p.add_argument("--overrides", type=Path,
                   help="manager overrides CSV (note, scale_percent or set_contacts, channel, date_from, date_to, "
                        "weekdays, time_from, time_to)")
    p.add_argument("--aht-seconds", type=float,
                   help="handle time in seconds for channels whose history has no aht_seconds")
    p.set_defaults(func=run)


def load_history(args: argparse.Namespace) -> pd.DataFrame:
    """Read the history CSV, aggregating per-contact records when --contact-records is given."""
    if not args.contact_records:
        return read_history(args.history, timezone=args.timezone)
    try:
        records = pd.read_csv(args.history)
    except FileNotFoundError:
        raise InputError(f"{args.history}: file not found.") from None
    except pd.errors.EmptyDataError:
        raise InputError(f"{args.history}: the file is empty; expected a CSV with a header row.") from None
    step = args.interval_minutes or 15
    agg = aggregate_contact_records(records, interval_minutes=step, source=str(args.history))
    return read_history(agg, interval_minutes=step)


def settings_from_args(args: argparse.Namespace, **extra: object) -> ForecastSettings:
    return ForecastSettings(
        interval_minutes=args.interval_minutes,
        country=args.country,
        subdiv=args.subdiv,
        events=tuple(_parse_event(e) for e in args.event),
        backtest_origins=args.origins,
        gap_treatment=args.gaps,
        **extra,  # type: ignore[arg-type]
    )


def run(args: argparse.Namespace) -> int:
    history = load_history(args)
    start = None
    if args.start:
        try:
            start = dt.date.fromisoformat(args.start)
        except ValueError:
            raise InputError(f"--start: expected a date YYYY-MM-DD, found {args.start!r}.") from None
    settings = settings_from_args(
        args,
        horizon_days=args.horizon_days,
        model=args.model,
        quantiles=_parse_quantiles(args.quantiles),
        start=start,
        default_aht_seconds=args.aht_seconds,
    )
    overrides = read_overrides(args.overrides) if args.overrides else ()
    result = make_forecast(history, settings, overrides)
    frame = result.forecast.copy()
    frame["interval_start"] = frame["interval_start"].dt.strftime("%Y-%m-%dT%H:%M")
    if args.output:
        frame.to_csv(args.output, index=False, float_format="%.3f")
    else:
        frame.to_csv(sys.stdout, index=False, float_format="%.3f")
    out = sys.stderr if not args.output else sys.stdout
    print(f"history: {args.history}, interval {history.attrs['interval_minutes']} min, gaps:", file=out)
    print(result.gaps.summary(), file=out)
    if result.backtest is not None:
        s = result.backtest.summary
        for channel, part in s.groupby("channel", sort=True):
            best = part.iloc[0]
            naive = part[part["model"] == "seasonal_naive"]
            vs = f" (seasonal naive {naive['wmape'].iloc[0]:.1%})" if len(naive) else ""
            print(f"model for {channel}: {best['model']}, backtest wMAPE {best['wmape']:.1%}{vs}, "
                  f"MASE {best['mase']:.2f}", file=out)
    else:
        for channel, name in result.models.items():
            print(f"model for {channel}: {name}", file=out)
    for w in result.warnings:
        print(f"warning: {w}", file=out)
    if args.output:
        print(f"wrote {args.output}: {len(frame)} intervals, {frame['channel'].nunique()} channel(s)", file=out)
    return 0
