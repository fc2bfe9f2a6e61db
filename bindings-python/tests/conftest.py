"""The suite runs on two pytest-xdist workers (`-n 2 --dist loadgroup`, scripts/test.sh). Tests
that start a Spark or a Ray cluster, in this process or in a snippet's subprocess, share one
worker each, so no two clusters of one engine run at once."""

from __future__ import annotations

import pytest

ENGINES = ("spark", "ray")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        name = item.nodeid.lower()
        for engine in ENGINES:
            if f"test_{engine}.py" in name or f"{engine}.md" in name or f"tamis.{engine}-" in name:
                item.add_marker(pytest.mark.xdist_group(engine))
