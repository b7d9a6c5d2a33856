"""The forecast pipeline: history in, one row per future interval and channel out.

``make_forecast`` validates and (if asked) resamples the history, picks a model per
channel by rolling-origin backtest (``model="auto"``) or uses the one named, fits it,
forecasts contacts with quantiles and handle time for the open intervals of the horizon,
and applies manager overrides beside the statistical forecast.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from forecasting.aht import AhtProfileModel
from forecasting.backtest import BacktestResult, rolling_origin_backtest
from forecasting.errors import InputError
from forecasting.io import (
    GapReport,
    fill_gaps,
    gap_report,
    resample_history,
    to_grids,
    validate_history,
)
from forecasting.models import (
    AUTO_CANDIDATES,
    MODEL_NAMES,
    Calendar,
    CallCentreModel,
    DayStructure,
    Event,
    make_model,
)
from forecasting.overrides import Override, apply_overrides
from forecasting.quantiles import interval_quantiles
from forecasting.schema import (
    AHT_SECONDS,
    CHANNEL,
    CONTACTS,
    CONTACTS_STATISTICAL,
    DEFAULT_QUANTILES,
    INTERVAL_START,
    OVERRIDE_NOTE,
    SUPPORTED_INTERVAL_MINUTES,
    quantile_column,
)

__all__ = ["ForecastResult", "ForecastSettings", "backtest_history", "make_forecast"]


@dataclass(frozen=True)
class ForecastSettings:
    """What to forecast and how.

    Parameters
    ----------
    horizon_days : int
        Days to forecast (1 .. 366).
    interval_minutes : int, optional
        Output interval length (5, 15, 30 or 60 minutes); default = the history's.
    model : str
        ``"auto"`` (rolling-origin selection among ``seasonal_naive``, ``weekday_mean``,
        ``callcentre`` and ``callcentre_ets``) or one of
        :data:`forecasting.models.MODEL_NAMES`.
    country, subdiv : str, optional
        Holidays from the ``holidays`` package (ISO country code, region).
    events : tuple of Event
        Special days (see :class:`forecasting.models.Event`).
    quantiles : tuple of float
        Probabilities of the quantile columns (``contacts_p10`` ...).
    start : datetime.date, optional
        First forecast day; default the day after the last history day.
    backtest_origins : int
        Origins (weeks) of the model-selection backtest.
    default_aht_seconds : float, optional
        Handle time used for channels whose history has no ``aht_seconds``.
    gap_treatment : str
        ``leave`` | ``zero`` | ``seasonal`` | ``interpolate`` (see :func:`forecasting.io.fill_gaps`).
    """

    horizon_days: int = 14
    interval_minutes: int | None = None
    model: str = "auto"
    country: str | None = None
    subdiv: str | None = None
    events: tuple[Event, ...] = ()
    quantiles: tuple[float, ...] = DEFAULT_QUANTILES
    start: dt.date | None = None
    backtest_origins: int = 4
    default_aht_seconds: float | None = None
    gap_treatment: str = "leave"

    def __post_init__(self) -> None:
        if not 1 <= self.horizon_days <= 366:
            raise InputError(f"horizon_days must be in 1..366, found {self.horizon_days!r}.")
        if self.interval_minutes is not None and self.interval_minutes not in SUPPORTED_INTERVAL_MINUTES:
            raise InputError(
                f"interval_minutes must be one of {SUPPORTED_INTERVAL_MINUTES}, found {self.interval_minutes!r}."
            )
        if self.model != "auto" and self.model not in MODEL_NAMES:
            raise InputError(f"model: expected auto or one of {', '.join(MODEL_NAMES)}, found {self.model!r}.")
        for q in self.quantiles:
            if not 0 < q < 1:
                raise InputError(f"quantiles must be probabilities in (0, 1), found {q!r}.")
        if self.default_aht_seconds is not None and not self.default_aht_seconds > 0:
            raise InputError(f"default_aht_seconds must be > 0, found {self.default_aht_seconds!r}.")
        if self.backtest_origins < 1:
            raise InputError(f"backtest_origins must be >= 1, found {self.backtest_origins!r}.")
        if self.gap_treatment not in ("leave", "zero", "seasonal", "interpolate"):
            raise InputError(f"gap_treatment: expected leave, zero, seasonal or interpolate, found {self.gap_treatment!r}.")


@dataclass(frozen=True)
class ForecastResult:
    """Output of :func:`make_forecast`.

    Attributes
    ----------
    forecast : pandas.DataFrame
        One row per open future interval and channel: ``interval_start``, ``channel``,
        ``contacts`` (mean, after overrides), ``aht_seconds``, ``contacts_pNN`` (after
        overrides), ``contacts_statistical``, ``override_note``.
    models : dict
        Channel -> model used.
    backtest : BacktestResult or None
        The selection backtest (``model="auto"``).
    gaps : GapReport
        Gaps and opening hours found in the history.
    parameters : dict
        Channel -> fitted facts (daily error sd, dispersion, closed holidays, ...).
    seconds : dict
        Wall time of ``selection`` and ``fit_forecast``, seconds.
    warnings : tuple of str
    """

    forecast: pd.DataFrame
    models: dict[str, str]
    backtest: BacktestResult | None
    gaps: GapReport
    parameters: dict[str, dict[str, object]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


def _prepare(history: pd.DataFrame, settings: ForecastSettings) -> pd.DataFrame:
    if "interval_minutes" not in history.attrs:
        history = validate_history(history)
    if settings.interval_minutes and settings.interval_minutes != history.attrs["interval_minutes"]:
        history = resample_history(history, settings.interval_minutes)
    if settings.gap_treatment != "leave":
        history = fill_gaps(history, settings.gap_treatment)  # type: ignore[arg-type]
    return history


def backtest_history(
    history: pd.DataFrame,
    models: Sequence[str] = AUTO_CANDIDATES,
    *,
    settings: ForecastSettings | None = None,
    horizon_days: int = 7,
) -> BacktestResult:
    """Rolling-origin backtest of ``models`` on a history frame (what ``wfm backtest`` prints)."""
    settings = settings or ForecastSettings()
    history = _prepare(history, settings)
    cal = Calendar(settings.country, settings.subdiv, settings.events)
    return rolling_origin_backtest(to_grids(history), models, calendar=cal, horizon_days=horizon_days,
                                   n_origins=settings.backtest_origins)


def make_forecast(
    history: pd.DataFrame,
    settings: ForecastSettings | None = None,
    overrides: Sequence[Override] = (),
) -> ForecastResult:
    """Forecast contacts (mean and quantiles) and handle time per future interval and channel.

    Parameters
    ----------
    history : pandas.DataFrame
        History (see :mod:`forecasting.schema`); validated here unless it came from
        :func:`forecasting.io.read_history`.
    settings : ForecastSettings
    overrides : sequence of Override
        Applied after the statistical forecast (see :mod:`forecasting.overrides`).

    Returns
    -------
    ForecastResult
        ``result.forecast`` is directly consumable by ``staffing.requirements`` and
        ``wfm staff`` (columns ``interval_start``, ``channel``, ``contacts``, ``aht_seconds``).
    """
    settings = settings or ForecastSettings()
    t0 = time.perf_counter()
    history = _prepare(history, settings)
    step = int(history.attrs["interval_minutes"])
    grids = to_grids(history)
    cal = Calendar(settings.country, settings.subdiv, settings.events)
    gaps = gap_report(history)
    warnings: list[str] = []
    last_day = max(g.days[-1] for g in grids.values())
    start = np.datetime64(settings.start, "D") if settings.start else last_day + np.timedelta64(1, "D")
    days = start + np.arange(settings.horizon_days).astype("timedelta64[D]")
    backtest = None
    chosen: dict[str, str] = {}
    if settings.model == "auto":
        try:
            backtest = rolling_origin_backtest(grids, AUTO_CANDIDATES, calendar=cal, horizon_days=7,
                                               n_origins=settings.backtest_origins)
            chosen = dict(backtest.winners)
        except InputError as exc:
            warnings.append(f"model selection skipped ({exc}); using callcentre.")
            chosen = {c: "callcentre" for c in grids}
    else:
        chosen = {c: settings.model for c in grids}
    t1 = time.perf_counter()
    frames = []
    params: dict[str, dict[str, object]] = {}
    for channel, g in grids.items():
        name = chosen[channel]
        try:
            model = make_model(name).fit(g, cal)
        except InputError as exc:
            if name == "seasonal_naive":
                raise
            warnings.append(f"channel '{channel}': {name} failed ({exc}); using seasonal_naive.")
            name = chosen[channel] = "seasonal_naive"
            model = make_model(name).fit(g, cal)
        mean = model.predict(days)
        st = DayStructure.from_grid(g, cal)
        mask = st.open_mask(days, cal, channel)
        mean = np.where(mask, np.maximum(mean, 0.0), 0.0)
        if isinstance(model, CallCentreModel):
            dispersion = model.dispersion_
        else:
            dispersion = CallCentreModel().fit(g, cal).dispersion_ if np.isfinite(st.totals).sum() >= 7 else 1.0
        sd = float(model.daily_log_sd_)
        if backtest is not None and (channel, name) in backtest.daily_log_errors:
            e = backtest.daily_log_errors[(channel, name)]
            if e.size >= 5:
                sd = float(np.sqrt(np.mean(e**2)))
        qs = interval_quantiles(mean, settings.quantiles, dispersion=dispersion, daily_log_sd=sd)
        try:
            aht = AhtProfileModel().fit(g).predict(days)
        except InputError:
            if settings.default_aht_seconds is None:
                raise
            aht = np.full(mean.shape, float(settings.default_aht_seconds))
        r, c = np.nonzero(mask)
        starts = (days[r].astype("datetime64[m]") + (c * step).astype("timedelta64[m]")).astype("datetime64[ns]")
        frame = pd.DataFrame({INTERVAL_START: starts, CHANNEL: channel, CONTACTS: mean[r, c],
                              AHT_SECONDS: np.round(aht[r, c], 1)})
        for q in settings.quantiles:
            frame[quantile_column(q)] = qs[float(q)][r, c]
        frames.append(frame)
        closed_days = [str(d) for d, m in zip(days, np.asarray(mask.any(axis=1))) if not m and st.pattern.any()]
        params[channel] = {
            "model": name,
            "daily_log_sd": round(sd, 4),
            "dispersion": round(float(dispersion), 3),
            "closed_holidays": sorted(st.closed_holidays),
            "closed_days_in_horizon": closed_days,
        }
        if name.startswith("callcentre"):
            assert isinstance(model, CallCentreModel)
            beta = dict(zip(_coef_names(model), [round(float(b), 4) for b in model.beta_]))
            params[channel]["coefficients"] = beta
    forecast = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    forecast[CONTACTS] = forecast[CONTACTS].round(3)
    forecast[CONTACTS_STATISTICAL] = forecast[CONTACTS]
    forecast[OVERRIDE_NOTE] = ""
    forecast = apply_overrides(forecast, overrides)
    for label, n in forecast.attrs.get("override_matches", {}).items():
        if n == 0:
            warnings.append(f"override '{label}' matched no forecast interval.")
    forecast[CONTACTS] = forecast[CONTACTS].round(3)
    cols = [INTERVAL_START, CHANNEL, CONTACTS, AHT_SECONDS, *[quantile_column(q) for q in settings.quantiles],
            CONTACTS_STATISTICAL, OVERRIDE_NOTE]
    forecast = forecast[cols].sort_values([CHANNEL, INTERVAL_START], kind="stable").reset_index(drop=True)
    forecast.attrs = {"interval_minutes": step}
    t2 = time.perf_counter()
    return ForecastResult(forecast, chosen, backtest, gaps, params, {"selection": t1 - t0, "fit_forecast": t2 - t1},
                          tuple(warnings))


def _coef_names(model: CallCentreModel) -> list[str]:
    names = ["log_level"] + (["trend_per_year"] if model.trend else [])
    dnames = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    names += [f"dow_{dnames[w]}_vs_{dnames[model.dow_levels_[0]]}" for w in model.dow_levels_[1:]]
    names += ["holiday"] + [f"holiday:{h}" for h in model.holiday_names_] + ["after_holiday"]
    names += [f"event:{e}" for e in model.event_names_]
    if model.annual_:
        names += ["annual_sin1", "annual_cos1", "annual_sin2", "annual_cos2"]
    return names
