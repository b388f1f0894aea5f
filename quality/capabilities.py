"""The capabilities the quality pages and API check (granted in hotline.roles.ROLES)."""

VIEW_QUALITY = "quality.view_defectrecord"  # QA pages, tables, alerts, report, the QA API
ACT_ON_ALERTS = "quality.change_alert"  # acknowledge, assign, resolve, annotate alerts
IMPORT_QUALITY_DATA = "quality.add_installedbase"  # batches, field returns, installed base
