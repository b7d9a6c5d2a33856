"""Subcommands of ``wfm``: one module each, discovered by :mod:`staffing.cli`."""
