"""The package's layout and its import rules, read from the code.

Run from the repository root::

    python docs/package_layout.py            # print the layout table (markdown)
    python docs/package_layout.py --check    # exit 1 if docs/architecture.md's is stale
    python docs/package_layout.py --write    # put the table into docs/architecture.md

Every module of ``sklearn_w2v`` is parsed (nothing is imported or run); each import of
another part of the package is recorded with the names it takes. ``tests/test_layout.py``
checks the rules below on the same records, and that ``docs/architecture.md`` holds the
table this script prints.
"""

import argparse
import ast
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "sklearn_w2v"
ARCHITECTURE = ROOT / "docs" / "architecture.md"
BEGIN, END = "<!-- layout: begin -->", "<!-- layout: end -->"

# The sub-packages from the bottom up, and the packages each may import. The public
# modules on top (the package's __init__, evaluation, theory, datasets, the command line)
# may import any of them.
ALLOWED = {
    "_utils": set(),
    "_vectors": {"_utils"},
    "_text": {"_utils", "_vectors"},
    "_model": {"_utils", "_text"},
    "_features": {"_utils", "_vectors", "_text"},
    "_training": {"_utils", "_vectors", "_text", "_model"},
    "_estimators": {"_utils", "_vectors", "_text", "_model", "_features", "_training"},
}
# Top-level private modules that every part may import: the version constant.
SHARED = {"_version"}
TOP = "(top)"


@dataclass(frozen=True)
class Import:
    """One import of a part of the package by a module of it."""

    module: str  # the importing module, e.g. "_training.fit"
    line: int
    target: str  # the imported module, e.g. "_model" or "_model.layers"
    names: tuple  # the names taken (empty for ``import x``)

    @property
    def source_package(self):
        return part_of(self.module)

    @property
    def target_package(self):
        return part_of(self.target)


def part_of(module):
    """The sub-package of a dotted module name, or TOP for the top-level modules."""
    first = module.split(".")[0]
    return first if first in ALLOWED else TOP


def module_name(path):
    """Dotted name of ``path`` inside the package (``""`` for its __init__)."""
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def package_imports(path):
    """Every import of another part of the package in ``path`` (also inside functions)."""
    name = module_name(path)
    is_init = path.name == "__init__.py"
    here = name.split(".") if name else []
    base = here if is_init else here[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base[:len(base) - (node.level - 1)]
                target = ".".join(anchor + ([node.module] if node.module else []))
            elif node.module and node.module.split(".")[0] == "sklearn_w2v":
                target = node.module.partition(".")[2]
            else:
                continue
            names = tuple(alias.name for alias in node.names)
            if not node.module and node.level:  # ``from . import x``: modules
                for alias in node.names:
                    found.append(Import(name, node.lineno, f"{target}.{alias.name}".strip("."),
                                        ()))
                continue
            found.append(Import(name, node.lineno, target, names))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "sklearn_w2v":
                    found.append(Import(name, node.lineno, alias.name.partition(".")[2], ()))
    return found


def all_imports():
    return [imp for path in sorted(PACKAGE.rglob("*.py")) for imp in package_imports(path)]


def exported_names(package):
    """The ``__all__`` of a sub-package's __init__, read from its source."""
    tree = ast.parse((PACKAGE / package / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return set(ast.literal_eval(node.value))
    return set()


def violations(imports=None):
    """The imports that break the rules, as readable lines."""
    imports = all_imports() if imports is None else imports
    exported = {package: exported_names(package) for package in ALLOWED}
    problems = []
    for imp in imports:
        source, target = imp.source_package, imp.target_package
        where = f"sklearn_w2v.{imp.module}:{imp.line} imports {imp.target or 'sklearn_w2v'}"
        if target == source or imp.target in SHARED:
            continue
        if source != TOP and target not in ALLOWED[source]:
            problems.append(f"{where}: {source} may not import {target}")
            continue
        if target == TOP:
            continue  # the top level's own modules, imported by the top level
        if imp.target != target:
            problems.append(f"{where}: a module of {target}; import from {target} itself")
            continue
        for name in imp.names:
            if name.startswith("_") or name not in exported[target]:
                problems.append(f"{where}: {name} is not a public name of {target}")
    return problems


def summary(package):
    """First line of a sub-package's docstring."""
    tree = ast.parse((PACKAGE / package / "__init__.py").read_text(encoding="utf-8"))
    return (ast.get_docstring(tree) or "").split("\n")[0]


def layout_table():
    """The markdown table of the sub-packages: job, modules, what each imports."""
    imports = all_imports()
    lines = ["| package | its job | modules | imports |", "|---|---|---|---|"]
    for package in ALLOWED:
        modules = sorted(path.stem for path in (PACKAGE / package).glob("*.py")
                         if path.stem != "__init__")
        used = sorted({imp.target_package for imp in imports
                       if imp.source_package == package
                       and imp.target_package not in (package, TOP)})
        lines.append(f"| `{package}` | {summary(package)} | {', '.join(modules)} | "
                     f"{', '.join(f'`{p}`' for p in used) or 'nothing'} |")
    top = sorted(path.name for path in PACKAGE.glob("*.py")) + ["datasets/"]
    lines.append(f"| top level | the public API and what runs it | {', '.join(top)} | "
                 f"any package |")
    return "\n".join(lines)


def documented_table():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    return text.split(BEGIN, 1)[1].split(END, 1)[0].strip()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if docs/architecture.md holds another table")
    parser.add_argument("--write", action="store_true",
                        help="replace docs/architecture.md's table by the current one")
    args = parser.parse_args(argv)
    table = layout_table()
    if args.write:
        text = ARCHITECTURE.read_text(encoding="utf-8")
        before, rest = text.split(BEGIN, 1)
        ARCHITECTURE.write_text(f"{before}{BEGIN}\n{table}\n{END}{rest.split(END, 1)[1]}",
                                encoding="utf-8")
        return 0
    if args.check:
        stale = documented_table() != table
        if stale:
            print("docs/architecture.md's layout table is stale; replace it with:\n" + table)
        return 1 if stale else 0
    print(table)
    for problem in violations():
        print("rule broken:", problem, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
