"""Data: the interval history (upload CSV/Excel or the built-in sample), validated and charted."""

from __future__ import annotations

import re

import altair as alt
import pandas as pd
import streamlit as st

from app_pages import _ui
from wfm_app import adapters, views
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


@st.cache_data(show_spinner=False, max_entries=4)
def _load_sample() -> pd.DataFrame:
    raw = pd.read_csv(_ui.SAMPLE_HISTORY)
    return adapters.validate_history(raw, source=_ui.SAMPLE_HISTORY.name)


def _use_sample() -> None:
    with _ui.user_errors("Loading the sample history"):
        if not _ui.SAMPLE_HISTORY.exists():
            st.error(f"The sample history {_ui.SAMPLE_HISTORY} is missing from this build.")
            return
        hist = _load_sample()
        _ui.put_frame("history", hist, {"source": f"built-in sample ({_ui.SAMPLE_HISTORY.name})", "rows": len(hist)})
        _ui.put_frame("forecast", None)
        st.session_state.pop("uploaded_history_id", None)


history = _ui.get_frame("history")
if history is None and _ui.SAMPLE_HISTORY.exists():
    _use_sample()
    history = _ui.get_frame("history")

left, right = st.columns([2, 1])
with left:
    up = st.file_uploader(
        "Upload an interval history (CSV or Excel)",
        type=["csv", "xlsx"],
        key="history_upload",
        help=f"Largest accepted file: {wio.MAX_UPLOAD_BYTES // 1_000_000} MB. The previous data stays in use "
        "until a file passes every check.",
    )
with right:
    st.write("")
    if st.button("Use the built-in sample", icon=":material/dataset:", key="use_sample"):
        _use_sample()
        history = _ui.get_frame("history")
        st.success("Loaded the built-in sample history.")

if up is not None and st.session_state.get("uploaded_history_id") != up.file_id:
    st.session_state["uploaded_history_id"] = up.file_id
    try:
        raw = wio.read_table(up.name, up.getvalue())
    except Exception as exc:  # noqa: BLE001 - shown as a message
        _ui.show_error(f"Upload {up.name} rejected", exc)
        st.warning("The previous data is still in use.")
    else:
        try:
            hist = adapters.validate_history(raw, source=up.name)
            _ui.put_frame("history", hist, {"source": f"upload {up.name}", "rows": len(hist)})
            _ui.put_frame("forecast", None)
        except Exception as exc:  # noqa: BLE001 - shown as a message
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
c2.metric("Channels", ", ".join(channels))
c3.metric("From", f"{hist['interval_start'].min():%Y-%m-%d}")
c4.metric("To", f"{hist['interval_start'].max():%Y-%m-%d}")
st.caption(f"Interval length: {views.interval_minutes_of(hist):g} minutes.")

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

with st.expander("Table", expanded=False):
    st.dataframe(hist.tail(500), width="stretch", hide_index=True)
    _ui.downloads(history, "history", key="history")
