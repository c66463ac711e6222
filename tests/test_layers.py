"""The import structure: one way, db < mailflows < agent, and no cycle (function-level imports included)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHECK = ROOT.parent / "shared" / "tools" / "layers_check.py"


@pytest.mark.corpus
@pytest.mark.skipif(not CHECK.is_file(), reason="../shared/tools/layers_check.py is not present")
def test_the_shared_layers_check_finds_no_cycle_and_no_upward_import() -> None:
    done = subprocess.run([sys.executable, str(CHECK), str(ROOT)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 import cycles" in done.stdout and "0 upward imports" in done.stdout


def test_mail_in_and_mail_out_import_nothing_of_the_service_but_errors_and_settings() -> None:
    allowed = {"agent.errors", "agent.settings"}
    for path in sorted((ROOT / "mailflows").rglob("*.py")) + sorted((ROOT / "db").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if name == "agent" or name.startswith("agent."):
                    assert name in allowed, f"{path.relative_to(ROOT)} imports {name}"
