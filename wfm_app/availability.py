"""Which optional parts of the library are present in this build.

The app's pages for forecasting, rosters, simulation and capacity planning call into
packages that may be missing from a partial build; each page asks here first and shows
a "not available in this build" notice instead of failing.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType


@dataclass(frozen=True)
class Feature:
    """An optional library module: its import name and the attributes the app uses."""

    module: str
    attributes: tuple[str, ...]
    label: str


FORECASTING = Feature("forecasting", (), "forecasting (history -> forecast)")
SCHEDULING = Feature("staffing.scheduling", (), "roster scheduling (staffing.scheduling)")
SIMULATION = Feature("staffing.simulation", (), "discrete-event simulation (staffing.simulation)")
PLANNING = Feature("staffing.planning", (), "capacity planning (staffing.planning)")


def load(feature: Feature) -> tuple[ModuleType | None, str]:
    """Import ``feature.module``.

    Returns
    -------
    (module or None, reason)
        The module when it imports and has every attribute in ``feature.attributes``;
        otherwise None and a one-line reason for the notice.
    """
    try:
        mod = importlib.import_module(feature.module)
    except ImportError as exc:
        return None, f"{feature.label} is not available in this build ({exc})."
    except Exception as exc:
        return None, f"{feature.label} failed to load in this build ({type(exc).__name__}: {exc})."
    missing = [a for a in feature.attributes if not hasattr(mod, a)]
    if missing:
        return None, f"{feature.label} is not available in this build (missing {', '.join(missing)})."
    return mod, ""
