"""Accuracy metrics and rolling-origin backtests; model selection on the user's own history.

Metrics (``actual`` y, ``forecast`` f, over the intervals that have an actual value)
-----------------------------------------------------------------------------------
* ``wmape = sum|y - f| / sum|y|`` (weighted MAPE; a share, 0.1 = 10 %).
* ``mase = mean|y - f| / mean|y_t - y_(t-m)|``, the scale taken on the *training*
  history with the seasonal lag ``m`` (one week) - Hyndman & Koehler (2006), "Another
  look at measures of forecast accuracy", IJF 22(4):679-688.
* ``rmse = sqrt(mean (y - f)^2)`` in contacts per interval.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasting.errors import InputError
from forecasting.io import DayGrid
from forecasting.models import Calendar, DayStructure, ForecastModel, make_model

__all__ = ["BacktestResult", "mase", "mase_scale", "rmse", "rolling_origin_backtest", "wmape"]


def _pair(actual: np.ndarray | Sequence[float], forecast: np.ndarray | Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    a = np.asarray(actual, dtype=float).ravel()
    f = np.asarray(forecast, dtype=float).ravel()
    if a.shape != f.shape:
        raise InputError(f"actual and forecast must have the same length, found {a.size} and {f.size}.")
    ok = np.isfinite(a) & np.isfinite(f)
    return a[ok], f[ok]


def wmape(actual: np.ndarray | Sequence[float], forecast: np.ndarray | Sequence[float]) -> float:
    """Weighted mean absolute percentage error ``sum|y-f| / sum|y|`` (share); ``nan`` pairs skipped."""
    a, f = _pair(actual, forecast)
    den = np.abs(a).sum()
    return float(np.abs(a - f).sum() / den) if den > 0 else float("nan")


def rmse(actual: np.ndarray | Sequence[float], forecast: np.ndarray | Sequence[float]) -> float:
    """Root mean squared error, in the unit of the data (contacts per interval)."""
    a, f = _pair(actual, forecast)
    return float(np.sqrt(np.mean((a - f) ** 2))) if a.size else float("nan")


def mase_scale(insample: np.ndarray | Sequence[float], season: int) -> float:
    """In-sample mean absolute seasonal difference ``mean|y_t - y_(t-season)|`` (nan-aware)."""
    y = np.asarray(insample, dtype=float).ravel()
    if season < 1 or y.size <= season:
        raise InputError(f"mase_scale: need more than season={season} in-sample values, found {y.size}.")
    d = np.abs(y[season:] - y[:-season])
    d = d[np.isfinite(d)]
    return float(d.mean()) if d.size else float("nan")


def mase(actual: np.ndarray | Sequence[float], forecast: np.ndarray | Sequence[float], scale: float) -> float:
    """Mean absolute scaled error: ``mean|y - f| / scale`` (scale from :func:`mase_scale`)."""
    a, f = _pair(actual, forecast)
    return float(np.mean(np.abs(a - f)) / scale) if a.size and scale > 0 else float("nan")


@dataclass(frozen=True)
class BacktestResult:
    """Result of :func:`rolling_origin_backtest`.

    Attributes
    ----------
    summary : pandas.DataFrame
        One row per channel and model: ``channel``, ``model``, ``wmape``, ``mase``,
        ``rmse``, ``n_intervals``, ``n_origins``, ``seconds`` (fit + predict, all
        origins), ``rank`` (1 = best wMAPE in the channel); sorted by channel, rank.
    per_origin : pandas.DataFrame
        ``channel``, ``model``, ``origin`` (first forecast day), ``wmape``, ``mase``, ``rmse``.
    winners : dict
        Channel -> name of the model with the lowest pooled wMAPE.
    daily_log_errors : dict
        (channel, model) -> log(actual / forecast) daily totals over all origins (for
        calibrating prediction intervals).
    """

    summary: pd.DataFrame
    per_origin: pd.DataFrame
    winners: dict[str, str]
    daily_log_errors: dict[tuple[str, str], np.ndarray]


def rolling_origin_backtest(
    grids: dict[str, DayGrid],
    models: Sequence[str] = ("seasonal_naive", "weekday_mean", "callcentre"),
    *,
    calendar: Calendar | None = None,
    horizon_days: int = 7,
    n_origins: int = 4,
    step_days: int = 7,
    model_factory: Callable[[str], ForecastModel] | None = None,
) -> BacktestResult:
    """Rolling-origin evaluation: refit at each origin, forecast ``horizon_days``, score.

    Parameters
    ----------
    grids : dict
        Channel -> :class:`forecasting.io.DayGrid` (from :func:`forecasting.io.to_grids`).
    models : sequence of str
        Model names (see :data:`forecasting.models.MODEL_NAMES`).
    calendar : Calendar, optional
        Holidays and events.
    horizon_days : int
        Days forecast from each origin.
    n_origins : int
        Number of origins; the last one ends at the last history day.  Origin ``k`` is
        ``last_day + 1 - horizon_days - (n_origins - 1 - k) * step_days``.
    step_days : int
        Days between origins.
    model_factory : callable, optional
        ``name -> model`` (default :func:`forecasting.models.make_model`).

    Returns
    -------
    BacktestResult
        Pooled metrics over all origins; only intervals inside opening hours with an
        actual value count, closed days are excluded.
    """
    if horizon_days < 1 or n_origins < 1 or step_days < 1:
        raise InputError("horizon_days, n_origins and step_days must be >= 1.")
    calendar = calendar or Calendar()
    factory = model_factory or make_model
    rows, per_origin, log_err = [], [], {}
    for channel, g in grids.items():
        first_origin = g.n_days - horizon_days - (n_origins - 1) * step_days
        if first_origin < 21:
            raise InputError(
                f"channel '{channel}': {g.n_days} days of history are too few for {n_origins} origins of "
                f"{horizon_days} days every {step_days} days (need {21 + horizon_days + (n_origins - 1) * step_days}); "
                "use fewer origins or a shorter horizon."
            )
        scale = mase_scale(g.contacts[:first_origin].ravel(), 7 * g.slots_per_day)
        for name in models:
            actual_all, fc_all, elapsed, errs = [], [], 0.0, []
            for k in range(n_origins):
                origin = first_origin + k * step_days
                train = g.head_days(origin)
                days = g.days[origin:origin + horizon_days]
                t0 = time.perf_counter()
                model = factory(name).fit(train, calendar)
                fc = model.predict(days)
                elapsed += time.perf_counter() - t0
                st = DayStructure.from_grid(train, calendar)
                mask = st.open_mask(days, calendar, channel)
                fc = np.where(mask, fc, 0.0)
                act = g.contacts[origin:origin + horizon_days]
                valid = ~np.isnan(act)
                actual_all.append(act[valid])
                fc_all.append(fc[valid])
                at, ft = np.nansum(act, axis=1), np.where(valid, fc, 0).sum(axis=1)
                okd = (at > 0) & (ft > 0)
                errs.append(np.log(at[okd] / ft[okd]))
                per_origin.append((channel, name, str(g.days[origin]), wmape(act[valid], fc[valid]),
                                   mase(act[valid], fc[valid], scale), rmse(act[valid], fc[valid])))
            a, f = np.concatenate(actual_all), np.concatenate(fc_all)
            rows.append((channel, name, wmape(a, f), mase(a, f, scale), rmse(a, f), int(a.size), n_origins, elapsed))
            log_err[(channel, name)] = np.concatenate(errs)
    summary = pd.DataFrame(rows, columns=["channel", "model", "wmape", "mase", "rmse", "n_intervals", "n_origins",
                                          "seconds"])
    summary["rank"] = summary.groupby("channel")["wmape"].rank(method="first").astype(int)
    summary = summary.sort_values(["channel", "rank"]).reset_index(drop=True)
    winners = {str(c): str(p["model"].iloc[0]) for c, p in summary.groupby("channel", sort=True)}
    po = pd.DataFrame(per_origin, columns=["channel", "model", "origin", "wmape", "mase", "rmse"])
    return BacktestResult(summary, po, winners, log_err)
