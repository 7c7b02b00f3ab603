"""Write the incidents corpus (fixtures/corpus/**/inc_*.json) and fixtures/incidents/manifest.json.

    /work/venv/bin/python scripts/corpus/incidents.py

A held-out set written from production failure modes, not from the rules; byte-for-byte reproducible.
"""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import inc_aws  # noqa: F401  (each module registers its scenarios)
import inc_aws2  # noqa: F401
import inc_cloud  # noqa: F401
import inc_k8s  # noqa: F401
import inc_odd  # noqa: F401
import inc_saas  # noqa: F401
from inc_lib import SCENARIOS
from lib import write

REPO = Path(__file__).resolve().parents[2]
taken = {e["path"] for e in json.loads((REPO / "fixtures/manifest.json").read_text())["plans"]}
entries = []
for path, build, expected, family, why in SCENARIOS:
    rel = f"fixtures/corpus/{path}"
    assert rel not in taken and Path(path).name.startswith("inc_"), f"{rel} belongs to the main corpus"
    doc = build()
    if isinstance(doc, str):  # a deliberately broken document
        (REPO / rel).parent.mkdir(parents=True, exist_ok=True)
        (REPO / rel).write_text(doc)
    else:
        write(doc, REPO / rel)
    entries.append({"path": rel, "expected": expected, "family": family, "why": why, "rules": []})
assert len({e["path"] for e in entries}) == len(entries), "duplicate paths"
out = REPO / "fixtures/incidents/manifest.json"
out.parent.mkdir(parents=True, exist_ok=True)
out.write_text(json.dumps({"version": 1, "plans": entries}, indent=2, ensure_ascii=False) + "\n")
safe = sum(e["expected"] == "likely_safe" for e in entries)
print(f"{len(entries)} plans, {safe} benign look-alikes, {len(entries) - safe} risky")
