"""Start-up stays light: `import sim`, `import sim.engine` and `minsim --help` load neither
pandas, pyarrow nor matplotlib (`--help` and `--version` not even numpy or pydantic), checked in
a fresh interpreter, and the public API is still reachable through `sim`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("pandas", "pyarrow", "matplotlib")

PROBE = """
import contextlib, io, json, sys
{code}
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))
"""


def heavy_modules_after(code: str, heavy: tuple[str, ...] = HEAVY) -> list[str]:
    script = PROBE.format(code=code, heavy=heavy)
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


@pytest.mark.parametrize(
    "code",
    [
        "import sim",
        "import sim.engine",
        "import sim.runner",
        "from sim.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['--help']) == 0\n"
        "    assert main(['run', '--help']) == 0",
    ],
    ids=["import sim", "import sim.engine", "import sim.runner", "minsim --help"],
)
def test_start_up_loads_no_heavy_library(code: str) -> None:
    assert heavy_modules_after(code) == []


def test_help_and_version_load_neither_numpy_pydantic_nor_the_scenario_loader() -> None:
    # the parser is built from the standard library; what a command needs is imported on use
    heavy = ("numpy", "pydantic", "yaml", "sim.scenario.loader", "importlib.metadata")
    run = "from sim.cli import main\nwith contextlib.redirect_stdout(io.StringIO()):\n"
    helps = run + "    assert main(['--help']) == 0\n    assert main(['validate', '--help']) == 0"
    assert heavy_modules_after(helps, heavy) == []
    # --version reads the package metadata, and nothing more
    version = run + "    assert main(['--version']) == 0"
    assert heavy_modules_after(version, heavy) == ["importlib.metadata"]


@pytest.mark.slow
def test_the_probe_sees_heavy_imports() -> None:
    # the first use of the API loads the model and pandas, and validate the schema: the probe
    # would notice
    assert {"pandas", "pyarrow"} <= set(heavy_modules_after("import sim\nsim.run"))
    validate = "from sim.cli import main\nmain(['validate', 'nope.yaml'])"
    assert {"numpy", "pydantic"} <= set(heavy_modules_after(validate, ("numpy", "pydantic")))


def test_public_api_is_reachable_lazily() -> None:
    import sim

    for name in sim.__all__:
        assert getattr(sim, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = sim.nope  # type: ignore[attr-defined]
