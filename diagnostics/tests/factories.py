"""Factories and sample scripts for the diagnostics tests."""

from __future__ import annotations

import textwrap

from diagnostics.models import ScriptVersion
from diagnostics.services import script_publish

SAMPLE = textwrap.dedent("""\
    id: sample
    symptom: battery_drain
    title: {en: "Sample", fr: "Exemple"}
    models: all
    start: q_swollen
    nodes:
      - id: q_swollen
        kind: question
        text: {en: "Is it swollen?", fr: "Est-elle gonflée ?"}
        choices:
          - {id: swollen, label: {en: "Swollen", fr: "Gonflée"}, next: o_swollen}
          - {id: flat, label: {en: "Flat", fr: "Plate"}, next: m_health}
      - id: m_health
        kind: measurement
        text: {en: "Battery health?", fr: "État de la batterie ?"}
        unit: "%"
        min: 0
        max: 100
        ranges:
          - {from: 0, to: 80, next: o_degraded}
          - {from: 80, to: 100, next: i_settings}
      - id: i_settings
        kind: instruction
        text: {en: "Change the settings.", fr: "Changez les réglages."}
        if_helped: o_settings
        if_not_helped: o_degraded
      - id: o_swollen
        kind: outcome
        action: swap
        fault_code: BAT-03
        text: {en: "Swollen: swap.", fr: "Gonflée : échange."}
      - id: o_degraded
        kind: outcome
        action: swap
        fault_code: BAT-01
        text: {en: "Degraded: swap.", fr: "Dégradée : échange."}
      - id: o_settings
        kind: outcome
        action: advice
        fault_code: BAT-02
        text: {en: "Settings fixed it.", fr: "Les réglages l’ont corrigé."}
    """)


def publish_sample(text: str = SAMPLE, **replacements) -> ScriptVersion:
    for old, new in replacements.items():
        text = text.replace(old, new)
    version, _created = script_publish(text=text, filename="sample.yaml")
    return version
