"""Read documents from .txt / .jsonl files (optionally .gz, or standard input) and
write JSONL results that survive interruption.

Results stream into ``.NAME.partial`` beside the output, one complete line per
document, flushed after every chunk; ``.NAME.partial.json`` records the input
(path, size, sha256) and the settings. Rerunning the same command resumes after
the last complete document (exactly once); the file is renamed to its final name
only when every document is done. Different input or settings are refused
unless ``--overwrite``.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from biolite.cli.options import add_field
from biolite.errors import ConfigError, DataError, DataFormatError
from biolite.files import (
    atomic_file,
    normal_file_mode,
    open_side_file,
    read_lines,
    read_side_file,
    sha256,
)
from biolite.io.document import MAX_DOC_CHARS, text_problem

#: extensions read as documents (``.gz`` of them too)
SUFFIXES = (".txt", ".jsonl")


@dataclass
class Problem:
    """An input line that is not a document (kept for the summary)."""

    line: int
    message: str


def check_input(path: Path) -> None:
    """``DataError`` unless ``path`` is ``-`` or a .txt/.jsonl(.gz) file."""
    if str(path) == "-":
        return
    suffix = path.suffixes[-2] if path.suffix == ".gz" and len(path.suffixes) > 1 else path.suffix
    if suffix not in SUFFIXES:
        raise DataError(
            f"{path}: unsupported input type {path.suffix or '(no extension)'}; give .txt "
            "(one document per line) or .jsonl (objects with a 'text' field), optionally .gz"
        )
    if not path.is_file():
        raise DataError(f"{path}: no such input file")


def read_documents(
    path: Path, max_chars: int = MAX_DOC_CHARS
) -> Iterator[tuple[int, dict | Problem]]:
    """``(line, document)`` with at least ``text`` (and ``id``: the line number for
    .txt), or ``(line, Problem)`` for a line that is not a document (or is over
    ``max_chars`` characters)."""
    jsonl = ".jsonl" in Path(str(path)).suffixes
    for lineno, line, problem in read_lines(path):
        if line is None:
            yield lineno, Problem(lineno, problem)
        elif not jsonl:
            yield lineno, _checked({"id": lineno, "text": line}, lineno, max_chars)
        elif line.strip():
            yield lineno, _json_document(line, lineno, max_chars)


def _checked(doc: dict, lineno: int, max_chars: int = MAX_DOC_CHARS) -> dict | Problem:
    problem = text_problem(doc["text"], max_chars)
    return Problem(lineno, problem) if problem else doc


def _json_document(line: str, lineno: int, max_chars: int = MAX_DOC_CHARS) -> dict | Problem:
    try:
        doc = json.loads(line)
    except json.JSONDecodeError as exc:
        return Problem(lineno, f"not JSON ({exc.msg})")
    if not isinstance(doc, dict) or not isinstance(doc.get("text"), str):
        return Problem(lineno, "expected an object with a string 'text' field")
    return _checked(doc, lineno, max_chars)


def _fingerprint(src: Path, settings: dict[str, Any]) -> dict[str, Any]:
    return {
        "input": str(src.resolve()),
        "size": src.stat().st_size,
        "sha256": sha256(src),
        "settings": settings,
    }


def make_parent(path: Path, option: str) -> None:
    """Create ``path``'s folder, or say in one line why ``option`` cannot be written there."""
    for folder in [path.parent, *path.parent.parents]:
        if folder.exists():
            if not folder.is_dir():
                raise ConfigError(f"cannot write {option} {path}: {folder} is not a directory")
            break
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot write {option} {path}: {exc.strerror}") from exc


class Output:
    """Where results go: standard output, or a resumable partial file."""

    def __init__(self, src: Path, dst: Path | None, overwrite: bool, settings: dict):
        self.dst, self.done = dst, 0
        if dst is None:
            self.handle: IO[str] = sys.stdout
            return
        if str(src) != "-" and dst.resolve() == src.resolve():
            raise ConfigError(f"--output {dst} is the input file; choose another output")
        if dst.exists() and not overwrite:
            raise ConfigError(f"{dst} already exists; pass --overwrite to replace it")
        self.partial = dst.with_name(f".{dst.name}.partial")
        self.meta = dst.with_name(f".{dst.name}.partial.json")
        fingerprint = None if str(src) == "-" else _fingerprint(src, settings)
        make_parent(dst, "--output")
        self.done = self._resume(fingerprint, overwrite)
        with atomic_file(self.meta, "w") as handle:
            handle.write(json.dumps(fingerprint))
        fd = open_side_file(self.partial, append=self.done > 0)
        self.handle = os.fdopen(fd, "a", encoding="utf-8")

    def _resume(self, fingerprint: dict | None, overwrite: bool) -> int:
        """Documents already written by an interrupted run of the same command."""
        if not os.path.lexists(self.partial):
            return 0
        same = (
            fingerprint is not None
            and os.path.lexists(self.meta)
            and (json.loads(read_side_file(self.meta)) == fingerprint)
        )
        if not same and not overwrite:
            raise ConfigError(
                f"{self.partial} holds an interrupted run with another input or other "
                "settings; rerun that command to finish it, or pass --overwrite to start again"
            )
        if not same:
            self.partial.unlink()
            return 0
        data = read_side_file(self.partial)
        complete = data[: data.rfind(b"\n") + 1]  # drop a line cut by the interruption
        fd = open_side_file(self.partial, append=True)
        os.ftruncate(fd, len(complete))
        os.close(fd)
        if not complete:
            self.partial.unlink()
        return complete.count(b"\n")

    def write(self, rows: list[dict]) -> None:
        """Append whole lines and make them durable (a kill keeps them)."""
        self.handle.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
        self.handle.flush()
        if self.dst is not None:
            os.fsync(self.handle.fileno())

    def finish(self) -> None:
        if self.dst is None:
            return
        self.handle.close()
        normal_file_mode(self.partial)
        os.replace(self.partial, self.dst)
        self.meta.unlink(missing_ok=True)

    def close(self) -> None:
        if self.dst is not None and not self.handle.closed:
            self.handle.close()


def process_documents(
    src: Path,
    dst: Path | None,
    chunk: int,
    annotate: Callable[[list[dict]], list[dict]],
    overwrite: bool = False,
    on_error: str = "fail",
    settings: dict[str, Any] | None = None,
    max_chars: int = MAX_DOC_CHARS,
) -> tuple[int, list[Problem]]:
    """Annotate every document of ``src`` into ``dst``; returns (documents written,
    lines skipped). Interrupted runs resume where they stopped; a document over
    ``max_chars`` characters is a bad line (``on_error``)."""
    from tqdm.auto import tqdm

    check_input(src)
    out = Output(src, dst, overwrite, {**(settings or {}), "max_doc_chars": max_chars})
    problems: list[Problem] = []
    count = out.done
    try:
        with tqdm(unit="doc", desc="documents", disable=dst is None, initial=out.done) as bar:
            documents = _documents(src, on_error, problems, max_chars)
            for docs in _chunks(src, documents, chunk, out.done):
                out.write([{**doc, **extra} for doc, extra in zip(docs, annotate(docs))])
                bar.update(len(docs))
                count += len(docs)
        out.finish()
    finally:
        out.close()
    return count, problems


def add_io_options(p: Any, what: str = "documents: .txt (one per line) or .jsonl") -> None:
    """``--output``, ``--overwrite``, ``--on-error`` and ``--chunk`` of file commands."""
    p.add_argument(
        "--output",
        type=Path,
        help="JSONL output, written as .NAME.partial and renamed when complete; an "
        "interrupted run resumes when rerun (unset: standard output)",
    )
    p.add_argument("--overwrite", action="store_true", help="replace an existing --output")
    p.add_argument(
        "--on-error",
        choices=["fail", "skip"],
        default="fail",
        help="an input line that is not a document: stop with its line number, or skip "
        "it and report it at the end",
    )
    from biolite.annotate.config import AnnotateConfig

    add_field(p, AnnotateConfig, "max_doc_chars")  # the same limit as annotate's


def summary(action: str, count: int, problems: list[Problem], src: Path) -> str:
    """The closing line: documents done and lines skipped (the first few named)."""
    text = f"{action} {count} documents"
    if problems:
        first = ", ".join(f"line {p.line} ({p.message})" for p in problems[:3])
        text += f"; skipped {len(problems)} lines of {src}: {first}"
    return text


def _documents(
    src: Path, on_error: str, problems: list[Problem], max_chars: int = MAX_DOC_CHARS
) -> Iterator[dict | Problem]:
    """Documents; a bad line is recorded and skipped, or (``fail``) passed on so that
    the documents before it are saved first."""
    for _, doc in read_documents(src, max_chars):
        if isinstance(doc, Problem) and on_error == "skip":
            problems.append(doc)
            continue
        yield doc


def _chunks(src: Path, docs: Iterator[dict | Problem], size: int, skip: int = 0):
    """Lists of ``size`` documents after the first ``skip``; a ``Problem`` ends the
    stream with its ``DataFormatError`` once the documents read before it are out."""
    chunk: list[dict] = []
    for n, doc in enumerate(docs):
        if isinstance(doc, Problem):
            if chunk:
                yield chunk
            raise DataFormatError(src, doc.line, doc.message + " (--on-error skip skips it)")
        if n < skip:
            continue
        chunk.append(doc)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
