"""Train the weights of `resembles-risky` (tfreview/pipeline/rules/resemblance.py) from the labelled corpus.

    python scripts/train_resemblance.py            # rewrite tfreview/pipeline/rules/resemblance.json
    python scripts/train_resemblance.py --check    # exit 1 when the shipped weights are not what the corpus trains

Every labelled plan in fixtures/ (fresh/*/labels.json, manifest.json, incidents/manifest.json, and the probes of
fixtures/rules/probes/probes.json) is read, masked and
normalized as a review reads it, and each change through `change_tokens`, the function the rule scores with (a plan
the reader refuses teaches nothing). A logistic model is trained on whole plans first
(the union of their changes' tokens); then each risky plan is stood for by its change that model scores highest and
every change of a benign plan is a negative instance, and the model is trained again on those (one round of
multiple-instance learning: a risky plan is usually one risky change among harmless ones). Deterministic: sorted
inputs, a seeded shuffle, weights rounded to four places. Run it after adding labelled plans; CI checks it was.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from collections import Counter
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tfreview.errors import TfreviewError  # noqa: E402
from tfreview.pipeline.changes import normalize  # noqa: E402
from tfreview.pipeline.mask import mask_document  # noqa: E402
from tfreview.pipeline.plan import add_addresses, parse_plan, read_plan_document  # noqa: E402
from tfreview.pipeline.rules.resemblance import WEIGHTS, change_tokens, logit, probability  # noqa: E402
from tfreview.pipeline.shape import check_shape  # noqa: E402

OUT = ROOT / "tfreview" / "pipeline" / "rules" / WEIGHTS
PROBES = ROOT / "fixtures" / "rules" / "probes" / "probes.json"
PROBE = "probe:"
EPOCHS, RATE, DECAY, L2, MIN_COUNT, SEED = 12, 0.1, 0.8, 1e-4, 3, 7
CALIBRATION_STEPS = 8
Example = tuple[int, list[str]]


def labelled() -> list[tuple[str, int]]:
    """(plan path, 1 when risky) for every labelled plan, sorted."""
    files = sorted((ROOT / "fixtures" / "fresh").glob("*/labels.json"))
    files += [ROOT / "fixtures" / "manifest.json", ROOT / "fixtures" / "incidents" / "manifest.json"]
    plans = {e["path"]: int(e["expected"] == "needs_close_review")
             for f in files for e in json.loads(f.read_text())["plans"]}
    plans |= {f"{PROBE}{p['name']}": int(p["expected"] == "needs_close_review") for p in probes().values()}
    return sorted(plans.items())


def probes() -> dict[str, dict[str, object]]:
    """The labelled probes (fixtures/rules/probes/probes.json) by name: scenarios of a few changes each."""
    return {p["name"]: p for p in json.loads(PROBES.read_text())["probes"]}


def probe_document(name: str) -> dict[str, object]:
    """A probe as the plan document tests/pipeline/test_rules_probes.py reviews."""
    probe = probes()[name]
    document = {"format_version": "1.2", "terraform_version": "1.9.5", "applyable": True, "complete": True,
                "errored": False, "planned_values": {"root_module": {}}, "configuration": {"root_module": {}},
                "resource_changes": probe["resource_changes"]}
    if "resource_drift" in probe:
        document["resource_drift"] = probe["resource_drift"]
    return document


def plan_changes(path: str) -> list[set[str]] | None:
    """The tokens of each managed change of a plan, read through the stages a review runs before the rules (read,
    mask, parse, normalize), so the model learns from what it will see; None when the plan is refused."""
    try:
        if path.startswith(PROBE):
            document = probe_document(path.removeprefix(PROBE))
            check_shape(document)
            add_addresses(document)
        else:
            document = read_plan_document(ROOT / path)
        mask_document(document)
        changeset = normalize(parse_plan(document))
    except TfreviewError:
        return None
    return [change_tokens(c.action, c.type, c.before, c.after, c.importing) for c in changeset.changes
            if c.mode == "managed"]


def train(examples: list[Example]) -> tuple[float, dict[str, float]]:
    counts = Counter(t for _, tokens in examples for t in tokens)
    data = [(y, [t for t in tokens if counts[t] >= MIN_COUNT]) for y, tokens in examples]
    weights: dict[str, float] = {}
    bias, rate = 0.0, RATE
    rng = random.Random(SEED)
    for _ in range(EPOCHS):
        rng.shuffle(data)
        for y, tokens in data:
            gradient = probability(logit(tokens, bias, weights)) - y
            bias -= rate * gradient
            for t in tokens:
                w = weights.get(t, 0.0)
                weights[t] = w - rate * (gradient + L2 * w)
        rate *= DECAY
    return bias, weights


def calibrated_bias(examples: list[Example], bias: float, weights: dict[str, float]) -> float:
    """The bias at which the mean predicted probability equals the share of risky examples, the weights held
    (Newton steps on the bias alone): stochastic updates leave it wherever the last few examples pushed it, and an
    empty change should score the prior, not a coin toss."""
    logits = [logit(tokens, 0.0, weights) for _, tokens in examples]
    risky = sum(y for y, _ in examples)
    for _ in range(CALIBRATION_STEPS):
        predicted = [probability(z + bias) for z in logits]
        slope = sum(q * (1 - q) for q in predicted)
        if slope == 0:
            break
        bias -= (sum(predicted) - risky) / slope
    return bias


def model() -> dict[str, object]:
    every = labelled()
    with Pool(os.cpu_count() or 1) as pool:
        read = pool.map(plan_changes, [path for path, _ in every], chunksize=64)
    plans = [(y, changes) for (_, y), changes in zip(every, read, strict=True) if changes is not None]
    bias, weights = train([(y, sorted(set().union(*changes))) for y, changes in plans])
    instances: list[Example] = []
    for y, changes in plans:
        changes = [c for c in changes if c] or [set()]
        if y:
            instances.append((1, sorted(max(changes, key=lambda c: (logit(c, bias, weights), sorted(c))))))
        else:
            instances += [(0, sorted(c)) for c in changes]
    bias, weights = train(instances)
    bias = calibrated_bias(instances, bias, weights)
    kept = {t: round(w, 4) for t, w in sorted(weights.items()) if abs(w) >= 0.005}
    return {"trained_on": len(plans), "bias": round(bias, 4), "weights": kept}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the shipped weights instead of writing")
    args = parser.parse_args()
    trained = model()
    text = json.dumps(trained, indent=0, sort_keys=True) + "\n"
    if args.check:
        shipped = json.loads(OUT.read_text())
        same = shipped["trained_on"] == trained["trained_on"] and shipped["weights"].keys() == trained["weights"].keys()
        same = same and all(abs(shipped["weights"][t] - w) < 1e-3 for t, w in trained["weights"].items())
        print("weights match the corpus" if same else f"{OUT.name} is stale: run python scripts/train_resemblance.py")
        return 0 if same else 1
    OUT.write_text(text)
    print(f"{OUT.relative_to(ROOT)}: {len(trained['weights'])} weights from {trained['trained_on']} labelled plans")
    return 0


if __name__ == "__main__":
    sys.exit(main())
