"""Shared by the trainer tests: the repository root and a runner for the CLI as users call it."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def run_cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scripts.trainer", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=timeout)
