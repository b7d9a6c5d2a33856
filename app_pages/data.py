"""Data: the interval history (upload CSV/Excel or the built-in sample), validated and charted."""

from __future__ import annotations

import re

import altair as alt
import pandas as pd
import streamlit as st

from app_pages import _ui
from wfm_app import adapters, availability, views
from wfm_app import io as wio

st.title("Data")
st.caption(
    "The interval history the forecast learns from: one row per interval and channel with "
    "`interval_start` (ISO 8601), `contacts`, optional `aht_seconds` (s) and `channel`."
)


def _offending_rows(raw: pd.DataFrame, message: str) -> pd.DataFrame | None:
    """The rows around the one an error message names ("row N"), for display."""
    m = re.search(r"\brow (\d+)", message)
    if not m:
        return None
    n = int(m.group(1)) - 1
    if not 0 <= n < len(raw):
        return None
    part = raw.iloc[max(0, n - 2): n + 3].copy()
    part.index = [f"row {i + 1}" + (" ◀" if i == n else "") for i in part.index]
    return part


history = _ui.current_history()

left, right = st.columns([2, 1])
with left:
    up = st.file_uploader(
        "Upload an interval history (CSV or Excel)",
        type=["csv", "xlsx"],
        key="history_upload",
        max_upload_size=wio.MAX_UPLOAD_MB,
        help=f"Largest accepted file: {wio.MAX_UPLOAD_MB} MB. The previous data stays in use "
        "until a file passes every check.",
    )
    per_contact = st.toggle(
        "The file has one row per contact (arrival_time, handle_seconds, optional channel)", key="per_contact",
        help="Contacts are counted per interval and their handle times averaged (forecasting.aggregate_contact_records).")
    record_minutes = st.selectbox("Interval for per-contact files (min)", [15, 30, 60, 5], key="per_contact_minutes",
                                  disabled=not per_contact)
upload_id = None if up is None else f"{up.file_id}:{per_contact}:{record_minutes}"
with right:
    st.write("")
    if st.button("Use the built-in sample", icon=":material/dataset:", key="use_sample"):
        st.session_state["uploaded_history_id"] = upload_id  # the file still in the uploader is not re-applied
        if _ui.load_sample_history() is not None:
            history = _ui.get_frame("history")
            st.success("Loaded the built-in sample history.")

if up is not None and st.session_state.get("uploaded_history_id") != upload_id:
    st.session_state["uploaded_history_id"] = upload_id
    try:
        raw = wio.read_table(up.name, up.getvalue())
    except Exception as exc:
        _ui.show_error(f"Upload {up.name} rejected", exc)
        st.warning("The previous data is still in use.")
    else:
        try:
            if per_contact:
                from forecasting import aggregate_contact_records

                raw = aggregate_contact_records(raw, interval_minutes=int(record_minutes), source=up.name)
            hist = adapters.validate_history(raw, source=up.name)
            _ui.put_frame("history", hist, {"source": f"upload {up.name}", "rows": len(hist)})
            _ui.put_frame("forecast", None)
        except Exception as exc:
            _ui.show_error(f"Upload {up.name} rejected", exc)
            st.warning("The previous data is still in use.")
            rows = _offending_rows(raw, str(exc))
            if rows is not None:
                st.caption("The offending row and its neighbours, as uploaded:")
                st.dataframe(rows.astype(str), width="stretch")
        else:
            history = hist
            st.success(f"{up.name}: {len(hist):,} rows accepted.")

if history is None:
    st.info("No history yet: upload a file or load the built-in sample.")
    st.stop()

_ui.source_caption("history", "History in use")
hist = history.copy()
hist["interval_start"] = pd.to_datetime(hist["interval_start"])
channels = sorted(hist["channel"].astype(str).unique()) if "channel" in hist else ["voice"]
c1, c2, c3, c4 = st.columns(4)
c1.metric("Rows", f"{len(hist):,}")
c2.metric("Channels", f"{len(channels)}", help=", ".join(channels))
c3.metric("From", f"{hist['interval_start'].min():%Y-%m-%d}")
c4.metric("To", f"{hist['interval_start'].max():%Y-%m-%d}")
st.caption(f"Channels: {', '.join(channels)} · interval length: {views.interval_minutes_of(hist):g} minutes.")

daily = views.daily_totals(hist)
chart = (
    alt.Chart(daily)
    .mark_line()
    .encode(
        x=alt.X("date:T", title="Date"),
        y=alt.Y("contacts:Q", title="Contacts per day"),
        color=alt.Color("channel:N", title="Channel"),
        tooltip=["date:T", "channel:N", alt.Tooltip("contacts:Q", format=",.0f")],
    )
    .properties(height=320, title="Daily contacts")
)
st.altair_chart(chart, width="stretch")

@st.cache_data(show_spinner=False, max_entries=4)
def _gaps(frame: pd.DataFrame):
    from forecasting import gap_report

    rep = gap_report(frame)
    return rep.gaps, rep.opening_hours


fc_mod, _reason = availability.load(availability.FORECASTING)
if fc_mod is not None and hasattr(fc_mod, "gap_report"):
    gaps = hours = None
    with _ui.user_errors("Gap report"):
        gaps, hours = _gaps(history)
    if gaps is not None:
        n = int(gaps["n_intervals"].sum()) if len(gaps) else 0
        with st.expander(f"Gaps inside opening hours: {len(gaps)} run(s), {n:,} missing intervals · opening hours",
                         expanded=False):
            st.caption("Missing intervals are reported, not filled; the Forecast page leaves them out of the fit.")
            if len(gaps):
                st.dataframe(gaps, width="stretch", hide_index=True)
                _ui.downloads(gaps, "gaps", key="gaps")
            st.dataframe(hours, width="stretch", hide_index=True)
            _ui.downloads(hours, "opening_hours", key="hours")

with st.expander("Table", expanded=False):
    st.dataframe(hist.tail(500), width="stretch", hide_index=True)
    _ui.downloads(history, "history", key="history")

with st.expander("Workspace", expanded=False):
    st.caption(f"Everything you load, set and save is kept in `{_ui.store().path}` (environment variable "
               "`WFM_DB_PATH`), so closing the browser or restarting the server loses nothing.")
    confirm = st.checkbox("I want to delete every upload, setting, roster and scenario", key="reset_confirm")
    if st.button("Reset the workspace", key="reset_workspace", disabled=not confirm, icon=":material/restart_alt:"):
        _ui.store().clear()
        for k in list(st.session_state):
            del st.session_state[k]
        st.rerun()
