"""The swap's written terms on the quote: the unreturned device charge."""

from django import template

from exchanges.swaps.services import unreturned_charge_terms

register = template.Library()


@register.simple_tag
def unreturned_charge(currency: str = "EUR") -> str:
    """Return the sentence stating the unreturned device charge of a swap."""
    return unreturned_charge_terms(currency=currency)
