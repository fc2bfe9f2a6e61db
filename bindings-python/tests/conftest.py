"""The suite runs on two pytest-xdist workers (`-n 2 --dist loadgroup`, scripts/test.sh). Tests
that start a Spark or a Ray cluster, in this process or in a snippet's subprocess, share one
worker each, so no two clusters of one engine run at once."""

from __future__ import annotations

import pytest

ENGINES = ("spark", "ray")


# First: xdist's own hook reads the groups from the marks (a later hook would add them unread).
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        name = item.nodeid.lower()
        for engine in ENGINES:
            if f"test_{engine}.py" in name or f"{engine}.md" in name or f"tamis.{engine}-" in name:
                item.add_marker(pytest.mark.xdist_group(engine))


def pytest_collection_finish(session: pytest.Session) -> None:
    """On an xdist worker with `--dist loadgroup`: every grouped test's id carries its group, or
    the run stops (a pytest-xdist that cannot group would let two clusters start at once)."""
    if not getattr(session.config.option, "loadgroup", False):
        return
    for item in session.items:
        mark = item.get_closest_marker("xdist_group")
        if mark is not None and not item.nodeid.endswith(f"@{mark.args[0]}"):
            raise pytest.UsageError(
                f"pytest-xdist did not put {item.nodeid} in its group `{mark.args[0]}`: this "
                "pytest and pytest-xdist do not group tests together (see tests/requirements.txt)"
            )
