from django import forms
from django.utils.translation import gettext_lazy as _


class StartForm(forms.Form):
    version = forms.IntegerField(min_value=1)


class AnswerForm(forms.Form):
    step = forms.IntegerField(min_value=0, help_text=_("The step number the operator saw."))
    answer = forms.CharField(max_length=80, required=False)
    value = forms.DecimalField(max_digits=12, decimal_places=3, required=False,
                               label=_("Measured value"))

    def clean(self):
        data = super().clean()
        if not data.get("answer") and data.get("value") is None and not self.errors:
            raise forms.ValidationError(_("Choose an answer or type the measured value."))
        return data


class BackForm(forms.Form):
    step = forms.IntegerField(min_value=0)
    to_step = forms.IntegerField(min_value=0)


class AbandonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300,
                             widget=forms.TextInput(attrs={"placeholder": _(
                                 "e.g. customer had to hang up")}))
