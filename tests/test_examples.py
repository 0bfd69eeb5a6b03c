"""The examples run end to end (their --quick modes, so the default suite stays fast)."""

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def run_example(name, *args, timeout=300):
    completed = subprocess.run([sys.executable, str(EXAMPLES / name), *args],
                               capture_output=True, text=True, timeout=timeout)
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


def test_quickstart_quick_mode():
    output = run_example("quickstart.py", "--quick")
    assert "whale ->" in output
    accuracy = float(output.split("Test accuracy:")[1].split()[0])
    # Majority class is 0.578: the pipeline must learn something even in quick mode.
    assert accuracy > 0.6


@pytest.mark.slow
def test_quickstart_full():
    output = run_example("quickstart.py", timeout=900)
    accuracy = float(output.split("Test accuracy:")[1].split()[0])
    assert accuracy > 0.65


@pytest.mark.slow
def test_plot_ns_vs_softmax_quick_mode(tmp_path):
    pytest.importorskip("matplotlib")
    output = run_example("plot_ns_vs_softmax.py", "--quick", "--output-dir", str(tmp_path),
                         timeout=900)
    assert "NCE K=5" in output
    for name in ["likelihood_curves", "pmi_scatter", "score_histograms", "downstream"]:
        assert (tmp_path / f"{name}.png").stat().st_size > 10_000
