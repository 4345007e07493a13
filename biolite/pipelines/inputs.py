"""Input validation shared by every entry point (pipelines, served models, clients)."""

from __future__ import annotations

from biolite.errors import InputError
from biolite.io.document import surrogate_problem


def _no_surrogates(text: str) -> str:
    problem = surrogate_problem(text)
    if problem:
        raise InputError(f"text has a {problem}; fix the decoding of its source")
    return text


def check_text(text: object) -> str:
    """Return ``text`` as ``str``; bytes must be valid UTF-8, anything else is an error."""
    if isinstance(text, str):
        return _no_surrogates(text)
    if isinstance(text, (bytes, bytearray)):
        try:
            return bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"input bytes are not valid UTF-8 (byte {exc.start}: {exc.reason}); "
                "decode them with the right encoding first"
            ) from None
    raise InputError(f"expected a str (or UTF-8 bytes), got {type(text).__name__}")


def check_texts(inputs: object) -> tuple[list[str], bool]:
    """``(texts, single)``: one text or a sequence of texts, each checked."""
    from collections.abc import Sequence

    if isinstance(inputs, (str, bytes, bytearray)):
        return [check_text(inputs)], True
    if not isinstance(inputs, Sequence):
        raise InputError(f"expected a str or a list of str, got {type(inputs).__name__}")
    texts = []
    for i, text in enumerate(inputs):
        try:
            texts.append(check_text(text))
        except InputError as exc:
            raise InputError(f"document {i}: {exc}") from None
    return texts, False
