"""Schedule: shift templates, breaks, contracts, labour rules and agents -> a weekly roster (staffing.scheduling)."""

from __future__ import annotations

import functools
import time
import tomllib

import altair as alt
import pandas as pd
import streamlit as st

from app_pages import _ui
from staffing import schema as S
from wfm_app import availability, roster_io, rules_tables, views
from wfm_app import io as wio
from wfm_app.jobs import BackgroundJob

st.title("Schedule")
st.caption(
    "A weekly roster for named agents (or the headcount needed) that covers the requirement interval by "
    "interval, with breaks placed by the solver and every labour rule checked independently."
)

sched, reason = availability.load(availability.SCHEDULING)
try:
    from staffing.scheduling import rules as sched_rules
    from staffing.scheduling.agents import agents_from_frame
    from staffing.scheduling.solve import build_roster
except Exception as exc:
    sched, reason = None, reason or f"roster scheduling is not available in this build ({exc})."
if sched is None:
    _ui.not_available(reason, "Roster scheduling")
    st.stop()

inputs = _ui.staffing_inputs()
if inputs is None:
    st.info("No forecast yet: make one on the **Forecast** page first.")
    st.stop()

# -- requirement --------------------------------------------------------------------------
channels = sorted(inputs["settings"])
queueing = [c for c in channels if inputs["settings"][c].get("kind") != "deferred"]
saved_ch = [c for c in (_ui.get_setting("roster_channels", None) or []) if c in channels]
default_ch = saved_ch or (["voice"] if "voice" in channels else queueing[:1] or channels[:1])
st.write(f"Week starting **{inputs['week_label']}** (choose it on the Staffing page).")
roster_channels = st.multiselect(
    "Channels this roster covers (one pool of agents)", channels, default=default_ch, key="sch_channels",
    help="The agents to schedule of these channels are added up per interval.",
)
_ui.put_setting("roster_channels", roster_channels)
req = None
with _ui.user_errors("Staffing requirements"):
    req = _ui.compute_requirements(inputs["week"], inputs["settings"])
if req is None or not roster_channels:
    st.info("Choose at least one channel.")
    st.stop()
req = req[req[S.CHANNEL].isin(roster_channels)].reset_index(drop=True)

# -- rules --------------------------------------------------------------------------------
default_doc_text = _ui.SAMPLE_RULES.read_text() if _ui.SAMPLE_RULES.exists() else rules_tables.MINIMAL_RULES_TOML
doc = _ui.get_setting("rules_doc", None)
if doc is None:
    with _ui.user_errors("Example rules file"):
        doc = tomllib.loads(default_doc_text)
if doc is None:
    doc = tomllib.loads(rules_tables.MINIMAL_RULES_TOML)

def _reset_rule_widgets() -> None:
    """Forget the rule widgets' state so that new rules show as they are (their keys start with schr_)."""
    for k in list(st.session_state):
        if str(k).startswith("schr_"):
            del st.session_state[k]


st.subheader("Rules")
tabs = st.tabs(["Shift templates", "Breaks", "Contracts", "Labour rules", "Objective & solver", "TOML"])
tables = rules_tables.to_tables(doc)
edited: dict[str, pd.DataFrame] = {}
help_text = {
    "shift": "Start window (HH:MM), step (min), paid lengths (h, ';'-separated), days (Mon;Tue;...).",
    "break": "Offsets (min) from the anchor (start, middle or end of the shift); applies to shifts whose paid "
             "length lies in [min_shift_hours, max_shift_hours].",
    "contract": "Weekly paid hours and days, consecutive days, weekends; shifts = templates (';'-separated).",
}
for (key, frame), tab in zip(tables.items(), tabs[:3]):
    with tab:
        st.caption(help_text[key])
        edited[key] = st.data_editor(frame, num_rows="dynamic", width="stretch", key=f"schr_tbl_{key}", hide_index=True)
defaults = rules_tables.labor_defaults()
labor = {**defaults["labor"], **doc.get("labor", {})}
objective = {**defaults["objective"], **doc.get("objective", {})}
solver = {**defaults["solver"], **doc.get("solver", {})}
with tabs[3]:
    l1, l2, l3 = st.columns(3)
    labor["min_rest_hours"] = l1.number_input("Minimum rest between shifts (h)", 0.0, 48.0,
                                              float(labor["min_rest_hours"]), 0.5, key="schr_rest")
    spread = l2.number_input("Max spread of start times (h, 0 = no rule)", 0.0, 24.0,
                             float(labor.get("max_start_spread_hours") or 0.0), 0.5, key="schr_spread")
    labor["max_start_spread_hours"] = spread or None
    labor["weekend_days"] = l3.multiselect("Weekend days", ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
                                           default=list(labor["weekend_days"]), key="schr_weekend")
    n1, n2, n3 = st.columns(3)
    labor["night_start"] = n1.text_input("Night starts (HH:MM)", labor["night_start"], key="schr_night_start")
    labor["night_end"] = n2.text_input("Night ends (HH:MM)", labor["night_end"], key="schr_night_end")
    labor["night_min_hours"] = n3.number_input("Night shift if at least (h) in the night", 0.0, 24.0,
                                               float(labor["night_min_hours"]), 0.5, key="schr_night_min")
    succ_text = "; ".join(f"{a}>{b}" for a, b in (labor.get("forbidden_successions") or ()))
    succ = st.text_input("Forbidden successions (template today > template tomorrow, ';'-separated)", succ_text,
                         key="schr_succ", help="e.g. late>early: a late shift may not be followed by an early one")
    labor["forbidden_successions"] = [[p.split(">")[0].strip(), p.split(">")[1].strip()]
                                      for p in succ.split(";") if ">" in p]
with tabs[4]:
    o1, o2, o3, o4 = st.columns(4)
    objective["under_coverage_per_agent_hour"] = o1.number_input(
        "Weight: under-coverage per agent-hour", 0.0, 1e6, float(objective["under_coverage_per_agent_hour"]), 10.0,
        key="schr_w_under")
    objective["over_coverage_per_agent_hour"] = o2.number_input(
        "Weight: over-coverage per agent-hour", 0.0, 1e6, float(objective["over_coverage_per_agent_hour"]), 1.0,
        key="schr_w_over")
    objective["paid_hour_cost"] = o3.number_input("Weight: paid hour", 0.0, 1e6, float(objective["paid_hour_cost"]),
                                                  0.5, key="schr_w_paid")
    objective["service_level_aware"] = o4.checkbox("Service-level-aware coverage",
                                                   bool(objective["service_level_aware"]), key="schr_sl_aware",
                                                   help="an agent counts more where it lifts service level more")
    p1, p2, p3 = st.columns(3)
    objective["isolated_day_off"] = p1.number_input(
        "Weight: single day off between working days", 0.0, 1e6, float(objective["isolated_day_off"]), 1.0,
        key="schr_w_isolated", help="keeps days off together where possible")
    objective["preferred_start_missed"] = p2.number_input(
        "Weight: start outside preferred window", 0.0, 1e6, float(objective["preferred_start_missed"]), 1.0,
        key="schr_w_pref_start")
    objective["preferred_day_off_missed"] = p3.number_input(
        "Weight: shift on a preferred day off", 0.0, 1e6, float(objective["preferred_day_off_missed"]), 1.0,
        key="schr_w_pref_day")
    s1, s2, s3 = st.columns(3)
    solver["time_limit_seconds"] = s1.number_input("Time limit (s)", 1.0, 3600.0,
                                                   float(solver["time_limit_seconds"]), 5.0, key="schr_time_limit")
    solver["num_workers"] = int(s2.number_input("Solver workers", 1, 16, int(solver["num_workers"]), 1,
                                                key="schr_workers"))
    solver["random_seed"] = int(s3.number_input("Random seed", 0, 10**6, int(solver["random_seed"]), 1,
                                                key="schr_seed"))
with tabs[5]:
    st.caption("The same rules as a TOML file (the format of `wfm schedule --rules`).")
    st.code(roster_io.to_toml(doc), language="toml")
    up_rules = st.file_uploader("Replace the rules with a TOML file", type=["toml"], key="sch_rules_upload",
                                max_upload_size=1)
    if up_rules is not None and st.session_state.get("sch_rules_id") != up_rules.file_id:
        st.session_state["sch_rules_id"] = up_rules.file_id
        with _ui.user_errors(f"Rules file {up_rules.name} rejected"):
            new_doc = tomllib.loads(up_rules.getvalue().decode("utf-8"))
            sched_rules.settings_from_mapping(new_doc, source=up_rules.name)
            _ui.put_setting("rules_doc", new_doc)
            _reset_rule_widgets()
            st.rerun()
    if st.button("Restore the example rules", key="sch_rules_restore"):
        _ui.put_setting("rules_doc", None)
        _reset_rule_widgets()
        st.rerun()

settings = None
new_doc = None
with _ui.user_errors("Rules"):
    new_doc = rules_tables.from_tables(doc, edited)
    new_doc["labor"] = {k: v for k, v in labor.items() if v is not None and v != ()}
    new_doc["objective"] = objective
    new_doc["solver"] = solver
    settings = sched_rules.settings_from_mapping(roster_io.jsonable(new_doc), source="rules")
if settings is None:
    st.warning("Fix the rules above to build a roster; the last valid rules are kept.")
    st.stop()
_ui.put_setting("rules_doc", roster_io.jsonable(new_doc))

# -- agents -------------------------------------------------------------------------------
st.subheader("Agents")
modes = ["Example agents file", "Upload a file", "Generate a team", "Headcount mode (no agent list)"]
if not _ui.SAMPLE_AGENTS.exists():
    modes.remove("Example agents file")
mode_saved = _ui.get_setting("agents_mode", modes[0])
mode = st.radio("Agent list", modes, index=modes.index(mode_saved) if mode_saved in modes else 0, horizontal=True,
                key="sch_agents_mode")
_ui.put_setting("agents_mode", mode)
agents_df: pd.DataFrame | None = None
if mode == "Example agents file":
    with _ui.user_errors("Example agents file"):
        agents_df = pd.read_csv(_ui.SAMPLE_AGENTS)
elif mode == "Upload a file":
    up = st.file_uploader("Agents (CSV or Excel): agent_id, contract, optional hourly_cost, skills, available_days, "
                          "time_off, preferred_start, preferred_days_off", type=["csv", "xlsx"], key="sch_agents_upload",
                          max_upload_size=wio.MAX_UPLOAD_MB)
    if up is not None and st.session_state.get("sch_agents_id") != up.file_id:
        st.session_state["sch_agents_id"] = up.file_id
        try:
            raw = wio.read_table(up.name, up.getvalue())
            agents_from_frame(raw, settings, source=up.name)
        except Exception as exc:
            _ui.show_error(f"Agents file {up.name} rejected", exc)
        else:
            _ui.put_frame("agents", raw, {"source": f"upload {up.name}"})
            st.success(f"{up.name}: {len(raw)} agents accepted.")
    agents_df = _ui.get_frame("agents")
    if agents_df is None:
        st.info("No agents uploaded yet.")
elif mode == "Generate a team":
    contracts = [c.name for c in settings.contracts]
    cols = st.columns(max(1, len(contracts)))
    saved_counts = _ui.get_setting("generate_counts", {}) or {}
    counts = {c: int(col.number_input(f"{c} agents", 0, 2000, int(saved_counts.get(c, 10)), 1, key=f"sch_gen_{c}"))
              for c, col in zip(contracts, cols)}
    _ui.put_setting("generate_counts", counts)
    with _ui.user_errors("Generating agents"):
        agents_df = rules_tables.generate_agents(roster_io.jsonable(new_doc), counts)
if agents_df is not None:
    with st.expander(f"{len(agents_df)} agents", expanded=False):
        st.dataframe(agents_df, width="stretch", hide_index=True)
        _ui.downloads(agents_df, "agents", key="agents")

# -- build --------------------------------------------------------------------------------
targets = None
with _ui.user_errors("Service targets"):
    from wfm_app.scenario import targets_from_settings

    targets = targets_from_settings({c: inputs["settings"][c] for c in roster_channels})

def _solve_and_save(store, req, settings, agents, targets, inputs, *, progress, stop_event):
    """Runs in the background thread: solve, then persist the result even if the user left the page."""
    result = build_roster(req, settings, agents, targets=targets, progress=progress, stop_event=stop_event)
    record = roster_io.result_record(result, inputs)
    if isinstance(agents, pd.DataFrame):
        record["agents"] = agents
    roster_io.save_record(store, record)
    return result


st.subheader("Build the roster")
job: BackgroundJob | None = st.session_state.get("roster_job")
running = job is not None and job.running
if st.button("Build roster", type="primary", icon=":material/play_arrow:", key="sch_build", disabled=running):
    if mode != "Headcount mode (no agent list)" and agents_df is None:
        st.error("No agent list: upload one, generate a team or choose headcount mode.")
    else:
        func = functools.partial(
            _solve_and_save, _ui.store(), req, settings, None if mode.startswith("Headcount") else agents_df,
            targets, {"channels": roster_channels, "week": inputs["week_label"], "agents_mode": mode})
        job = BackgroundJob(func=func, time_limit_seconds=float(solver["time_limit_seconds"])).start()
        st.session_state["roster_job"] = job


def _progress_text(j: BackgroundJob) -> str:
    p = j.progress
    parts = [f"{j.elapsed_seconds:.0f} s of {j.time_limit_seconds:.0f} s"]
    if p.objective is not None:
        parts.append(f"best objective {p.objective:,.1f}")
    if p.bound is not None:
        parts.append(f"bound {p.bound:,.1f}")
    if p.gap is not None:
        parts.append(f"gap {100 * p.gap:.1f}%")
    if p.solutions:
        parts.append(f"{p.solutions} rosters found")
    return " · ".join(parts) if p.objective is not None else parts[0] + " · searching for a first roster ..."


if job is not None and job.running:
    if st.button("Stop and keep the best roster", icon=":material/stop:", key="sch_stop"):
        job.stop()
    bar = st.progress(0.0, text="Building the model ...")
    while job.running:
        bar.progress(job.fraction(), text=_progress_text(job))
        time.sleep(0.25)
    bar.progress(1.0, text=_progress_text(job))

if job is not None and job.done:
    st.session_state["roster_job"] = None
    if job.error is not None:
        _ui.show_error("Building the roster", job.error)
    else:
        _ui.refresh_roster()  # the background thread saved the result
        st.rerun()  # redraw with the Build button enabled and the new result

# -- results ------------------------------------------------------------------------------
def _compact(x: object) -> str:
    if not isinstance(x, (int, float)):
        return "—"
    for div, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= div:
            return f"{x / div:.1f}{suffix}"
    return f"{x:.0f}"


rec = _ui.load_roster()
if rec is None:
    st.info("No roster yet.")
    st.stop()
meta = rec["meta"]
st.subheader("Result")
status = meta.get("status", "")
msg = roster_io.status_message(meta)
{"optimal": st.success, "feasible": st.info}.get(status, st.warning)(msg)
warns = meta.get("warnings", [])
if warns:
    st.warning("**Checks before solving:** " + warns[-1] if len(warns) > 1 else warns[0], icon=":material/warning:")
    with st.expander(f"All {len(warns)} checks"):
        st.markdown("\n".join(f"- {w}" for w in warns))
if meta.get("explanation"):
    text = str(meta["explanation"]).replace("\n", "  \n")
    if status == "infeasible":
        st.error("**Why the rules cannot all hold:** " + text, icon=":material/rule:")
    else:
        st.info(text)
if meta.get("violations"):
    st.error("The independent checker found rule breaches:\n\n" + "\n".join(f"- {v}" for v in meta["violations"][:20]))
if meta.get("headcount"):
    st.write("Headcount needed: " + ", ".join(f"**{v}** {k}" for k, v in meta["headcount"].items()))

kp = meta.get("kpis") or {}
if kp:
    c = st.columns(6)
    c[0].metric("Agents rostered", f"{kp.get('agents_rostered', 0):,}")
    c[1].metric("Paid hours", f"{kp.get('paid_hours', 0):,.1f}")
    c[2].metric("Cost", f"{kp.get('cost', 0):,.0f}")
    c[3].metric("Under-coverage (agent-h)", f"{kp.get('under_agent_hours', 0):,.1f}")
    c[4].metric("Over-coverage (agent-h)", f"{kp.get('over_agent_hours', 0):,.1f}")
    c[5].metric("Intervals covered", f"{100 * kp.get('share_intervals_met', 0):.1f}%")
    d = st.columns(6)
    slw = kp.get("service_level_week")
    d[0].metric("Predicted service level", "n/a" if slw is None or pd.isna(slw) else f"{100 * slw:.1f}%")
    sim = meta.get("simulated_service_level")
    d[1].metric("Simulated service level", "—" if sim is None else f"{100 * sim:.1f}%",
                help=meta.get("simulated_note", "Run the simulation below."))
    d[2].metric("Preferences honoured", f"{100 * kp.get('preferences_honoured_share', 1):.0f}%")
    d[3].metric("Weekend-days spread", f"{kp.get('weekend_days_spread', 0)}")
    d[4].metric("Objective / bound", f"{_compact(meta.get('objective'))} / {_compact(meta.get('bound'))}",
                help="Solver objective (weighted under/over-coverage, paid hours, preferences) and its proven "
                     "lower bound")
    d[5].metric("Solve time", f"{meta.get('timings', {}).get('total_seconds', 0):.1f} s")

roster = rec["roster"]
coverage = rec["coverage"]
if coverage is not None and len(coverage):
    cov = coverage.copy()
    cov_long = cov.melt(id_vars=["interval_start"], value_vars=["required", "scheduled"], var_name="series",
                        value_name="agents")
    st.altair_chart(
        alt.Chart(cov_long).mark_line(interpolate="step-after").encode(
            x=alt.X("interval_start:T", title=None), y=alt.Y("agents:Q", title="Agents"),
            color=alt.Color("series:N", title=None, scale=alt.Scale(domain=["required", "scheduled"],
                                                                   range=["#d62728", "#1f77b4"])),
            tooltip=["interval_start:T", "series:N", alt.Tooltip("agents:Q", format=".1f")],
        ).properties(height=280, title="Required vs scheduled (net of breaks)"),
        width="stretch",
    )

if roster is not None and len(roster):
    st.subheader("Gantt")
    days = sorted(pd.to_datetime(roster["date"]).dt.strftime("%Y-%m-%d").unique())
    g1, g2 = st.columns([1, 3])
    day = g1.selectbox("Day", days, key="sch_gantt_day")
    part = roster[pd.to_datetime(roster["date"]).dt.strftime("%Y-%m-%d") == day].copy()
    agents_shown = list(dict.fromkeys(part.sort_values("start")["agent_id"]))
    part["start"] = pd.to_datetime(part["start"])
    part["end"] = pd.to_datetime(part["end"])
    gantt = alt.Chart(part).mark_bar().encode(
        x=alt.X("start:T", title=None), x2="end:T",
        y=alt.Y("agent_id:N", sort=agents_shown, title=None),
        color=alt.Color("activity:N", scale=alt.Scale(domain=["shift", "break", "lunch"],
                                                      range=["#4c78a8", "#f58518", "#54a24b"])),
        tooltip=["agent_id:N", "activity:N", alt.Tooltip("start:T", format="%H:%M"), alt.Tooltip("end:T", format="%H:%M")],
        order=alt.Order("layer:Q"),
    ).transform_calculate(layer="datum.activity == 'shift' ? 0 : 1").properties(
        height=max(200, min(16 * len(agents_shown), 2400)))
    st.altair_chart(gantt, width="stretch")

    st.subheader("Per-agent roster (printable)")
    wide = views.printable_roster(roster)  # shift times with break and lunch starts, one row per agent
    st.dataframe(wide, width="stretch", hide_index=True)
    _ui.downloads({"roster_by_agent": wide, "roster": roster, "coverage": coverage}, "roster_by_agent", key="wide")
    st.download_button("Printable roster (one page per agent, HTML)",
                       _ui.safe_bytes(lambda: views.printable_html(wide, f"Roster week {meta.get('week', '')}")
                                      .encode("utf-8")),
                       file_name="roster_printable.html", mime="text/html", key="dl-print", icon=":material/print:")
    with st.expander("Roster (long) and coverage tables"):
        st.dataframe(roster, width="stretch", hide_index=True)
        _ui.downloads({"roster": roster}, "roster", key="roster")
        st.dataframe(coverage, width="stretch", hide_index=True)
        _ui.downloads({"coverage": coverage}, "coverage", key="coverage")

    # -- simulation ------------------------------------------------------------------------
    st.subheader("Simulated service level")
    simmod, sreason = availability.load(availability.SIMULATION)
    if simmod is None:
        _ui.not_available(sreason, "Simulation")
    elif len(meta.get("channels", [])) != 1 or inputs["settings"][meta["channels"][0]].get("kind") == "deferred":
        st.caption("The simulation replays one queueing channel against the roster: build a roster for a single "
                   "voice or chat channel to simulate it.")
    else:
        ch = meta["channels"][0]
        st.caption(f"Replays the {ch} forecast against the roster minute by minute (queues carry over, breaks "
                   "leave holes); caller patience and the service-level threshold come from the Staffing page.")
        s1, s2, s3, s4, s5 = st.columns(5)
        reps = int(s1.number_input("Replications", 2, 200, 10, 1, key="sch_sim_reps"))
        absence = s2.slider("Unplanned absence (%)", 0, 30, 0, key="sch_sim_abs") / 100.0
        dist = s3.selectbox("Handle times", ["exponential", "lognormal"], key="sch_sim_dist")
        cv = s4.number_input("Handle-time CV (lognormal)", 0.1, 3.0, 1.0, 0.1, key="sch_sim_cv",
                             disabled=dist != "lognormal")
        go = s5.button("Simulate", key="sch_sim_go", icon=":material/casino:")
        if go:
            with _ui.user_errors("Simulation"), st.spinner("Simulating ..."):
                out = _ui.simulate_roster(inputs["week"], roster, ch, inputs["settings"][ch], reps, absence,
                                          distribution=dist, cv=float(cv))
                meta = _ui.record_simulation(out)
                st.rerun()
        simtab = _ui.get_frame("roster_simulation")
        if simtab is not None and len(simtab):
            st.altair_chart(
                alt.Chart(simtab.melt(id_vars=["interval_start"], value_vars=[c for c in ("erlang", "simulated")
                                                                             if c in simtab.columns],
                                      var_name="model", value_name="service_level"))
                .mark_line().encode(x=alt.X("interval_start:T", title=None),
                                    y=alt.Y("service_level:Q", title="Service level", axis=alt.Axis(format="%")),
                                    color="model:N")
                .properties(height=240, title="Predicted (Erlang) vs simulated service level per interval"),
                width="stretch",
            )
            _ui.downloads({"simulation": simtab}, "simulation", key="sim")
