"""An influencer's status: prospect → vetting → approved | rejected, approved ↔ on_hold, blacklisted
from any state. Two ways back, so a mistake is not forever: rejected → vetting (look again) and
blacklisted → prospect (lifted). Pure, no I/O."""
from __future__ import annotations

NEXT: dict[str, frozenset[str]] = {
    "prospect": frozenset({"vetting", "blacklisted"}),
    "vetting": frozenset({"approved", "rejected", "blacklisted"}),
    "approved": frozenset({"on_hold", "blacklisted"}),
    "on_hold": frozenset({"approved", "blacklisted"}),
    "rejected": frozenset({"vetting", "blacklisted"}),
    "blacklisted": frozenset({"prospect"}),
}
# Moves that must say why (the reason goes to the audit trail and the influencer's page).
NEEDS_REASON = frozenset({"rejected", "on_hold", "blacklisted"})


def problem(current: str, wanted: str, reason: str | None) -> str | None:
    """Why `current` cannot become `wanted` (a sentence), or None."""
    if wanted == current:
        return f"The influencer is {current} already."
    if wanted not in NEXT.get(current, frozenset()):
        allowed = ", ".join(sorted(NEXT.get(current, frozenset()))) or "nothing"
        return f"An influencer who is {current} can become {allowed}, not {wanted}."
    if (wanted in NEEDS_REASON or current == "blacklisted") and not (reason or "").strip():
        return "Say why: a reason is required for this change."
    return None
