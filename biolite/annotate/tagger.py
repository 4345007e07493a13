"""Tag documents with one or several NER models: each passage through each model,
mentions shifted to document offsets, types merged per document. A multi-head
model's mentions record ``MODEL/HEAD`` as the model that found them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from biolite.io import Document
from biolite.io.document import DocRelation
from biolite.runtimes.work import Work


def model_label(model: str) -> str:
    """The name recorded with each mention: a folder's name, or the name as given."""
    path = Path(model).expanduser()
    return path.name if path.is_dir() else model


class Tagger:
    """NER pipelines (one per model) applied to whole documents, then optionally a
    document-level relation pipeline over the linked mentions."""

    def __init__(
        self,
        pipelines: Sequence[tuple[str, Any]],
        keep_annotations: bool = False,
        relations: tuple[str, Any] | None = None,
    ):
        """``pipelines``: ``(name recorded with each mention, NER pipeline)`` pairs;
        ``relations``: ``(name recorded with each relation, DocRePipeline)``."""
        self.pipelines, self.keep_annotations = list(pipelines), keep_annotations
        self.relations = relations

    @classmethod
    def from_models(
        cls,
        models: Sequence[str],
        keep_annotations: bool = False,
        re_model: str | None = None,
        re_options: dict[str, Any] | None = None,
        **options: Any,
    ):
        """A tagger loading each model with ``biolite.pipeline("ner", **options)`` and
        ``re_model`` with ``biolite.pipeline("re", **re_options)``."""
        from biolite.pipelines import pipeline

        named = [(model_label(m), pipeline("ner", model=m, **options)) for m in models]
        relations = None
        if re_model is not None:
            relations = (model_label(re_model), pipeline("re", model=re_model, **re_options or {}))
        tagger = cls(named, keep_annotations, relations)
        tagger.check_relation_types()
        return tagger

    def check_relation_types(self) -> None:
        """``ConfigError`` up front when NER models run but do not tag both types the
        relation model relates (every document would get no relation)."""
        from biolite.errors import ConfigError

        if self.relations is None or not self.pipelines:
            return
        s = self.relations[1].settings
        tagged = {t.lower() for t in self.types}
        missing = [t for t in (s.head_type, s.tail_type) if t.lower() not in tagged]
        if missing:
            raise ConfigError(
                f"the NER models tag {', '.join(self.types) or 'nothing'}, but the relation "
                f"model relates {s.head_type} and {s.tail_type} mentions (missing: "
                f"{', '.join(missing)})"
            )

    def tag(self, docs: Sequence[Document], progress: bool = False) -> None:
        """Add each model's mentions to ``docs`` (sorted by offset, then type)."""
        passages = [(doc, p) for doc in docs for p in doc.passages if p.text.strip()]
        texts = [p.text for _, p in passages]
        if not self.keep_annotations:
            for doc in docs:
                doc.annotations = []
        for name, ner in self.pipelines:
            found = _entities(ner, texts, progress) if texts else []
            new: dict[int, list] = {id(doc): [] for doc in docs}
            for (doc, passage), entities in zip(passages, found):
                new[id(doc)] += [
                    e.model_copy(
                        update={
                            "start": passage.offset + e.start,
                            "end": passage.offset + e.end,
                            "model": f"{name}/{e.head}" if e.head else name,
                            "head": None,
                        }
                    )
                    for e in entities
                ]
            linker = getattr(ner, "linker", None)
            if linker is not None:  # whole documents: the title's abbreviations hold below it
                linked = linker.link_many([(doc.text, new[id(doc)]) for doc in docs])
                new = {id(doc): mentions for doc, mentions in zip(docs, linked)}
            for doc in docs:
                doc.annotations += new[id(doc)]
        for doc in docs:
            doc.annotations.sort(key=lambda a: (a.start, a.end, a.label, a.model or ""))
        if self.relations is not None:
            self.relate(docs)

    def relate(self, docs: Sequence[Document]) -> None:
        """Set each document's relations of the model's type to the model's (the input's
        relations of other types are kept with ``keep_annotations``)."""
        name, pipe = self.relations
        s = pipe.settings
        linked = bool(self.linkers)  # a mention the linker could not link has no id
        for doc, found in zip(docs, pipe.documents(docs, check=not linked)):
            new = [
                DocRelation(
                    r.label,
                    (r.head.id, r.tail.id),
                    roles=(s.head_type, s.tail_type),
                    score=r.score,
                    model=name,
                )
                for r in found
            ]
            kept = [r for r in doc.relations if r.type != s.relation]
            doc.relations = (kept if self.keep_annotations else []) + new

    @property
    def linkers(self) -> list[Any]:
        """The linkers of the pipelines that have one."""
        return [ner.linker for _, ner in self.pipelines if getattr(ner, "linker", None)]

    @property
    def work(self) -> Work:
        """What the models encoded so far (``runtimes.work.Work``), all models together."""
        pipes = [*self.pipelines, *([self.relations] if self.relations else [])]
        return sum((getattr(p, "work", Work()) for _, p in pipes), Work())

    @property
    def types(self) -> list[str]:
        """The entity types the models tag."""
        found = {label[2:] for _, ner in self.pipelines for label in ner.labels if label != "O"}
        return sorted(found)


def _entities(ner: Any, texts: list[str], progress: bool) -> list:
    """Each passage's mentions; a pipeline's own linker is left for the whole document."""
    if getattr(ner, "linker", None) is not None:
        return ner.predict(texts, progress, link=False)
    return ner(texts, progress=progress)
