"""Placement checks: request and response models (the wire shapes of routes.py)."""
from __future__ import annotations

from enum import Enum
from typing import Annotated

from pydantic import Field, StringConstraints

from chalicelib.core.schemas import Input, Output

PlacementUrl = Annotated[str, StringConstraints(min_length=1, max_length=2000, pattern=r"^https?://\S+$")]


class PlacementSet(Input):
    url: PlacementUrl = Field(description="The live placement: https://t.me/<channel>/<id>, "
                                          "https://vk.com/wall-<group>_<id>, or any public page")


class OverrideResult(str, Enum):
    pass_ = "pass"
    warn = "warn"
    fail = "fail"


class CheckOverride(Input):
    result: OverrideResult
    reason: Annotated[str, StringConstraints(min_length=1, max_length=1000)] = Field(
        description="Why the check's result is wrong (kept in the audit trail)")


class FindingOut(Output):
    rule: str
    severity: str = Field(description="fail | warn | info")
    expected: str
    actual: str
    text: str = Field(description="The rule's name in the reader's language")


class EvidenceOut(Output):
    sha256: str
    size: int
    url: str | None = Field(default=None, description="What was fetched")
    fetched_at: str
    http_status: int | None = None
    content_type: str
    download: str | None = Field(default=None, description="A download link that expires in minutes")


class CheckOut(Output):
    id: str
    deliverable_id: str
    deal_id: str
    kind: str = Field(description="initial | now | window_end | retention | final | top | metrics_24h | "
                                  "metrics_72h | metrics_7d | manual")
    url: str | None = None
    due_at: str
    state: str = Field(description="planned | done | dropped")
    result: str | None = Field(default=None, description="pass | warn | fail | inconclusive | error "
                                                         "(the override's when overridden)")
    checked_result: str | None = Field(default=None, description="What the check itself found, before any override")
    findings: list[FindingOut] = []
    evidence: EvidenceOut | None = None
    observed: dict | None = None
    moved: dict | None = Field(default=None, description="{from, to}: the deliverable's status this check moved")
    adjustments: list[str] = Field(default=[], description="The penalty clauses this check charged")
    held: str | None = Field(default=None, description="hold | release: what it did to the deal's payments")
    confirmed: list[str] = []
    note: str | None = None
    override: dict | None = None
    attempts: int = 0
    error: str | None = None
    checked_at: str | None = None


class CheckList(Output):
    items: list[CheckOut]
