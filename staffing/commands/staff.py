"""``wfm staff``: agents required per interval from a forecast CSV."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from staffing.commands._io import read_csv_input
from staffing.errors import InputError
from staffing.requirements import requirements
from staffing.settings import ServiceTargets


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "staff",
        help="agents required and to schedule per interval (Erlang C / Erlang A / chat / deferred)",
        description=(
            "Read a forecast CSV (columns interval_start [ISO 8601], contacts [per interval], aht_seconds "
            "[s], optional channel [default voice], optional shrinkage [share]) and write, per interval and "
            "channel, the smallest number of agents meeting every target, the agents to schedule after "
            "shrinkage and the predicted service level, ASA, occupancy and abandonment. Without "
            "--patience-seconds the model is Erlang C (nobody hangs up); with it, Erlang A."
        ),
    )
    p.add_argument("forecast", type=Path, help="forecast CSV file")
    p.add_argument("-o", "--output", type=Path, help="requirements CSV to write (default: print to stdout)")
    p.add_argument("--service-level", type=float, default=0.8,
                   help="share of contacts to answer within --answer-seconds, in (0, 1) (default 0.8)")
    p.add_argument("--no-service-level", action="store_true",
                   help="drop the service-level target (use ASA / occupancy / abandonment targets only)")
    p.add_argument("--answer-seconds", type=float, default=20.0,
                   help="service-level threshold T in seconds (default 20)")
    p.add_argument("--max-asa-seconds", type=float, help="largest acceptable average speed of answer, seconds")
    p.add_argument("--max-occupancy", type=float, help="largest acceptable agent occupancy, share in (0, 1]")
    p.add_argument("--patience-seconds", type=float,
                   help="mean caller patience in seconds (exponential); switches to Erlang A")
    p.add_argument("--max-abandon-rate", type=float,
                   help="largest acceptable share of offered contacts abandoning, in (0, 1); needs --patience-seconds")
    p.add_argument("--service-level-definition", default="offered",
                   choices=["offered", "answered", "offered_excl_short_abandons"],
                   help="with patience: denominator of the service level (default offered)")
    p.add_argument("--min-agents", type=int, default=0, help="staff floor per interval, agents (default 0)")
    p.add_argument("--shrinkage", type=float, default=0.0,
                   help="share of paid time not on the phones, in [0, 1) (default 0); a shrinkage column overrides it")
    p.add_argument("--interval-minutes", type=float,
                   help="interval length in minutes (default: inferred from the timestamps, and checked when given)")
    p.add_argument("--channel-kind", action="append", default=[], metavar="CHANNEL=KIND",
                   help="kind of a channel: voice, chat or deferred, e.g. chat=chat, email=deferred (repeatable)")
    p.add_argument("--concurrency", type=int, default=1, help="chats per agent at once for chat channels (default 1)")
    p.add_argument("--response-hours", type=float, default=24.0,
                   help="deadline for deferred channels, hours after arrival (default 24)")
    p.set_defaults(func=run)


def _parse_kinds(items: list[str]) -> dict[str, str]:
    kinds: dict[str, str] = {}
    for item in items:
        name, sep, kind = item.partition("=")
        if not sep or not name.strip() or kind.strip() not in ("voice", "chat", "deferred"):
            raise InputError(f"--channel-kind: expected CHANNEL=voice|chat|deferred, found {item!r}.")
        kinds[name.strip()] = kind.strip()
    return kinds


def run(args: argparse.Namespace) -> int:
    forecast = read_csv_input(args.forecast, "forecast")
    kinds = _parse_kinds(args.channel_kind)
    channels = sorted(set(forecast["channel"].astype(str))) if "channel" in forecast.columns else ["voice"]
    targets = {}
    for channel in channels:
        kind = kinds.get(channel, "voice")
        targets[channel] = ServiceTargets(
            kind=kind,  # type: ignore[arg-type]
            service_level=None if (args.no_service_level or kind == "deferred") else args.service_level,
            answer_seconds=args.answer_seconds,
            max_asa_seconds=args.max_asa_seconds,
            max_occupancy=args.max_occupancy,
            max_abandon_rate=args.max_abandon_rate,
            patience_seconds=args.patience_seconds,
            min_agents=args.min_agents,
            shrinkage=args.shrinkage,
            concurrency=args.concurrency if kind == "chat" else 1,
            response_hours=args.response_hours if kind == "deferred" else None,
            service_level_definition=args.service_level_definition,
        )
    table = requirements(forecast, targets, interval_minutes=args.interval_minutes, source=str(args.forecast))
    if args.output:
        table.to_csv(args.output, index=False, date_format="%Y-%m-%dT%H:%M:%S%z")
        total = table.groupby("channel")["agents_to_schedule"].agg(["max", "sum"])
        for channel, row in total.iterrows():
            print(f"{channel}: peak {int(row['max'])} agents to schedule, {int(row['sum'])} agent-intervals")
        print(f"wrote {len(table)} rows to {args.output}")
    else:
        table.to_csv(sys.stdout, index=False, date_format="%Y-%m-%dT%H:%M:%S%z")
    return 0
