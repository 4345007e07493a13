"""The README is a front door and every link in the documentation leads somewhere."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def test_the_readme_is_short_and_names_no_workspace_path():
    text = (ROOT / "README.md").read_text()
    assert len(text.splitlines()) < 200
    for workspace in ("../shared", "/work/", "~/.cache/biolite"):
        assert workspace not in text


def test_the_readme_links_every_page_of_the_documentation():
    text = (ROOT / "README.md").read_text()
    for page in (ROOT / "docs").glob("*.md"):
        assert f"docs/{page.name}" in text, page.name


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_relative_link_resolves(page):
    targets = [t for t in LINK.findall(page.read_text()) if not t.startswith(("http", "mailto"))]
    missing = [t for t in targets if not (page.parent / t).exists()]
    assert missing == []
