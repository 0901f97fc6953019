"""Scoring commands of the `redline` CLI: score, train, eval, cv, curve, bench scoring."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from service.cli_output import (
    DEFAULT_DATA_DIR,
    DataDirOpt,
    FoldsOpt,
    JsonOpt,
    ShuffleSeedOpt,
    echo_result,
)

ModelOpt = Annotated[
    Path | None, typer.Option("--model", help="Artefact folder (default: the shipped one).")
]


def score(
    text: Annotated[str, typer.Argument(help="Text to score.")], model: ModelOpt = None
) -> None:
    """Print one JSON object per sentence of TEXT."""
    from scoring import load_scorer

    for statement in load_scorer(model).score(text):
        typer.echo(json.dumps(statement.as_dict(), ensure_ascii=False))


def train(
    data_dir: DataDirOpt = DEFAULT_DATA_DIR,
    out: Annotated[Path | None, typer.Option("--out", help="Artefact folder to write.")] = None,
) -> None:
    """Rebuild the model artefact deterministically from the labelled data."""
    from scoring.artifact import DEFAULT_DIR
    from scoring.train import train_artifact

    card = train_artifact(data_dir, out or DEFAULT_DIR)
    typer.echo(json.dumps({"model_version": card.model_version, "data_sha256": card.data_sha256}))


def evaluate(
    data: Annotated[Path, typer.Option("--data", help="Labelled .jsonl file, or a folder.")],
    as_json: JsonOpt = False,
    baselines: Annotated[bool, typer.Option("--baselines", help="Also run baselines.")] = False,
    data_dir: DataDirOpt = DEFAULT_DATA_DIR,
    model: ModelOpt = None,
    compare: Annotated[
        Path | None,
        typer.Option("--compare", help="Another artefact folder, scored as a baseline."),
    ] = None,
) -> None:
    """Evaluate on the held-out documents of DATA (the trainer's doc split)."""
    from scoring.report import run_eval

    result = run_eval(data, data_dir, model, baselines, compare)
    typer.echo(json.dumps(result, indent=2) if as_json else _table(result))


def _table(result: dict[str, Any]) -> str:
    rows = [f"{'predictor':<14} {'threat F1':>9} {'cond F1':>8} {'sev mF1':>8}"]
    named = {"model": result, **result.get("baselines", {})}
    for name, r in named.items():
        rows.append(
            f"{name:<14} {r['threat']['f1']:>9.3f} {r['conditional']['f1']:>8.3f} "
            f"{r['severity']['macro_f1']:>8.3f}"
        )
    rows.append(f"n={result['n']} held-out sentences ({result['split']['description']})")
    if "extraction" in result:
        ext = result["extraction"]
        rows.append(
            "extraction token F1: "
            + ", ".join(f"{k}={ext[k]}" for k in ("condition", "action", "actor", "target"))
        )
    if "intervals" in result:
        rows.extend(_intervals(result["intervals"]))
    rows.extend(_by_file(result.get("by_file", {})))
    return "\n".join(rows)


def _by_file(found: dict[str, dict[str, Any]]) -> list[str]:
    rows = ["by file, threat F1 / cond F1 / sev mF1:"] if found else []
    for file in found.get("model", {}):
        cells = ", ".join(
            f"{name} {f[file]['threat']['f1']:.3f} / {f[file]['conditional']['f1']:.3f} / "
            f"{f[file]['severity']['macro_f1']:.3f}"
            for name, f in found.items()
        )
        rows.append(f"  {file} (n={found['model'][file]['n']}): {cells}")
    return rows


def _intervals(ci: dict[str, Any]) -> list[str]:
    names = {"threat_f1": "threat F1", "conditional_f1": "cond F1", "severity_macro_f1": "sev mF1"}
    rows = ["95% intervals, " + ci["method"].split(":")[0] + ":"]
    rows.append(
        "  model: " + ", ".join(f"{n} {ci[k][0]:.3f}-{ci[k][1]:.3f}" for k, n in names.items())
    )
    for base, diff in ci.get("minus", {}).items():
        rows.append(
            f"  model - {base}: "
            + ", ".join(f"{n} {diff[k][0]:+.3f}..{diff[k][1]:+.3f}" for k, n in names.items())
        )
    given = ci.get("extraction_given_threat", {})
    if given:
        rows.append(
            "  extraction given threat: "
            + ", ".join(f"{k} {v[0]:.3f}-{v[1]:.3f}" for k, v in given.items())
        )
    for base, diff in ci.get("extraction_given_threat_minus", {}).items():
        rows.append(
            f"  extraction given threat, model - {base}: "
            + ", ".join(f"{k} {v[0]:+.3f}..{v[1]:+.3f}" for k, v in diff.items())
        )
    return rows


def cross_validate(
    settings: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="A setting to try, NAME=JSON (e.g. word_range=[1,3]); repeatable.",
        ),
    ] = None,
    tagger: Annotated[
        bool,
        typer.Option("--tagger", help="Try span tagger settings (extraction) instead."),
    ] = False,
    folds: FoldsOpt = 5,
    shuffle_seed: ShuffleSeedOpt = None,
    data_dir: DataDirOpt = DEFAULT_DATA_DIR,
    as_json: JsonOpt = False,
) -> None:
    """Cross-validate settings against the shipped ones on the training documents."""
    from scoring.cv import compare, compare_tagger
    from scoring.data import load_dir, split
    from scoring.model import ThreatModel
    from scoring.tagger import HEADS, SpanTagger, unknown_heads

    params = dict(_setting(s) for s in settings or [])
    known = (SpanTagger() if tagger else ThreatModel()).get_params()
    for name in params:
        if name not in known:
            raise typer.BadParameter(f"{name!r} is not one of {sorted(known)}", param_hint="--set")
    if tagger and unknown_heads(params.get("refined", ())):
        raise typer.BadParameter(f"refined: the heads are {list(HEADS)}", param_hint="--set")
    train, _ = split(load_dir(data_dir))
    result = (compare_tagger if tagger else compare)(train, params, folds, shuffle_seed)
    if as_json:
        typer.echo(json.dumps(result, indent=2))
        return
    typer.echo("\n".join(_tagger_rows(result) if tagger else _model_rows(result)))
    typer.echo("95% intervals, document bootstrap of the difference candidate - shipped")


def _model_rows(result: dict[str, Any]) -> list[str]:
    lead = result["intervals"]["minus"]["shipped"]
    return [
        f"{name}: shipped {result['shipped'][key]['f1']:.4f}, candidate "
        f"{result['candidate'][key]['f1']:.4f} (difference {low:+.4f}..{high:+.4f})"
        for key, name in (("threat", "threat F1"), ("conditional", "cond F1"))
        for low, high in [lead[f"{key}_f1"]]
    ]


def _tagger_rows(result: dict[str, Any]) -> list[str]:
    lead = result["intervals"]["extraction_given_threat_minus"]["shipped"]
    return [
        f"{key}: shipped {result['shipped'][key]:.4f}, candidate "
        f"{result['candidate'][key]:.4f} (difference {low:+.4f}..{high:+.4f})"
        for key, (low, high) in lead.items()
    ]


def curve(
    fractions: Annotated[
        str, typer.Option("--fractions", help="Shares of the training documents, e.g. 0.25,0.5,1.")
    ] = "0.25,0.5,1",
    repeats: Annotated[
        int, typer.Option("--repeats", min=1, help="Draws of each share below 1.")
    ] = 2,
    tagger: Annotated[
        bool, typer.Option("--tagger", help="The span tagger's figures instead.")
    ] = False,
    folds: FoldsOpt = 5,
    shuffle_seed: ShuffleSeedOpt = None,
    data_dir: DataDirOpt = DEFAULT_DATA_DIR,
    as_json: JsonOpt = False,
) -> None:
    """Learning curve: cross-validated figures of the shipped settings on shares of the
    training documents, and the gain per doubling of the data."""
    from scoring.curve import learning_curve
    from scoring.data import load_dir, split

    try:
        shares = [float(f) for f in fractions.split(",")]
        train, _ = split(load_dir(data_dir))
        result = learning_curve(train, shares, repeats, folds, shuffle_seed, tagger)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--fractions") from exc
    if as_json:
        typer.echo(json.dumps(result, indent=2))
        return
    typer.echo("\n".join(_curve_rows(result)))


def _curve_rows(result: dict[str, Any]) -> list[str]:
    rows = [f"{result['what']}, out of fold on {result['n']} training sentences"]
    for p in result["points"]:
        for name in (k for k in p if isinstance(p[k], dict)):
            cells = ", ".join(f"{k} {v:.4f}" for k, v in p[name].items())
            rows.append(f"{p['fraction']:.2f} ({p['fit_sentences']:.0f} fit) {name}: {cells}")
    for name, slope in result["per_doubling"].items():
        rows.append(
            f"per doubling, {name}: " + ", ".join(f"{k} {v:+.4f}" for k, v in slope.items())
        )
    return rows


def _setting(text: str) -> tuple[str, Any]:
    name, sep, value = text.partition("=")
    if not sep:
        raise typer.BadParameter(f"{text!r}: expected NAME=JSON", param_hint="--set")
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError as exc:
        raise typer.BadParameter(f"{text!r}: {exc}", param_hint="--set") from exc
    # ranges are tuples in scikit-learn's vectorizers
    return name, tuple(parsed) if isinstance(parsed, list) else parsed


def bench_scoring(
    as_json: JsonOpt = False,
    splitters: Annotated[
        bool, typer.Option("--splitters", help="Compare sentence splitters instead.")
    ] = False,
    data_dir: DataDirOpt = DEFAULT_DATA_DIR,
    repeats: Annotated[int, typer.Option("--repeats", min=1)] = 7,
) -> None:
    """Benchmark end-to-end scoring speed and model load time (one core)."""
    from bench.scoring import run_bench
    from bench.splitters import compare_splitters

    result = compare_splitters(data_dir) if splitters else run_bench(data_dir, repeats)
    echo_result(result, as_json)


def register(app: typer.Typer) -> None:
    """Add score, train, eval, cv, curve and `bench scoring` to the redline app."""
    app.command("score")(score)
    app.command("train")(train)
    app.command("eval")(evaluate)
    app.command("cv")(cross_validate)
    app.command("curve")(curve)
    bench = typer.Typer(help="Benchmarks.", no_args_is_help=True)
    bench.command("scoring")(bench_scoring)
    app.add_typer(bench, name="bench")
