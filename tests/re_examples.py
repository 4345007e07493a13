"""A sentence with two genes and two diseases, shared by the RE tests."""

from biolite.types import Entity

TEXT = "Mutations in BRCA1 and TP53 cause breast cancer and ovarian cancer."


def ent(text: str, label: str) -> Entity:
    start = TEXT.index(text)
    return Entity(text=text, label=label, start=start, end=start + len(text), score=0.9)


ENTITIES = [
    ent("BRCA1", "Gene"),
    ent("TP53", "Gene"),
    ent("breast cancer", "Disease"),
    ent("ovarian cancer", "Disease"),
]
HEAD, TAIL = (13, 18), (34, 47)  # "BRCA1", "breast cancer"
