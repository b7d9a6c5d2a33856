"""What-if: one-knob changes against the current plan, named scenarios saved and compared side by side."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from app_pages import _ui
from staffing import schema as S
from wfm_app import compare, scenario, views

st.title("What-if")
st.caption(
    "Turn one knob and see staffing and cost move; save the current plan or a what-if as a named "
    "scenario; compare scenarios side by side (green = better than the first, red = worse)."
)

inputs = _ui.staffing_inputs()
if inputs is None:
    st.info("No forecast yet: make one on the **Forecast** page first.")
    st.stop()

cost_per_hour = st.number_input(
    "Loaded cost per paid agent-hour (currency units)", min_value=0.0, max_value=10_000.0,
    value=float(_ui.get_setting("cost_per_agent_hour", 25.0)), step=1.0, key="wi_cost",
)
_ui.put_setting("cost_per_agent_hour", cost_per_hour)

base_req = None
with _ui.user_errors("Current staffing"):
    base_req = _ui.compute_requirements(inputs["week"], inputs["settings"])
if base_req is None:
    st.stop()
base_summary = views.fte_summary(base_req, inputs["hours_per_fte"])
base_kpis = views.headline_kpis(base_summary, cost_per_hour)


def _current_settings(knobs: scenario.Knobs | None = None, settings: dict | None = None) -> dict:
    out = {
        "targets": settings if settings is not None else inputs["settings"],
        "week_start": inputs["week_label"],
        "hours_per_fte": inputs["hours_per_fte"],
        "cost_per_agent_hour": cost_per_hour,
        "forecast_source": _ui.frame_meta("forecast").get("source", ""),
        "change": (knobs or scenario.Knobs()).describe(),
    }
    rec_now = _ui.load_roster()
    if knobs is None and rec_now is not None:
        m = rec_now["meta"]
        out["roster"] = {"week": m.get("week"), "channels": ", ".join(m.get("channels", [])),
                         "status": m.get("status"), "agents": m.get("agents_mode")}
    return out


def _extra_kpis() -> dict:
    """Roster and plan KPIs of this session, when a roster or plan was made."""
    from wfm_app import roster_io

    extra = {}
    rec_now = _ui.load_roster()
    if rec_now is not None:
        extra.update(roster_io.scenario_kpis(rec_now["meta"]))
    extra.update(st.session_state.get("plan_kpis", {}) or {})
    return extra


# -- one knob -----------------------------------------------------------------------------
st.subheader("Change one knob")
k1, k2, k3, k4 = st.columns(4)
volume = k1.slider("Volume (%)", -50, 100, 0, 5, key="wi_volume", help="e.g. +10 = 10% more contacts in every interval")
aht = k2.slider("AHT change (s)", -120, 300, 0, 5, key="wi_aht", help="seconds added to the handle time of every contact")
sl_choice = k3.selectbox(
    "Service level target", ["keep", "80/20", "80/30", "85/20", "90/20", "90/30", "95/20"], key="wi_sl",
    help="share of contacts answered within T seconds (queueing channels)",
)
sick = k4.slider("Extra absence (shrinkage points)", 0, 30, 0, 1, key="wi_sick",
                 help="an agent group calling in sick, as extra shrinkage on every channel")
sl, ans = (None, None) if sl_choice == "keep" else (int(sl_choice.split("/")[0]) / 100.0, float(sl_choice.split("/")[1]))
knobs = scenario.Knobs(volume_pct=float(volume), aht_delta_seconds=float(aht), service_level=sl,
                       answer_seconds=ans, shrinkage_delta=sick / 100.0)

wi_req = None
with _ui.user_errors("What-if staffing"):
    wi_fc, wi_settings = scenario.apply_knobs(inputs["week"], inputs["settings"], knobs)
    wi_req = _ui.compute_requirements(wi_fc, wi_settings)
if wi_req is not None:
    wi_summary = views.fte_summary(wi_req, inputs["hours_per_fte"])
    wi_kpis = views.headline_kpis(wi_summary, cost_per_hour)
    table = compare.comparison_table([("current", base_kpis), (f"what-if ({knobs.describe()})", wi_kpis)])
    st.dataframe(table.style.apply(lambda _: compare.highlight(table), axis=None).format("{:,.1f}", na_rep="–"),
                 width="stretch", height=36 * (len(table) + 1) + 4)
    _ui.downloads(table.reset_index(), "what_if", key="wi")
    both = pd.concat([
        base_req.groupby(S.INTERVAL_START, as_index=False)[S.AGENTS_TO_SCHEDULE].sum().assign(plan="current"),
        wi_req.groupby(S.INTERVAL_START, as_index=False)[S.AGENTS_TO_SCHEDULE].sum().assign(plan="what-if"),
    ])
    st.altair_chart(
        alt.Chart(both).mark_line().encode(
            x=alt.X(f"{S.INTERVAL_START}:T", title=None),
            y=alt.Y(f"{S.AGENTS_TO_SCHEDULE}:Q", title="Agents to schedule"),
            color=alt.Color("plan:N", title=None),
        ).properties(height=260),
        width="stretch",
    )

# -- sickness on the roster ----------------------------------------------------------------
rec = _ui.load_roster()
if rec is not None and rec["roster"] is not None and len(rec["roster"]):
    st.subheader("Agents calling in sick (on the current roster)")
    meta = rec["meta"]
    ch_list = [c for c in meta.get("channels", []) if c in inputs["settings"]]
    if meta.get("week") != inputs["week_label"] or not ch_list:
        st.caption(f"The roster is for the week of {meta.get('week', '?')}; choose that week on the Staffing page "
                   "to test absences on it.")
    else:
        s0, s1, s2 = st.columns([1, 2, 1])
        agents_tab = _ui.get_frame("roster_agents")
        groups = ["all rostered agents"]
        if agents_tab is not None and {"agent_id", "contract"} <= set(agents_tab.columns):
            groups += sorted(agents_tab["contract"].astype(str).unique())
        group = s0.selectbox("Group", groups, key="wi_roster_group")
        sick_share = s1.slider("Agents of the group absent (%)", 0, 100, 10, 5, key="wi_roster_sick",
                               help="a reproducible random part of the group is off all week")
        seed = int(s2.number_input("Which agents (seed)", 0, 10_000, 0, 1, key="wi_roster_seed"))
        among = None if group == groups[0] else \
            agents_tab.loc[agents_tab["contract"].astype(str) == group, "agent_id"].astype(str).tolist()
        with _ui.user_errors("Sickness what-if"):
            from staffing.scheduling.kpis import coverage_frame
            from staffing.scheduling.model import horizon_from_requirements
            from wfm_app import roster_io
            from wfm_app.scenario import targets_from_settings

            req_r = base_req[base_req[S.CHANNEL].isin(ch_list)].reset_index(drop=True)
            horizon = horizon_from_requirements(req_r)
            tg = targets_from_settings({c: inputs["settings"][c] for c in ch_list})
            roster = rec["roster"]
            away = roster_io.absent_agents(roster, sick_share / 100.0, seed, among=among)
            kept = roster[~roster["agent_id"].astype(str).isin(away)]
            full = views.coverage_summary(coverage_frame(roster, horizon, tg), horizon.interval_minutes)
            sick = views.coverage_summary(coverage_frame(kept, horizon, tg), horizon.interval_minutes)
            sick_table = compare.comparison_table([("roster as planned", full),
                                                   (f"{len(away)} agents absent", sick)])
            st.dataframe(sick_table.style.apply(lambda _: compare.highlight(sick_table), axis=None)
                         .format("{:,.2f}", na_rep="–"), width="stretch")
            if away:
                st.caption("Absent: " + ", ".join(away))
            _ui.downloads(sick_table.reset_index(), "sickness_what_if", key="sick")

# -- save ---------------------------------------------------------------------------------
st.subheader("Save a scenario")
with st.form("save_scenario", clear_on_submit=False):
    name = st.text_input("Scenario name", key="wi_name", placeholder="e.g. Budget 2027 base")
    what = st.radio("Save", ["current plan", "current plan with the knob changes above"], key="wi_what", horizontal=True)
    submitted = st.form_submit_button("Save scenario", icon=":material/save:")
if submitted:
    with _ui.user_errors("Saving the scenario"):
        if not name.strip():
            raise ValueError("scenario name: expected a name, found an empty one.")
        if what == "current plan":
            kp, st_, req, summ = {**base_kpis, **_extra_kpis()}, _current_settings(), base_req, base_summary
        else:
            if wi_req is None:
                raise ValueError("the what-if could not be computed; fix the knobs first.")
            kp, st_, req, summ = wi_kpis, _current_settings(knobs, wi_settings), wi_req, wi_summary
        frames = {"requirements": req, "fte_summary": summ}
        cov = st.session_state.get("roster_coverage")
        if what == "current plan" and isinstance(cov, pd.DataFrame):
            frames["coverage"] = cov
        _ui.store().save_scenario(name, st_, kp, frames)
        st.success(f"Saved scenario '{name.strip()}'.")

# -- compare ------------------------------------------------------------------------------
st.subheader("Compare scenarios")
records = _ui.store().list_scenarios()
if not records:
    st.info("No saved scenarios yet.")
    st.stop()
names = [r.name for r in records]
chosen = st.multiselect("Scenarios (the first is the baseline)", names, default=names[-2:] if len(names) > 1 else names,
                        key="wi_compare")
if chosen:
    by_name = {r.name: r for r in records}
    recs = [by_name[n] for n in chosen]
    table = compare.comparison_table([(r.name, r.kpis) for r in recs])
    st.dataframe(table.style.apply(lambda _: compare.highlight(table), axis=None).format("{:,.1f}", na_rep="–"),
                 width="stretch", height=36 * (len(table) + 1) + 4)
    curves = []
    for r in recs:
        req_r = _ui.store().scenario_frame(r.name, "requirements")
        if req_r is not None and {S.INTERVAL_START, S.AGENTS_TO_SCHEDULE} <= set(req_r.columns):
            curves.append(req_r.groupby(S.INTERVAL_START, as_index=False)[S.AGENTS_TO_SCHEDULE].sum()
                          .assign(scenario=r.name))
    if curves:
        st.altair_chart(
            alt.Chart(pd.concat(curves, ignore_index=True)).mark_line().encode(
                x=alt.X(f"{S.INTERVAL_START}:T", title=None),
                y=alt.Y(f"{S.AGENTS_TO_SCHEDULE}:Q", title="Agents to schedule"),
                color=alt.Color("scenario:N", title=None),
                tooltip=[f"{S.INTERVAL_START}:T", "scenario:N", f"{S.AGENTS_TO_SCHEDULE}:Q"],
            ).properties(height=260, title="Agents to schedule per interval, by scenario"),
            width="stretch",
        )
    diff = compare.settings_diff([(r.name, r.settings) for r in recs])
    if len(recs) > 1:
        st.caption("Settings that differ:")
        st.dataframe(diff if not diff.empty else pd.DataFrame({"setting": ["(none)"]}), width="stretch")
    _ui.downloads({"comparison": table.reset_index(), "settings": diff.reset_index()}, "scenario_comparison",
                  key="cmp")
with st.expander("Delete a scenario"):
    victim = st.selectbox("Scenario", names, key="wi_delete_name")
    if st.button("Delete", key="wi_delete", icon=":material/delete:"):
        _ui.store().delete_scenario(victim)
        st.rerun()
