"""Fixtures of the emulator's black-box tests: raw exim clients per org, manual timing."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from sandbox_provider.testing import EmulatorProcess

from ._support import ACME, PARTNER


@pytest.fixture
def acme(emulator: EmulatorProcess) -> Iterator[httpx.Client]:
    """acme's exim client, x-sandbox-name dev."""
    with emulator.api(ACME, "dev") as c:
        yield c


@pytest.fixture
def acme_prod(emulator: EmulatorProcess) -> Iterator[httpx.Client]:
    with emulator.api(ACME, "prod") as c:
        yield c


@pytest.fixture
def partner(emulator: EmulatorProcess) -> Iterator[httpx.Client]:
    """partner's exim client, x-sandbox-name dev."""
    with emulator.api(PARTNER, "dev") as c:
        yield c


@pytest.fixture
def manual(emulator: EmulatorProcess) -> EmulatorProcess:
    """The session emulator in manual timing: nothing moves until /_emulator/advance."""
    emulator.set_timing(mode="manual")
    return emulator
