"""A proven lower bound on the roster objective from the LP relaxation of the CP-SAT model itself.

Which relaxation
----------------
The *same* model that :func:`staffing.scheduling.build_roster` solves (built by
:func:`staffing.scheduling.solve.build_model` from the same requirement, rules and agents) is
read back from its CP-SAT proto and relaxed to a linear programme:

* every variable keeps its bounds but may take any real value in them (integrality dropped);
* every linear constraint ``lo <= a.x <= hi`` is kept (a domain with holes is replaced by its
  hull ``[min, max]``, which only enlarges the feasible set);
* a linear constraint that only holds when enforcement literals ``e_1 .. e_k`` are true
  (``only_enforce_if``: minimum rest, start spread) is kept in big-M form with the tightest
  ``M`` implied by the variable bounds: ``a.x + (lo - min a.x) * sum_j (1 - e_j) >= lo`` and
  ``a.x - (max a.x - hi) * sum_j (1 - e_j) <= hi``;
* ``bool_or`` (implications) becomes ``sum lits + sum_j (1 - e_j) >= 1``; ``bool_and`` one such
  row per literal; ``at_most_one`` / ``exactly_one`` their sums; any other constraint type is
  dropped (counted in :attr:`LpBound.dropped_constraints`; none occurs in the roster model today);
* the objective is the model's own integer objective (coverage, paid cost, preferences ... in
  the same ``OBJECTIVE_SCALE`` units).

Why it is a valid lower bound
-----------------------------
Every rule-valid roster is an integer point satisfying every CP-SAT constraint, and each
relaxed row above holds at such a point (for an enforced row: when all ``e_j`` are 1 it is the
original constraint; otherwise ``sum_j (1 - e_j) >= 1`` and the row is implied by the variable
bounds).  So the LP's feasible set contains every roster and ``LP optimum <= roster optimum``.

Safe bound, independent of the LP solver's tolerances
-----------------------------------------------------
GLOP's optimum is computed in floating point.  The reported bound does not trust it: it takes
GLOP's dual values ``y`` and evaluates the Lagrangian (weak-duality) bound for the box-bounded LP
``min c.x  s.t.  L <= A x <= U,  l <= x <= u``::

    c.x = y.(A x) + r.x  with  r = c - A^T y,  hence for every feasible x
    c.x >= sum_i (y_i L_i if y_i > 0 else y_i U_i) + sum_j (r_j l_j if r_j > 0 else r_j u_j)

which holds for *any* ``y`` (Neumaier & Shcherbina 2004).  Because every objective coefficient
and variable is an integer, the roster optimum in scaled units is an integer, so the bound is
rounded up to the next integer (after a 1e-6 relative safety margin).

Per-agent Lagrangian bound
--------------------------
:func:`lagrangian_bound` dualises only the rows that link the agents to the shift counts, with
the LP's own multipliers, and solves each agent's week exactly (its own CP-SAT constraints,
copied from the model) and the rest (counts, breaks, coverage) as an LP.  By Lagrangian duality
it is a valid bound for any multipliers, and with the LP's multipliers it is at least the LP
bound up to a 1/1000 rounding of the agent costs.

References
----------
Neumaier, A. & Shcherbina, O. (2004). Safe bounds in linear and mixed-integer linear programming.
*Mathematical Programming* 99, 283-296.
Bechtold, S. E. & Jacobs, L. W. (1990). Implicit modeling of flexible break assignments in
optimal shift scheduling. *Management Science* 36(11), 1339-1351 (the coverage rows kept here).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from ortools.linear_solver.python import model_builder_helper as mbh

from staffing.errors import InputError
from staffing.scheduling import constraints as C

_INT_INF = 2**62
LP_SOLVERS = ("glop", "pdlp")


@dataclass(frozen=True)
class LpBound:
    """Result of :func:`lp_bound`.

    Attributes
    ----------
    bound : float
        Proven lower bound on the roster objective (objective units, i.e. the same units as
        ``ScheduleResult.objective``); ``-inf`` when the LP did not solve.
    lp_objective : float or None
        The LP optimum reported by the LP solver (objective units), for reference.
    status : str
        LP solver status (``OPTIMAL``, ``FEASIBLE`` ...; the bound is valid whatever it is,
        but only tight at ``OPTIMAL``).
    solver : str
        ``glop`` (dual simplex) or ``pdlp`` (first-order).
    n_variables, n_rows : int
        Size of the LP.
    kept_constraints, dropped_constraints : int
        CP-SAT constraints turned into LP rows / ignored (unsupported types).
    seconds : float
        Relaxation plus LP solve, wall-clock seconds.
    relaxation : str
        One-line description of the relaxation.
    components : dict
        From :func:`lp_bound` only: the LP solution's ``under_agent_hours``,
        ``over_agent_hours`` and ``paid_hours`` (fractional; where the bound's value comes from,
        to compare with a roster's KPIs).
    """

    bound: float
    lp_objective: float | None
    status: str
    solver: str
    n_variables: int
    n_rows: int
    kept_constraints: int
    dropped_constraints: int
    seconds: float
    relaxation: str = "LP relaxation of the CP-SAT roster model (integrality dropped, enforced rows in big-M form)"
    components: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.solver not in LP_SOLVERS:
            raise ValueError(f"solver must be one of {LP_SOLVERS}, found {self.solver!r}.")
        if self.seconds < 0:
            raise ValueError(f"seconds must be >= 0, found {self.seconds!r}.")


@dataclass
class LinearRelaxation:
    """``min c.x + offset  s.t.  row_lo <= A x <= row_hi,  var_lo <= x <= var_hi`` (scaled units)."""

    c: np.ndarray
    offset: float
    A: sp.csr_matrix
    row_lo: np.ndarray
    row_hi: np.ndarray
    var_lo: np.ndarray
    var_hi: np.ndarray
    kept: int
    dropped: int


_KINDS = ("linear", "bool_or", "bool_and", "at_most_one", "exactly_one")


def _kind(ct: Any) -> str | None:
    """Constraint type of a CP-SAT constraint (protobuf message or OR-Tools >= 9.13 proto wrapper)."""
    if hasattr(ct, "WhichOneof"):
        return ct.WhichOneof("constraint")
    for k in _KINDS:
        if getattr(ct, f"has_{k}")():
            return k
    return "other"


def _has(msg: Any, name: str) -> bool:
    return bool(msg.HasField(name)) if hasattr(msg, "HasField") else bool(getattr(msg, f"has_{name}")())


def _hull(domain: Any) -> tuple[float, float]:
    d = list(domain)
    lo, hi = float(d[0]), float(d[-1])
    return (-math.inf if lo <= -_INT_INF else lo, math.inf if hi >= _INT_INF else hi)


def relax_proto(proto: Any) -> LinearRelaxation:
    """Linear relaxation of a CP-SAT model proto (see the module docstring for the rules).

    Parameters
    ----------
    proto : CpModelProto
        E.g. ``RosterModel.cp.proto``.

    Returns
    -------
    LinearRelaxation
    """
    n = len(proto.variables)
    var_lo = np.empty(n)
    var_hi = np.empty(n)
    for i, v in enumerate(proto.variables):
        var_lo[i], var_hi[i] = _hull(v.domain)
    rows_i: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    lo_l: list[float] = []
    hi_l: list[float] = []
    kept = dropped = 0

    def lit_terms(lits: Any) -> tuple[list[int], list[float], float]:
        """``sum lit`` as (vars, coefs, constant): a negative literal ``-k-1`` is ``1 - x_k``."""
        vs, cs, const = [], [], 0.0
        for lit in lits:
            if lit >= 0:
                vs.append(lit)
                cs.append(1.0)
            else:
                vs.append(-lit - 1)
                cs.append(-1.0)
                const += 1.0
        return vs, cs, const

    def not_terms(enf: Any) -> tuple[list[int], list[float], float]:
        """``sum_j (1 - e_j)``."""
        vs, cs, const = lit_terms(enf)
        return vs, [-c for c in cs], float(len(enf)) - const

    def add_row(vs: list[int], cs: list[float], lo: float, hi: float) -> None:
        r = len(lo_l)
        rows_i.extend([r] * len(vs))
        cols.extend(vs)
        vals.extend(cs)
        lo_l.append(lo)
        hi_l.append(hi)

    for ct in proto.constraints:
        kind = _kind(ct)
        enf = list(ct.enforcement_literal)
        nv, nc, nconst = not_terms(enf) if enf else ([], [], 0.0)
        if kind == "linear":
            vs = list(ct.linear.vars)
            cs = [float(c) for c in ct.linear.coeffs]
            lo, hi = _hull(ct.linear.domain)
            if not enf:
                add_row(vs, cs, lo, hi)
            else:
                a = np.asarray(cs)
                ix = np.asarray(vs, dtype=int)
                mn = float(np.sum(np.where(a > 0, a * var_lo[ix], a * var_hi[ix]))) if len(vs) else 0.0
                mx = float(np.sum(np.where(a > 0, a * var_hi[ix], a * var_lo[ix]))) if len(vs) else 0.0
                if math.isfinite(lo) and lo > mn:  # a.x + (lo - mn) * sum(1 - e) >= lo
                    m_ = lo - mn
                    add_row(vs + nv, cs + [m_ * c for c in nc], lo - m_ * nconst, math.inf)
                if math.isfinite(hi) and hi < mx:  # a.x - (mx - hi) * sum(1 - e) <= hi
                    m_ = mx - hi
                    add_row(vs + nv, cs + [-m_ * c for c in nc], -math.inf, hi + m_ * nconst)
            kept += 1
        elif kind in ("bool_or", "bool_and"):
            lits = list(getattr(ct, kind).literals)
            groups = [lits] if kind == "bool_or" else [[x] for x in lits]
            for g in groups:  # sum lits + sum(1 - e) >= 1
                vs, cs, const = lit_terms(g)
                add_row(vs + nv, cs + nc, 1.0 - const - nconst, math.inf)
            kept += 1
        elif kind in ("at_most_one", "exactly_one") and not enf:
            vs, cs, const = lit_terms(getattr(ct, kind).literals)
            add_row(vs, cs, (1.0 - const) if kind == "exactly_one" else -math.inf, 1.0 - const)
            kept += 1
        else:
            dropped += 1  # any other constraint: dropping it only enlarges the feasible set
    A = sp.csr_matrix((np.asarray(vals, dtype=float), (np.asarray(rows_i, dtype=int), np.asarray(cols, dtype=int))),
                      shape=(len(lo_l), n))
    A.sum_duplicates()
    c = np.zeros(n)
    offset = 0.0
    if _has(proto, "objective"):
        obj = proto.objective
        np.add.at(c, np.asarray(list(obj.vars), dtype=int), np.asarray(list(obj.coeffs), dtype=float))
        offset = float(obj.offset)
        if obj.scaling_factor not in (0.0, 1.0):
            raise InputError(f"lp_bound: objective scaling factor {obj.scaling_factor} is not supported; "
                             "expected an integer objective (scaling 1).")
    elif _has(proto, "floating_point_objective"):
        raise InputError("lp_bound: a floating-point objective is not supported; expected an integer objective.")
    return LinearRelaxation(c, offset, A, np.asarray(lo_l), np.asarray(hi_l), var_lo, var_hi, kept, dropped)


def safe_dual_bound(lp: LinearRelaxation, duals: np.ndarray) -> float:
    """Weak-duality bound ``min c.x + offset`` >= this value, valid for *any* row multipliers ``duals``.

    Multipliers whose side is infinite are set to 0 (they would make the bound ``-inf``).
    """
    y = np.nan_to_num(np.asarray(duals, dtype=float), nan=0.0)
    y = np.where((y > 0) & ~np.isfinite(lp.row_lo), 0.0, y)
    y = np.where((y < 0) & ~np.isfinite(lp.row_hi), 0.0, y)
    row_part = float(np.sum(np.where(y > 0, y * np.where(np.isfinite(lp.row_lo), lp.row_lo, 0.0),
                                     y * np.where(np.isfinite(lp.row_hi), lp.row_hi, 0.0))))
    r = lp.c - lp.A.T @ y
    lo_ok, hi_ok = np.isfinite(lp.var_lo), np.isfinite(lp.var_hi)
    if np.any((r > 0) & ~lo_ok) or np.any((r < 0) & ~hi_ok):
        return -math.inf
    col_part = float(np.sum(np.where(r > 0, r * np.where(lo_ok, lp.var_lo, 0.0),
                                     r * np.where(hi_ok, lp.var_hi, 0.0))))
    return row_part + col_part + lp.offset


def lp_bound_of_proto(
    proto: Any,
    *,
    scale: float = C.OBJECTIVE_SCALE,
    solver: str = "glop",
    time_limit_seconds: float | None = None,
) -> LpBound:
    """Relax a CP-SAT proto, solve the LP and return the safe bound divided by ``scale``.

    Parameters
    ----------
    proto : CpModelProto
    scale : float
        Objective units per model unit (the roster model multiplies weights by
        :data:`staffing.scheduling.constraints.OBJECTIVE_SCALE`).
    solver : {"glop", "pdlp"}
    time_limit_seconds : float, optional
        LP solver time limit; on a time-out the bound is still valid (any duals are) but loose.
    """
    return _solve_relaxation(proto, scale, solver, time_limit_seconds)[0]


def _solve_relaxation(
    proto: Any, scale: float, solver: str, time_limit_seconds: float | None
) -> tuple[LpBound, np.ndarray | None]:
    """:func:`lp_bound_of_proto` plus the LP's primal solution (None when there is none)."""
    if solver not in LP_SOLVERS:
        raise InputError(f"lp_bound: solver must be one of {list(LP_SOLVERS)}, found {solver!r}.")
    t0 = time.perf_counter()
    lp = relax_proto(proto)
    helper = mbh.ModelBuilderHelper()
    helper.fill_model_from_sparse_data(  # OR-Tools stub types the arrays wrongly
        lp.var_lo, lp.var_hi, lp.c, lp.row_lo, lp.row_hi, lp.A)  # type: ignore[arg-type]
    helper.set_objective_offset(lp.offset)
    ms = mbh.ModelSolverHelper(solver)
    if time_limit_seconds is not None:
        ms.set_time_limit_in_seconds(float(time_limit_seconds))
    ms.solve(helper)
    status = str(ms.status()).rsplit(".", 1)[-1]
    primal = np.asarray(ms.variable_values(), dtype=float) if ms.has_solution() else None
    if ms.has_solution() or ms.has_response():
        lp_obj = float(ms.objective_value()) if ms.has_solution() else None
        try:
            duals = np.asarray(ms.dual_values(), dtype=float)
        except Exception:
            duals = np.zeros(lp.A.shape[0])
        if duals.shape[0] != lp.A.shape[0]:
            duals = np.zeros(lp.A.shape[0])
        safe = safe_dual_bound(lp, duals)
    else:
        lp_obj, safe = None, -math.inf
    if math.isfinite(safe):
        safe = float(math.ceil(safe - 1e-6 * max(1.0, abs(safe))))
    result = LpBound(bound=safe / scale, lp_objective=None if lp_obj is None else lp_obj / scale, status=status,
                     solver=solver, n_variables=lp.A.shape[1], n_rows=lp.A.shape[0], kept_constraints=lp.kept,
                     dropped_constraints=lp.dropped, seconds=time.perf_counter() - t0)
    return result, primal


def lp_bound(
    requirements: pd.DataFrame,
    settings: Any,
    agents: Any = None,
    *,
    requests: tuple[C.ShiftRequest, ...] = (),
    shift_cover: tuple[C.ShiftCover, ...] = (),
    solver: str = "glop",
    time_limit_seconds: float | None = None,
) -> LpBound:
    """LP lower bound on the objective :func:`staffing.scheduling.build_roster` minimises.

    Builds the same CP-SAT model as ``build_roster`` (same requirement, settings, agents,
    requests and cover targets; flat under-coverage penalty) and relaxes it.

    Parameters
    ----------
    requirements : DataFrame
        ``interval_start``, ``agents_to_schedule`` (as for ``build_roster``).
    settings : ScheduleSettings
    agents : tuple of Agent, DataFrame or None
        As for ``build_roster`` (None = headcount mode).
    requests, shift_cover
        As for ``build_roster``.
    solver : {"glop", "pdlp"}
    time_limit_seconds : float, optional

    Returns
    -------
    LpBound
        ``bound`` in the units of ``ScheduleResult.objective``.
    """
    from staffing.scheduling.agents import agents_from_frame
    from staffing.scheduling.model import horizon_from_requirements
    from staffing.scheduling.solve import build_model, model_agents

    if settings.objective.service_level_aware:
        raise InputError("lp_bound: the service-level-aware objective is not supported; "
                         "set [objective] service_level_aware = false.")
    horizon = horizon_from_requirements(requirements)
    if isinstance(agents, pd.DataFrame):
        agents = agents_from_frame(agents, settings)
    magents = model_agents(settings, agents, horizon)
    m, _ = build_model(settings, horizon, magents, requests=requests, shift_cover=shift_cover)
    res, x = _solve_relaxation(m.cp.proto, C.OBJECTIVE_SCALE, solver, time_limit_seconds)
    if x is None:
        return res
    hours = horizon.interval_minutes / 60.0
    paid = sum(float(x[v.index]) * m.options[o].paid_minutes / 60.0
               for row in m.shift for vd in row for o, v in vd.items())
    comps = {"under_agent_hours": float(sum(x[u.index] for u in m.under)) * hours,
             "over_agent_hours": float(sum(x[v.index] for v in m.over)) * hours, "paid_hours": paid}
    return replace(res, components=comps)


def lagrangian_bound(
    requirements: pd.DataFrame,
    settings: Any,
    agents: Any,
    *,
    per_agent_seconds: float = 2.0,
    coefficient_scale: int = 1000,
) -> tuple[float, LpBound] | None:
    """Per-agent Lagrangian bound (>= the LP bound): the agents' weeks solved exactly, in integers.

    The rows linking the agents to the counts, ``on_shift(d, o) = sum_a shift(a, d, o)``, are
    dualised with the LP's own multipliers ``y``.  The rest splits into an *aggregate* part
    (counts, breaks, coverage, under/over; solved as an LP, safe bound) and one part per agent (the
    agent's week under every one of its rules, objective ``paid cost + preferences + isolated days
    off - sum y shift``, solved by CP-SAT; its proven bound is used).  For any ``y``::

        optimum >= min_aggregate + sum_agents min_agent        (Lagrangian relaxation)

    and with the LP's optimal ``y`` this is at least the LP bound, because each agent's week is
    now integral.  Agent objective coefficients are rounded *down* to ``1 / coefficient_scale``
    model units (valid: all agent variables are >= 0); penalty terms the agent part does not model
    (shift requests) are >= 0 and are left out, which keeps the bound valid.

    Returns
    -------
    (bound, lp) or None
        ``bound`` in objective units and the LP bound it started from; None in headcount mode or
        when a constraint links agent variables with other variables (e.g. day-level cover
        targets), where the split does not hold.
    """
    from ortools.sat.python import cp_model as _cp

    from staffing.scheduling.agents import agents_from_frame
    from staffing.scheduling.model import horizon_from_requirements
    from staffing.scheduling.solve import build_model, model_agents

    horizon = horizon_from_requirements(requirements)
    if isinstance(agents, pd.DataFrame):
        agents = agents_from_frame(agents, settings)
    if agents is None or settings.objective.service_level_aware:
        return None
    magents = model_agents(settings, agents, horizon)
    m, _ = build_model(settings, horizon, magents)
    t0 = time.perf_counter()
    lp = relax_proto(m.cp.proto)
    helper = mbh.ModelBuilderHelper()
    helper.fill_model_from_sparse_data(  # OR-Tools stub types the arrays wrongly
        lp.var_lo, lp.var_hi, lp.c, lp.row_lo, lp.row_hi, lp.A)  # type: ignore[arg-type]
    ms = mbh.ModelSolverHelper("glop")
    ms.solve(helper)
    if not ms.has_solution():
        return None
    y = np.asarray(ms.dual_values(), dtype=float)
    safe = safe_dual_bound(lp, y)
    safe = float(math.ceil(safe - 1e-6 * max(1.0, abs(safe))))
    lpres = LpBound(bound=safe / C.OBJECTIVE_SCALE, lp_objective=float(ms.objective_value()) / C.OBJECTIVE_SCALE,
                    status=str(ms.status()).rsplit(".", 1)[-1], solver="glop", n_variables=lp.A.shape[1],
                    n_rows=lp.A.shape[0], kept_constraints=lp.kept, dropped_constraints=lp.dropped,
                    seconds=time.perf_counter() - t0)
    n_vars = lp.A.shape[1]
    A = lp.A.tocsr()
    shift_var = np.zeros(n_vars, dtype=bool)
    for row in m.shift:
        for vd in row:
            for v in vd.values():
                shift_var[v.index] = True
    on_shift = np.zeros(n_vars, dtype=bool)
    for n in m.on_shift.values():
        on_shift[n.index] = True
    link = np.zeros(A.shape[0], dtype=bool)
    for r in range(A.shape[0]):
        cols = A.indices[A.indptr[r]:A.indptr[r + 1]]
        link[r] = bool(on_shift[cols].any() and shift_var[cols].any())
    # agent variables: everything connected to an agent's shifts once the linking rows are removed
    # (each agent's own component); everything else is the aggregate part (counts, breaks, coverage)
    rest = A[~link].tocsc()
    rest_r = A[~link].tocsr()
    owner = np.full(n_vars, -1, dtype=np.int64)
    for a in range(len(m.agents)):
        stack = [v.index for vd in m.shift[a] for v in vd.values()]
        for j in stack:
            owner[j] = a
        while stack:
            j = stack.pop()
            for r in rest.indices[rest.indptr[j]:rest.indptr[j + 1]]:
                for k in rest_r.indices[rest_r.indptr[r]:rest_r.indptr[r + 1]]:
                    if on_shift[k] or owner[k] not in (-1, a):
                        return None  # agents tied to the counts or to each other: no per-agent split
                    if owner[k] == -1:
                        owner[k] = a
                        stack.append(int(k))
    agent_var = owner >= 0
    link_rows = list(np.flatnonzero(link))
    agg_rows = [r for r in np.flatnonzero(~link)
                if not agent_var[A.indices[A.indptr[r]:A.indptr[r + 1]]].any()]
    y_link = np.zeros(A.shape[0])
    y_link[link_rows] = y[link_rows]
    c_mod = lp.c - A.T @ y_link  # Lagrangian costs
    const = float(np.sum(np.where(y_link > 0, y_link * np.nan_to_num(lp.row_lo, neginf=0.0),
                                  y_link * np.nan_to_num(lp.row_hi, posinf=0.0))))
    # aggregate part: an LP over the non-agent columns, safe bound
    agg_cols = np.flatnonzero(~agent_var)
    sub = LinearRelaxation(c_mod[agg_cols], 0.0, A[agg_rows][:, agg_cols].tocsr(), lp.row_lo[agg_rows],
                           lp.row_hi[agg_rows], lp.var_lo[agg_cols], lp.var_hi[agg_cols], 0, 0)
    h2 = mbh.ModelBuilderHelper()
    h2.fill_model_from_sparse_data(  # OR-Tools stub types the arrays wrongly
        sub.var_lo, sub.var_hi, sub.c, sub.row_lo, sub.row_hi, sub.A)  # type: ignore[arg-type]
    ms2 = mbh.ModelSolverHelper("glop")
    ms2.solve(h2)
    y2 = np.asarray(ms2.dual_values(), dtype=float) if ms2.has_solution() else np.zeros(len(agg_rows))
    agg = safe_dual_bound(sub, y2)
    if not math.isfinite(agg):
        return None
    # agent parts: each agent's own CP-SAT constraints copied from the full model (every
    # constraint whose variables all belong to that agent), objective = the Lagrangian costs,
    # rounded down to 1 / K; solved by CP-SAT and its proven bound used.
    proto = m.cp.proto
    by_agent: dict[int, list[Any]] = {}
    for ct in proto.constraints:
        kind = _kind(ct)
        if kind == "linear":
            vs = list(ct.linear.vars)
        elif kind in ("bool_or", "bool_and", "at_most_one", "exactly_one"):
            vs = [x if x >= 0 else -x - 1 for x in getattr(ct, kind).literals]
        else:
            continue  # dropped: a relaxation, still a valid bound
        vs += [x if x >= 0 else -x - 1 for x in ct.enforcement_literal]
        owners = {int(owner[j]) for j in vs}
        if len(owners) == 1 and -1 not in owners:
            by_agent.setdefault(owners.pop(), []).append((kind, ct))
    K = int(coefficient_scale)
    total_agents = 0.0
    for a in range(len(m.agents)):
        cols = np.flatnonzero(owner == a)
        sub_cp = _cp.CpModel()
        new: dict[int, Any] = {}
        for jj in cols.tolist():
            new[jj] = sub_cp.new_int_var(int(lp.var_lo[jj]), int(lp.var_hi[jj]), "")

        def lit(x: int, new: dict[int, Any] = new) -> Any:
            return new[x] if x >= 0 else new[-x - 1].Not()

        for kind, ct in by_agent.get(a, []):
            enf = [lit(x) for x in ct.enforcement_literal]
            if kind == "linear":
                lo, hi = _hull(ct.linear.domain)
                expr = _cp.LinearExpr.weighted_sum([new[j] for j in ct.linear.vars], list(ct.linear.coeffs))
                c_ = sub_cp.add_linear_constraint(expr, int(lo) if math.isfinite(lo) else -2**62,
                                                  int(hi) if math.isfinite(hi) else 2**62)
            elif kind == "bool_or":
                c_ = sub_cp.add_bool_or([lit(x) for x in ct.bool_or.literals])
            elif kind == "bool_and":
                c_ = sub_cp.add_bool_and([lit(x) for x in ct.bool_and.literals])
            elif kind == "at_most_one":
                c_ = sub_cp.add_at_most_one([lit(x) for x in ct.at_most_one.literals])
            else:
                c_ = sub_cp.add_exactly_one([lit(x) for x in ct.exactly_one.literals])
            if enf:
                c_.only_enforce_if(enf)
        ks = [math.floor(float(c_mod[j]) * K) for j in cols]
        sub_cp.minimize(_cp.LinearExpr.weighted_sum([new[int(j)] for j in cols], ks))
        solver = _cp.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = float(per_agent_seconds)
        code = solver.solve(sub_cp)
        if code == _cp.INFEASIBLE:
            return None
        total_agents += float(solver.best_objective_bound) / K
    bound = (agg + total_agents + const + lp.offset) / C.OBJECTIVE_SCALE
    return bound, lpres


__all__ = ["LP_SOLVERS", "LinearRelaxation", "LpBound", "lagrangian_bound", "lp_bound", "lp_bound_of_proto",
           "relax_proto", "safe_dual_bound"]
