"""Regenerate the golden summaries of the shipped scenarios: tests/golden/<scenario>.csv.

    .venv/bin/python scripts/update_golden.py            # every scenario in scenarios/
    .venv/bin/python scripts/update_golden.py outlook_2026 apr2025_licensing

Each file is the summary.csv of 3 replications at the scenario's own seed, numbers at 6
significant digits. Look at the diff (who is short of what, when) before committing.
"""

from __future__ import annotations

import sys

from sim.validation.library import GOLDEN_DIR, golden_csv, golden_path, golden_summary, shipped


def main(names: list[str]) -> int:
    paths = [p for p in shipped() if not names or p.stem in names]
    unknown = set(names) - {p.stem for p in paths}
    if unknown:
        print(f"unknown scenario(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    for path in paths:
        target = golden_path(path)
        text = golden_csv(golden_summary(path))
        old = target.read_text(encoding="utf-8") if target.exists() else None
        target.write_text(text, encoding="utf-8")
        state = "new" if old is None else ("unchanged" if old == text else "changed")
        print(f"{target.relative_to(GOLDEN_DIR.parents[1])}: {state}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
