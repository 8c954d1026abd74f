"""The import contracts in pyproject.toml bite (DESIGN.md "Rules of the house", rule 1).

Each test copies the packages and pyproject.toml into a temporary directory, optionally appends
one forbidden import to one module, and runs lint-imports there. The unmodified copy must keep
every contract; each injected import must break the contract that names the rule.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("app", "scheduling", "matching", "billing", "migrations")
# The `lint-imports` console script, run with this interpreter (`python -m importlinter.cli`
# would import the module and do nothing).
LINT_IMPORTS = (
    "import sys; from importlinter.cli import lint_imports_command;"
    " sys.exit(lint_imports_command())"
)
BROKEN = re.compile(r"^(?P<name>.+?) BROKEN(?: \(\d+ ignored imports?\))?$", re.MULTILINE)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the root packages and pyproject.toml that a test may vandalise."""
    for package in PACKAGES:
        shutil.copytree(
            REPO / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )
    shutil.copy2(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def lint_imports(project: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(project),
        # Wide enough that a contract's name and its KEPT/BROKEN verdict share one line.
        "COLUMNS": "500",
        "NO_COLOR": "1",
    }
    return subprocess.run(  # noqa: S603 - fixed argv, our own interpreter
        [sys.executable, "-c", LINT_IMPORTS, "--no-cache"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def contract_name(project: Path, contract_id: str) -> str:
    config = tomllib.loads((project / "pyproject.toml").read_text())
    contracts = config["tool"]["importlinter"]["contracts"]
    names = {contract.get("id"): contract["name"] for contract in contracts}
    assert contract_id in names, f"no import contract with id {contract_id!r} in pyproject.toml"
    return names[contract_id]


def inject(project: Path, module_path: str, line: str) -> None:
    path = project / module_path
    assert path.parent.is_dir(), f"{module_path}: no such package in the copy"
    existing = path.read_text() if path.exists() else ""
    path.write_text(f"{existing}\n{line}  # injected\n")


def assert_breaks(project: Path, contract_id: str, chain: str) -> None:
    result = lint_imports(project)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    broken = {match["name"] for match in BROKEN.finditer(result.stdout)}
    assert contract_name(project, contract_id) in broken, output
    assert chain in result.stdout, output


def test_unmodified_copy_keeps_every_contract(project: Path) -> None:
    result = lint_imports(project)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert not BROKEN.findall(result.stdout), output
    assert re.search(r"Contracts: \d+ kept, 0 broken\.", result.stdout), output


def test_domain_module_importing_flask_breaks_the_web_stack_contract(project: Path) -> None:
    inject(project, "scheduling/slots/engine.py", "import flask")
    assert_breaks(project, "web-stack", "scheduling.slots.engine -> flask")


def test_new_domain_module_is_covered_without_editing_the_contracts(project: Path) -> None:
    inject(project, "matching/ranking/brand_new.py", "from marshmallow import Schema")
    assert_breaks(project, "web-stack", "matching.ranking.brand_new -> marshmallow")


def test_domain_module_importing_the_web_layer_breaks_the_web_layer_contract(
    project: Path,
) -> None:
    inject(project, "scheduling/slots/engine.py", "from app.web.extensions import db")
    assert_breaks(project, "web-layer", "scheduling.slots.engine -> app.web.extensions")


def test_scheduling_importing_matching_breaks_the_scheduling_contract(project: Path) -> None:
    inject(project, "scheduling/slots/engine.py", "import matching.exceptions")
    assert_breaks(project, "scheduling-below", "scheduling.slots.engine -> matching.exceptions")


def test_scheduling_importing_billing_breaks_the_scheduling_contract(project: Path) -> None:
    # billing/ does not exist yet; the contract must catch it all the same.
    inject(project, "scheduling/slots/engine.py", "import billing")
    assert_breaks(project, "scheduling-below", "scheduling.slots.engine -> billing")


def test_importing_the_composition_root_breaks_the_composition_root_contract(
    project: Path,
) -> None:
    inject(project, "app/directory/clients.py", "from app.factory import create_app")
    assert_breaks(project, "composition-root", "app.directory.clients -> app.factory")


def test_platform_importing_a_domain_package_breaks_the_platform_contract(
    project: Path,
) -> None:
    inject(project, "app/seed.py", "import scheduling.demo")
    assert_breaks(project, "platform", "app.seed -> scheduling.demo")
