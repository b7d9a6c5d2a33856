"""Exact single-agent schedules by dynamic programming and depth-first search (labelling).

Column generation (:mod:`staffing.scheduling.column_generation`) prices one agent at a time: the
cheapest rule-valid schedule for a linear cost per ``(day, shift option)``; the exact enumeration
(:mod:`staffing.scheduling.enumeration`) needs *every* schedule under a cost limit.  For day-level
agents -- one shift option per day at most, rules on days, minutes and runs -- both are shortest-
path problems over the days, the classic resource-constrained pricing of nurse rostering
(Jaumard, Semet & Vovor 1998; Burke & Curtois 2014, *New approaches to nurse rostering benchmark
instances*, EJOR 237:71-81), and a label algorithm solves them far faster than a CP-SAT model
of the agent (Curtois Instance 5: CP-SAT enumerated ~100-150 schedules per second).

The algorithm has two parts:

1. **Completion bounds** (backward dynamic programme, numpy over states): ``V[d][s, m]`` is the
   least cost of days ``d .. D-1`` from the run state ``s`` before day ``d`` with ``m`` minutes
   already worked.  The state holds what the rules on runs need -- no work yet / days off since
   the last run (up to the minimum days off) / the class of the option worked yesterday (options
   forbidding the same successors share one) with the length of the current run (up to the
   maximum) and whether that run began on the first day -- and the minutes
   (in units of the options' greatest common divisor) carry the total paid-time limits.  It is
   exact for forbidden successions, minimum rest, minimum and maximum consecutive working days,
   minimum consecutive days off and the total minutes; it *relaxes* the per-template maxima, the
   worked weekends, the weekly limits and the nights per week, so ``V`` is a lower bound.
   Lagrangian multipliers on the per-template maxima (:meth:`Labeller.template_multipliers`)
   tighten it.
2. **Depth-first search** forward over the days with every rule checked exactly: a branch is cut
   as soon as its cost so far plus ``V`` exceeds the limit (enumeration) or reaches the best
   schedule found (pricing).  Since ``V`` is a valid bound, nothing under the limit is cut.

:func:`unsupported` names what an agent has that the labeller does not model (the caller then
keeps CP-SAT); :func:`rules_for` reads the agent's rules from the roster model, with the same
conventions at the horizon's edges as :func:`staffing.scheduling.constraints.add_consecutive_days`.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

import numpy as np

from staffing.scheduling.model import MINUTES_PER_DAY, RosterModel

INF = np.iinfo(np.int64).max // 4  # "no completion"; sums of two stay far from overflow
MULTIPLIER_ROUNDS = 6  # subgradient steps on the per-template maxima per search (each one table pass)
MAX_DP_ENTRIES = 12_000_000  # completion-bound tables larger than this (days x weekends x states x minutes)
# cost more memory and time than CP-SAT takes: callers keep CP-SAT (Curtois 19: up to 8.7 M, 0.01-0.6 s a
# table pass; labelled since the limit went up from 2 M, it came within 5 % of the best published value)


@dataclass(frozen=True)
class AgentRules:
    """One agent's day-level rules, read from a roster model (:func:`rules_for`).

    Attributes
    ----------
    n_days : int
        Days of the horizon.
    day_options : tuple of tuple of int
        Shift options the agent may work, per day (availability and time off applied).
    option_minutes : dict
        Paid minutes of each option.
    option_template : dict
        Template name of each option.
    night_options : frozenset
        Options that are night shifts.
    forbidden_next : frozenset of (int, int)
        ``(o, p)``: option ``o`` on a day excludes option ``p`` on the next (forbidden template
        successions and the minimum rest).
    min_total_minutes, max_total_minutes : int
        Paid minutes over the horizon.
    min_run, max_run : int
        Fewest and most working days in a row.
    min_off : int
        Fewest days off between two runs.
    first_run_exempt, last_run_exempt : bool
        A run touching the first (last) day may be shorter than ``min_run``.
    weeks : tuple of tuple of int
        7-day blocks (the last may be shorter).
    week_min_minutes, week_max_minutes, week_min_days, week_max_days : int or None
        Weekly limits (the minima apply to full weeks only); None where no limit applies.
    weekends : tuple of tuple of int
        Days of each weekend; ``max_weekends`` of them may be worked (None: no limit).
    max_weekends : int or None
    max_nights_per_week : int or None
    template_max : dict
        Most shifts of a template over the horizon (only limits that can bind).
    """

    n_days: int
    day_options: tuple[tuple[int, ...], ...]
    option_minutes: dict[int, int]
    option_template: dict[int, str]
    night_options: frozenset[int]
    forbidden_next: frozenset[tuple[int, int]]
    min_total_minutes: int
    max_total_minutes: int
    min_run: int
    max_run: int
    min_off: int
    first_run_exempt: bool
    last_run_exempt: bool
    weeks: tuple[tuple[int, ...], ...]
    week_min_minutes: int | None
    week_max_minutes: int | None
    week_min_days: int | None
    week_max_days: int | None
    weekends: tuple[tuple[int, ...], ...]
    max_weekends: int | None
    max_nights_per_week: int | None
    template_max: dict[str, int]


def unsupported(m: RosterModel, a: int) -> str | None:
    """Why agent ``a`` cannot be priced by the labeller (None when it can).

    The labeller models day-level agents: no headcount variable, no start-time spread that can
    bind, and a minimum rest that only links consecutive days.
    """
    ag = m.agents[a]
    if m.explain:
        return "explain mode"
    if ag.hired is not None:
        return "headcount mode"
    lab = m.settings.labor
    days = m.shift[a]
    if lab.max_start_spread_hours is not None:
        starts = {m.options[o].start_minutes for vd in days for o in vd}
        if starts and max(starts) - min(starts) > round(lab.max_start_spread_hours * 60):
            return "start-time spread"
    rest = round(lab.min_rest_hours * 60)
    if rest > 0:
        opts = {o for vd in days for o in vd}
        if opts:
            latest_end = max(m.options[o].start_minutes + m.options[o].span_minutes for o in opts)
            earliest = min(m.options[o].start_minutes for o in opts)
            if 2 * MINUTES_PER_DAY + earliest - latest_end < rest:
                return "minimum rest spanning a day off"
    return None


def rules_for(m: RosterModel, a: int) -> AgentRules:
    """Agent ``a``'s rules as the roster model states them (see :func:`unsupported` first)."""
    ag = m.agents[a]
    c = ag.contract
    lab = m.settings.labor
    D = m.horizon.n_days
    days = m.shift[a]
    day_options = tuple(tuple(sorted(vd)) for vd in days)
    used = sorted({o for vd in day_options for o in vd})
    opt = m.options
    forbidden: set[tuple[int, int]] = set()
    succ = set(lab.forbidden_successions)
    rest = round(lab.min_rest_hours * 60)
    for o in used:
        for p in used:
            gap = MINUTES_PER_DAY + opt[p].start_minutes - (opt[o].start_minutes + opt[o].span_minutes)
            if (opt[o].template, opt[p].template) in succ or (rest > 0 and gap < rest):
                forbidden.add((o, p))
    max_possible = sum(max((opt[o].paid_minutes for o in vd), default=0) for vd in day_options)
    max_total = max_possible if c.max_paid_hours_total is None else min(max_possible, round(c.max_paid_hours_total * 60))
    min_total = 0 if not c.min_paid_hours_total else round(c.min_paid_hours_total * 60)
    # the weekly limits imply total ones, which the completion bounds do track (a one-week horizon
    # with 40 h a week and no total: without them the bound starts at 0 and the search wanders)
    weeks_ = m.horizon.weeks()
    if c.min_paid_hours_per_week > 0:
        min_total = max(min_total, round(c.min_paid_hours_per_week * 60) * sum(len(w) == 7 for w in weeks_))
    if c.max_paid_hours_per_week < 168:
        max_total = min(max_total, sum(min(round(c.max_paid_hours_per_week * 60),
                                           sum(max((opt[o].paid_minutes for o in day_options[d]), default=0)
                                               for d in w)) for w in weeks_))
    off_outside = lab.outside_horizon_is_off
    weekends = tuple(tuple(w) for w in m.horizon.weekends(lab.weekend_days))
    template_max = {}
    for tpl, most in c.max_shifts_per_template:
        n = sum(1 for vd in day_options if any(opt[o].template == tpl for o in vd))
        if n > most:
            template_max[tpl] = most
    return AgentRules(
        n_days=D,
        day_options=day_options,
        option_minutes={o: opt[o].paid_minutes for o in used},
        option_template={o: opt[o].template for o in used},
        night_options=frozenset(o for o in used if opt[o].night),
        forbidden_next=frozenset(forbidden),
        min_total_minutes=min_total,
        max_total_minutes=max_total,
        min_run=max(1, c.min_consecutive_days),
        max_run=min(c.max_consecutive_days, D),
        min_off=max(1, c.min_consecutive_days_off),
        first_run_exempt=(not off_outside) or lab.runs_may_continue_before_start,
        last_run_exempt=not off_outside,
        weeks=tuple(tuple(w) for w in m.horizon.weeks()),
        week_min_minutes=round(c.min_paid_hours_per_week * 60) if c.min_paid_hours_per_week > 0 else None,
        week_max_minutes=round(c.max_paid_hours_per_week * 60) if c.max_paid_hours_per_week < 168 else None,
        week_min_days=c.min_days_per_week if c.min_days_per_week > 0 else None,
        week_max_days=c.max_days_per_week if c.max_days_per_week < 7 else None,
        weekends=weekends,
        max_weekends=c.max_weekends if c.max_weekends is not None and len(weekends) > c.max_weekends else None,
        max_nights_per_week=c.max_nights_per_week,
        template_max=template_max,
    )


def is_valid(rules: AgentRules, schedule: dict[int, int]) -> bool:
    """Whether ``schedule`` (day -> option) satisfies every rule; written from the rules' definitions,
    independently of the search."""
    D = rules.n_days
    work = [d in schedule for d in range(D)]
    if any(o not in rules.day_options[d] for d, o in schedule.items()):
        return False
    for d in range(D - 1):
        if work[d] and work[d + 1] and (schedule[d], schedule[d + 1]) in rules.forbidden_next:
            return False
    total = sum(rules.option_minutes[o] for o in schedule.values())
    if not rules.min_total_minutes <= total <= rules.max_total_minutes:
        return False
    # runs of work and of days off
    d = 0
    while d < D:
        e = d
        while e < D and work[e] == work[d]:
            e += 1
        length = e - d
        if work[d]:
            if length > rules.max_run:
                return False
            exempt = (d == 0 and rules.first_run_exempt) or (e == D and rules.last_run_exempt)
            if length < rules.min_run and not exempt:
                return False
        elif 0 < d and e < D and length < rules.min_off:
            return False
        d = e
    for week in rules.weeks:
        mins = sum(rules.option_minutes[schedule[x]] for x in week if x in schedule)
        n = sum(1 for x in week if x in schedule)
        nights = sum(1 for x in week if x in schedule and schedule[x] in rules.night_options)
        full = len(week) == 7
        if rules.week_max_minutes is not None and mins > rules.week_max_minutes:
            return False
        if full and rules.week_min_minutes is not None and mins < rules.week_min_minutes:
            return False
        if rules.week_max_days is not None and n > rules.week_max_days:
            return False
        if full and rules.week_min_days is not None and n < rules.week_min_days:
            return False
        if rules.max_nights_per_week is not None and nights > rules.max_nights_per_week:
            return False
    if rules.max_weekends is not None and sum(1 for w in rules.weekends
                                              if any(work[x] for x in w)) > rules.max_weekends:
        return False
    for tpl, most in rules.template_max.items():
        if sum(1 for o in schedule.values() if rules.option_template[o] == tpl) > most:
            return False
    return True


class Labeller:
    """Cheapest and all-under-a-limit schedules of one agent for linear costs (module docstring).

    Parameters
    ----------
    rules : AgentRules
        The agent's rules (:func:`rules_for`).
    isolated_cost : dict, optional
        Cost of a single day off between two working days, per day ``d`` of that day off (the soft
        ``isolated_day_off`` term, in the units of the search's costs).  The run states then tell
        one day off from two (the cost falls on the move that ends a one-day break).
    """

    def __init__(self, rules: AgentRules, isolated_cost: dict[int, int] | None = None) -> None:
        self.rules = r = rules
        self.iso = {d: c for d, c in (isolated_cost or {}).items() if c}
        D = r.n_days
        opts = sorted(r.option_minutes)
        self.opts = opts
        unit = math.gcd(*(r.option_minutes[o] for o in opts), r.min_total_minutes, r.max_total_minutes) if opts else 1
        unit = unit or 1
        self.unit = unit
        # a one-week horizon with a binding limit on the days worked: the tables count the days too
        # (index = minute units x Dd + days; the last day slot is a dead end), so the completion
        # bound knows a part-timer's 3-5 days (without it the search wandered: ~1 s per pricing call)
        weeks = r.weeks
        dmax = min(r.week_max_days if r.week_max_days is not None else D, D)
        dmin = r.week_min_days or 0 if len(weeks) == 1 and len(weeks[0]) == 7 else 0
        track_days = len(weeks) == 1 and (dmax < sum(1 for vd in r.day_options if vd) or dmin > 0)
        Dd = dmax + 2 if track_days else 1
        self.Dd = Dd
        self.M = (r.max_total_minutes // unit + 1) * Dd
        self.min_units = -(-r.min_total_minutes // unit)
        self.len_units = {o: (r.option_minutes[o] // unit) * Dd + (1 if track_days else 0) for o in opts}
        index = np.arange(self.M)
        self.end_m = (index // Dd >= self.min_units) & ((index % Dd >= dmin) & (index % Dd <= dmax) if track_days
                                                        else True)
        self.dead = (index % Dd == Dd - 1) if track_days else None
        # run states: 0 = no work yet; 1..L = days off since the last run (L = min_off, saturating);
        # then (class of the option worked yesterday, run length 1..R, began on day 0) for work
        L = max(r.min_off, 2) if self.iso else r.min_off
        self.L = L
        self.R = R = r.max_run if r.max_run < D else max(1, r.min_run)
        track_first = r.first_run_exempt and r.min_run > 1
        self.firsts = (0, 1) if track_first else (0,)
        # yesterday's option matters only through the options it forbids today: options with the
        # same forbidden successors share their states (Curtois 13: 14 options, 5 classes)
        follow: dict[frozenset[int], int] = {}
        self.option_class = {o: follow.setdefault(frozenset(p for p in opts if (o, p) in r.forbidden_next),
                                                  len(follow)) for o in opts}
        forbids = {i: fs for fs, i in follow.items()}
        work: dict[tuple[int, int, int], int] = {}
        for o in range(len(follow)):
            for k in range(1, R + 1):
                for f in self.firsts:
                    work[(o, k, f)] = 1 + L + len(work)
        self.work_state = work
        self.S = S = 1 + L + len(work)
        # transitions: off (choice -1) and each option; src -> dst or -1
        off_next = np.full(S, -1, np.int64)
        off_next[0] = 0
        for j in range(1, L + 1):
            off_next[j] = min(j + 1, L)
        for (o, k, f), s in work.items():
            if k >= r.min_run or f:
                off_next[s] = 1
        self.off_next = off_next
        self.opt_next: dict[int, np.ndarray] = {}
        self.opt_next_day0: dict[int, np.ndarray] = {}
        for p in opts:
            nxt = np.full(S, -1, np.int64)
            cp = self.option_class[p]
            nxt[0] = work[(cp, 1, 0)]
            for j in range(r.min_off, L + 1):
                nxt[j] = work[(cp, 1, 0)]
            for (o, k, f), s in work.items():
                if p in forbids[o]:
                    continue
                if k + 1 <= r.max_run:
                    nxt[s] = work[(cp, min(k + 1, R), f)]
            self.opt_next[p] = nxt
            d0 = nxt.copy()
            d0[0] = work[(cp, 1, 1 if track_first else 0)]
            self.opt_next_day0[p] = d0
        end_ok = np.ones(S, bool)
        if not r.last_run_exempt:
            for (o, k, f), s in work.items():
                if k < r.min_run and not f:
                    end_ok[s] = False
        self.end_ok = end_ok
        # python lists for the search
        self._off_next = off_next.tolist()
        self._opt_next = {p: v.tolist() for p, v in self.opt_next.items()}
        self._opt_next_day0 = {p: v.tolist() for p, v in self.opt_next_day0.items()}
        self.day_choices = [tuple(r.day_options[d]) for d in range(D)]
        self.week_of = [0] * D
        for i, wk in enumerate(r.weeks):
            for x in wk:
                self.week_of[x] = i
        self.week_last = {wk[-1]: i for i, wk in enumerate(r.weeks)}
        self.weekend_of = [-1] * D
        for i, wk in enumerate(r.weekends):
            for x in wk:
                self.weekend_of[x] = i
        # worked weekends in the state when each weekend is one day or two consecutive ones: the
        # second day adds a weekend only after an idle first day (the state knows yesterday)
        track = r.max_weekends is not None and all(len(w) == 1 or (len(w) == 2 and w[1] == w[0] + 1)
                                                   for w in r.weekends)
        self.W = r.max_weekends + 1 if track and r.max_weekends is not None else 1
        self.dp_entries = (D + 1) * self.W * S * self.M
        self._lam: dict[str, int] = {}  # multipliers of the per-template maxima from the last search
        self._moves: dict[tuple[bool, int, tuple[int, ...]], list[tuple[int, np.ndarray, tuple[int, ...]]]] = {}
        self.weekend_kind = [0] * D
        if track:
            for wk in r.weekends:
                self.weekend_kind[wk[0]] = 1
                if len(wk) == 2:
                    self.weekend_kind[wk[1]] = 2

    def _iso_at(self, d: int, s: int) -> int:
        """Isolated-day-off cost of working on day ``d`` from run state ``s``."""
        return self.iso.get(d - 1, 0) if s == 1 and d > 0 and self.iso else 0

    # ---------------------------------------------------------------- completion bounds
    def _day_moves(self, d: int) -> list[tuple[int, np.ndarray, tuple[int, ...]]]:
        """Working moves of day ``d`` grouped by length: ``(minute units k, rows, options)`` where
        ``rows[i, s]`` is the row of the stacked table (see :meth:`completion_bounds`) that option
        ``options[i]`` leads to from state ``s``."""
        kind = self.weekend_kind[d]
        key = (d == 0, kind, self.day_choices[d])
        got = self._moves.get(key)
        if got is not None:
            return got
        S, M = self.S, self.M
        idle = np.zeros(S, bool)  # states that did not work yesterday
        idle[: 1 + self.L] = True
        groups: dict[int, list[tuple[int, np.ndarray]]] = {}
        for p in self.day_choices[d]:
            k = self.len_units[p]
            if k >= M:
                continue
            nxt = self.opt_next_day0[p] if d == 0 else self.opt_next[p]
            ok = nxt >= 0
            # a weekend's first day worked, or its second after an idle first, adds a weekend
            new_we = ok if kind == 1 else ok & idle if kind == 2 else np.zeros(S, bool)
            rows = np.where(ok, nxt + np.where(new_we, S, 0), 2 * S)
            groups.setdefault(k, []).append((p, rows))
        got = [(k, np.stack([rw for _, rw in g]), tuple(p for p, _ in g)) for k, g in sorted(groups.items())]
        self._moves[key] = got
        return got

    def completion_bounds(self, costs: dict[tuple[int, int], int]) -> list[np.ndarray]:
        """``V[d][w, s, m]``: least cost of days ``d..D-1`` from run state ``s`` with ``w`` weekends
        and ``m`` minute units worked (INF: no valid completion), for the integer cost of each
        ``(day, option)``; one ``(W, S, M)`` int64 array per day ``0..D``."""
        r = self.rules
        D, S, M, W = r.n_days, self.S, self.M, self.W
        V = np.full((W, S, M), INF, np.int64)
        ok_m = self.end_m
        V[:, self.end_ok[:, None] & ok_m[None, :]] = 0
        out: list[np.ndarray] = [V] * (D + 1)
        # one gather per day and option length: ``ext`` stacks V (index s), V one weekend on
        # (index S + s: the move works a new weekend) and an unreachable row (index 2 S)
        off_rows = np.where(self.off_next >= 0, self.off_next, 2 * S)
        inf_layer = np.full((1, S, M), INF, np.int64)
        inf_row = np.full((W, 1, M), INF, np.int64)
        for d in range(D - 1, -1, -1):
            ext = np.concatenate([V, np.concatenate([V[1:], inf_layer], axis=0), inf_row], axis=1)
            Wd = ext[:, off_rows]
            iso = self.iso.get(d - 1, 0) if d > 0 else 0
            for k, targets, opts in self._day_moves(d):
                c = np.array([costs.get((d, p), 0) for p in opts], np.int64)
                cand = ext[:, targets, k:] + c[None, :, None, None]
                if iso:  # working today after exactly one day off that followed a run
                    cand[:, :, 1, :] += iso
                cand = cand.min(axis=1)
                np.minimum(Wd[:, :, : M - k], cand, out=Wd[:, :, : M - k])
            Wd[Wd >= INF // 2] = INF  # unreachable stays unreachable whatever the costs added
            if self.dead is not None:
                Wd[:, :, self.dead] = INF
            V = Wd
            out[d] = V
        return out

    def _relaxed_counts(self, V: list[np.ndarray], costs: dict[tuple[int, int], int]) -> dict[str, int]:
        """Shifts per limited template on one least-cost path of the tables ``V`` (for the costs
        they were computed with)."""
        r = self.rules
        counts = {t: 0 for t in r.template_max}
        w, s, mu = 0, 0, 0
        for d in range(r.n_days):
            target = int(V[d][w, s, mu])
            s2 = self._off_next[s]
            if s2 >= 0 and int(V[d + 1][w, s2, mu]) == target:
                s = s2
                continue
            kind = self.weekend_kind[d]
            for p in self.day_choices[d]:
                s2 = (self._opt_next_day0 if d == 0 else self._opt_next)[p][s]
                m2 = mu + self.len_units[p]
                if s2 < 0 or m2 >= self.M:
                    continue
                new_we = self.W > 1 and (kind == 1 or (kind == 2 and s <= self.L))
                w2 = w + 1 if new_we else w
                if w2 >= self.W:
                    continue
                if costs.get((d, p), 0) + self._iso_at(d, s) + int(V[d + 1][w2, s2, m2]) == target:
                    w, s, mu = w2, s2, m2
                    t = r.option_template[p]
                    if t in counts:
                        counts[t] += 1
                    break
            else:  # no move reproduces the table (cannot happen for tables of these costs)
                break
        return counts

    def _with_multipliers(self, costs: dict[tuple[int, int], int], lam: dict[str, int],
                          ) -> dict[tuple[int, int], int]:
        """The costs with ``lam_t`` added to every available shift of template ``t``."""
        priced = dict(costs)
        if lam:
            for d, choices in enumerate(self.day_choices):
                for p in choices:
                    extra = lam.get(self.rules.option_template[p], 0)
                    if extra:
                        priced[(d, p)] = priced.get((d, p), 0) + extra
        return priced

    def template_multipliers(self, costs: dict[tuple[int, int], int], rounds: int = MULTIPLIER_ROUNDS,
                             ) -> tuple[dict[str, int], list[np.ndarray]]:
        """Lagrangian multipliers of the per-template maxima and the completion tables priced with them.

        The tables relax the maxima; pricing each shift of template ``t`` at ``lam_t`` more and
        subtracting ``sum_t lam_t max_t`` keeps the root a lower bound for any ``lam >= 0`` and
        raises it where the relaxed optimum works too many shifts of a template (Curtois 13: with
        no multipliers the search could not close the gap in 3 s on some employees).  A few
        subgradient steps (Held, Wolfe & Crowder 1974, *Validation of subgradient optimization*,
        Math. Programming 6:62-88), starting from the last call's multipliers, keep the best root.
        """
        r = self.rules
        tmax = r.template_max
        if not tmax:
            return {}, self.completion_bounds(costs)
        lam = dict(self._lam)
        nonzero = [abs(c) for c in costs.values() if c]
        step = max(1.0, float(np.median(nonzero))) if nonzero else 1.0
        # best: (root value, multipliers, tables, excess of the relaxed optimum per template)
        best: tuple[float, dict[str, int], list[np.ndarray], dict[str, int]] | None = None
        for k in range(rounds):
            priced = self._with_multipliers(costs, lam)
            V = self.completion_bounds(priced)
            top = int(V[0][0, 0, 0])
            if top >= INF:
                return lam, V
            value = top - sum(lam_t * tmax[t] for t, lam_t in lam.items())
            if best is None or value > best[0]:
                counts = self._relaxed_counts(V, priced)
                best = (value, dict(lam), V, {t: counts[t] - tmax[t] for t in tmax})
            else:  # no better: back to the best multipliers with half the step
                step /= 2
            excess = best[3]
            if all(e <= 0 and (e == 0 or best[1].get(t, 0) == 0) for t, e in excess.items()):
                break  # the relaxed optimum keeps every maximum with complementary slackness: optimal
            lam = {t: max(0, best[1].get(t, 0) + round(step * e)) for t, e in excess.items()}
            lam = {t: v for t, v in lam.items() if v}
            if lam == best[1]:
                break
        assert best is not None
        lam, V = best[1], best[2]
        over = [t for t, e in best[3].items() if e > 0 and not lam.get(t)]
        if over:
            # ties: where the relaxed optimum overuses a template at no extra cost (its multiplier
            # stays 0: Curtois 15's tight minutes windows), one unit per shift of it breaks the tie
            # towards schedules that keep the maximum; the bound gives up only sum(max_t) units
            lam = {**lam, **{t: 1 for t in over}}
            V = self.completion_bounds(self._with_multipliers(costs, lam))
        self._lam = best[1]
        return lam, V

    # ---------------------------------------------------------------- search
    def _search(self, costs: dict[tuple[int, int], int], limit: int, *, enumerate_all: bool, max_count: int,
                deadline: float, abort: threading.Event | None = None,
                ) -> tuple[list[tuple[int, tuple[tuple[int, int], ...]]], bool, int]:
        """Schedules of cost ``<= limit`` (all of them, or a descending chain of improvements when
        ``enumerate_all`` is False) as ``(cost, ((day, option), ...))``; ``complete`` is False when
        ``max_count`` or the deadline stopped the search; the last value is the root bound."""
        r = self.rules
        D = r.n_days
        lam, V = self.template_multipliers(costs)
        tmax = r.template_max
        # with multipliers lam_t >= 0 on the per-template maxima, V prices option p at
        # c + lam_t(p); a completion's true cost is then at least V - sum_t lam_t (max_t - count_t),
        # the count taken after the day's choice (``pen`` below), since it works at most
        # max_t - count_t more shifts of template t
        lam_of = {p: lam.get(t, 0) for p, t in r.option_template.items()}
        pen0 = sum(lam_t * tmax[t] for t, lam_t in lam.items())
        root = int(V[0][0, 0, 0]) - pen0 if V[0][0, 0, 0] < INF else INF
        # the search reads rows V[d][w, s] as python lists, converted when first met (converting
        # every table took most of the time of a pricing call on Curtois 13)
        S = self.S
        row_cache: list[dict[int, list[int]]] = [{} for _ in range(D + 1)]

        def vrow(d: int, w: int, s: int) -> list[int]:
            cache = row_cache[d]
            row = cache.get(w * S + s)
            if row is None:
                row = cache[w * S + s] = V[d][w, s].tolist()
            return row

        found: list[tuple[int, tuple[tuple[int, int], ...]]] = []
        if root >= INF or root > limit:
            return found, True, root
        # every schedule's cost is a multiple of the costs' greatest common divisor: a branch whose
        # bound exceeds the limit rounded down to one cannot reach it (with zero duals Curtois 13's
        # request costs are multiples of 100,000 and the bound a little below the cheapest: without
        # the rounding the search proved it through every tie)
        gran = math.gcd(*costs.values()) if costs else 0
        gran = gran or 1
        lim = [limit if limit >= INF - 1 else limit - limit % gran]
        opts_min = self.len_units
        tcount = {t: 0 for t in tmax}
        pen = [pen0]
        wk_minutes = [0] * len(r.weeks)
        wk_days = [0] * len(r.weeks)
        wk_nights = [0] * len(r.weeks)
        wkend_worked = [False] * len(r.weekends)
        n_wkends = [0]
        path: list[tuple[int, int]] = []
        state = {"stop": False, "nodes": 0}
        off_next, opt_next, opt_next0 = self._off_next, self._opt_next, self._opt_next_day0
        minutes = r.option_minutes
        week_of, weekend_of, week_last = self.week_of, self.weekend_of, self.week_last
        nights = r.night_options
        max_w = r.max_weekends
        w_max_min, w_min_min = r.week_max_minutes, r.week_min_minutes
        w_max_d, w_min_d = r.week_max_days, r.week_min_days
        max_n = r.max_nights_per_week
        tracked = self.W > 1
        iso_of = self.iso

        def week_done(d: int) -> bool:
            i = week_last.get(d)
            if i is None or len(r.weeks[i]) < 7:
                return True
            if w_min_min is not None and wk_minutes[i] < w_min_min:
                return False
            return not (w_min_d is not None and wk_days[i] < w_min_d)

        def visit(d: int, s: int, mu: int, g: int) -> None:
            if state["stop"]:
                return
            state["nodes"] += 1
            if state["nodes"] % 4096 == 0 and (time.perf_counter() > deadline
                                               or (abort is not None and abort.is_set())):
                state["stop"] = True
                return
            if d == D:
                if g > lim[0]:  # the bounds subtract multipliers of unused maxima: not exact at the end
                    return
                found.append((g, tuple(path)))
                if enumerate_all:
                    if len(found) > max_count:
                        state["stop"] = True
                else:
                    lim[0] = g - gran
                return
            wn = n_wkends[0] if tracked else 0
            # (bound, option or -1, next state, next minutes, cost of the option, its template)
            kids: list[tuple[int, int, int, int, int, str]] = []
            s2 = off_next[s]
            if s2 >= 0:
                v = vrow(d + 1, wn, s2)[mu]
                if v < INF and g + v - pen[0] <= lim[0]:
                    kids.append((g + v - pen[0], -1, s2, mu, 0, ""))
            wi = week_of[d]
            we = weekend_of[d]
            iso_today = iso_of.get(d - 1, 0) if d > 0 else 0
            fresh = we >= 0 and not wkend_worked[we]  # working today adds a weekend
            for p in self.day_choices[d]:
                s2 = (opt_next0 if d == 0 else opt_next)[p][s]
                if s2 < 0:
                    continue
                m2 = mu + opts_min[p]
                if m2 >= self.M:
                    continue
                if max_w is not None and fresh and n_wkends[0] + 1 > max_w:
                    continue
                v = vrow(d + 1, wn + 1 if tracked and fresh else wn, s2)[m2]
                if v >= INF:
                    continue
                c = costs.get((d, p), 0) + (iso_today if s == 1 else 0)
                lp_ = lam_of[p]
                b = g + c + v - (pen[0] - lp_)
                if b > lim[0]:
                    continue
                t = r.option_template[p]
                if t in tmax and tcount[t] >= tmax[t]:
                    continue
                if w_max_min is not None and wk_minutes[wi] + minutes[p] > w_max_min:
                    continue
                if w_max_d is not None and wk_days[wi] + 1 > w_max_d:
                    continue
                if max_n is not None and p in nights and wk_nights[wi] + 1 > max_n:
                    continue
                kids.append((b, p, s2, m2, c, t))
            if not enumerate_all:
                kids.sort()
            for b, p, s2, m2, c, t in kids:
                if b > lim[0] or state["stop"]:
                    continue
                if p < 0:
                    if week_done(d):
                        visit(d + 1, s2, m2, g)
                    continue
                new_we = fresh
                if t in tcount:
                    tcount[t] += 1
                    pen[0] -= lam_of[p]
                wk_minutes[wi] += minutes[p]
                wk_days[wi] += 1
                if p in nights:
                    wk_nights[wi] += 1
                if new_we:
                    wkend_worked[we] = True
                    n_wkends[0] += 1
                path.append((d, p))
                if week_done(d):
                    visit(d + 1, s2, m2, g + c)
                path.pop()
                if new_we:
                    wkend_worked[we] = False
                    n_wkends[0] -= 1
                if p in nights:
                    wk_nights[wi] -= 1
                wk_days[wi] -= 1
                wk_minutes[wi] -= minutes[p]
                if t in tcount:
                    tcount[t] -= 1
                    pen[0] += lam_of[p]

        visit(0, 0, 0, 0)
        return found, not state["stop"], root

    def cheapest(self, costs: dict[tuple[int, int], int], seconds: float = math.inf,
                 ) -> tuple[int, list[tuple[int, dict[int, int]]]]:
        """``(bound, schedules)``: the least cost over every valid schedule (exact when the search
        finished in time, else the completion bound of the start) and the improving schedules met,
        cheapest last, as ``(cost, {day: option})``.  The bound is INF when no schedule exists."""
        bound, plans, _complete = self.cheapest_within(costs, seconds)
        return bound, plans

    def cheapest_within(self, costs: dict[tuple[int, int], int], seconds: float,
                        ) -> tuple[int, list[tuple[int, dict[int, int]]], bool]:
        """:meth:`cheapest` with a third value: whether the search finished (the bound is exact)."""
        found, complete, root = self._search(costs, INF - 1, enumerate_all=False, max_count=0,
                                             deadline=time.perf_counter() + seconds)
        plans = [(g, dict(p)) for g, p in found]
        if complete:
            return (plans[-1][0] if plans else INF), plans, True
        return root, plans, False

    def schedules_within(self, costs: dict[tuple[int, int], int], limit: int, max_count: int,
                         seconds: float = math.inf, abort: threading.Event | None = None,
                         ) -> list[tuple[tuple[int, int], ...]] | None:
        """Every valid schedule of cost ``<= limit`` as sorted ``(day, option)`` tuples, or None when
        there are more than ``max_count``, the time runs out or ``abort`` is set."""
        found, complete, _root = self._search(costs, limit, enumerate_all=True, max_count=max_count,
                                              deadline=time.perf_counter() + seconds, abort=abort)
        if not complete:
            return None
        return [p for _g, p in found]
