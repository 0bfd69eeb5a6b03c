"""The code blocks of the README and of the site's pages run as pasted.

Every ``python`` block of ``README.md`` and of ``docs/`` (Markdown fences and reST
``code-block`` directives) runs here, the blocks of one page in order in one namespace, as
a reader pasting them into one fresh Python session would, in an empty temporary folder:
a block may use what an earlier block of its page defined or wrote, never a file of the
checkout or of ``../shared``. The ``bash`` blocks that call the ``sklearn-w2v`` command run
too, in their own empty folder.

A block that takes more than some seconds is marked slow by a comment on the line before
it, invisible on the rendered page and on GitHub::

    <!-- snippet: slow -->        (Markdown)
    .. snippet: slow              (reST)

The default run skips those (the blocks after one must not depend on it) and checks them
statically only: every name a block reads is defined by its page's blocks or is a builtin.
``python -m pytest -m slow tests/test_snippets.py`` runs every block of the pages that
have slow ones.
"""

import ast
import builtins
import os
import re
import shutil
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest

import sklearn_w2v

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
# docs/ folders of built or generated pages, templates, and pages that only include
# benchmarks/RESULTS*.md (tables, no code to run)
GENERATED = {"_build", "generated", "auto_examples", "benchmarks", "_templates", "_static"}
# a block that needs one of these skips when it is not installed (the test extra has them)
OPTIONAL_MODULES = {"pandas", "gensim", "dask", "distributed", "ray"}
# a block of the default run should take seconds; past this it should be marked slow
DEFAULT_BLOCK_SECONDS = 90
SLOW_MARK = re.compile(r"^\s*(<!--\s*snippet:\s*slow\s*-->|\.\.\s+snippet:\s*slow)\s*$")


@dataclass
class Block:
    page: str      # path relative to the repository root
    line: int      # first line of the code, 1-based
    language: str  # "python" or "bash"
    code: str
    slow: bool

    @property
    def label(self):
        return f"{self.page}:{self.line}"


def _pages():
    pages = [ROOT / "README.md"]
    for path in sorted(DOCS.rglob("*")):
        relative = path.relative_to(DOCS)
        if path.suffix in (".md", ".rst") and not (set(relative.parts[:-1]) & GENERATED):
            pages.append(path)
    return pages


def _marked_slow(lines, index):
    """Whether the nearest non-blank line above ``lines[index]`` is the slow mark."""
    k = index - 1
    while k >= 0 and not lines[k].strip():
        k -= 1
    return k >= 0 and bool(SLOW_MARK.match(lines[k]))


_LANGUAGES = {"python": "python", "py": "python", "python3": "python",
              "bash": "bash", "shell": "bash", "sh": "bash", "console": None}


def _markdown_blocks(page, lines):
    k = 0
    while k < len(lines):
        fence = re.match(r"^(\s*)(`{3,}|~{3,})\s*(\{code-block\}\s*)?(\w+)?", lines[k])
        if not fence:
            k += 1
            continue
        indent, marks, language = fence.group(1), fence.group(2), fence.group(4) or ""
        end = k + 1
        while end < len(lines) and not lines[end].strip().startswith(marks):
            end += 1
        body = [line[len(indent):] for line in lines[k + 1:end]]
        if fence.group(3):  # MyST directive options (":caption: ...") come first
            while body and body[0].startswith(":"):
                body.pop(0)
        if _LANGUAGES.get(language.lower()):
            yield Block(page, k + 2, _LANGUAGES[language.lower()], "\n".join(body) + "\n",
                        _marked_slow(lines, k))
        k = end + 1


def _rst_blocks(page, lines):
    for k, line in enumerate(lines):
        directive = re.match(r"^(\s*)\.\.\s+(code-block|code|sourcecode)::\s*(\w+)", line)
        if not directive or not _LANGUAGES.get(directive.group(3).lower()):
            continue
        indent = len(directive.group(1))
        body, start = [], None
        for j in range(k + 1, len(lines)):
            text = lines[j]
            if text.strip() and len(text) - len(text.lstrip()) <= indent:
                break  # dedented: the block is over
            if start is None and (not text.strip() or text.strip().startswith(":")):
                continue  # options and the blank line before the code
            start = j if start is None else start
            body.append(text)
        if start is None:
            continue
        width = min(len(t) - len(t.lstrip()) for t in body if t.strip())
        code = "\n".join(t[width:] for t in body).rstrip() + "\n"
        yield Block(page, start + 1, _LANGUAGES[directive.group(3).lower()], code,
                    _marked_slow(lines, k))


def blocks_of(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    page = path.relative_to(ROOT).as_posix()
    reader = _markdown_blocks if path.suffix == ".md" else _rst_blocks
    return list(reader(page, lines))


def _runnable(block):
    """Python blocks, and the bash blocks that call the console command (installing,
    testing and building the site are what CI itself does)."""
    if block.language == "python":
        return True
    return bool(re.search(r"^\s*sklearn-w2v\s", block.code, flags=re.MULTILINE))


PAGES = {path.relative_to(ROOT).as_posix(): [b for b in blocks_of(path) if _runnable(b)]
         for path in _pages()}
PAGES = {page: blocks for page, blocks in PAGES.items() if blocks}


def test_the_pages_have_blocks_to_run():
    """The extraction finds the README's example and the user guide's blocks."""
    assert any(b.language == "python" for b in PAGES["README.md"])
    assert sum(len(blocks) for page, blocks in PAGES.items()
               if page.startswith("docs/user_guide/")) >= 10
    assert any(b.language == "bash" for blocks in PAGES.values() for b in blocks)


def _names(tree):
    """(names read, names bound) anywhere in ``tree``."""
    read, bound = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                bound.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
    return read, bound


@pytest.mark.parametrize("page", sorted(PAGES))
def test_every_name_is_defined_on_its_page(page):
    """No block reads a name that no block of its page, before it or in it, defines
    (the README's former ``chunks``, ``vocabulary`` and ``train_texts``), and none reads
    the maintainers' data in ``../shared``."""
    defined = set(dir(builtins))
    problems = []
    for block in PAGES[page]:
        if block.language != "python":
            continue
        tree = ast.parse(block.code, filename=block.label)
        read, bound = _names(tree)
        defined |= bound
        missing = sorted(read - defined)
        if missing:
            problems.append(f"{block.label}: {', '.join(missing)} never defined")
        if "shared/" in block.code:
            problems.append(f"{block.label}: reads ../shared, which a clone does not have")
    assert not problems, "\n".join(problems)


def _run_python(block, namespace):
    try:
        exec(compile(block.code, block.label, "exec"), namespace)
    except ModuleNotFoundError as error:
        if (error.name or "").split(".")[0] in OPTIONAL_MODULES:
            pytest.skip(f"{block.label} needs {error.name}, not installed")
        raise


def _run_bash(block, folder):
    if shutil.which("sklearn-w2v") is None:
        pytest.skip(f"{block.label}: the sklearn-w2v command is not installed "
                    "(python -m pip install -e .)")
    env = dict(os.environ)
    # `python` in a block is this interpreter, as in the reader's activated environment
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    result = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", block.code], cwd=folder,
                            env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, (f"{block.label} exited {result.returncode}:\n"
                                    f"{result.stdout[-2000:]}\n{result.stderr[-3000:]}")


def _run_page(page, folder, monkeypatch, include_slow):
    monkeypatch.chdir(folder)
    namespace = {"__name__": "__main__"}
    seconds = []
    # A user who pastes the page sees the package's warnings as warnings, not errors: a
    # page may show one (the coverage warning on the pretrained page), provided it names
    # it, so that the reader knows what to expect.
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always", sklearn_w2v.LowCoverageWarning)
        for block in PAGES[page]:
            if block.slow and not include_slow:
                continue
            started = time.perf_counter()
            if block.language == "python":
                _run_python(block, namespace)
            else:
                _run_bash(block, folder)
            seconds.append((block, time.perf_counter() - started))
    text = (ROOT / page).read_text(encoding="utf-8")
    unexplained = {type(w.message).__name__ for w in shown} - {
        name for name in ("LowCoverageWarning",) if name in text}
    assert not unexplained, f"{page} warns {unexplained} without saying so on the page"
    for block, took in seconds:
        print(f"{block.label}: {took:.1f} s{' (slow)' if block.slow else ''}")
        if not block.slow:
            assert took < DEFAULT_BLOCK_SECONDS, (
                f"{block.label} took {took:.0f} s: shorten it, or mark it slow and say "
                "on the page how long it takes")


@pytest.mark.parametrize("page", sorted(PAGES))
def test_blocks_run_as_pasted(page, tmp_path, monkeypatch):
    _run_page(page, tmp_path, monkeypatch, include_slow=False)


SLOW_PAGES = sorted(page for page, blocks in PAGES.items() if any(b.slow for b in blocks))


@pytest.mark.slow
@pytest.mark.parametrize("page", SLOW_PAGES)
def test_every_block_runs_as_pasted(page, tmp_path, monkeypatch):
    _run_page(page, tmp_path, monkeypatch, include_slow=True)


def test_readme_stays_short_and_its_links_resolve():
    """The README is the package's first screen (about 150 lines); the rest is on the
    site. Its relative links point at files of the repository."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 180, "the README grew: move the details to docs/"
    broken = [target for target in re.findall(r"\]\(([^()\s]+)\)", text)
              if not re.match(r"[a-z]+:|#", target)
              and not (ROOT / target.split("#")[0]).exists()]
    assert not broken, f"README links to files that do not exist: {broken}"
