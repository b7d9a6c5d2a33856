"""WFM optimiser: the planner's workbench (Streamlit multipage app).

Run with ``streamlit run app.py``. Pages live in ``app_pages/`` (one file each); data and
scenarios persist in SQLite at ``$WFM_DB_PATH`` (default ``~/.wfm/wfm.sqlite``).
"""

import sys
import traceback
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent))  # library and app_pages importable

st.set_page_config(page_title="WFM optimiser", page_icon=":material/support_agent:", layout="wide")

pages = {
    "Plan": [
        st.Page("app_pages/data.py", title="Data", icon=":material/upload_file:", url_path="data", default=True),
        st.Page("app_pages/forecast.py", title="Forecast", icon=":material/trending_up:", url_path="forecast"),
        st.Page("app_pages/staffing_page.py", title="Staffing", icon=":material/groups:", url_path="staffing"),
        st.Page("app_pages/schedule.py", title="Schedule", icon=":material/calendar_month:", url_path="schedule"),
    ],
    "Decide": [
        st.Page("app_pages/whatif.py", title="What-if", icon=":material/compare_arrows:", url_path="what-if"),
        st.Page("app_pages/budget.py", title="Budget", icon=":material/payments:", url_path="budget"),
    ],
}
page = st.navigation(pages)
try:
    page.run()
except Exception as exc:
    traceback.print_exc()
    st.error(f"This page failed unexpectedly ({type(exc).__name__}: {exc}). Your saved data is intact.")
