"""Hourly: send each person who wants one their daily digest at their local hour (services/digest.py)."""
from __future__ import annotations


def run() -> dict:
    from chalicelib.services import digest

    return digest.run_due()
