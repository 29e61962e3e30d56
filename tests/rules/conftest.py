"""Collects the OpenFisca YAML tests in tests/rules/openfisca/ with OpenFisca's own runner.

Each YAML test becomes a pytest item named after its `name:`, run by openfisca-core's
test_runner against loket's tax-benefit system.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openfisca_core.tools.test_runner import Loader, YamlFile, YamlItem, yaml

from loket.rules.system import tax_benefit_system

OPENFISCA_TESTS = Path(__file__).parent / "openfisca"


class NamedYamlFile(YamlFile):  # type: ignore[misc]
    """OpenFisca's YAML test file, with one pytest item per test named after the test."""

    def collect(self) -> Iterator[Any]:
        with open(self.path, encoding="utf-8") as file:
            tests = yaml.load(file, Loader=Loader)
        for test in tests if isinstance(tests, list) else [tests]:
            yield YamlItem.from_parent(
                self,
                name=test["name"],
                baseline_tax_benefit_system=self.tax_benefit_system,
                test=test,
                options={},
            )


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix == ".yaml" and file_path.parent == OPENFISCA_TESTS:
        collector: pytest.Collector = NamedYamlFile.from_parent(
            parent, path=file_path, tax_benefit_system=tax_benefit_system(), options={}
        )
        return collector
    return None
