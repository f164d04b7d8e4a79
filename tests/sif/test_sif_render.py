"""The objects' texts the writer renders itself (plan_code.render_lines) are what lxml writes
for the same element: whichever elements are present, with or without text."""

import random

from lxml import etree

from utrex_sdk.sif.compiled import Plan
from utrex_sdk.sif.spec import sif_spec


def plans():
    spec = sif_spec()
    grouped = {rs.objects[0] for rs in spec.records.values() if rs.group}  # general path only
    for rt, rs in spec.records.items():
        for name in rs.objects:
            if name not in grouped:
                yield rt, name, Plan(spec, spec.objects[name], rs)


def test_an_element_present_with_no_text_is_closed_as_lxml_closes_it():
    # every element present, no text but the RefId: each leaf is written <Name/> and each
    # parent still closes after it (a parent once took its last empty child's mark for its own)
    for rt, name, plan in plans():
        texts = [("A" * 32 if slot == plan.id_slot else None)
                 for slot in range(len(plan.slot_owner))]
        content = [True] * len(plan.nodes)
        element = etree.tostring(plan.element(list(texts), content), encoding="unicode")
        assert plan.render(list(texts), content) == element, (rt, name)


def test_any_mix_of_elements_and_texts_renders_as_lxml_serializes():
    rng = random.Random(14)
    for rt, name, plan in plans():
        for _ in range(40):
            texts = [rng.choice([None, "", "x", "0998"]) for _ in plan.slot_owner]
            texts[plan.id_slot] = "B" * 32
            content = [True] + [rng.random() < 0.6 for _ in plan.nodes[1:]]
            element = etree.tostring(plan.element(list(texts), content), encoding="unicode")
            assert plan.render(list(texts), content) == element, (rt, name, texts, content)
