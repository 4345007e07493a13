"""Name normalization for dictionary lookup: two spellings of one name get one key.

``key(text)`` folds case and Unicode compatibility forms, spells Greek letters out
(``TGF-β`` -> ``tgf beta``), turns punctuation, hyphens and slashes into word breaks,
reads Roman numerals as numbers (``type II`` -> ``type 2``), maps British spellings
to American ones (``tumour``, ``oedema``, ``haemorrhage``, ``-isation``), takes
simple plurals to the singular and finally drops the spaces, so ``non-small cell``,
``non small cell`` and ``nonsmall cell`` meet. ``bag_key`` also ignores word order
and MeSH's comma inversions (``Carcinoma, Hepatocellular``).
"""

from __future__ import annotations

import re
import unicodedata

GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta",
    "η": "eta", "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu",
    "ν": "nu", "ξ": "xi", "ο": "omicron", "π": "pi", "ρ": "rho", "σ": "sigma", "ς": "sigma",
    "τ": "tau", "υ": "upsilon", "φ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega",
}  # fmt: skip
ROMAN = {
    "i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7",
    "viii": "8", "ix": "9", "x": "10", "xi": "11", "xii": "12",
}  # fmt: skip
#: British -> American spellings, applied to each word in order
SPELLINGS = (
    (re.compile(r"^oe(?=[a-z]{3})"), "e"),  # oedema, oesophagus, oestrogen
    (re.compile(r"aem"), "em"),  # anaemia, haemorrhage, leukaemia
    (re.compile(r"(?<=[a-z]{2})our$"), "or"),  # tumour, tumours (after the plural step)
    (re.compile(r"is(ation|e|ed|ing)$"), r"iz\1"),  # sensitisation, immunised
    (re.compile(r"(?<=[a-z]{3})oea$"), "ea"),  # diarrhoea
)
_WORD = re.compile(r"[a-z0-9]+")
_GREEK_WORD = re.compile("|".join(GREEK))
_KEEP_S = ("ss", "us", "is", "os", "as")
_POSSESSIVE = re.compile(r"['’]s\b")


def words(text: str) -> list[str]:
    """The normalized words of ``text`` (see the module docstring)."""
    text = _POSSESSIVE.sub("", unicodedata.normalize("NFKC", text).lower())
    text = _GREEK_WORD.sub(lambda m: f" {GREEK[m.group()]} ", text)
    return [_word(w) for w in _WORD.findall(text)]


def _word(word: str) -> str:
    if word in ROMAN:
        return ROMAN[word]
    word = _singular(word)
    for pattern, replacement in SPELLINGS:
        word = pattern.sub(replacement, word)
    return word


def _singular(word: str) -> str:
    """A simple English singular: ``-ies`` -> ``-y``, ``-ias`` -> ``-ia``, ``-sses``,
    ``-xes``, ``-ches`` lose ``es``; another final ``s`` is dropped (not ``-ss``, ``-us``,
    ``-is``, ``-os``, ``-as``; words of 4 letters or more)."""
    if len(word) < 4 or word[0].isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("ias"):  # arrhythmias, leukemias
        return word[:-1]
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(_KEEP_S):
        return word[:-1]
    return word


def key(text: str) -> str:
    """The exact-match key of ``text``: its normalized words without spaces."""
    return "".join(words(text))


def bag_key(text: str) -> str:
    """The word-order-free key: normalized words sorted (``Carcinoma, Hepatocellular``
    and ``hepatocellular carcinoma`` meet)."""
    return " ".join(sorted(words(text)))


def lower_key(text: str) -> str:
    """The baseline key: the text lower-cased, nothing else."""
    return text.lower()
