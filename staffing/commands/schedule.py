"""``wfm schedule``: weekly roster (named agents) or headcount (no agents) with CP-SAT."""

from __future__ import annotations

import argparse
import dataclasses
import math
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from staffing.commands._io import read_csv_input, select_days
from staffing.settings import ServiceTargets


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "schedule",
        help="weekly roster with shifts, breaks and labour rules (OR-Tools CP-SAT)",
        description=(
            "Read a requirement CSV (output of `wfm staff`: interval_start, agents_to_schedule [agents], "
            "optional channel, contacts, aht_seconds [s]), a rules TOML file and an agents CSV, and write the "
            "roster (agent_id, date, activity in shift/break/lunch, start, end, template, paid) that covers the "
            "requirement best while breaking no labour rule. Without --agents, decide how many agents of each "
            "contract are needed (headcount mode). Prints coverage KPIs, the objective, bound and gap; when "
            "the rules conflict, names the conflicting rule groups and suggests a relaxation."
        ),
    )
    p.add_argument("requirements", type=Path, help="requirement CSV (from `wfm staff`)")
    p.add_argument("--rules", type=Path, required=True, help="rules TOML file (see data/rules.toml)")
    p.add_argument("--agents", type=Path, help="agents CSV (see data/agents.csv); omit for headcount mode")
    p.add_argument("--start", help="first day to roster, YYYY-MM-DD (default: the requirement's first day)")
    p.add_argument("--days", type=int, help="number of days to roster from --start (default: all; 7 for a week)")
    p.add_argument("--time-limit", type=float, help="solver time limit in seconds (overrides [solver])")
    p.add_argument("--workers", type=int, help="CP-SAT worker threads (overrides [solver] num_workers)")
    p.add_argument("--seed", type=int, help="random seed for a reproducible run (overrides [solver])")
    p.add_argument("-o", "--output", type=Path, help="roster CSV to write (long format)")
    p.add_argument("--wide", type=Path, help="agent x day roster CSV to write")
    p.add_argument("--coverage", type=Path, help="coverage CSV to write (required, scheduled, under, over per interval)")
    p.add_argument("--service-level", type=float,
                   help="service-level target share in (0, 1) for the predicted-service KPIs (e.g. 0.8); needs "
                        "contacts and aht_seconds in the requirement")
    p.add_argument("--answer-seconds", type=float, default=20.0, help="service-level threshold, seconds (default 20)")
    p.add_argument("--shrinkage", type=float, default=0.0,
                   help="share of scheduled (non-break) time off the phones, in [0, 1), for predicted service (default 0)")
    p.add_argument("--channel-kind", action="append", default=[], metavar="CHANNEL=KIND",
                   help="kind of a channel for the predicted service: voice, chat or deferred, e.g. chat=chat "
                        "(repeatable; default voice; deferred channels get no service level)")
    p.add_argument("--concurrency", type=int, default=1, help="chats per agent at once for chat channels (default 1)")
    p.add_argument("--log", action="store_true", help="print the CP-SAT search log")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from staffing.scheduling import build_roster, load_settings, read_agents

    settings = load_settings(args.rules)
    over = {}
    if args.time_limit is not None:
        over["time_limit_seconds"] = args.time_limit
    if args.workers is not None:
        over["num_workers"] = args.workers
    if args.seed is not None:
        over["random_seed"] = args.seed
    if args.log:
        over["log_search"] = True
    if over:
        settings = dataclasses.replace(settings, solver=dataclasses.replace(settings.solver, **over))
    req = read_csv_input(args.requirements, "requirements")
    req = select_days(req, args.start, args.days, str(args.requirements))
    agents = read_agents(args.agents, settings) if args.agents else None
    targets = None
    if args.service_level is not None:
        from staffing.commands.staff import _parse_kinds

        kinds = _parse_kinds(args.channel_kind)
        channels = sorted(set(req["channel"].astype(str))) if "channel" in req.columns else ["voice"]
        targets = {}
        for ch in channels:
            kind = kinds.get(ch, "voice")
            if kind == "deferred":
                continue
            targets[ch] = ServiceTargets(kind=kind, service_level=args.service_level,  # type: ignore[arg-type]
                                         answer_seconds=args.answer_seconds, shrinkage=args.shrinkage,
                                         concurrency=args.concurrency if kind == "chat" else 1)

    def progress(p: Any) -> None:
        if p.objective is not None and p.solutions and p.bound is not None:
            print(f"\r  {p.seconds:6.1f} s  rosters {p.solutions:4d}  objective {p.objective:12.2f}  "
                  f"bound {p.bound:12.2f}", end="", file=sys.stderr, flush=True)

    res = build_roster(req, settings, agents, targets=targets, progress=progress)
    print(file=sys.stderr)
    for w in res.warnings:
        print(f"pre-check: {w}")
    print(f"status: {res.status}")
    if res.status in ("infeasible", "no_solution", "stopped"):
        print(res.explanation)
        return 1
    gap = "n/a" if res.gap is None else f"{100 * res.gap:.2f} %"
    bound = "n/a" if res.bound is None else f"{res.bound:.2f}"
    first = "column generation" if res.search.get("interval_columns") else "warm-start"
    source = f" ({first} roster improved by the neighbourhood search; CP-SAT found nothing better in time)" \
        if res.search.get("roster_from") == "warm_start" else ""
    print(f"objective {res.objective:.2f}, bound {bound}, gap {gap}{source}, "
          f"{res.timings['total_seconds']:.1f} s ({res.model_size['agents']} agents, "
          f"{res.model_size['shift_variables']} shift variables)")
    if res.headcount is not None:
        print("headcount: " + ", ".join(f"{k} {v}" for k, v in res.headcount.items()))
    k = res.kpis
    sl = "" if k is None or math.isnan(k.service_level_week) else f", predicted service level {100 * k.service_level_week:.1f} %"
    if k is not None:
        print(f"required {k.required_agent_hours:.1f} agent-h, scheduled {k.scheduled_agent_hours:.1f}, "
              f"under {k.under_agent_hours:.1f}, over {k.over_agent_hours:.1f}, intervals met "
              f"{100 * k.share_intervals_met:.1f} %{sl}")
        print(f"paid hours {k.paid_hours:.1f}, cost {k.cost:.2f}, preferences honoured "
              f"{100 * k.preferences_honoured_share:.1f} % ({k.preferences_honoured}/{k.preferences_total}), "
              f"weekend-day spread {k.weekend_days_spread}")
    print(f"rule violations (independent check): {len(res.violations)}")
    for v in res.violations[:10]:
        print(f"  {v.rule}: {v.message}")
    roster = res.roster.copy()
    for col in ("start", "end"):
        roster[col] = pd.to_datetime(roster[col]).dt.strftime("%Y-%m-%dT%H:%M:%S")
    if args.output:
        roster.to_csv(args.output, index=False)
        print(f"wrote {len(roster)} roster rows to {args.output}")
    if args.wide:
        res.wide.to_csv(args.wide)
        print(f"wrote {len(res.wide)} agents to {args.wide}")
    if args.coverage:
        cov = res.coverage.copy()
        cov["interval_start"] = pd.to_datetime(cov["interval_start"]).dt.strftime("%Y-%m-%dT%H:%M:%S")
        cov.to_csv(args.coverage, index=False)
        print(f"wrote {len(res.coverage)} intervals to {args.coverage}")
    if not (args.output or args.wide or args.coverage):
        roster.to_csv(sys.stdout, index=False)
    return 0
