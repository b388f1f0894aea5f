"""What a repair finds (component, root cause, per fault code) is the most precise defect
evidence there is: it is audited and offered to the apps that collect defect records through
their AppConfig's `repair_findings_hooks`, without any of them importing repairs."""

from __future__ import annotations

from django.apps import apps
from django.utils.module_loading import import_string

from hotline.workflow import record_event


def findings_publish(*, subject, case, model, imei: str, fault_code, component: str,
                     root_cause: str, result: str, source: str) -> dict:
    """Record the findings of a finished repair and hand them to every subscriber."""
    finding = {"imei": imei, "model_id": getattr(model, "pk", None),
               "fault_code": getattr(fault_code, "code", ""), "component": component,
               "root_cause": root_cause, "result": result, "source": source,
               "reference": str(subject)}
    record_event(subject, action="repair_findings", case=case, data=finding)
    for config in apps.get_app_configs():
        for path in getattr(config, "repair_findings_hooks", ()):
            import_string(path)(finding=finding, case=case)
    return finding
