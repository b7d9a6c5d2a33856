"""Budget: the capacity plan (staffing.planning): FTE need vs supply, hiring classes, cost per period, scenarios."""

from __future__ import annotations

import json
import tomllib

import altair as alt
import pandas as pd
import streamlit as st

from app_pages import _ui
from wfm_app import availability, plan_doc

st.title("Budget")
st.caption(
    "How many people to hire, when, and what it costs: required FTE per period from the queueing engine, "
    "supply after attrition and ramp-up, and the cheapest hiring plan (staffing.planning)."
)

planning, reason = availability.load(availability.PLANNING)
if planning is None:
    _ui.not_available(reason, "Capacity planning")
    st.stop()
from staffing import planning_settings


@st.cache_data(show_spinner=False)
def _default_toml() -> str:
    return _ui.SAMPLE_PLAN.read_text() if _ui.SAMPLE_PLAN.exists() else plan_doc.MINIMAL_PLAN_TOML


@st.cache_data(show_spinner="Optimising the hiring plan ...", max_entries=16)
def _run_plan(doc_json: str, week_forecast: pd.DataFrame | None, channel: str | None):
    settings = planning_settings.settings_from_mapping(json.loads(doc_json), source="plan", base_dir=_ui.DATA_DIR)
    week = planning.week_from_forecast(week_forecast, channel=channel) if week_forecast is not None else None
    return planning.plan(settings, week=week)


@st.cache_data(show_spinner="Solving every scenario ...", max_entries=8)
def _run_scenarios(doc_json: str, week_forecast: pd.DataFrame | None, channel: str | None):
    settings = planning_settings.settings_from_mapping(json.loads(doc_json), source="plan", base_dir=_ui.DATA_DIR)
    base = _run_plan(doc_json, week_forecast, channel)
    comp = planning.compare_scenarios(settings, base=base)
    sens = planning.sensitivity_table(settings, base=base)
    return comp.summary, comp.periods, sens


toml_text = _ui.get_setting("plan_toml", None) or _default_toml()
with st.expander("Plan file (TOML) — every key is documented in the planning notes", expanded=False):
    new_text = st.text_area("plan.toml", toml_text, height=300, key="plan_toml_text")
    c1, c2 = st.columns([1, 5])
    if c1.button("Apply", key="plan_apply"):
        try:
            tomllib.loads(new_text)
        except tomllib.TOMLDecodeError as exc:
            st.error(f"**Plan file rejected:** not valid TOML: {exc}. The previous plan is kept.")
        else:
            _ui.put_setting("plan_toml", new_text)
            toml_text = new_text
            st.success("Plan file applied.")
    if c2.button("Restore the example plan", key="plan_restore"):
        _ui.put_setting("plan_toml", None)
        toml_text = _default_toml()
        st.rerun()

doc = None
with _ui.user_errors("Plan file"):
    doc = tomllib.loads(toml_text)
if doc is None:
    st.stop()

knobs = plan_doc.headline(doc)
st.subheader("Headline assumptions")
with st.form("plan_knobs"):
    a1, a2, a3, a4 = st.columns(4)
    periods = a1.number_input("Months", 1, 36, int(knobs["periods"]), 1, key="plan_periods")
    weekly = a2.number_input("Contacts per week at the start", 0.0, 10_000_000.0, float(knobs["base_week_contacts"]),
                             500.0, key="plan_weekly")
    aht = a3.number_input("AHT at the start (s)", 1.0, 7200.0, float(knobs["base_aht_seconds"]), 5.0, key="plan_aht")
    growth = a4.number_input("Volume growth per year (%)", -50.0, 200.0, 100 * float(knobs["volume_growth_annual"]),
                             1.0, key="plan_growth")
    b1, b2, b3, b4 = st.columns(4)
    sl = b1.slider("Service level (%)", 50, 99, round(100 * float(knobs["service_level"])), key="plan_sl")
    ans = b2.number_input("... within (s)", 1.0, 3600.0, float(knobs["answer_seconds"]), 5.0, key="plan_ans")
    attr_mult = b3.number_input("Attrition x", 0.0, 5.0, 1.0, 0.1, key="plan_attr",
                                help="multiplies every monthly attrition rate")
    use_fc = b4.checkbox("Week shape from the current forecast", value=False, key="plan_use_fc",
                         help="average the complete weeks of the forecast in use (one channel) instead of the plan "
                              "file's built-in curve")
    st.form_submit_button("Re-plan", icon=":material/refresh:")

doc = plan_doc.with_headline(doc, periods=int(periods), base_week_contacts=weekly, base_aht_seconds=aht,
                             volume_growth_annual=growth / 100.0, service_level=sl / 100.0, answer_seconds=ans,
                             attrition_multiplier=attr_mult)
week_fc, channel = None, None
if use_fc:
    fc = _ui.current_forecast()
    if fc is None:
        st.warning("No forecast in use; the plan file's week shape is used.")
    else:
        chans = sorted(fc["channel"].astype(str).unique()) if "channel" in fc else ["voice"]
        channel = st.selectbox("Channel for the week shape", chans, index=chans.index("voice") if "voice" in chans else 0,
                               key="plan_channel")
        week_fc = fc
doc_json = json.dumps(doc, default=str, sort_keys=True)

result = None
with _ui.user_errors("Capacity plan"):
    result = _run_plan(doc_json, week_fc, channel)
if result is None:
    st.stop()

p = result.periods
cur = result.currency
st.session_state["plan_kpis"] = {"plan_total_cost": float(result.total_cost), "plan_hires": float(p["hires"].sum())}
m1, m2, m3, m4, m5, m6 = st.columns(6)
m1.metric(f"Budget ({cur})", f"{result.total_cost:,.0f}")
m2.metric("Hires", f"{int(p['hires'].sum())}")
m3.metric("Required FTE, mean", f"{p['required_fte'].mean():.1f}")
m4.metric("Required FTE, peak", f"{p['required_fte'].max():.1f}")
m5.metric("Headcount start", f"{p['headcount_start'].iloc[0]:.0f}")
m6.metric("Headcount end", f"{p['headcount_end'].iloc[-1]:.0f}")
st.caption(f"Solver: {result.status} (gap {100 * result.gap:.2f}%) in {result.solve_seconds:.2f} s; "
           f"queueing {result.requirements_seconds:.2f} s.")
st.caption(f"Demand shape: {result.week.source}.")

fte = p.melt(id_vars=["period_start"], value_vars=["required_fte", "supply_fte"], var_name="series", value_name="FTE")
st.altair_chart(
    alt.Chart(fte).mark_line(point=True).encode(
        x=alt.X("period_start:T", title=None), y=alt.Y("FTE:Q"), color=alt.Color("series:N", title=None),
        tooltip=["period_start:T", "series:N", alt.Tooltip("FTE:Q", format=".1f")],
    ).properties(height=280, title="FTE need vs supply"),
    width="stretch",
)
cost = p.melt(id_vars=["period_start"], value_vars=["cost_salaries", "cost_training", "cost_overtime"],
              var_name="cost", value_name="amount")
st.altair_chart(
    alt.Chart(cost).mark_bar().encode(
        x=alt.X("period_start:T", title=None), y=alt.Y("amount:Q", title=f"Cost ({cur})"),
        color=alt.Color("cost:N", title=None),
        tooltip=["period_start:T", "cost:N", alt.Tooltip("amount:Q", format=",.0f")],
    ).properties(height=260, title="Cost per period"),
    width="stretch",
)
st.subheader("Hiring classes")
if result.classes.empty:
    st.write("No hiring class is needed.")
else:
    st.dataframe(result.classes, width="stretch", hide_index=True)
with st.expander("Per period and per group"):
    st.dataframe(p, width="stretch", hide_index=True)
    st.dataframe(result.groups, width="stretch", hide_index=True)
_ui.downloads({"periods": p, "groups": result.groups, "classes": result.classes}, "capacity_plan", key="plan")

st.subheader("Attrition risk")
st.caption("Leavers drawn at random (the plan uses expected leavers): the spread of the supply and how likely each "
           "period is to be short.")
if st.toggle("Simulate attrition risk (2,000 futures)", key="plan_risk"):
    risk = None
    with _ui.user_errors("Attrition risk"):
        from staffing.planning_risk import attrition_risk

        settings_now = planning_settings.settings_from_mapping(json.loads(doc_json), source="plan",
                                                               base_dir=_ui.DATA_DIR)
        risk = attrition_risk(settings_now, result, n_sims=2000, seed=0)
    if risk is not None:
        base_r = alt.Chart(risk).encode(x=alt.X("period_start:T", title=None))
        st.altair_chart(
            alt.layer(
                base_r.mark_area(opacity=0.25, color="#1f77b4").encode(
                    y=alt.Y("supply_fte_p10:Q", title="FTE"), y2="supply_fte_p90:Q"),
                base_r.mark_line(color="#1f77b4").encode(y="supply_fte_p50:Q"),
                base_r.mark_line(color="#d62728", strokeDash=[4, 2]).encode(y="required_fte:Q"),
            ).properties(height=260, title="Supply p10-p90 (blue) vs required FTE (red)"),
            width="stretch",
        )
        st.dataframe(risk.style.format({"prob_short": "{:.0%}"}, precision=1), width="stretch", hide_index=True)
        _ui.downloads(risk, "attrition_risk", key="risk")

st.subheader("Scenarios and sensitivity")
st.caption("The plan file's [[scenarios]] solved side by side, and the cost of one more unit of each driver.")
if st.toggle("Compare the plan's scenarios", key="plan_compare"):
    out = None
    with _ui.user_errors("Scenario comparison"):
        out = _run_scenarios(doc_json, week_fc, channel)
    if out is not None:
        summary, per, sens = out
        st.dataframe(summary.style.format(precision=1, thousands=","), width="stretch", hide_index=True)
        req_cols = [c for c in per.columns if c.startswith("required_fte[")]
        long = per.melt(id_vars=["period_start"], value_vars=req_cols, var_name="scenario", value_name="required_fte")
        long["scenario"] = long["scenario"].str.slice(len("required_fte["), -1)
        st.altair_chart(
            alt.Chart(long).mark_line().encode(
                x=alt.X("period_start:T", title=None), y=alt.Y("required_fte:Q", title="Required FTE"),
                color=alt.Color("scenario:N"),
            ).properties(height=260),
            width="stretch",
        )
        st.dataframe(sens.style.format(precision=2, thousands=","), width="stretch", hide_index=True)
        _ui.downloads({"scenarios": summary, "scenario_periods": per, "sensitivity": sens}, "plan_scenarios",
                      key="plan_sc")
