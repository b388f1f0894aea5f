from quality.imports import import_field_returns
from quality.management.commands._importing import ImportCommand


class Command(ImportCommand):
    help = "Import field returns from repair partners and distributors (idempotent)."
    columns = "date,imei,model,fault_code,batch,country,source,reference"
    importer = staticmethod(import_field_returns)
