from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from diagnostics.models import FaultCode, Script, ScriptRun, ScriptStep, ScriptVersion
from diagnostics.scripts.lint import ScriptLintError
from diagnostics.services import script_publish


@admin.register(FaultCode)
class FaultCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "category", "description_en", "warranty_covered", "usual_action",
                    "active"]
    list_filter = ["category", "warranty_covered", "usual_action", "active"]
    search_fields = ["code", "description_en", "description_fr"]


class ScriptUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Script (YAML)"),
                           help_text=gettext_lazy("It is checked by the linter; a changed "
                                                  "script becomes a new version."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 512 * 1024:
            raise forms.ValidationError(_("A script file is at most 512 KB."))
        try:
            self.text = upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not UTF-8 text.")) from None
        return upload


class ScriptVersionInline(admin.TabularInline):
    model = ScriptVersion
    fields = ["number", "title_en", "symptom", "handset_models", "published_at", "published_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Script)
class ScriptAdmin(admin.ModelAdmin):
    list_display = ["slug", "symptom", "active"]
    list_filter = ["symptom", "active"]
    fields = ["slug", "symptom", "active"]
    readonly_fields = ["slug", "symptom"]
    inlines = [ScriptVersionInline]
    change_list_template = "admin/diagnostics/script/change_list.html"

    def has_add_permission(self, request):
        return False  # scripts arrive by upload (or import_scripts), through the linter

    def get_urls(self):
        return [path("upload/", self.admin_site.admin_view(self.upload_view),
                     name="diagnostics_script_upload"), *super().get_urls()]

    def upload_view(self, request):
        if not request.user.has_perm("diagnostics.add_scriptversion"):
            raise PermissionDenied
        form = ScriptUploadForm(request.POST or None, request.FILES or None)
        lint_messages = []
        if request.method == "POST" and form.is_valid():
            try:
                version, created = script_publish(text=form.text, filename=form.cleaned_data[
                    "file"].name, actor=request.user)
            except ScriptLintError as exc:
                lint_messages = [str(message) for message in exc.messages]
            else:
                messages.success(request, _("%(version)s published.") % {"version": version}
                                 if created else _("%(version)s is unchanged.") % {
                                     "version": version})
                return redirect(reverse("admin:diagnostics_script_change",
                                        args=[version.script_id]))
        return TemplateResponse(request, "admin/diagnostics/script/upload.html", {
            **self.admin_site.each_context(request), "form": form, "opts": self.model._meta,
            "lint_messages": lint_messages, "title": _("Upload a diagnostic script")})


@admin.register(ScriptVersion)
class ScriptVersionAdmin(admin.ModelAdmin):
    list_display = ["script", "number", "title_en", "symptom", "published_at"]
    list_filter = ["symptom"]
    readonly_fields = ["script", "number", "title_en", "title_fr", "symptom", "also_for",
                       "handset_models", "source", "source_name", "checksum", "published_at",
                       "published_by"]
    exclude = ["tree"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # a published version never changes: upload a new one


class ScriptStepInline(admin.TabularInline):
    model = ScriptStep
    fields = ["seq", "position", "node_id", "answer", "value", "seconds", "answered_by",
              "discarded"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(ScriptRun)
class ScriptRunAdmin(admin.ModelAdmin):
    list_display = ["id", "case", "version", "status", "fault_code", "action", "started_at",
                    "duration_seconds"]
    list_filter = ["status", "action"]
    search_fields = ["case__number"]
    readonly_fields = ["case", "version", "operator", "status", "current_node", "position",
                       "started_at", "finished_at", "duration_seconds", "abandon_reason",
                       "fault_code", "action", "node_entered_at"]
    inlines = [ScriptStepInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
