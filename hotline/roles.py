"""Roles and what they may do: the one place that grants capabilities to roles.

A capability is a Django permission, "app_label.codename": a model permission
("carriers.view_shipment") or one an app declares in a model's `Meta.permissions`
("calls.view_call_metrics"). Views, API views, navigation entries and panels check a
capability (`hotline.capabilities`), never a role name, so the console and the API agree.
A role is a Django group; `roles_sync()` (run after every migrate) gives each group exactly
the capabilities listed here.

Adding a role: add one entry to ROLES (its name, its label marked for translation, the
capabilities it grants and the roles it includes), run `make messages` and translate the label
in hotline/locale, then `manage.py migrate` (or `manage.py roles_sync`) creates the group.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.utils.translation import gettext_lazy as _

OPERATOR = "operator"
SUPERVISOR = "supervisor"
QA = "qa"
TECHNICIAN = "technician"
DISTRIBUTOR = "distributor"
SERVICE_POINT = "service_point"  # staff of an authorised repair shop (docs/repairs.md)


@dataclass(frozen=True)
class Role:
    label: str
    capabilities: frozenset[str]
    includes: tuple[str, ...] = ()  # roles whose capabilities this one has too


def _caps(*names: str) -> frozenset[str]:
    return frozenset(names)


ROLES: dict[str, Role] = {
    OPERATOR: Role(_("Operator"), _caps(
        # customers, handsets and cases, in the console and the API
        "hotline.work_cases",
        "hotline.view_customer", "hotline.add_customer", "hotline.change_customer",
        "hotline.view_customerphone", "hotline.add_customerphone",
        "hotline.view_address", "hotline.add_address", "hotline.change_address",
        "hotline.view_handset", "hotline.add_handset", "hotline.change_handset",
        "hotline.view_handsetmodel", "hotline.view_case", "hotline.add_case",
        "hotline.change_case", "hotline.view_distributor",
        # guided diagnosis
        "diagnostics.view_scriptrun", "diagnostics.add_scriptrun",
        # calls: the screen pop, linking calls and cases
        "calls.view_call", "calls.view_callcase", "calls.add_callcase",
        # shipments
        "carriers.view_shipment", "carriers.view_trackingevent",
        # payments (receipts) and the customers' questions
        "payments.view_payment", "payments.view_refund",
        "selfservice.view_followup", "selfservice.change_followup",
        # decisions, quotes, swaps, visits
        "exchanges.view_decision", "exchanges.add_decision", "exchanges.view_diagnosis",
        "exchanges.add_diagnosis", "exchanges.view_quote", "exchanges.view_swap",
        "exchanges.change_swap", "exchanges.add_swapinspection", "exchanges.view_visit",
        "exchanges.change_visit",
        "exchanges.view_replacementunit", "exchanges.view_serviceprice",
        "exchanges.view_technician", "exchanges.view_warehouse", "exchanges.view_swapinspection",
        # referrals to service points and repairs (docs/repairs.md)
        "repairs.view_servicepoint", "repairs.view_referral", "repairs.view_repairorder",
    )),
    SUPERVISOR: Role(_("Supervisor"), _caps(
        "hotline.override_decision", "hotline.cancel_in_service", "hotline.view_auditevent",
        "axes.view_accessattempt", "axes.delete_accessattempt",
        "hotline.view_api_docs",
        "diagnostics.view_script", "diagnostics.add_scriptversion",
        "diagnostics.view_scriptversion", "diagnostics.change_script",
        "diagnostics.view_faultcode", "diagnostics.change_faultcode",
        "diagnostics.add_faultcode",
        "calls.view_call_metrics", "calls.plan_staffing",
        "calls.view_agentstate", "calls.view_agentsession", "calls.view_shift",
        "calls.add_shift", "calls.change_shift", "calls.delete_shift", "calls.view_callevent",
        "carriers.change_shipment",
        "payments.refund_payment", "payments.add_refund",
        "exchanges.change_serviceprice", "exchanges.add_serviceprice",
        "exchanges.change_replacementunit", "exchanges.add_replacementunit",
        "exchanges.change_technician", "exchanges.add_technician",
        "exchanges.change_warehouse", "exchanges.add_warehouse",
        "exchanges.work_visit_rounds", "exchanges.dispatch_visits",
        "quality.view_defectrecord", "quality.view_alert",
        "repairs.add_servicepoint", "repairs.change_servicepoint", "repairs.work_repair",
        "repairs.view_part", "repairs.add_part", "repairs.change_part",
        "repairs.view_partstock", "repairs.add_partstock", "repairs.change_partstock",
        "partners.view_distributorkey", "partners.add_distributorkey",
        "partners.change_distributorkey", "partners.view_webhooksubscription",
        "partners.view_webhookdelivery",
    ), includes=(OPERATOR,)),
    QA: Role(_("Quality engineer"), _caps(
        "hotline.view_case", "hotline.view_handset", "hotline.view_handsetmodel",
        "diagnostics.view_script", "diagnostics.view_scriptversion",
        "diagnostics.view_scriptrun", "diagnostics.view_faultcode",
        "exchanges.view_swap", "exchanges.view_swapinspection", "exchanges.add_swapinspection",
        "quality.view_defectrecord", "quality.view_batch", "quality.view_installedbase",
        "quality.add_installedbase", "quality.view_alert", "quality.change_alert",
        "repairs.view_repairorder", "repairs.work_repair", "repairs.view_part",
        "repairs.view_partstock",
    )),
    TECHNICIAN: Role(_("Technician"), _caps(
        "hotline.view_case", "hotline.view_customer", "hotline.view_handset",
        "exchanges.view_visit", "exchanges.change_visit", "exchanges.work_visit_rounds",
    )),
    DISTRIBUTOR: Role(_("Distributor"), _caps(
        "hotline.follow_distributor_cases", "hotline.view_api_docs", "hotline.view_case",
        "hotline.add_case",
    )),
    SERVICE_POINT: Role(_("Service point staff"), _caps(
        "repairs.view_referral", "repairs.change_referral",
    )),
}


def role_capabilities() -> dict[str, set[str]]:
    """Return role -> every capability it grants, with those of the roles it includes."""

    def gather(name: str, seen: frozenset[str] = frozenset()) -> set[str]:
        role = ROLES[name]
        found = set(role.capabilities)
        for included in role.includes:
            if included not in seen:
                found |= gather(included, seen | {name})
        return found

    return {name: gather(name) for name in ROLES}


def roles_sync(*, app_config=None, **_kwargs) -> None:
    """Create the role groups and give each exactly its capabilities.

    As a post_migrate receiver it acts only for the last installed app, when the permissions
    of every app exist. A capability of an app that is not installed is skipped.
    """
    if app_config is not None and app_config is not list(apps.get_app_configs())[-1]:
        return
    # Imported here: this module is imported by AppConfigs, before the auth models are ready.
    from django.contrib.auth.models import Group, Permission

    for role, capabilities in role_capabilities().items():
        group, _created = Group.objects.get_or_create(name=role)
        found = []
        for capability in sorted(capabilities):
            app_label, codename = capability.split(".", 1)
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                found.append(permission)
        group.permissions.set(found)


def user_roles(user) -> set[str]:
    """Return the names of the user's roles (superusers have them all): for display only;
    access is decided by capabilities."""
    if not user.is_authenticated:
        return set()
    if not hasattr(user, "_hotline_roles"):
        user._hotline_roles = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            user._hotline_roles |= set(ROLES)
    return user._hotline_roles

