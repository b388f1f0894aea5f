from quality.imports import import_installed_base
from quality.management.commands._importing import ImportCommand


class Command(ImportCommand):
    help = "Import units shipped to the field per month (a re-imported month replaces it)."
    columns = "month,model,units,country"
    importer = staticmethod(import_installed_base)
