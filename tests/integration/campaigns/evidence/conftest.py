"""Evidence export tests: a campaign with an approved, published post and a checked deal."""
from __future__ import annotations
