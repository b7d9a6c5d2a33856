"""Plain-Python helpers shared by the Streamlit pages (no ``streamlit`` import here).

Modules
-------
:mod:`wfm_app.store`
    SQLite persistence of uploaded data, current settings and named scenarios.
:mod:`wfm_app.io`
    Reading uploads (CSV / Excel, with a size limit) and writing downloads (CSV / Excel).
:mod:`wfm_app.compare`
    Side-by-side scenario tables with differences against a baseline.
:mod:`wfm_app.jobs`
    Long work (roster solving) in a background thread with progress and a stop event.
:mod:`wfm_app.availability`
    Which optional library packages are present in this build.
:mod:`wfm_app.views`
    Reshaping library outputs for display (pivots, summaries); no domain logic.
"""
