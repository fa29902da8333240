"""Placement checks: was a deliverable published on time, as agreed, marked as the law demands, and did it
stay up? `rules/` holds the pure rules, `sources/` reads the outside systems (Telegram, VK, web pages)."""
