"""Staffing: service targets and shrinkage per channel -> agents required per interval (staffing.requirements)."""

from __future__ import annotations

import time

import altair as alt
import pandas as pd
import streamlit as st

from app_pages import _ui
from staffing import schema as S
from wfm_app import scenario, views

st.title("Staffing")
st.caption(
    "Agents required per interval from the forecast and the service targets (Erlang C; Erlang A when a "
    "caller patience is given; chat with concurrency; deferred work with a response deadline)."
)

forecast = _ui.current_forecast()
if forecast is None:
    st.info("No forecast yet: make one on the **Forecast** page (or upload a forecast on the **Data** page).")
    st.stop()
_ui.source_caption("forecast", "Forecast in use")

channels = sorted(forecast[S.CHANNEL].astype(str).unique(), key=lambda c: (c != "voice", c)) \
    if S.CHANNEL in forecast else [S.DEFAULT_CHANNEL]
saved = _ui.get_setting("targets", {}) or {}
week_starts = scenario.weeks(forecast)
saved_week = _ui.get_setting("week_start", None)
labels = [f"{w:%a %d %b %Y}" for w in week_starts]
idx = labels.index(saved_week) if saved_week in labels else 0

top1, top2 = st.columns([2, 1])
week_label = top1.selectbox("Week starting", labels, index=idx, key="staff_week")
hours_per_fte = top2.number_input(
    "Paid hours per FTE per week (h)", min_value=1.0, max_value=80.0,
    value=float(_ui.get_setting("hours_per_fte", 37.5)), step=0.5, key="staff_hours_fte",
)

st.subheader("Service targets and shrinkage per channel")
tabs = st.tabs(channels)
settings: dict[str, dict] = {}
for ch, tab in zip(channels, tabs):
    cur = {**scenario.default_targets(ch), **saved.get(ch, {})}
    with tab:
        k = f"t_{ch}"
        c1, c2, c3, c4, c5 = st.columns(5)
        kind = c1.selectbox("Channel kind", ["voice", "chat", "deferred"],
                            index=["voice", "chat", "deferred"].index(cur["kind"]), key=f"{k}_kind",
                            help="voice: Erlang C/A; chat: several chats per agent; deferred: e-mail/tickets")
        shrink = c2.slider("Shrinkage (%)", 0, 80, round(100 * float(cur["shrinkage"])), key=f"{k}_shrink",
                           help="Share of paid time not available for contacts (breaks, meetings, absence)")
        t: dict = {"kind": kind, "shrinkage": shrink / 100.0}
        if kind == "deferred":
            t["service_level"] = None
            t["response_hours"] = c3.number_input("Response deadline (h)", 0.25, 240.0,
                                                   float(cur.get("response_hours") or 24.0), 0.25, key=f"{k}_resp")
            t["max_occupancy"] = None
        else:
            sl = c3.slider("Service level (%)", 50, 99, round(100 * float(cur.get("service_level") or 0.8)),
                           key=f"{k}_sl", help="Share of contacts answered within the answer time")
            t["service_level"] = sl / 100.0
            t["answer_seconds"] = c4.number_input("... answered within (s)", 0.0, 3600.0,
                                                  float(cur.get("answer_seconds", 20.0)), 5.0, key=f"{k}_ans")
            d1, d2, d3, d4, d5 = st.columns(5)
            asa = d1.number_input("Max ASA (s, 0 = none)", 0.0, 3600.0, float(cur.get("max_asa_seconds") or 0.0),
                                  5.0, key=f"{k}_asa")
            t["max_asa_seconds"] = asa or None
            occ = d2.number_input("Max occupancy (%, 0 = none)", 0, 100,
                                  round(100 * float(cur.get("max_occupancy") or 0.0)), 1, key=f"{k}_occ")
            t["max_occupancy"] = occ / 100.0 if occ else None
            pat = d3.number_input("Caller patience (s, 0 = nobody hangs up)", 0.0, 3600.0,
                                  float(cur.get("patience_seconds") or 0.0), 10.0, key=f"{k}_pat",
                                  help="Mean patience; when set, Erlang A replaces Erlang C")
            t["patience_seconds"] = pat or None
            ab = d4.number_input("Max abandon (%, 0 = none)", 0.0, 99.0,
                                 float(100 * (cur.get("max_abandon_rate") or 0.0)), 0.5, key=f"{k}_ab",
                                 disabled=not pat, help="Needs a caller patience")
            t["max_abandon_rate"] = ab / 100.0 if (ab and pat) else None
            t["min_agents"] = int(d5.number_input("Min agents", 0, 10_000, int(cur.get("min_agents", 0)), 1,
                                                  key=f"{k}_min"))
            if kind == "chat":
                t["concurrency"] = int(c5.number_input("Chats per agent at once", 1, 10,
                                                       int(cur.get("concurrency", 2)), 1, key=f"{k}_conc"))
        settings[ch] = t

_ui.put_setting("targets", settings)
_ui.put_setting("week_start", week_label)
_ui.put_setting("hours_per_fte", hours_per_fte)

week = scenario.week_slice(forecast, week_starts[labels.index(week_label)])
req = None
t0 = time.perf_counter()
with _ui.user_errors("Staffing requirements"):
    req = _ui.compute_requirements(week, settings)
elapsed_ms = 1000 * (time.perf_counter() - t0)
if req is None:
    st.stop()
st.session_state["requirements"] = req

st.caption(f"{len(req):,} interval-channel rows computed in {elapsed_ms:.0f} ms (cached per forecast and targets).")
summary = views.fte_summary(req, hours_per_fte)
tot = summary[summary[S.CHANNEL] == "TOTAL"].iloc[0]
m1, m2, m3, m4 = st.columns(4)
m1.metric("FTE to schedule", f"{tot['fte']:.1f}")
m2.metric("Agent-hours to schedule", f"{tot['agent_hours_to_schedule']:,.0f}")
m3.metric("Peak agents to schedule", f"{tot['peak_agents_to_schedule']:.0f}")
m4.metric("Predicted service level", "n/a" if pd.isna(tot["volume_weighted_service_level"])
          else f"{100 * tot['volume_weighted_service_level']:.1f}%")

st.subheader("Agents to schedule: day x interval")
show = st.radio("Channel", ["all channels"] + channels, horizontal=True, key="staff_heat_channel")
value = st.radio("Value", [S.AGENTS_TO_SCHEDULE, S.AGENTS_REQUIRED], horizontal=True, key="staff_heat_value")
heat = views.heatmap_frame(req, value=value, channel=None if show == "all channels" else show)
order = list(dict.fromkeys(heat.sort_values("date")["day"]))
chart = (
    alt.Chart(heat)
    .mark_rect()
    .encode(
        x=alt.X("time:O", title="Time of day", axis=alt.Axis(labelOverlap=True)),
        y=alt.Y("day:O", title=None, sort=order),
        color=alt.Color(f"{value}:Q", title="Agents", scale=alt.Scale(scheme="blues")),
        tooltip=["day:O", "time:O", alt.Tooltip(f"{value}:Q", title="agents")],
    )
    .properties(height=260)
)
st.altair_chart(chart, width="stretch")

st.subheader("FTE summary")
shown = summary.copy()
shown["volume_weighted_service_level"] = [
    "n/a (no queue)" if pd.isna(v) else f"{100 * v:.1f}%" for v in summary["volume_weighted_service_level"]]
st.dataframe(
    shown.style.format({
        S.CONTACTS: "{:,.0f}", "agent_hours_required": "{:,.1f}", "agent_hours_to_schedule": "{:,.1f}",
        "peak_agents_to_schedule": "{:,.0f}", "weeks": "{:.2f}", "fte": "{:,.1f}",
    }),
    width="stretch", hide_index=True,
)
_ui.downloads({"fte_summary": summary, "requirements": req}, "fte_summary", key="fte")

with st.expander("Requirements per interval"):
    st.dataframe(req, width="stretch", hide_index=True)
    _ui.downloads(req, "requirements", key="req")
