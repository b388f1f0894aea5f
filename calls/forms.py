import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from calls.erlang import LIMITS
from calls.metrics import GROUPS, INTERVALS, short_abandon_threshold, sl_target, sl_threshold
from hotline.forms import BoundedDateField, DateInput
from hotline.models import Symptom


class OpenCaseForm(forms.Form):
    customer = forms.IntegerField(widget=forms.HiddenInput)
    symptom = forms.ChoiceField(label=_("Symptom"), choices=Symptom.choices)
    handset = forms.IntegerField(label=_("Handset"), required=False)
    description = forms.CharField(label=_("What the customer says"), required=False,
                                  max_length=2000)


class LinkCaseForm(forms.Form):
    case = forms.CharField(max_length=20)


INTERVAL_LABELS = {"15m": _("15 minutes"), "30m": _("30 minutes"), "1h": _("hour"),
                   "day": _("day"), "week": _("week"), "month": _("month")}
GROUP_LABELS = {"interval": _("interval"), "queue": _("queue"), "operator": _("operator"),
                "total": _("whole period")}


class ReportForm(forms.Form):
    start = BoundedDateField(label=pgettext_lazy("period", "From"), widget=DateInput())
    end = BoundedDateField(label=_("To (included)"), widget=DateInput(),
                           help_text=_("The report runs to the end of this day."))
    queue = forms.CharField(label=_("Queue"), required=False, max_length=80)
    interval = forms.ChoiceField(label=_("Interval"), initial="1h",
                                 choices=[(key, INTERVAL_LABELS[key]) for key in INTERVALS])
    group = forms.ChoiceField(label=_("Rows"), initial="interval",
                              choices=[(key, GROUP_LABELS[key]) for key in GROUPS])
    threshold = forms.IntegerField(label=_("Answered within (s)"), initial=sl_threshold,
                                   min_value=0)
    short_abandon = forms.IntegerField(label=_("Short abandon up to (s)"),
                                       initial=short_abandon_threshold, min_value=0)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end is before the start."))
        return data

    @classmethod
    def defaults(cls) -> dict:
        today = timezone.localdate()
        return {"start": today - datetime.timedelta(days=6), "end": today, "interval": "day",
                "group": "interval", "threshold": sl_threshold(),
                "short_abandon": short_abandon_threshold()}


class PlannerForm(forms.Form):
    day = BoundedDateField(label=_("Day"), widget=DateInput())
    interval = forms.TypedChoiceField(label=_("Interval"), coerce=int, initial=1800,
                                      choices=[(900, _("15 minutes")), (1800, _("30 minutes")),
                                               (3600, _("hour"))])
    target = forms.FloatField(label=_("Target service level"), initial=sl_target, min_value=0.01,
                              max_value=0.99)
    answer_within = forms.IntegerField(label=_("Answered within (s)"), initial=sl_threshold,
                                       min_value=0, max_value=LIMITS["answer_within"][1])
    shrinkage = forms.FloatField(label=_("Shrinkage"), initial=0.3, min_value=0, max_value=0.9)
    max_occupancy = forms.FloatField(label=_("Maximum occupancy"), required=False,
                                     min_value=0.1, max_value=1)
    weeks = forms.IntegerField(label=_("Weeks of history"), initial=4, min_value=1,
                               max_value=12)


class StaffingForm(forms.Form):
    calls = forms.FloatField(label=_("Calls per interval"), min_value=0,
                             max_value=LIMITS["calls"][1])
    interval = forms.IntegerField(label=_("Interval (s)"), initial=1800, min_value=60,
                                  max_value=LIMITS["interval"][1])
    aht = forms.FloatField(label=_("Average handle time (s)"), min_value=1,
                           max_value=LIMITS["aht"][1])
    target = forms.FloatField(label=_("Target service level"), initial=0.8, min_value=0.01,
                              max_value=0.99)
    answer_within = forms.IntegerField(label=_("Answered within (s)"), initial=sl_threshold,
                                       min_value=0, max_value=LIMITS["answer_within"][1])
    shrinkage = forms.FloatField(label=_("Shrinkage"), initial=0, min_value=0, max_value=0.9)
    max_occupancy = forms.FloatField(label=_("Maximum occupancy"), required=False,
                                     min_value=0.1, max_value=1)
    agents = forms.IntegerField(label=_("Operators (optional)"), required=False, min_value=0,
                                max_value=LIMITS["agents"][1])
