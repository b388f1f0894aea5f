from django.contrib import admin

from diagnostics.models import FaultCode


@admin.register(FaultCode)
class FaultCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "category", "description_en", "warranty_covered", "usual_action",
                    "active"]
    list_filter = ["category", "warranty_covered", "usual_action", "active"]
    search_fields = ["code", "description_en", "description_fr"]
