"""write_index: one page listing every saved chart and every executed notebook."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from coprod.charts._style import draw_source_note
from coprod.export import MissingAltTextWarning, save_figure, write_index


class _Page(HTMLParser):
    """The page's tags with their attributes, and its text, as a browser would read them."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self._open: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._open.append(tag)

    def handle_endtag(self, tag):
        if self._open and self._open[-1] == tag:
            self._open.pop()

    def handle_data(self, data):
        if data.strip() and (not self._open or self._open[-1] not in {"style"}):
            self.text.append(data.strip())


def _read(page: Path) -> _Page:
    parsed = _Page()
    parsed.feed(page.read_text(encoding="utf-8"))
    return parsed


@pytest.fixture
def output(tmp_path):
    """An output folder as `coprod run` leaves it: three charts, two notebooks."""
    fig, ax = plt.subplots(figsize=(6.3, 4), layout="constrained")
    ax.plot([0, 1], [1, 2])
    ax.set_title("Complaints <rose> & stayed high")
    draw_source_note(ax, "Synthetic data")
    data = pd.DataFrame({"month": ["2024-01", "2024-02"], "count": [12, 30]})
    save_figure(
        ax,
        "01_rise",
        directory=tmp_path,
        data=data,
        alt_text='Line rising from 12 to 30 "a month".',
    )
    save_figure(ax, "02_png_only", directory=tmp_path, formats=("png",), alt_text="Same, PNG.")
    with pytest.warns(MissingAltTextWarning):
        save_figure(ax, "03_no_alt", directory=tmp_path, formats=("svg",))
    plt.close(fig)
    (tmp_path / "figures" / "notes.json").write_text('["not a sidecar"]')
    (tmp_path / "figures" / "broken.json").write_text("{")
    for name in ("notebooks/01_grid.html", "notebooks/answers/01_grid.html"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("<html></html>")
    (tmp_path / "notebooks" / "01_grid.kernel.log").write_text("")
    return tmp_path


def test_every_sidecar_chart_appears_with_its_alt_text_and_source(output):
    page = write_index(output)
    assert page == output / "index.html"
    parsed = _read(page)
    sidecars = sorted((output / "figures").glob("0*.json"))
    assert len(sidecars) == 3
    sections = [a["id"] for tag, a in parsed.tags if tag == "section"]
    assert sections == ["01_rise", "02_png_only", "03_no_alt"]
    images = {a["src"]: a["alt"] for tag, a in parsed.tags if tag == "img"}
    for sidecar in sidecars:
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
        picture = next(f for f in meta["files"].values() if f.endswith((".png", ".svg")))
        assert images[f"figures/{picture}"] == (meta["alt_text"] or "")
    assert images["figures/01_rise.png"] == 'Line rising from 12 to 30 "a month".'
    text = " ".join(parsed.text)
    assert "Complaints <rose> & stayed high" in text  # as text, escaped in the HTML
    assert "Source: Synthetic data" in text
    assert "No alt text was given for this chart." in text
    html = page.read_text(encoding="utf-8")
    assert "Complaints &lt;rose&gt; &amp; stayed high" in html and "<rose>" not in html


def test_every_link_resolves_to_a_file_and_nothing_is_external(output):
    page = write_index(output)
    parsed = _read(page)
    links = [a.get("href") or a.get("src") for tag, a in parsed.tags if tag in {"a", "img"}]
    assert links and all(not ("//" in link or link.startswith("/")) for link in links)
    assert all((output / link).is_file() for link in links), links
    assert not [tag for tag, _ in parsed.tags if tag in {"script", "link", "iframe"}]
    hrefs = [a["href"] for tag, a in parsed.tags if tag == "a"]
    assert [h for h in hrefs if h.startswith("figures/01_rise")] == [
        f"figures/01_rise.{fmt}" for fmt in ("png", "svg", "pdf", "csv", "json")
    ]
    assert [h for h in hrefs if h.startswith("figures/02")] == [
        "figures/02_png_only.png",
        "figures/02_png_only.json",
    ]
    assert [h for h in hrefs if h.startswith("notebooks/")] == [
        "notebooks/01_grid.html",
        "notebooks/answers/01_grid.html",
    ]


def test_failed_notebooks_are_named_at_the_top(output):
    parsed = _read(write_index(output, failed=["02_complaints.py", "answers/03_x.py"]))
    text = " ".join(parsed.text)
    assert "2 notebooks did not run to the end" in text
    assert text.index("02_complaints.py") < text.index("Notebooks")
    assert "did not run" not in " ".join(_read(write_index(output)).text)


def test_an_empty_output_folder_gets_a_page_that_says_so(tmp_path):
    text = " ".join(_read(write_index(tmp_path / "out")).text)
    assert "No executed notebooks in this folder." in text and "Charts (0)" in text
