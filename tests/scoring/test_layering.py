"""Layering: scoring imports nothing from service or alerts, and no database/HTTP library.

The contracts are read from pyproject.toml and run with `lint-imports`. Two options there
are not accepted by import-linter 2.x as written (`include_external_packages` inside a
contract, and the submodule `urllib.request` of an external package), so the test moves
the first to the top level and forbids the root package of the second.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def _ini(cfg: dict[str, Any]) -> str:
    lines = ["[importlinter]", "root_packages =", *(f"    {p}" for p in cfg["root_packages"])]
    lines.append("include_external_packages = True")
    for i, contract in enumerate(cfg["contracts"]):
        lines += ["", f"[importlinter:contract:{i}]"]
        for key, value in contract.items():
            if key == "include_external_packages":
                continue
            if isinstance(value, list):
                if key == "forbidden_modules":
                    value = sorted({v.split(".")[0] for v in value})
                lines += [f"{key} =", *(f"    {v}" for v in value)]
            else:
                lines.append(f"{key} = {value}")
    return "\n".join(lines) + "\n"


def test_import_linter_contracts_pass(tmp_path: Path) -> None:
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    names = [c["name"] for c in cfg["contracts"]]
    assert any("scoring is pure" in n for n in names)
    config = tmp_path / "importlinter.ini"
    config.write_text(_ini(cfg))
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint), "--no-cache", "--config", str(config)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(names)} kept, 0 broken" in result.stdout
