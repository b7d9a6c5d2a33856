"""Plain-Python helpers shared by the Streamlit pages (no ``streamlit`` import here).

The domain logic lives in the library (``forecasting``, ``staffing``); these modules only
persist, convert and reshape what the pages pass to it and get back.

Modules
-------
:mod:`wfm_app.store`
    SQLite persistence of uploaded data, current settings, roster results and named scenarios.
:mod:`wfm_app.io`
    Reading uploads (CSV / Excel, with a size limit) and writing downloads (CSV / Excel).
:mod:`wfm_app.compare`
    Side-by-side scenario tables with differences against a baseline, and their highlighting.
:mod:`wfm_app.jobs`
    Long work (roster solving) in a background thread with progress and a stop event.
:mod:`wfm_app.availability`
    Which optional library packages are present in this build.
:mod:`wfm_app.scenario`
    Service-target settings as JSON, one-knob what-if changes, week slicing of a forecast.
:mod:`wfm_app.rules_tables`
    Roster rules (``rules.toml``) as editable tables and back; generated teams.
:mod:`wfm_app.roster_io`
    A roster result as persisted frames + JSON meta; status in words; sickness selection.
:mod:`wfm_app.forecast_tables`
    Forecast events and overrides as editable tables; frames for the forecast chart.
:mod:`wfm_app.plan_doc`
    The headline knobs of a capacity plan document.
:mod:`wfm_app.views`
    Reshaping library outputs for display (pivots, summaries, printable roster).
:mod:`wfm_app.adapters`
    History validation through the library.
"""
