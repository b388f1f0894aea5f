"""`{% load human_names %}`: the human, translated names of events, messages and states."""

from django import template

from hotline import names

register = template.Library()


@register.filter
def event_name(key: str) -> str:
    return names.event_name(key)


@register.filter
def message_name(key: str) -> str:
    return names.message_name(key)


@register.filter
def state_name(value: str) -> str:
    return names.state_name(value)
