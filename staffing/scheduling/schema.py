"""Column names of the frames the roster engine reads and writes.

Roster (long format, :func:`staffing.scheduling.build_roster` output, ``wfm schedule -o``)
-----------------------------------------------------------------------------------------
============  =========  ===================================================================
column        unit       meaning
============  =========  ===================================================================
``agent_id``  text       the agent (named, or ``<contract>-NNN`` in headcount mode)
``date``      date       YYYY-MM-DD, the day the *shift* starts (also on its break rows)
``activity``  text       ``shift``, ``break`` or ``lunch``
``start``     timestamp  ISO 8601 start of the activity
``end``       timestamp  ISO 8601 end (exclusive); a shift row spans the whole shift, break
                         and lunch rows lie inside it
``template``  text       shift template name (shift rows; the template of the shift for
                         break rows)
``paid``      bool       whether the activity time is paid (unpaid lunch: False)
============  =========  ===================================================================

Agents on the phones at a minute = shift rows covering it minus break/lunch rows covering it.

Coverage (one row per interval of the horizon)
----------------------------------------------
=================  =======  =========================================================
column             unit     meaning
=================  =======  =========================================================
``interval_start`` time     start of the interval
``required``       agents   agents to schedule (sum over channels of the requirement)
``scheduled``      agents   agents on shift and not on a break or lunch
``under``          agents   ``max(required - scheduled, 0)``
``over``           agents   ``max(scheduled - required, 0)``
``service_level``  share    predicted service level with the scheduled agents (NaN when no
                            service targets were given or no contacts)
=================  =======  =========================================================

Agents CSV (input)
------------------
See :data:`AGENT_COLUMNS` and the README section; only ``agent_id`` and ``contract`` are required.
"""

from __future__ import annotations

from typing import Final

AGENT_ID: Final = "agent_id"
DATE: Final = "date"
ACTIVITY: Final = "activity"
START: Final = "start"
END: Final = "end"
TEMPLATE: Final = "template"
PAID: Final = "paid"

SHIFT: Final = "shift"
BREAK: Final = "break"
LUNCH: Final = "lunch"
ACTIVITIES: Final = (SHIFT, BREAK, LUNCH)

ROSTER_COLUMNS: Final = (AGENT_ID, DATE, ACTIVITY, START, END, TEMPLATE, PAID)

INTERVAL_START: Final = "interval_start"
REQUIRED: Final = "required"
SCHEDULED: Final = "scheduled"
UNDER: Final = "under"
OVER: Final = "over"
SERVICE_LEVEL: Final = "service_level"
COVERAGE_COLUMNS: Final = (INTERVAL_START, REQUIRED, SCHEDULED, UNDER, OVER, SERVICE_LEVEL)

# agents CSV
CONTRACT: Final = "contract"
HOURLY_COST: Final = "hourly_cost"
SKILLS: Final = "skills"
AVAILABLE_DAYS: Final = "available_days"
TIME_OFF: Final = "time_off"
PREFERRED_START: Final = "preferred_start"
PREFERRED_DAYS_OFF: Final = "preferred_days_off"
AGENT_REQUIRED_COLUMNS: Final = (AGENT_ID, CONTRACT)
AGENT_OPTIONAL_COLUMNS: Final = (HOURLY_COST, SKILLS, AVAILABLE_DAYS, TIME_OFF, PREFERRED_START, PREFERRED_DAYS_OFF)
AGENT_COLUMNS: Final = AGENT_REQUIRED_COLUMNS + AGENT_OPTIONAL_COLUMNS

WEEKDAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
