"""Forms of technician visits in the console."""

from django import forms
from django.utils.translation import gettext_lazy

from diagnostics.models import FaultCode
from exchanges.models import Technician
from exchanges.visits.signature import DATA_URL_PREFIX, MAX_BYTES
from hotline.forms import BoundedDateTimeField

# base64 takes 4 characters for 3 bytes.
SIGNATURE_MAX_CHARS = len(DATA_URL_PREFIX) + (MAX_BYTES + 2) // 3 * 4


class VisitReportForm(forms.Form):
    work_done = forms.CharField(label=gettext_lazy("Work done / findings"), max_length=4000,
                                widget=forms.Textarea(attrs={"rows": 3}))
    parts_used = forms.CharField(label=gettext_lazy("Parts used"), required=False,
                                 max_length=1000)
    fault_code = forms.ModelChoiceField(label=gettext_lazy("Fault code found"), required=False,
                                        queryset=FaultCode.objects.filter(active=True))
    signed_by = forms.CharField(label=gettext_lazy("Customer's name"),
                                required=False, max_length=120)
    # The drawing pad (exchanges/static/exchanges/signature.js) fills it with a PNG data URL.
    signature = forms.CharField(required=False, max_length=SIGNATURE_MAX_CHARS,
                                widget=forms.HiddenInput)


class VisitBookForm(forms.Form):
    """The slot an operator picked: a technician and a start (aware, site time if naive)."""

    technician = forms.ModelChoiceField(queryset=Technician.objects.all())
    start = BoundedDateTimeField()


class VisitReportInput(VisitReportForm):
    """The report posted with a technician's action: every field optional here, the service
    says what its action needs (the work done to complete, the findings to escalate)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["work_done"].required = False


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500, required=False)
