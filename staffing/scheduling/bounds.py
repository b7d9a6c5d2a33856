"""A proven lower bound on the roster objective: the LP relaxation of a covering relaxation.

Agents of one contract are pooled: ``x[d, o, c] >= 0`` agents of contract ``c`` on shift option
``o`` on day ``d``, with per contract and day ``sum_o x <= available agents``, per 7-day block
the contract's days and paid-hours limits times the number of agents, fractional break counts and
the same interval coverage, under/over and day-level cover terms as the full model.  Paid cost
uses the cheapest hourly cost of the contract's agents; preference, request and day-off terms
(all >= 0) are dropped.  Every rule-valid roster is feasible for this LP, so its optimum is a
lower bound on the objective; together with CP-SAT's own bound it gives a proven gap even when
CP-SAT's LP had little time (busy machine, large week).

Not used for the service-level-aware objective (returns None).
"""

from __future__ import annotations

from ortools.linear_solver import pywraplp

from staffing.scheduling.model import MINUTES_PER_DAY, RosterModel


def covering_lower_bound(m: RosterModel, parts: dict[str, float] | None = None) -> float | None:
    """Objective lower bound (objective units), or None when not available.

    When ``parts`` is a dict it receives the LP optimum's ``under_agent_hours``,
    ``over_agent_hours`` and ``paid_hours`` (to tell a weak bound from a poor roster).
    """
    st = m.settings
    ob = st.objective
    if ob.service_level_aware:
        return None
    h = m.horizon
    iv = h.interval_minutes
    T = h.n_intervals
    lp = pywraplp.Solver.CreateSolver("GLOP")
    if lp is None:  # pragma: no cover - GLOP ships with OR-Tools
        return None
    inf = lp.infinity()
    hours = iv / 60.0
    groups: dict[str, list[int]] = {}
    for a, ag in enumerate(m.agents):
        groups.setdefault(ag.contract.name, []).append(a)
    cover_t: list[list[tuple[object, float]]] = [[] for _ in range(T)]
    on_opt: dict[tuple[int, int], list[object]] = {}
    paid_vars: list[tuple[object, float]] = []
    uo_vars: list[tuple[object, object]] = []
    obj = lp.Objective()
    for cname, members in groups.items():
        c = st.contract(cname)
        headcount = any(m.agents[a].source is None for a in members)
        n_agents = lp.NumVar(0, len(members), f"agents[{cname}]") if headcount else len(members)
        if headcount and ob.agent_week_cost > 0:
            obj.SetCoefficient(n_agents, ob.agent_week_cost)
        cost = min(m.agents[a].hourly_cost for a in members) * ob.paid_hour_cost
        per_day: dict[int, list[tuple[object, int]]] = {}
        for d in range(h.n_days):
            # options some agent of the contract may work that day, and how many agents may work
            opts = sorted({o for a in members for o in m.shift[a][d]})
            if not opts:
                continue
            avail = sum(1 for a in members if m.shift[a][d])
            row = []
            for o in opts:
                x = lp.NumVar(0, inf, f"x[{d},{o},{cname}]")
                obj.SetCoefficient(x, cost * m.options[o].paid_minutes / 60.0)
                row.append((x, m.options[o].paid_minutes))
                paid_vars.append((x, m.options[o].paid_minutes / 60.0))
                on_opt.setdefault((d, o), []).append(x)
            per_day[d] = row
            ct = lp.Constraint(-inf, 0 if headcount else avail)
            for x, _ in row:
                ct.SetCoefficient(x, 1)
            if headcount:
                ct.SetCoefficient(n_agents, -1)
        for week in h.weeks():
            full = len(week) == 7
            rows = [xp for d in week for xp in per_day.get(d, [])]
            for lo_days, hi_days, coef in ((c.min_days_per_week if full else 0, c.max_days_per_week, None),
                                           (c.min_paid_hours_per_week * 60 if full else 0,
                                            c.max_paid_hours_per_week * 60, "paid")):
                ct = lp.Constraint(-inf, 0)
                ct2 = lp.Constraint(0, inf)
                for x, paid in rows:
                    k = paid if coef else 1
                    ct.SetCoefficient(x, k)
                    ct2.SetCoefficient(x, k)
                if headcount:
                    ct.SetCoefficient(n_agents, -hi_days)
                    ct2.SetCoefficient(n_agents, -lo_days)
                else:
                    ct.SetBounds(-inf, hi_days * n_agents)
                    ct2.SetBounds(lo_days * n_agents, inf)
    # breaks and coverage
    for (d, o), xs in on_opt.items():
        opt = m.options[o]
        t0 = (d * MINUTES_PER_DAY + opt.start_minutes) // iv
        for t in range(max(t0, 0), min(t0 + opt.span_minutes // iv, T)):
            for x in xs:
                cover_t[t].append((x, 1.0))
        for k, slot in enumerate(opt.breaks):
            bs = [lp.NumVar(0, inf, f"b[{d},{o},{k},{s}]") for s in slot.offsets]
            ct = lp.Constraint(0, 0)
            for b in bs:
                ct.SetCoefficient(b, 1)
            for x in xs:
                ct.SetCoefficient(x, -1)
            for b, s in zip(bs, slot.offsets):
                first = t0 + s // iv
                for t in range(max(first, 0), min(first + slot.rule.duration_minutes // iv, T)):
                    cover_t[t].append((b, -1.0))
    for t in range(T):
        req = float(h.required[t])
        u = lp.NumVar(0, req, f"u[{t}]")
        v = lp.NumVar(0, inf, f"o[{t}]")
        uo_vars.append((u, v))
        obj.SetCoefficient(u, ob.under_coverage_per_agent_hour * hours)
        obj.SetCoefficient(v, ob.over_coverage_per_agent_hour * hours)
        ct = lp.Constraint(req, req)
        ct.SetCoefficient(u, 1)
        ct.SetCoefficient(v, -1)
        coefs: dict[object, float] = {}
        for lp_var, weight in cover_t[t]:
            coefs[lp_var] = coefs.get(lp_var, 0.0) + weight
        for lp_var, weight in coefs.items():
            ct.SetCoefficient(lp_var, weight)  # type: ignore[arg-type]
    for target, _short, _extra in m.cover_vars:
        xs = [x for (d, o), vs in on_opt.items() if d == target.day and m.options[o].template == target.template
              for x in vs]
        s_ = lp.NumVar(0, target.required, "")
        e_ = lp.NumVar(0, inf, "")
        obj.SetCoefficient(s_, target.under_weight)
        obj.SetCoefficient(e_, target.over_weight)
        ct = lp.Constraint(target.required, target.required)
        ct.SetCoefficient(s_, 1)
        ct.SetCoefficient(e_, -1)
        for x in xs:
            ct.SetCoefficient(x, 1)
    obj.SetMinimization()
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    if parts is not None:
        parts["under_agent_hours"] = sum(u.solution_value() for u, _ in uo_vars) * hours
        parts["over_agent_hours"] = sum(v.solution_value() for _, v in uo_vars) * hours
        parts["paid_hours"] = sum(x.solution_value() * k for x, k in paid_vars)
    return float(obj.Value()) * (1 - 1e-9) - 1e-6

