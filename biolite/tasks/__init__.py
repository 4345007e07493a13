"""The task table: everything biolite knows about a task, in one row.

A row names the task's code (``Task`` class, pipeline class, options, evaluation
module) as ``"module:attribute"`` strings, so reading the table imports nothing
heavy. Every layer asks this table instead of spelling ``"ner"``/``"re"``:
pipelines, runtimes (which transformers head), model files (which head class means
which task), export (optimum task, accuracy gate), serving (output tensor, logits
shape) and the CLI. Adding a task is one row here and one module per layer that
needs new code (see ``docs/architecture.md``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator

from biolite.table import Table, load, one_of

__all__ = [
    "TASKS",
    "TASK_NAMES",
    "TaskInfo",
    "TaskName",
    "get_task",
    "load",
    "task_of_model",
    "task_options",
]


@dataclass(frozen=True)
class TaskInfo:
    """One task: its names, its code and how each layer treats it."""

    name: str
    title: str  # for messages: "token-classification (NER)"
    task_class: str  # "module:Class" implementing ``biolite.tasks.base.Task``
    pipeline_class: str  # "module:Class", a ``biolite.pipelines.base.Pipeline``
    options_class: str  # "module:Class", the pydantic task options (CLI defaults too)
    evaluation: str  # module with ``read_gold`` and ``score`` (export gate, CLI)
    auto_model: str  # transformers auto class of the head
    head_suffix: str  # architecture suffix that identifies the head in config.json
    optimum_task: str  # optimum exporter task
    metric: str  # the accuracy metric, as reports name it
    served_output: str  # Triton output tensor of the served pipeline (JSON per document)
    served_handler: str  # "module:Class" turning a served request into pipeline items
    served_client: str  # "module:Class" calling the served pipeline like a local one
    token_logits: bool  # logits per token (batch, seq, labels) or per sequence (batch, labels)
    model_env: str  # environment variable naming the default model
    example_call: str  # arguments of a call of the pipeline, for model cards
    probe_document: str  # a served request every model of the task answers (serve probe)
    asked_as: str = ""  # the task name users ask for, when not this one (doc_re: "re")
    vector_outputs: bool = False  # logits are vector coordinates (export compares cosines)


TASKS: Table[TaskInfo] = Table(
    "task",
    {
        "ner": TaskInfo(
            name="ner",
            title="token-classification (NER)",
            task_class="biolite.tasks.ner:NerTask",
            pipeline_class="biolite.pipelines.ner:NerPipeline",
            options_class="biolite.tasks.options:NerOptions",
            evaluation="biolite.evaluation.ner",
            auto_model="AutoModelForTokenClassification",
            head_suffix="ForTokenClassification",
            optimum_task="token-classification",
            metric="entity F1 (seqeval strict IOB2)",
            served_output="ENTITIES",
            served_handler="biolite.serving.handlers:NerHandler",
            served_client="biolite.serving.client:TritonNerPipeline",
            token_logits=True,
            model_env="BIOLITE_NER_MODEL",
            example_call='("BRCA1 mutations cause breast cancer.")',
            probe_document="BRCA1 mutations cause breast cancer.",
        ),
        "re": TaskInfo(
            name="re",
            title="relation-extraction (RE)",
            task_class="biolite.tasks.re:ReTask",
            pipeline_class="biolite.pipelines.re:RePipeline",
            options_class="biolite.tasks.options:ReOptions",
            evaluation="biolite.evaluation.re",
            auto_model="AutoModelForSequenceClassification",
            head_suffix="ForSequenceClassification",
            optimum_task="text-classification",
            metric="relation F1 (BLUE: GAD binary, ChemProt micro without False)",
            served_output="RELATIONS",
            served_handler="biolite.serving.handlers:ReHandler",
            served_client="biolite.serving.client_relations:relation_client",
            token_logits=False,
            model_env="BIOLITE_RE_MODEL",
            probe_document='{"text": "x"}',  # no entities, so no pair to classify
            example_call=(
                '("Mutations in BRCA1 cause breast cancer.", head=(13, 18), tail=(25, 38))'
            ),
        ),
        "doc_re": TaskInfo(
            name="doc_re",
            title="document-level relation extraction (concept pairs)",
            task_class="biolite.tasks.doc_re:DocReTask",
            pipeline_class="biolite.pipelines.doc_re:DocRePipeline",
            options_class="biolite.tasks.options:ReOptions",
            evaluation="biolite.evaluation.doc_re",
            auto_model="AutoModelForSequenceClassification",
            head_suffix="ForSequenceClassification",
            optimum_task="text-classification",
            metric="relation F1 (BioCreative V CDR: per document, the set of concept-id pairs)",
            served_output="RELATIONS",
            served_handler="biolite.serving.handlers:DocReHandler",
            served_client="biolite.serving.client_relations:TritonDocRePipeline",
            token_logits=False,
            model_env="BIOLITE_DOC_RE_MODEL",
            probe_document='{"text": "x"}',  # no entities, so no pair to score
            example_call="(text, entities=linked_ner(text))",
            asked_as="re",
        ),
        "names": TaskInfo(
            name="names",
            title="concept-name encoder (learned linking)",
            task_class="biolite.tasks.names:NameTask",
            pipeline_class="biolite.pipelines.names:NamePipeline",
            options_class="biolite.tasks.options:NameOptions",
            evaluation="biolite.evaluation.names",
            auto_model="AutoModelForTokenClassification",  # the head: a learned projection
            head_suffix="ForTokenClassification",
            optimum_task="token-classification",
            metric="top-1 linking accuracy of gold mentions against the training names",
            served_output="VECTORS",
            served_handler="biolite.serving.handlers:NamesHandler",
            served_client="biolite.serving.client_names:TritonNamePipeline",
            token_logits=True,
            model_env="BIOLITE_NAMES_MODEL",
            example_call='(["myocardial infarction", "heart attack"])',
            probe_document="myocardial infarction",
            vector_outputs=True,
        ),
    },
)
TASK_NAMES = TASKS.names()
#: the row of a task name; ``UnknownNameError`` lists the valid ones
get_task = TASKS.get
#: a task name checked against ``TASKS`` (for pydantic configs)
TaskName = Annotated[str, AfterValidator(one_of(TASKS))]


def task_of_model(asked: str, found: str | None) -> str:
    """The task to run when task ``asked`` is asked of a model built for task ``found``:
    ``found`` when users ask for it by that name (a document-level relation model
    asked for as ``"re"``), else ``asked``."""
    if found in TASKS and TASKS[found].asked_as == asked:
        return found
    return asked


def task_options(name: str, **options: Any) -> Any:
    """The task's options object, validated (pydantic) from keyword arguments."""
    return load(get_task(name).options_class)(**options)
