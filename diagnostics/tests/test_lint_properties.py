"""Property: whatever tree is written, a script the linter accepts can be walked to an outcome
along every path, and every node lies on some path."""

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from diagnostics.scripts import tree as t
from diagnostics.scripts.lint import lint_text
from diagnostics.scripts.loader import parse, plain

TEXT = {"en": "text", "fr": "texte"}


@st.composite
def scripts(draw):
    count = draw(st.integers(min_value=2, max_value=8))
    ids = [f"n{i}" for i in range(count)]
    nodes = []
    for node_id in ids:
        if draw(st.booleans()):
            nodes.append({"id": node_id, "kind": "outcome", "action": "advice",
                          "fault_code": "NFF-00", "text": TEXT})
        else:
            targets = draw(st.lists(st.sampled_from(ids), min_size=2, max_size=3))
            nodes.append({"id": node_id, "kind": "question", "text": TEXT, "choices": [
                {"id": f"c{i}", "label": TEXT, "next": target}
                for i, target in enumerate(targets)]})
    return {"id": "random", "symptom": "screen", "title": TEXT, "start": "n0", "nodes": nodes}


@settings(max_examples=150, deadline=None)
@given(scripts())
def test_an_accepted_script_walks_to_an_outcome_on_every_path(script):
    text = yaml.safe_dump(script, sort_keys=False)

    linted = lint_text(text, filename="random.yaml", fault_codes={"NFF-00"},
                       symptoms={"screen"})

    if linted.ok:
        data = plain(parse(text))
        paths = t.all_paths(data)
        assert paths and all(data_node(data, path[-1][0])["kind"] == "outcome"
                             for path in paths)
        assert {step[0] for path in paths for step in path} == {n["id"] for n in data["nodes"]}
    else:
        assert all(message.line > 0 for message in linted.messages)


def data_node(data, node_id):
    return t.nodes_by_id(data)[node_id]
