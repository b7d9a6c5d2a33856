"""Contact and handle-time forecasting for contact centres (never imports :mod:`staffing`).

Quick start::

    from forecasting import read_history, make_forecast, ForecastSettings
    history = read_history("data/sample_history.csv")
    result = make_forecast(history, ForecastSettings(horizon_days=14, country="US"))
    result.forecast  # interval_start, channel, contacts, aht_seconds, contacts_p10, ...
"""

from forecasting.api import ForecastResult, ForecastSettings, backtest_history, make_forecast
from forecasting.backtest import (
    BacktestResult,
    mase,
    mase_scale,
    rmse,
    rolling_origin_backtest,
    wmape,
)
from forecasting.errors import InputError
from forecasting.io import (
    DayGrid,
    GapReport,
    aggregate_contact_records,
    fill_gaps,
    gap_report,
    read_history,
    resample_history,
    to_grids,
    validate_history,
)
from forecasting.models import MODEL_NAMES, Calendar, Event, make_model
from forecasting.overrides import Override, apply_overrides, read_overrides
from forecasting.quantiles import interval_quantiles

__all__ = [
    "MODEL_NAMES",
    "BacktestResult",
    "Calendar",
    "DayGrid",
    "Event",
    "ForecastResult",
    "ForecastSettings",
    "GapReport",
    "InputError",
    "Override",
    "aggregate_contact_records",
    "apply_overrides",
    "backtest_history",
    "fill_gaps",
    "gap_report",
    "interval_quantiles",
    "make_forecast",
    "make_model",
    "mase",
    "mase_scale",
    "read_history",
    "read_overrides",
    "resample_history",
    "rmse",
    "rolling_origin_backtest",
    "to_grids",
    "validate_history",
    "wmape",
]
