"""The report of ``bench_train.py``: machine facts, the results table, the scaling table
and plot, and the targets."""

import datetime
import os
import platform
import shlex
import statistics
import subprocess
import sys
from pathlib import Path

from bench_train_runners import (
    CONFIGS,
    MIN_ALPHA,
    MIN_COUNT,
    NS_EXPONENT,
    REPO,
    RESTRICT_VOCAB,
    SAMPLE,
    VECTOR_SIZE,
    WINDOW,
)

def machine_facts():
    import numpy
    import scipy
    import scipy.linalg  # noqa: F401  (loads scipy's BLAS so threadpoolctl lists it)
    import sklearn
    from threadpoolctl import threadpool_info

    facts = {"date": datetime.datetime.now().astimezone().isoformat(timespec="seconds")}
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    facts["cpu"] = cpu
    facts["logical_cpus"] = os.cpu_count()
    try:
        facts["usable_cpus"] = len(os.sched_getaffinity(0))
    except AttributeError:
        facts["usable_cpus"] = None
    try:
        mem = next(line for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))
        facts["ram_gib"] = int(mem.split()[1]) / 1024 ** 2
    except (OSError, StopIteration):
        facts["ram_gib"] = None
    facts["platform"] = platform.platform()
    facts["python"] = platform.python_version()
    facts["versions"] = {"numpy": numpy.__version__, "scipy": scipy.__version__,
                         "scikit-learn": sklearn.__version__}
    try:
        import gensim
        facts["versions"]["gensim"] = gensim.__version__
    except ImportError:
        facts["versions"]["gensim"] = "not installed"
    sys.path.insert(0, str(REPO))
    try:
        import sklearn_w2v
        facts["versions"]["sklearn-w2v"] = getattr(sklearn_w2v, "__version__", "?")
    except ImportError:
        facts["versions"]["sklearn-w2v"] = "not importable"
    facts["git"] = _git_state()
    facts["blas"] = [
        {k: info.get(k) for k in ("user_api", "internal_api", "version", "num_threads",
                                  "threading_layer", "architecture", "filepath")}
        for info in threadpool_info()
    ]
    facts["env"] = {name: os.environ.get(name, "(unset)") for name in (
        "OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
        "PYTHONHASHSEED")}
    return facts


def _git_state():
    def git(*cmd):
        return subprocess.run(["git", "-C", str(REPO), *cmd], capture_output=True,
                              text=True, check=True).stdout.strip()
    try:
        head = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--", "sklearn_w2v")
        return head + (" + uncommitted changes in sklearn_w2v/" if dirty else " (clean)")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


# ------------------------------------------------------------------------------- report


def _median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


_FORMATS = {"s": "{:.1f}", "int": "{:,.0f}", "mib": "{:,.0f}", "3": "{:.3f}",
            "ratio": "{:.2f}"}


def _fmt(value, kind):
    if value is None:
        return "n/a"
    if kind == "pct":
        return f"{100 * value:.1f}%"
    return _FORMATS[kind].format(value) if kind in _FORMATS else str(value)


# (label, getter, format); getters take one run's result dict.
METRICS = [
    ("train seconds (training loop)", lambda r: r.get("train_seconds"), "s"),
    ("vocabulary + other fit seconds", lambda r: r.get("vocab_seconds"), "s"),
    ("fit seconds (total)", lambda r: r.get("fit_seconds"), "s"),
    ("fit CPU seconds (user + sys, all threads and worker processes)",
     lambda r: r.get("fit_cpu_seconds"), "s"),
    ("effective words/s", lambda r: r.get("words_per_second"), "int"),
    ("pairs/s", lambda r: r.get("pairs_per_second"), "int"),
    ("effective words (all epochs)", lambda r: r.get("effective_words"), "int"),
    ("vocabulary size", lambda r: r.get("vocab_size"), "int"),
    ("peak RSS MiB (ru_maxrss)", lambda r: r.get("peak_rss_mib"), "mib"),
    ("RSS before fit MiB", lambda r: r.get("rss_before_fit_mib"), "mib"),
    ("RSS growth in fit MiB (VmHWM − VmRSS before)", lambda r: r.get("rss_growth_mib"), "mib"),
    ("analogy accuracy, gensim eval",
     lambda r: r.get("eval_gensim", {}).get("analogy_accuracy"), "pct"),
    ("analogy accuracy, our eval",
     lambda r: r.get("eval_ours", {}).get("analogy_accuracy"), "pct"),
    ("analogy coverage, gensim eval",
     lambda r: r.get("eval_gensim", {}).get("analogy_coverage"), "pct"),
    ("analogy coverage, our eval",
     lambda r: r.get("eval_ours", {}).get("analogy_coverage"), "pct"),
    ("WordSim-353 Spearman, gensim eval",
     lambda r: r.get("eval_gensim", {}).get("wordsim_spearman"), "3"),
    ("WordSim-353 Spearman, our eval",
     lambda r: r.get("eval_ours", {}).get("wordsim_spearman"), "3"),
]


def _ok(results, kind, jobs, config="sg-ns"):
    return [r for r in results if r.get("trainer") == kind and r.get("jobs") == jobs
            and r.get("config", "sg-ns") == config and r.get("status") == "ok"]


def render_report(args, results, facts, total_seconds):
    lines = ["# Training benchmark: sklearn-w2v vs gensim", ""]
    ok = [r for r in results if r.get("status") == "ok"]
    n_tokens = next((r["n_tokens"] for r in ok if r["trainer"] != "softmax"), None)
    n_lines = next((r["n_sentences"] for r in ok if r["trainer"] != "softmax"), None)
    scope = ("the whole corpus" if args.max_tokens is None
             else f"a prefix of whole lines, at most {args.max_tokens:,} tokens")
    lines += [
        f"Generated by `benchmarks/bench_train.py` on {facts['date']} "
        f"({total_seconds / 60:.1f} min in all).",
        "",
        "Command line:",
        "",
        "    " + shlex.join(["python", "benchmarks/bench_train.py", *sys.argv[1:]]),
        "",
        f"Corpus: `{args.corpus}`, {scope}"
        + (f" — {n_lines:,} lines, {n_tokens:,} tokens" if n_tokens else "") + ".",
        "Settings (both trainers): "
        + "; ".join(f"{CONFIGS[c]['label']} (gensim sg={CONFIGS[c]['sg']}, "
                    f"hs={CONFIGS[c]['hs']}, negative={CONFIGS[c]['negative']}; learning "
                    f"rate {CONFIGS[c]['alpha']} → {MIN_ALPHA}, linear)"
                    for c in args.configs)
        + f"; vector_size={VECTOR_SIZE}, "
        f"window={WINDOW}, min_count={MIN_COUNT}, sample={SAMPLE:g}, "
        f"ns_exponent={NS_EXPONENT}, epochs={args.epochs}, seed={args.seed}"
        + (f", our batch_size={args.batch_size}" if args.batch_size else
           ", our batch_size=default") + ".",
        f"Repeats: {args.repeats}; tables show the median over repeats. "
        f"Evaluation: analogies = questions-words.txt (3CosAdd, restrict_vocab="
        f"{RESTRICT_VOCAB:,}, case-insensitive), WordSim-353 Spearman.",
        "",
    ]
    if args.max_tokens is not None or args.epochs != 5:
        lines += ["**This is a reduced run (corpus prefix and/or fewer epochs): speeds are "
                  "indicative, quality numbers are not comparable to full-corpus "
                  "5-epoch results.**", ""]

    loads = [x for r in results for x in (r.get("load_before"), r.get("load_after"))
             if x is not None]
    cores = facts.get("usable_cpus") or facts.get("logical_cpus")
    if loads and cores and max(loads) > cores:
        lines += [f"**The machine was busy: the 1-minute load average was {min(loads):.1f}–"
                  f"{max(loads):.1f} on {cores} usable CPUs during the runs, so other processes "
                  f"competed for the CPU. Compare fit CPU seconds with fit seconds below; "
                  f"speeds (especially with 2 threads) are pessimistic.**", ""]

    for config in args.configs:
        for jobs in args.jobs:
            ours = _ok(results, "ours", jobs, config)
            gens = _ok(results, "gensim", jobs, config)
            if not ours and not gens:
                continue
            lines += [f"## {CONFIGS[config]['label']}: ours n_jobs={jobs} vs gensim "
                      f"workers={jobs}", "",
                      "| metric | ours | gensim | ours / gensim |", "|---|---:|---:|---:|"]
            for label, get, kind in METRICS:
                a = _median([get(r) for r in ours])
                b = _median([get(r) for r in gens])
                ratio = a / b if a is not None and b not in (None, 0) else None
                lines.append(f"| {label} | {_fmt(a, kind)} | {_fmt(b, kind)} | "
                             f"{_fmt(ratio, 'ratio')} |")
            lines.append("")

    lines += render_scaling(args, results)

    soft = [r for r in results if r.get("trainer") == "softmax" and r.get("status") == "ok"]
    if soft:
        r0 = soft[0]
        lines += [
            "## Full softmax (ours, `objective=\"softmax\"`)", "",
            f"max_vocab_size={args.max_vocab_size:,} (vocabulary {r0['vocab_size']:,} words), "
            f"{r0['n_tokens']:,} tokens, {r0['epochs']} epoch(s). FLOPs = 6 · centers · |V| · d "
            f"(three GEMMs of 2·B·|V|·d per minibatch of B centers with a context; centers: "
            f"the estimator's `n_centers_`). sgemm GFLOP/s measured in the same worker, "
            f"float32, BLAS threads = n_jobs; peak = the best of the shapes.", "",
            "| n_jobs | train s | pairs/s | effective words/s | GFLOP/s achieved | "
            "sgemm B×d@d×V | sgemm B×V@V×d | sgemm V×B@B×d | sgemm 2048³ | "
            "fraction of peak | peak RSS MiB | analogy acc | WS-353 ρ |",
            "|---:|" + "---:|" * 12,
        ]
        for jobs in args.jobs:
            runs = _ok(results, "softmax", jobs)
            if not runs:
                continue
            gemm_names = list(runs[0]["sgemm_gflops"])
            gemm = {n: _median([r["sgemm_gflops"][n] for r in runs]) for n in gemm_names}
            achieved = _median([r.get("gflops") for r in runs])
            peak = max(gemm.values())
            lines.append(
                f"| {jobs} | {_fmt(_median([r['train_seconds'] for r in runs]), 's')} | "
                f"{_fmt(_median([r.get('pairs_per_second') for r in runs]), 'int')} | "
                f"{_fmt(_median([r.get('words_per_second') for r in runs]), 'int')} | "
                f"{_fmt(achieved, 'ratio')} | "
                + " | ".join(f"{gemm[n]:.1f}" for n in gemm_names)
                + f" | {_fmt(achieved / peak if achieved else None, 'pct')} | "
                f"{_fmt(_median([r['peak_rss_mib'] for r in runs]), 'mib')} | "
                f"{_fmt(_median([r['eval_ours']['analogy_accuracy'] for r in runs]), 'pct')} | "
                f"{_fmt(_median([r['eval_ours']['wordsim_spearman'] for r in runs]), '3')} |")
        lines.append("")

    lines += ["## Runs", "",
              "| # | trainer | jobs | repeat | status | train s | fit s | fit CPU s | words/s "
              "| pairs/s | peak RSS MiB | wall s (incl. read + eval) | load avg before → after |",
              "|---:|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for i, r in enumerate(results, 1):
        lines.append(
            f"| {i} | {r.get('trainer')} | {r.get('jobs')} | {r.get('repeat')} | "
            f"{r.get('status')} | {_fmt(r.get('train_seconds'), 's')} | "
            f"{_fmt(r.get('fit_seconds'), 's')} | {_fmt(r.get('fit_cpu_seconds'), 's')} | "
            f"{_fmt(r.get('words_per_second'), 'int')} | "
            f"{_fmt(r.get('pairs_per_second'), 'int')} | {_fmt(r.get('peak_rss_mib'), 'mib')} | "
            f"{_fmt(r.get('wall_seconds'), 's')} | "
            f"{_fmt(r.get('load_before'), 'ratio')} → {_fmt(r.get('load_after'), 'ratio')} |")
    lines.append("")

    ours_any = next((r for r in ok if r["trainer"] in ("ours", "softmax")), None)
    lines += ["## How our numbers were obtained", ""]
    if ours_any:
        lines += [
            "* training seconds: the estimator's `training_seconds_`; vocabulary building "
            "happens inside `fit`, so \"vocabulary + other\" = fit − training loop (it also "
            "includes idf/SIF fitting for `transform`).",
            "* effective words and pairs: the estimator's `n_effective_words_` and "
            "`n_pairs_` (totals over all epochs); noise words "
            + ("drawn per pair (`share_negatives=False`)." if ours_any.get("share_negatives")
               is False else "shared by the pairs of a window, whose context words are "
               "the inputs (`share_negatives=True`)."),
            f"* package imported from `{ours_any.get('package_file')}`.",
        ]
    lines += [
        "* gensim: training seconds = `train()`, vocabulary = `build_vocab()`; effective "
        "words = first value returned by `train()`; gensim does not count pairs.",
        "* peak RSS = `ru_maxrss` of the worker process (corpus + model + evaluation); growth "
        "in fit = VmHWM after fit − VmRSS just before fit (VmHWM cannot be reset, so this "
        "is a lower bound of the fit's own peak if loading the corpus peaked higher).",
        "",
        "## Machine", "",
        f"* CPU: {facts['cpu']}, {facts['logical_cpus']} logical CPUs "
        f"({facts['usable_cpus']} usable), RAM {facts['ram_gib']:.1f} GiB"
        if facts["ram_gib"] else f"* CPU: {facts['cpu']}",
        f"* {facts['platform']}, Python {facts['python']}",
        "* versions: " + ", ".join(f"{k} {v}" for k, v in facts["versions"].items()),
        f"* sklearn-w2v git: {facts['git']}",
        "* environment: " + ", ".join(f"{k}={v}" for k, v in facts["env"].items()),
        "* BLAS (threadpoolctl.threadpool_info() in the driver):",
    ]
    for info in facts["blas"]:
        lines.append("  * " + ", ".join(f"{k}={v}" for k, v in info.items() if v is not None))
    lines.append("")
    return "\n".join(lines)


def _median_of(results, kind, jobs, get, config="sg-ns"):
    return _median([get(r) for r in _ok(results, kind, jobs, config)])


def _analogy(r):
    return r.get("eval_ours", {}).get("analogy_accuracy")


def _wordsim(r):
    return r.get("eval_ours", {}).get("wordsim_spearman")


def _words_per_second(r):
    return r.get("words_per_second")


def render_scaling(args, results):
    """Effective words/s per n_jobs for both trainers, and the targets of issue 8."""
    jobs_list = sorted(j for j in args.jobs
                       if _ok(results, "ours", j) or _ok(results, "gensim", j))
    lines = _scaling_table(args, results, jobs_list) if jobs_list else []
    targets = _targets(results)
    if targets:
        lines += ["## Targets", "", "| figure | measured | target | met? |",
                  "|---|---:|---|---|"]
        for label, value, target, met in targets:
            mark = "" if met is None else ("✔" if met else "✘")
            lines.append(f"| {label} | {value} | {target} | {mark} |")
        lines.append("")
    return lines


def _scaling_table(args, results, jobs_list):
    lines = ["## Scaling with n_jobs / workers", "",
             "| n_jobs / workers | ours words/s | ours speed-up | gensim words/s | "
             "gensim speed-up | ours / gensim |", "|---:|---:|---:|---:|---:|---:|"]
    base = {kind: _median_of(results, kind, jobs_list[0], _words_per_second)
            for kind in ("ours", "gensim")}
    for jobs in jobs_list:
        ours = _median_of(results, "ours", jobs, _words_per_second)
        gens = _median_of(results, "gensim", jobs, _words_per_second)
        lines.append(
            f"| {jobs} | {_fmt(ours, 'int')} | "
            f"{_fmt(ours / base['ours'] if ours and base['ours'] else None, 'ratio')} | "
            f"{_fmt(gens, 'int')} | "
            f"{_fmt(gens / base['gensim'] if gens and base['gensim'] else None, 'ratio')} | "
            f"{_fmt(ours / gens if ours and gens else None, 'ratio')} |")
    lines += ["", f"![effective words/s against n_jobs]({_plot_path(args).name})", ""]
    return lines


# Speed targets per configuration (effective words/s ours / gensim, same number of
# workers): skip-gram + NS >= 1.5x, the other three >= 1.0x.
SPEED_TARGETS = {"sg-ns": 1.5, "cbow-ns": 1.0, "sg-hs": 1.0, "cbow-hs": 1.0}


def _targets(results):
    """(label, measured, target, met) for every figure both runs exist for."""
    rows = []

    def both(jobs, get, config):
        return (_median_of(results, "ours", jobs, get, config),
                _median_of(results, "gensim", jobs, get, config))

    for config, target in SPEED_TARGETS.items():
        label = CONFIGS[config]["label"]
        for jobs in (1, 2):
            ours, gens = both(jobs, _words_per_second, config)
            if ours and gens:
                rows.append((f"{label}: effective words/s, n_jobs={jobs} / gensim "
                             f"workers={jobs}", f"{ours / gens:.2f}×", f"≥ {target:.1f}×",
                             ours / gens >= target))
        one = _median_of(results, "ours", 1, _words_per_second, config)
        two = _median_of(results, "ours", 2, _words_per_second, config)
        gens_one = _median_of(results, "gensim", 1, _words_per_second, config)
        gens_two = _median_of(results, "gensim", 2, _words_per_second, config)
        if one and two:
            gensim_scaling = (f" (gensim {gens_two / gens_one:.2f}×)"
                              if gens_one and gens_two else "")
            rows.append((f"{label}: n_jobs=2 / n_jobs=1 (ours)",
                         f"{two / one:.2f}×{gensim_scaling}",
                         "≥ 1.8×" if config == "sg-ns" else "(reported)",
                         two / one >= 1.8 if config == "sg-ns" else None))
        for jobs in (1, 2):
            for name, get, margin, fmt in (
                    ("analogy accuracy", _analogy, 0.01, lambda x: f"{100 * x:.1f}%"),
                    ("WordSim-353", _wordsim, 0.02, lambda x: f"{x:.3f}")):
                ours_q, gens_q = both(jobs, get, config)
                if ours_q is not None and gens_q is not None:
                    rows.append((f"{label}: {name} at n_jobs={jobs} (gensim)",
                                 f"{fmt(ours_q)} ({fmt(gens_q)})",
                                 f"≥ gensim − {'1 point' if margin == 0.01 else margin}",
                                 ours_q >= gens_q - margin))
            ours_m, gens_m = both(jobs, lambda r: r.get("rss_growth_mib"), config)
            if ours_m and gens_m:
                rows.append((f"{label}: RSS growth in fit at n_jobs={jobs} / gensim "
                             f"(this process only)", f"{ours_m / gens_m:.2f}×",
                             "≤ 1.25× (see RESULTS-memory.md)", ours_m / gens_m <= 1.25))
    ours, gens = both(1, lambda r: r.get("vocab_seconds"), "sg-ns")
    if ours and gens:
        rows.append(("fit time outside the training loop / gensim build_vocab (1 job)",
                     f"{ours:.1f} s / {gens:.1f} s = {ours / gens:.2f}×", "≤ 1.25×",
                     ours / gens <= 1.25))
    return rows


def _plot_path(args):
    return args.output.with_name(args.output.stem + "-scaling.png")


def plot_scaling(args, results, path):
    """PNG of effective words/s against n_jobs / workers for both trainers."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no scaling plot", file=sys.stderr)
        return False
    fig, ax = plt.subplots(figsize=(5, 3.6))
    plotted = False
    for kind, label, marker in (("ours", "sklearn-w2v (processes)", "o"),
                                ("gensim", "gensim (threads)", "s")):
        points = [(jobs, _median_of(results, kind, jobs, _words_per_second))
                  for jobs in sorted(args.jobs)]
        points = [(j, w) for j, w in points if w]
        if points:
            ax.plot(*zip(*points), marker=marker, label=label)
            plotted = True
    if not plotted:
        plt.close(fig)
        return False
    ax.set_xlabel("n_jobs (ours) / workers (gensim)")
    ax.set_ylabel("effective words/s")
    ax.set_xticks(sorted(args.jobs))
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend()
    ax.set_title("Skip-gram NS training speed, same run", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


# --------------------------------------------------------------------------------- CLI


