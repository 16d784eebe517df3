"""Build the static HTML book from the stored notebook outputs (``make book``).

Nothing is executed: the notebooks are shown as stored (strict nbval keeps those
outputs honest). The script

1. stages the book sources in ``build/book-src/``: the pages in ``book/``, the
   numbered notebooks (solution cells get the ``hide-cell`` tag, so they render
   as closed drop-downs), a generated seminar plan (reading times and exercise
   counts computed from the notebooks), a generated API reference (autodoc of
   every public ``mi_lib`` module, as reStructuredText), and MathJax 3 from the pinned
   ``django-static-mathjax`` package (no network needed to typeset formulas);
2. runs Jupyter Book 1.x (Sphinx) with warnings as errors into ``build/book/``;
3. checks every internal link and image reference of the built HTML (files and
   ``#anchors``).

The browser check of the built site is ``tools/check_book.py``.
"""

from __future__ import annotations

import argparse
import json
import math
import pkgutil
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
WORDS_PER_MINUTE = 180  # technical prose
CODE_LINES_PER_MINUTE = 15  # reading code and its output


def notebook_stats(path: Path) -> dict:
    """Words of prose, lines of code and numbered exercises of one notebook."""
    nb = json.loads(path.read_text())
    words = code = 0
    exercises = 0
    title = path.stem
    for cell in nb["cells"]:
        src = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            words += len(re.sub(r"\$[^$]*\$", " x ", src).split())
            if title == path.stem and src.startswith("# "):
                title = src.splitlines()[0][2:].strip()
            heading = re.search(r"^## (?:\d+\. )?Exercises\s*$", src, flags=re.MULTILINE)
            if heading:  # "## Exercises" or a numbered "## 7. Exercises"
                part = src[heading.end():]
                exercises += len(re.findall(r"^\d+\.\s", part, flags=re.MULTILINE))
        elif "solution" not in cell.get("metadata", {}).get("tags", []):
            code += len(src.splitlines())
    minutes = math.ceil(words / WORDS_PER_MINUTE + code / CODE_LINES_PER_MINUTE)
    return {"title": title, "words": words, "code": code, "exercises": exercises, "minutes": minutes}


def seminar_plan(notebooks: list[Path]) -> str:
    rows = ["| session | lecture | reading time | prose words | code lines | exercises |",
            "|---|---|---|---|---|---|"]
    total = 0
    for i, path in enumerate(notebooks, 1):
        s = notebook_stats(path)
        total += s["minutes"]
        rows.append(f"| {i} | [{s['title']}](notebooks/{path.stem}.ipynb) | {s['minutes']} min | "
                    f"{s['words']} | {s['code']} | {s['exercises']} |")
    return "\n".join([
        "# Seminar plan",
        "",
        "One session per lecture. Students read the lecture (and run it: `make lab`) before the",
        "session; the session discusses the derivations and works through the exercises. Hand out",
        "the student edition (`make student`, in `build/student/`), in which every solution is",
        "replaced by a prompt; the solutions stay in the full notebooks.",
        "",
        f"Reading times are computed from the notebooks ({WORDS_PER_MINUTE} words of prose and "
        f"{CODE_LINES_PER_MINUTE} lines of code per minute, solutions excluded); in all about "
        f"{total} minutes.",
        "",
        *rows,
        "",
    ])


def api_page() -> str:
    """The API reference as reStructuredText (so the ``rst_prolog`` substitutions apply)."""
    import mi_lib

    public = sorted(m.name for m in pkgutil.iter_modules(mi_lib.__path__) if not m.name.startswith("_"))
    parts = ["API reference", "=============", "",
             "Generated from the docstrings of ``mi_lib`` (numpydoc style). All information is in",
             "nats unless a ``base`` argument says otherwise.", ""]
    for name in public:
        title = f"``mi_lib.{name}``"
        parts += [title, "-" * len(title), "", f".. automodule:: mi_lib.{name}", "   :members:", ""]
    return "\n".join(parts)


def stage(src: Path) -> None:
    if src.exists():
        shutil.rmtree(src)
    src.mkdir(parents=True)
    shutil.copytree(ROOT / "book", src, dirs_exist_ok=True)
    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    (src / "notebooks").mkdir()
    for path in notebooks:
        nb = json.loads(path.read_text())
        for cell in nb["cells"]:
            if cell["cell_type"] == "markdown":  # in the book, book/ is the root
                cell["source"] = "".join(cell["source"]).replace("../book/", "../")
            tags = cell.setdefault("metadata", {}).setdefault("tags", [])
            if "solution" in tags and "hide-cell" not in tags:
                tags.append("hide-cell")
        (src / "notebooks" / path.name).write_text(json.dumps(nb, indent=1, ensure_ascii=False))
    (src / "seminar_plan.md").write_text(seminar_plan(notebooks))
    (src / "api.rst").write_text(api_page())
    import mathjax as mathjax_package  # django-static-mathjax: MathJax's files, no Django needed

    mathjax = Path(mathjax_package.__file__).parent / "static" / "mathjax"
    # Not under _static/: Jupyter Book loads every .js file there on every page. Sphinx copies
    # html_static_path (_mathjax/) into the site's _static/, where mathjax_path finds it.
    shutil.copytree(mathjax / "es5", src / "_mathjax" / "mathjax" / "es5")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        for key in ("href", "src"):
            if a.get(key) and tag in ("a", "img", "link", "script"):
                self.refs.append(a[key])


def check_links(html_root: Path) -> list[str]:
    """Broken internal links and image references of the built site."""
    parsed: dict[Path, _Links] = {}

    def parse(path: Path) -> _Links:
        if path not in parsed:
            p = _Links()
            p.feed(path.read_text(errors="replace"))
            parsed[path] = p
        return parsed[path]

    broken = []
    pages = [p for p in sorted(html_root.rglob("*.html")) if "_static" not in p.relative_to(html_root).parts]
    for page in pages:  # (_static holds theme templates, not pages)
        for ref in parse(page).refs:
            parts = urlsplit(ref)
            if parts.scheme or parts.netloc or ref.startswith(("mailto:", "javascript:", "data:")):
                continue
            target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(html_root)}: {ref}")
            elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in parse(target).ids:
                broken.append(f"{page.relative_to(html_root)}: {ref} (no such anchor)")
    return broken


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=ROOT / "build" / "book-src")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "book")
    args = parser.parse_args(argv)
    stage(args.src)
    if args.out.exists():
        shutil.rmtree(args.out)
    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(args.src), "--path-output", str(args.out),
           "--warningiserror", "--keep-going", "--all"]
    if subprocess.call(cmd) != 0:
        print("book build failed (warnings are errors)", file=sys.stderr)
        return 1
    html = args.out / "_build" / "html"
    broken = check_links(html)
    for b in broken:
        print("broken link:", b, file=sys.stderr)
    if broken:
        return 1
    pages = len(list(html.rglob("*.html")))
    print(f"book built in {html} ({pages} HTML pages); internal links and images checked")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
