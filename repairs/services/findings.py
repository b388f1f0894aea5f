"""What a repair finds (component, root cause, per fault code) is the most precise defect
evidence there is. Each finished repair writes one audit event `repair_findings` about the
case whose `data` carries a `defect` dict: the quality app's audit subscriber turns it into
the case's defect record (docs/quality.md), without repairs importing quality or quality
calling repairs. A returned swap unit has no case of its own: its evidence goes to the case
whose swap brought it back."""

from __future__ import annotations

from hotline.workflow import record_event

VERDICTS = {"repaired": "confirmed", "ber": "confirmed", "unrepairable": "confirmed",
            "not_repairable": "confirmed", "nff": "nff", "declined": "customer_damage"}
SOURCES = {"repair_centre": "repair", "service_point": "repair_partner"}


def findings_publish(*, subject, case, model, imei: str, fault_code, component: str,
                     root_cause: str, result: str, source: str, damage: bool = False) -> dict:
    """Record the findings of a finished repair as defect evidence about its case."""
    case = case or _returned_from(subject)
    verdict = VERDICTS.get(result, "confirmed")
    if damage or result == "declined":
        verdict = "customer_damage"
    finding = {"imei": imei, "model_id": getattr(model, "pk", None),
               "fault_code": getattr(fault_code, "code", ""), "component": component[:120],
               "root_cause": root_cause[:300], "result": result, "source": source,
               "reference": str(subject)}
    defect = {"verdict": verdict, "source": SOURCES[source],
              "component": component[:120], "root_cause": root_cause[:300]}
    if fault_code is not None:
        defect["fault_code"] = fault_code.code
    record_event(subject, action="repair_findings", case=case,
                 data={**finding, "defect": defect} if case is not None else finding)
    return finding


def _returned_from(subject):
    """The case whose swap brought this stock unit back, if any."""
    from exchanges.models import SwapInspection

    unit_id = getattr(subject, "unit_id", None)
    if unit_id is None:
        return None
    inspection = (SwapInspection.objects.filter(unit_id=unit_id).select_related("swap__case")
                  .order_by("-inspected_at").first())
    return inspection.swap.case if inspection is not None else None
