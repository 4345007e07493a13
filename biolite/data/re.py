"""Entity-masked relation-extraction corpora (BioBERT's GAD and ChemProt files).

Each row is one sentence in which the two candidate entities are replaced by
mask tokens (``@GENE$`` / ``@DISEASE$`` for GAD, ``BC6ENTC`` / ``BC6ENTG`` for
ChemProt) and a label. Rows that do not hold exactly one head mask and one tail
mask are reported (count and first lines) and skipped, never a crash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from biolite.errors import DataFormatError, UnknownNameError
from biolite.files import strict_lines
from biolite.table import Table


@dataclass(frozen=True)
class ReScheme:
    """How a dataset marks its entity pair, and what its labels mean."""

    name: str
    head_type: str
    tail_type: str
    head_mask: str
    tail_mask: str
    labels: tuple[str, ...]
    negative: str
    metric: str  # "binary" (F1 of the positive label) or "micro" (micro F1 without negative)


#: dataset name -> scheme (folder names are matched case-insensitively)
RE_SCHEMES: Table[ReScheme] = Table("RE dataset")
for _scheme in (
    ReScheme("gad", "Gene", "Disease", "@GENE$", "@DISEASE$", ("0", "1"), "0", "binary"),
    ReScheme(
        "chemprot",
        "Chemical",
        "Gene",
        "BC6ENTC",
        "BC6ENTG",
        ("False", "CPR:3", "CPR:4", "CPR:5", "CPR:6", "CPR:9"),
        "False",
        "micro",
    ),
):
    RE_SCHEMES.add(_scheme.name, _scheme)


@dataclass(frozen=True)
class ReExample:
    """One masked sentence with the character spans of its head and tail masks."""

    text: str
    head: tuple[int, int]
    tail: tuple[int, int]
    label: str


@dataclass
class ReSplit:
    """Examples of one split and the rows that were skipped (line, reason)."""

    examples: list[ReExample]
    skipped: list[tuple[int, str]] = field(default_factory=list)
    fold: int | None = None  # the cross-validation fold read (GAD), if any

    def summary(self) -> str:
        """One line for humans: how many rows were skipped and the first few."""
        if not self.skipped:
            return f"{len(self.examples)} examples"
        first = ", ".join(f"line {n} ({why})" for n, why in self.skipped[:3])
        return f"{len(self.examples)} examples, {len(self.skipped)} rows skipped: {first}"


def scheme_for(data_dir: str | Path, name: str | None = None) -> ReScheme:
    """The scheme named ``name``, or the one whose name appears in the folder path."""
    if name is not None:
        return RE_SCHEMES.get(name.lower())
    parts = [p.lower() for p in Path(data_dir).resolve().parts]
    for key, scheme in RE_SCHEMES.items():
        if key in parts:
            return scheme
    raise UnknownNameError(
        "RE dataset", Path(data_dir).name, list(RE_SCHEMES), hint="pass --dataset"
    )


def read_re_file(path: str | Path, scheme: ReScheme) -> ReSplit:
    """Read a GAD or ChemProt TSV file (with or without a header, 2 or 3 columns)."""
    path = Path(path)
    split = ReSplit([])
    for lineno, line in strict_lines(path, "RE data file"):
        if not line.strip() or _is_header(line):
            continue
        fields = line.split("\t")
        if len(fields) not in (2, 3):
            raise DataFormatError(
                path, lineno, f"expected 2 or 3 tab-separated fields, got {len(fields)}"
            )
        text, label = fields[-2], fields[-1].strip()
        if label not in scheme.labels:
            raise DataFormatError(path, lineno, f"label {label!r} is not one of {scheme.labels}")
        example, reason = _example(text, label, scheme)
        if example is None:
            split.skipped.append((lineno, reason))
        else:
            split.examples.append(example)
    return split


def _is_header(line: str) -> bool:
    return line.startswith(("sentence\tlabel", "index\tsentence\tlabel"))


def _example(text: str, label: str, scheme: ReScheme) -> tuple[ReExample | None, str]:
    heads = [m.span() for m in re.finditer(re.escape(scheme.head_mask), text)]
    tails = [m.span() for m in re.finditer(re.escape(scheme.tail_mask), text)]
    if len(heads) != 1 or len(tails) != 1:
        return None, f"{len(heads)} {scheme.head_mask} and {len(tails)} {scheme.tail_mask}"
    return ReExample(text, heads[0], tails[0], label), ""


def load_re_split(
    data_dir: str | Path, split: str, scheme: ReScheme | None = None, fold: int | None = None
) -> ReSplit:
    """``DIR/[fold/]<split>.tsv``; GAD's folds are sub-folders ``1`` .. ``10``."""
    data_dir = Path(data_dir)
    scheme = scheme or scheme_for(data_dir)
    if fold is not None:
        data_dir = data_dir / str(fold)
    split = {"devel": "dev", "validation": "dev"}.get(split, split)
    return read_re_file(data_dir / f"{split}.tsv", scheme)
