"""The distributions hold the whole package: ``python -m build`` makes an sdist and, from
it, a wheel without a warning; the wheel, installed into a fresh virtual environment, runs
the quickstart in its quick mode from outside the source tree (so the embedded data and
every module are really in it) and installs the ``sklearn-w2v`` command."""

import os
import shutil
import site
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def clean_env():
    env = dict(os.environ)
    # PYTHONPATH would put a source tree before the wheel; PYTHONDONTWRITEBYTECODE makes
    # setuptools warn that it skips byte-compiling, a warning about this machine.
    for name in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE", "PYTHONSTARTUP"):
        env.pop(name, None)
    return env


def run(args, **kwargs):
    completed = subprocess.run([str(a) for a in args], capture_output=True, text=True,
                               env=clean_env(), timeout=600, **kwargs)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed


@pytest.fixture(scope="module")
def distributions(tmp_path_factory):
    pytest.importorskip("build")
    if not (REPO / "pyproject.toml").is_file():
        pytest.skip("not run from a source tree")
    dist = tmp_path_factory.mktemp("dist")
    # No --sdist/--wheel: build makes the sdist, then the wheel from the unpacked sdist,
    # so a file missing from the sdist breaks the wheel too.
    completed = run([sys.executable, "-m", "build", "--outdir", dist, REPO])
    wheels, sdists = list(dist.glob("*.whl")), list(dist.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1
    return wheels[0], sdists[0], completed.stdout + completed.stderr


def test_build_prints_no_warning(distributions):
    log = distributions[2]
    warnings = [line for line in log.splitlines() if "warn" in line.lower()]
    assert not warnings, "\n".join(warnings)


def test_wheel_and_sdist_contents(distributions):
    wheel, sdist, _ = distributions
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {path.relative_to(REPO).as_posix()
               for path in (REPO / "sklearn_w2v").rglob("*.py")}
    assert modules <= names, modules - names
    for data in ("rotten_tomatoes.csv.gz", "sample_corpus.txt.xz",
                 "sample_corpus_LICENSES.md"):
        assert f"sklearn_w2v/datasets/data/{data}" in names
    assert "sklearn_w2v/py.typed" in names  # PEP 561: type checkers read the annotations
    dist_info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
    assert f"{dist_info}/licenses/LICENSE" in names
    metadata = zipfile.ZipFile(wheel).read(f"{dist_info}/METADATA").decode()
    assert "License-Expression: BSD-3-Clause" in metadata
    assert "sklearn-w2v = sklearn_w2v._cli:main" in zipfile.ZipFile(wheel).read(
        f"{dist_info}/entry_points.txt").decode()

    with tarfile.open(sdist) as archive:
        members = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    for name in ("LICENSE", "CHANGELOG.md", "CITATION.cff", "CONTRIBUTING.md", "README.md",
                 "pyproject.toml", "tests/test_wheel.py", "examples/quickstart.py",
                 "docs/theory.md", "benchmarks/README.md"):
        assert name in members, name
    assert not any("__pycache__" in name for name in members)


def test_installed_wheel_runs_the_quickstart(distributions, tmp_path):
    wheel = distributions[0]
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", venv])
    python = venv / "bin" / "python"
    # This environment's pip installs into the new one; the wheel alone, from no index.
    run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps",
         "--no-index", "--quiet", wheel])
    # The dependencies (numpy, scipy, scikit-learn, joblib) come from this environment,
    # appended to the new one's path: its own site-packages, holding the wheel, comes
    # first, and the .pth files here (an editable install's finder) are not executed.
    purelib = Path(run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]
                       ).stdout.strip())
    (purelib / "_test_wheel_dependencies.pth").write_text(
        "\n".join(site.getsitepackages()) + "\n", encoding="utf-8")

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    shutil.copy(REPO / "examples" / "quickstart.py", outside)
    check = run([python, "-c",
                 "import importlib, pkgutil, sklearn_w2v;"
                 "[importlib.import_module(m.name) for m in pkgutil.walk_packages("
                 "sklearn_w2v.__path__, 'sklearn_w2v.') if m.name != 'sklearn_w2v.__main__'];"
                 "print(sklearn_w2v.__file__)"], cwd=outside)
    assert Path(check.stdout.strip()).is_relative_to(purelib)

    command = run([venv / "bin" / "sklearn-w2v", "train", "--help"], cwd=outside)
    assert "-min-count" in command.stdout

    output = run([python, "quickstart.py", "--quick"], cwd=outside).stdout
    assert "whale ->" in output
    # Majority class is 0.578: the installed package trains something useful.
    assert float(output.split("Test accuracy:")[1].split()[0]) > 0.6
