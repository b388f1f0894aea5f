"""The capabilities the diagnostics pages and API check (granted in hotline.roles.ROLES)."""

RUN_SCRIPTS = "diagnostics.add_scriptrun"  # run a guided script on a case
VIEW_SCRIPTS = "diagnostics.view_script"  # the scripts and their figures (QA)
