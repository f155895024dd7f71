"""Shared fixtures for the core tests."""

from __future__ import annotations

import pytest
import torch


@pytest.fixture(autouse=True)
def _one_torch_thread():
    # The models here are tiny: on a loaded machine torch's intra-op threads spin and a
    # 100x25 matmul became ~250x slower (1 ms instead of 4 us). One thread keeps the suite
    # fast and its timings stable; restored so other test packages see the default.
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
