"""Column names of the frames that cross the boundaries of :mod:`forecasting`.

History (input of :func:`forecasting.io.read_history` and every model)
-----------------------------------------------------------------------
=================  =========  =========================================================
column             unit       meaning
=================  =========  =========================================================
``interval_start`` timestamp  start of the interval, local wall-clock time (ISO 8601;
                              a timezone offset is accepted and converted, see io.py)
``channel``        text       optional, default ``"voice"``
``contacts``       contacts   contacts offered in the interval (>= 0)
``aht_seconds``    s          optional average handle time of those contacts (> 0;
                              empty allowed when ``contacts`` is 0)
=================  =========  =========================================================

Forecast (output of :func:`forecasting.api.make_forecast`; input of ``staffing.requirements``)
-----------------------------------------------------------------------------------------------
==========================  =========  ===================================================
column                      unit       meaning
==========================  =========  ===================================================
``interval_start``          timestamp  start of the future interval (local wall clock)
``channel``                 text       channel
``contacts``                contacts   point forecast after manager overrides (mean)
``aht_seconds``             s          forecast average handle time
``contacts_statistical``    contacts   point forecast of the statistical model, before overrides
``contacts_pNN``            contacts   NN-th percentile of the contacts in the interval
                                       (e.g. ``contacts_p90``), after overrides
``override_note``           text       the overrides applied to this interval ("" if none)
==========================  =========  ===================================================
"""

from __future__ import annotations

from typing import Final

INTERVAL_START: Final = "interval_start"
CHANNEL: Final = "channel"
CONTACTS: Final = "contacts"
AHT_SECONDS: Final = "aht_seconds"
CONTACTS_STATISTICAL: Final = "contacts_statistical"
OVERRIDE_NOTE: Final = "override_note"

DEFAULT_CHANNEL: Final = "voice"
#: Interval lengths the resampler converts between, minutes.
SUPPORTED_INTERVAL_MINUTES: Final = (5, 15, 30, 60)
#: Default quantiles written by ``wfm forecast`` (probabilities).
DEFAULT_QUANTILES: Final = (0.1, 0.5, 0.9)

HISTORY_COLUMNS: Final = (INTERVAL_START, CHANNEL, CONTACTS, AHT_SECONDS)
FORECAST_BASE_COLUMNS: Final = (INTERVAL_START, CHANNEL, CONTACTS, AHT_SECONDS, CONTACTS_STATISTICAL)


def quantile_column(q: float) -> str:
    """Column name of quantile ``q`` (a probability in (0, 1)), e.g. 0.9 -> ``contacts_p90``.

    Non-integer percentiles keep their decimals: 0.975 -> ``contacts_p97.5``.
    """
    if not 0.0 < q < 1.0:
        raise ValueError(f"quantile must be a probability in (0, 1), found {q!r}.")
    pct = round(q * 100, 6)
    text = f"{pct:g}" if pct != int(pct) else f"{int(pct):02d}"
    return f"{CONTACTS}_p{text}"
