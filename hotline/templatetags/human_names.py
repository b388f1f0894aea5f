"""`{% load human_names %}`: the human, translated names of events, messages and states."""

from django import template

from hotline import i18n, names

register = template.Library()


@register.filter
def event_name(key: str) -> str:
    return names.event_name(key)


@register.filter
def message_name(key: str) -> str:
    return names.message_name(key)


@register.filter
def state_name(value: str, model) -> str:
    """`{{ swap.status|state_name:swap }}`: a state's name as `model`'s machine says it (the
    model, an instance, a ContentType or "app_label.model_name"); an audit event's states are
    `event.source_name` and `event.target_name`."""
    return names.state_name(value, model)


@register.filter
def stored_text(text) -> str:
    """A sentence stored in English (a reason, a tracking text), in the reader's language."""
    return i18n.stored_text(text)
