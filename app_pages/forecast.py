"""Forecast: model (or backtest selection), horizon, holidays, events and overrides -> forecasting.make_forecast."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from app_pages import _ui
from wfm_app import availability, forecast_tables
from wfm_app import io as wio

st.title("Forecast")
st.caption(
    "Contacts (mean and prediction band) and handle time per future interval and channel, from the history on "
    "the Data page. Manager overrides are kept beside the statistical forecast."
)

fc_mod, reason = availability.load(availability.FORECASTING)
if fc_mod is None or not hasattr(fc_mod, "make_forecast"):
    _ui.not_available(reason or "forecasting.make_forecast is missing.", "Forecasting")
    st.caption("You can still upload a ready forecast below and use it on the Staffing page.")
    fc_mod = None


def _upload_forecast() -> None:
    up = st.file_uploader("Forecast file (CSV or Excel): interval_start, contacts, aht_seconds, optional channel",
                          type=["csv", "xlsx"], key="fc_upload",
                          max_upload_size=wio.MAX_UPLOAD_MB)
    if up is not None and st.session_state.get("fc_upload_id") != up.file_id:
        st.session_state["fc_upload_id"] = up.file_id
        try:
            from staffing.schema import validate_forecast

            raw = wio.read_table(up.name, up.getvalue())
            fc = validate_forecast(raw, source=up.name)
        except Exception as exc:
            _ui.show_error(f"Forecast file {up.name} rejected", exc)
            st.warning("The previous forecast is still in use.")
        else:
            _ui.put_frame("forecast", fc, {"source": f"upload {up.name}"})
            st.success(f"{up.name}: {len(fc):,} intervals accepted; the Staffing page now uses it.")


if fc_mod is None:
    _upload_forecast()
    st.stop()

history = _ui.current_history()
if history is None:
    st.info("No history yet: load the sample or upload a file on the **Data** page.")
    with st.expander("... or use a ready forecast file"):
        _upload_forecast()
    st.stop()

saved = _ui.get_setting("forecast_settings", {}) or {}
models = ["auto"] + list(getattr(fc_mod, "MODEL_NAMES", ()))
countries = ["(none)", "US", "CA", "GB", "IE", "FR", "DE", "NL", "BE", "ES", "IT", "AU", "NZ", "IN", "ZA"]
c1, c2, c3, c4 = st.columns(4)
model = c1.selectbox("Model", models, index=models.index(saved.get("model", "auto")) if saved.get("model") in models
                     else 0, key="fc_model", help="auto = the best by rolling-origin backtest on your history")
horizon = c2.number_input("Horizon (days)", 1, 366, int(saved.get("horizon_days", 14)), 1, key="fc_horizon")
country = c3.selectbox("Holidays of", countries, index=countries.index(saved.get("country") or "(none)")
                       if (saved.get("country") or "(none)") in countries else 0, key="fc_country")
interval_opts = ["as history", "15", "30", "60"]
interval = c4.selectbox("Interval (min)", interval_opts,
                        index=interval_opts.index(str(saved.get("interval_minutes", "as history")))
                        if str(saved.get("interval_minutes", "as history")) in interval_opts else 0, key="fc_interval")

gap_opts = ["leave", "seasonal", "interpolate", "zero"]
gap_help = {"leave": "leave gaps out of the fit", "seasonal": "fill from the same interval a week earlier",
            "interpolate": "interpolate within the day", "zero": "treat gaps as zero contacts"}
gap_treatment = st.selectbox("Gaps in the history", gap_opts,
                             index=gap_opts.index(saved.get("gap_treatment", "leave"))
                             if saved.get("gap_treatment", "leave") in gap_opts else 0,
                             format_func=lambda g: f"{g}: {gap_help[g]}", key="fc_gaps",
                             help="Missing intervals inside opening hours (see the Data page)")
st.markdown("**Special events** (past occurrences estimate the effect; a multiplier sets a known future effect)")
events_df = st.data_editor(forecast_tables.events_frame(saved.get("events", [])), num_rows="dynamic",
                           width="stretch", key="fc_events", hide_index=True)
st.markdown("**Manager overrides** (applied after the statistical forecast; either a % change or a total volume)")
overrides_df = st.data_editor(forecast_tables.overrides_frame(saved.get("overrides", [])), num_rows="dynamic",
                              width="stretch", key="fc_overrides", hide_index=True)

settings_json = None
with _ui.user_errors("Forecast settings"):
    events = forecast_tables.events_from_frame(events_df)
    overrides = forecast_tables.overrides_from_frame(overrides_df)
    settings_json = {
        "model": model, "horizon_days": int(horizon), "country": None if country == "(none)" else country,
        "interval_minutes": interval, "events": forecast_tables.records(events_df),
        "overrides": forecast_tables.records(overrides_df), "gap_treatment": gap_treatment,
    }
    fs = fc_mod.ForecastSettings(
        horizon_days=int(horizon), model=model, country=settings_json["country"],
        interval_minutes=None if interval == "as history" else int(interval), events=tuple(events),
        **({"gap_treatment": gap_treatment} if gap_treatment != "leave" else {}),
    )
if settings_json is None:
    st.stop()
_ui.put_setting("forecast_settings", settings_json)


@st.cache_data(show_spinner=False, max_entries=8)
def _forecast(history: pd.DataFrame, _fs: object, key: str, _overrides: tuple) -> object:
    return fc_mod.make_forecast(history, _fs, overrides=list(_overrides))


run = st.button("Make the forecast", type="primary", icon=":material/insights:", key="fc_run")
if run:
    result = None
    with _ui.user_errors("Forecast"), st.status("Forecasting ..." + (" choosing the model by backtest" if model == "auto"
                                                                     else ""), expanded=False) as status:
        result = _forecast(history, fs, repr((fs, overrides)), tuple(overrides))
        status.update(label="Forecast ready", state="complete")
    if result is not None:
        fc = result.forecast
        _ui.put_frame("forecast", fc, {"source": "forecast page: " + ", ".join(f"{k}: {v}" for k, v in
                                                                             result.models.items())})
        bt = result.backtest.summary if result.backtest is not None else pd.DataFrame()
        _ui.put_frame("forecast_backtest", bt)
        _ui.put_setting("forecast_info", {"models": result.models, "warnings": list(result.warnings),
                                          "seconds": result.seconds})
        st.success(f"Forecast of {len(fc):,} intervals saved; the Staffing page uses it.")

with st.expander("... or use a ready forecast file instead"):
    _upload_forecast()

fc = _ui.get_frame("forecast")
if fc is None:
    st.info("No forecast yet: press **Make the forecast**.")
    st.stop()
_ui.source_caption("forecast", "Forecast in use")
info = _ui.get_setting("forecast_info", {}) or {}
for w in info.get("warnings", []):
    st.warning(w)

chans = sorted(fc["channel"].astype(str).unique())
ch = st.radio("Channel", chans, index=chans.index("voice") if "voice" in chans else 0, horizontal=True,
              key="fc_channel")
measure = st.radio("Show", ["contacts", "aht_seconds"], horizontal=True, key="fc_measure",
                   format_func=lambda m: {"contacts": "Contacts", "aht_seconds": "Handle time (s)"}[m])
plot = forecast_tables.chart_frame(history, fc, ch, history_days=21, measure=measure)
band = [c for c in fc.columns if c.startswith("contacts_p")] if measure == "contacts" else []
y_title = "Contacts per interval" if measure == "contacts" else "Average handle time (s)"
base = alt.Chart(plot).encode(x=alt.X("interval_start:T", title=None))
layers = []
if len(band) >= 2:
    lo, hi = band[0], band[-1]
    layers.append(base.transform_filter(alt.datum.series == "forecast").mark_area(opacity=0.25, color="#1f77b4")
                  .encode(y=alt.Y(f"{lo}:Q", title=y_title), y2=f"{hi}:Q"))
layers.append(base.mark_line(strokeWidth=1).encode(
    y=alt.Y(f"{measure}:Q", title=y_title),
    color=alt.Color("series:N", title=None, scale=alt.Scale(domain=["history", "forecast", "statistical"],
                                                           range=["#7f7f7f", "#1f77b4", "#ff7f0e"])),
    tooltip=["interval_start:T", "series:N", alt.Tooltip(f"{measure}:Q", format=".1f")],
))
title = f"{ch}: history and forecast" + (f" with the {band[0][9:]}-{band[-1][9:]} band" if len(band) >= 2 else "")
st.altair_chart(alt.layer(*layers).properties(height=320, title=title), width="stretch")

bt = _ui.get_frame("forecast_backtest")
if bt is not None and len(bt):
    st.subheader("Backtest accuracy (rolling origin, one-week horizon)")
    st.caption("wMAPE = sum|error| / sum(actual); MASE against the weekly seasonal naive; rank 1 = chosen.")
    best = bt[bt["rank"] == 1] if "rank" in bt else bt.iloc[:0]
    if len(best):
        cols = st.columns(len(best))
        for col, (_, row) in zip(cols, best.iterrows()):
            col.metric(f"{row['channel']}: {row['model']}", f"wMAPE {100 * float(row['wmape']):.1f}%",
                       help=f"MASE {float(row['mase']):.2f}, RMSE {float(row['rmse']):.1f} contacts per interval")
    st.dataframe(bt[bt["channel"] == ch] if "channel" in bt else bt, width="stretch", hide_index=True)
    _ui.downloads(bt, "backtest", key="bt")

if "override_note" in fc.columns:
    notes = fc[fc["override_note"].astype(str) != ""]
    if len(notes):
        st.subheader("Overrides applied")
        summary = forecast_tables.override_summary(fc)
        st.dataframe(summary, width="stretch", hide_index=True)
        _ui.downloads(summary, "overrides", key="ov")

st.subheader("Forecast table")
st.dataframe(fc[fc["channel"] == ch], width="stretch", hide_index=True)
_ui.downloads(fc, "forecast", key="fc")
