"""Staffing: queueing maths (Erlang B/C/A), agents required per interval, rosters,
simulation and capacity planning for contact centres.

The tidy entry point is :func:`staffing.requirements` (``forecast`` frame in, one row
per interval and channel out).  Modules: :mod:`staffing.erlang` (formulas),
:mod:`staffing.requirements` (search for agents required, shrinkage, channels),
:mod:`staffing.settings` (``ServiceTargets``), :mod:`staffing.schema` (column names).

Note: ``staffing.requirements`` is the function; import helpers from the module with
``from staffing.requirements import agents_required``.
"""

from staffing.errors import InfeasibleError, InputError
from staffing.requirements import requirements
from staffing.settings import ServiceTargets

__all__ = ["InfeasibleError", "InputError", "ServiceTargets", "requirements"]
__version__ = "0.1.0"
