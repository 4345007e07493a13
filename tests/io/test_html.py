"""The HTML entity view: escaping, nesting, and a real headless Chromium that
renders 1,000 abstracts and finds every highlight at the offsets it claims."""

from __future__ import annotations

import io
import json
import shutil
import subprocess

import pytest
from lxml import html as lxml_html

from biolite.io import Document, open_writer, read_documents
from tests.conftest import mention

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def _page(docs):
    buf = io.StringIO()
    writer = open_writer("html", buf, source="test")
    for doc in docs:
        writer.write(doc)
    writer.close()
    return buf.getvalue()


def test_every_text_is_escaped():
    doc = Document.from_title_abstract('<img src=x onerror="x()">', "<script>bad()</script>", "a&b")
    doc.annotations = [mention(0, 8, "<script>", '"><script>t', score=0.5, model="<m>")]
    page = _page([doc])
    assert "<script>bad()" not in page and '"><script>t' not in page and "<img" not in page
    tree = lxml_html.fromstring(page)
    (mark,) = tree.findall(".//mark")
    assert mark.get("data-type") == '"><script>t' and "model <m>" in mark.get("title")
    assert mark.text == "<script>" and mark.tail == "bad()</script>"  # shown as text


def test_a_mention_inside_another_is_nested_and_a_crossing_one_is_noted():
    doc = Document.from_title_abstract("1", "hereditary breast cancer risk", None)
    doc.annotations = [
        mention(0, 24, "hereditary breast cancer", "Disease"),
        mention(11, 17, "breast", "Anatomy"),
        mention(18, 29, "cancer risk", "Other"),
    ]
    tree = lxml_html.fromstring(_page([doc]))
    outer = tree.find(".//mark")
    assert outer.get("data-type") == "Disease"
    assert [m.get("data-type") for m in outer.findall(".//mark")] == ["Anatomy"]
    assert "also Other 'cancer risk' (18-29)" in outer.get("title")


CHECK = """
<script>
const bad = [];
let marks = 0;
for (const p of document.querySelectorAll('p.passage')) {
  const base = Number(p.dataset.offset);
  let at = 0;
  const walk = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
  const starts = new Map();
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    if (n.parentElement.closest('.label')) continue;
    let m = n.parentElement.closest('mark');
    for (; m && p.contains(m); m = m.parentElement.closest('mark'))
      if (!starts.has(m)) starts.set(m, at);
    at += n.data.length;
  }
  for (const [m, start] of starts) {
    marks++;
    const clone = m.cloneNode(true);
    clone.querySelectorAll('.label').forEach(l => l.remove());
    const ok = base + start === Number(m.dataset.start)
      && clone.textContent.length === Number(m.dataset.end) - Number(m.dataset.start)
      && m.getBoundingClientRect().width > 0
      && getComputedStyle(m).backgroundColor !== 'rgba(0, 0, 0, 0)';
    if (!ok) bad.push(m.dataset.start);
  }
}
const out = document.createElement('pre');
out.id = 'check';
const legend = document.querySelectorAll('nav input').length;
out.textContent = JSON.stringify({marks, bad, legend});
document.body.appendChild(out);
</script>
"""


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_chromium_renders_1000_abstracts_with_every_highlight_at_its_offsets(data_dir, tmp_path):
    folder = data_dir / "NCBI-disease" / "pubtator"
    docs = [d for f in sorted(folder.iterdir()) for d in read_documents(f)]
    docs = (docs * 2)[:1000]
    page = tmp_path / "view.html"
    page.write_text(_page(docs).replace("</body>", CHECK + "</body>"))
    run = [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([*run, "--dump-dom", page.as_uri()], capture_output=True, text=True,
                         timeout=120)  # fmt: skip
    report = json.loads(lxml_html.fromstring(dom.stdout).get_element_by_id("check").text)
    mentions = sum(len(d.annotations) for d in docs)
    assert report["bad"] == [] and report["legend"] == 4
    assert report["marks"] >= 0.95 * mentions  # the rest cross another mention: noted on hover
    shot = tmp_path / "view.png"
    subprocess.run([*run, f"--screenshot={shot}", "--window-size=1200,900", page.as_uri()],
                   capture_output=True, timeout=120, check=True)  # fmt: skip
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
