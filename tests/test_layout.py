"""The package's layout: the import rules between its sub-packages, the size of its
functions, and the layout table of docs/architecture.md (all read from the source by
docs/package_layout.py, nothing imported)."""

import ast
import importlib.util
import io
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("package_layout",
                                               ROOT / "docs" / "package_layout.py")
layout = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(layout)

MAX_FUNCTION_LINES = 60


def test_every_import_follows_the_layers():
    """Lower packages never import higher ones, _vectors is a leaf above _utils, the model
    imports nothing of training or the estimators, and across packages only the names a
    package's __init__ exports are imported."""
    assert layout.violations() == []


@pytest.mark.parametrize("imported, rule", [
    (layout.Import("_model.layers", 1, "_training", ("fit_state",)), "may not import"),
    (layout.Import("_vectors.reader", 1, "_text", ("read_lines",)), "may not import"),
    (layout.Import("_features.pooling", 1, "_training", ("fit_state",)), "may not import"),
    (layout.Import("_training.fit", 1, "_model.layers", ("make_layer",)), "a module of"),
    (layout.Import("_training.fit", 1, "_model", ("_paths_of",)), "not a public name"),
    (layout.Import("_estimators.base", 1, "_model", ("noise_groups",)), "not a public name"),
    (layout.Import("evaluation", 1, "_vectors.reader", ("read_word_vectors",)), "a module of"),
])
def test_the_rules_catch_what_they_forbid(imported, rule):
    problems = layout.violations([imported])
    assert len(problems) == 1 and rule in problems[0]


def test_imports_inside_functions_are_seen():
    """A lazy import in a function body counts as much as one at the top: the command line
    imports the estimators only when it trains (_cli.py's _run_train)."""
    lazy = {(imp.target, name) for imp in layout.package_imports(layout.PACKAGE / "_cli.py")
            for name in imp.names}
    assert ("_estimators", "Word2VecTransformer") in lazy
    assert ("_model", "layer_class") in lazy


def _code_lines(source):
    lines = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE,
                              tokenize.INDENT, tokenize.DEDENT, tokenize.STRING,
                              tokenize.ENDMARKER):
            lines.update(range(token.start[0], token.end[0] + 1))
    return lines


def function_sizes():
    """``(code lines of the body, where)`` of every function of the package: docstrings,
    comments, blank lines and the signature (parameters declared one per line) left out."""
    sizes = []
    for path in sorted(layout.PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        code = _code_lines(source)
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                body = range(node.body[0].lineno, node.end_lineno + 1)
                sizes.append((len(code.intersection(body)),
                              f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"))
    return sorted(sizes, reverse=True)


def test_no_function_is_longer_than_a_screen():
    assert [(n, where) for n, where in function_sizes() if n > MAX_FUNCTION_LINES] == []


def test_architecture_md_shows_the_layout_of_the_code():
    assert layout.documented_table() == layout.layout_table(), (
        "run `python docs/package_layout.py` and paste its table into docs/architecture.md")
