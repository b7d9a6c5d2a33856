"""``wfm simulate``: service a roster or a staffing plan really delivers (discrete-event simulation)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from staffing.commands._io import read_csv_input, select_days


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "simulate",
        help="simulate a roster or staffing plan: service level, waits, abandonment with confidence intervals",
        description=(
            "Simulate one channel of a forecast CSV (interval_start, contacts [per interval], aht_seconds [s], "
            "optional channel) against a roster CSV (agent_id, date, activity shift|break|lunch, start, end) or a "
            "staffing CSV (interval_start, agents). Contacts arrive as a Poisson process with each interval's "
            "rate, queue first-come first-served and, with --patience-seconds, hang up after an exponential "
            "patience. Independent seeded replications give every measure a t-based confidence interval. "
            "Writes one row per interval (KPIS.csv) and prints the period totals."
        ),
    )
    p.add_argument("forecast", type=Path, help="forecast CSV file")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--roster", type=Path,
                     help="roster CSV (long format: agent_id, date, activity, start, end) from `wfm schedule`")
    src.add_argument("--staffing", type=Path,
                     help="staffing CSV with columns interval_start and agents (agents on duty per interval)")
    p.add_argument("-o", "--output", type=Path, help="KPIs per interval CSV to write (default: print to stdout)")
    p.add_argument("--period-output", type=Path, help="CSV with one row of whole-period KPIs and bounds")
    p.add_argument("--daily-output", type=Path, help="CSV with one row of KPIs and bounds per calendar day")
    p.add_argument("--compare", type=Path, metavar="COMPARE.csv",
                   help="CSV comparing, per interval, the Erlang prediction with the simulated result")
    p.add_argument("--replications", type=int, default=30, help="independent replications (default 30)")
    p.add_argument("--answer-seconds", type=float, default=20.0,
                   help="service-level threshold T in seconds (default 20)")
    p.add_argument("--service-level-definition", default="offered",
                   choices=["offered", "answered", "offered_excl_short_abandons"],
                   help="denominator of the service level (default offered: abandoned contacts count as failures)")
    p.add_argument("--handle-time", default="exponential", choices=["exponential", "lognormal"],
                   help="handle-time distribution with mean aht_seconds (default exponential)")
    p.add_argument("--handle-time-cv", type=float, default=1.0,
                   help="coefficient of variation of lognormal handle times (default 1.0)")
    p.add_argument("--patience-seconds", type=float,
                   help="mean caller patience in seconds (exponential); without it nobody abandons (Erlang C)")
    p.add_argument("--absence-probability", type=float, default=0.0,
                   help="probability in [0, 1) that an agent is absent for a whole day (default 0)")
    p.add_argument("--arrival-cv", type=float, default=0.0,
                   help="over-dispersion: CV of a Gamma multiplier of each interval's arrival rate (default 0: Poisson)")
    p.add_argument("--concurrency", type=int, default=1,
                   help="contacts one agent handles at once, e.g. 3 for chat (default 1)")
    p.add_argument("--confidence", type=float, default=0.95,
                   help="confidence level of the bounds, in (0, 1) (default 0.95)")
    p.add_argument("--seed", type=int, default=0, help="random seed, whole number >= 0 (default 0)")
    p.add_argument("--channel",
                   help="channel to simulate; without it, a forecast with several channels needs a staffing file "
                        "with a channel column and every channel is simulated as its own queue")
    p.add_argument("--interval-minutes", type=float,
                   help="interval length in whole minutes (default: inferred from the timestamps)")
    p.add_argument("--start", help="first day to simulate, YYYY-MM-DD (default: the forecast's first day); "
                                   "use it to match the week a roster covers")
    p.add_argument("--days", type=int, help="number of days to simulate from --start (default: all)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # imported here so that `wfm --help` and the other commands do not load numba
    from staffing.simulation import (
        SimulationSettings,
        compare_with_erlang,
        simulate,
        simulate_channels,
    )

    forecast = select_days(read_csv_input(args.forecast, "forecast"), args.start, args.days, str(args.forecast))
    settings = SimulationSettings(
        replications=args.replications,
        answer_seconds=args.answer_seconds,
        handle_time_distribution=args.handle_time,
        handle_time_cv=args.handle_time_cv,
        patience_seconds=args.patience_seconds,
        absence_probability=args.absence_probability,
        arrival_cv=args.arrival_cv,
        service_level_definition=args.service_level_definition,
        confidence=args.confidence,
        concurrency=args.concurrency,
        seed=args.seed,
    )
    kwargs = {
        "settings": settings,
        "channel": args.channel,
        "interval_minutes": args.interval_minutes,
        "source": str(args.forecast),
    }
    several = "channel" in forecast.columns and forecast["channel"].astype(str).str.strip().nunique() > 1
    if args.roster is not None:
        results = [simulate(forecast, roster=read_csv_input(args.roster, "roster"), roster_source=str(args.roster), **kwargs)]
    elif several and args.channel is None:
        results = list(
            simulate_channels(
                forecast, read_csv_input(args.staffing, "staffing"), settings, interval_minutes=args.interval_minutes,
                source=str(args.forecast), staffing_source=str(args.staffing),
            ).values()
        )
    else:
        results = [
            simulate(forecast, staffing=read_csv_input(args.staffing, "staffing"), staffing_source=str(args.staffing), **kwargs)
        ]

    def table(frames: list[pd.DataFrame]) -> pd.DataFrame:
        return pd.concat(frames, ignore_index=True)

    if args.compare:
        table([compare_with_erlang(r).assign(channel=r.period["channel"].iloc[0]) for r in results]).to_csv(
            args.compare, index=False
        )
    if args.period_output:
        table([r.period for r in results]).to_csv(args.period_output, index=False)
    if args.daily_output:
        table([r.days for r in results]).to_csv(args.daily_output, index=False)
    intervals = table([r.intervals for r in results]).sort_values(["interval_start", "channel"], kind="stable")
    if args.output:
        intervals.to_csv(args.output, index=False)
        for result in results:
            p = result.period.iloc[0]
            print(
                f"{p['channel']}: {settings.replications} replications, offered {p['offered']:.0f}, "
                f"service level {p['service_level']:.1%} [{p['service_level_lower']:.1%}, "
                f"{p['service_level_upper']:.1%}], ASA {p['asa_seconds']:.1f} s, "
                f"abandoned {p['abandon_rate']:.1%}, occupancy {p['occupancy']:.1%} "
                f"({result.elapsed_seconds:.2f} s)"
            )
        print(f"wrote {len(intervals)} rows to {args.output}")
    else:
        intervals.to_csv(sys.stdout, index=False)
    return 0
