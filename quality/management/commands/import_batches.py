from quality.imports import import_batches
from quality.management.commands._importing import ImportCommand


class Command(ImportCommand):
    help = "Import production batches (IMEI ranges per batch)."
    columns = "batch,model,imei_from,imei_to,manufactured_on"
    importer = staticmethod(import_batches)
