"""Write fixtures/corpus/** and fixtures/manifest.json: .venv/bin/python scripts/corpus/gen.py"""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import aws
import others  # noqa: F401  (registers scenarios)
from lib import write

REPO = Path(__file__).resolve().parents[2]
entries = []
for path, fn, expected, why, rules in aws.SCENARIOS:
    doc = fn()
    write(doc, REPO / "fixtures/corpus" / path)
    entries.append({"path": f"fixtures/corpus/{path}", "expected": expected, "why": why, "rules": rules})
builtin = json.loads((Path(__file__).parent / "builtin.json").read_text())
for name, (expected, why, rules) in builtin.items():
    entries.append({"path": f"fixtures/plans/{name}.json", "expected": expected, "why": why, "rules": rules})
manifest = {"version": 1, "plans": entries}
(REPO / "fixtures/manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
print(len(entries), "entries")
