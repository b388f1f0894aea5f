from django import template

register = template.Library()


@register.filter
def get_item(row: dict, key: str):
    """Return row[key] (the QA tables are lists of dicts)."""
    return row.get(key)
