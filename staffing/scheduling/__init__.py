"""Weekly roster engine (OR-Tools CP-SAT): named agents, breaks, labour rules, explanations.

The only package of the project that imports ``ortools``.  Entry point: :func:`build_roster`.
"""

from staffing.scheduling.agents import Agent, agents_from_frame, read_agents
from staffing.scheduling.constraints import ShiftCover, ShiftRequest
from staffing.scheduling.kpis import RosterKpis, coverage_frame
from staffing.scheduling.rules import (
    BreakRule,
    Contract,
    LaborRules,
    ObjectiveWeights,
    ScheduleSettings,
    ShiftTemplate,
    SolverSettings,
    load_settings,
    settings_from_mapping,
)
from staffing.scheduling.solve import STATUSES, Progress, ScheduleResult, build_roster
from staffing.scheduling.validate import Violation, check_roster

__all__ = [
    "STATUSES",
    "Agent",
    "BreakRule",
    "Contract",
    "LaborRules",
    "ObjectiveWeights",
    "Progress",
    "RosterKpis",
    "ScheduleResult",
    "ScheduleSettings",
    "ShiftCover",
    "ShiftRequest",
    "ShiftTemplate",
    "SolverSettings",
    "Violation",
    "agents_from_frame",
    "build_roster",
    "check_roster",
    "coverage_frame",
    "load_settings",
    "read_agents",
    "settings_from_mapping",
]
