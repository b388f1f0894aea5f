"""A script's sentence shows what it quotes from the handset's screen as written there."""

from django.template import Context, Template


def _render(text: str) -> str:
    return Template("{% load script_text %}{{ text|script_text }}").render(Context({"text": text}))


def test_a_quoted_screen_label_is_marked_not_to_translate():
    html = _render("choisissez « Wipe cache partition », puis “Reboot system now”.")

    assert '« <span class="screen-label" translate="no">Wipe cache partition</span> »' in html
    assert '“<span class="screen-label" translate="no">Reboot system now</span>”' in html


def test_the_rest_of_the_sentence_is_escaped():
    html = _render("Tapez <b> puis « OK »")

    assert "&lt;b&gt;" in html and "<b>" not in html
