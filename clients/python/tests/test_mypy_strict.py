"""mypy --strict passes on the package (its configuration is in pyproject.toml)."""

from __future__ import annotations

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_mypy_strict_passes_on_src() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "src/warden_client"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
