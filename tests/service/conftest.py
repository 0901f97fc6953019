"""Service fixtures: the real app on a fresh database, called with the first admin key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from tests.service.helpers import ADMIN_HEADERS, make_settings


@pytest.fixture
def client(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    """The app (lifespan run: migrated database, model loaded), sending the admin key."""
    with TestClient(
        create_app(make_settings(database_url, tmp_path)), headers=ADMIN_HEADERS
    ) as test_client:
        yield test_client
