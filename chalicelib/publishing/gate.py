"""What one publish-due run lets through, and what it reads only once: Telegram's rate limits
(about 20 messages a minute into one chat, 30 a second per bot), each brand's missed window, the
channels. Shared by the run's threads."""
from __future__ import annotations

import threading
import time as _time
from collections import defaultdict

from chalicelib.brands.channels import repo as channel_repo
from chalicelib.core.plain import plain
from chalicelib.core.settings import get_settings
from chalicelib.publishing.models import TargetItem

TELEGRAM_PER_CHANNEL_PER_MINUTE = 20
TELEGRAM_PER_BOT_PER_SECOND = 30


class Gate:
    """Per-run rate limits and caches: Telegram allows about 20 messages a minute into one chat and
    30 a second per bot (counted per invocation; each minute's run starts afresh, and a 429 is
    honoured through the retry time it gives); brands' missed windows and channels read once."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled
        self.lock = threading.Lock()
        self.windows: dict[str, int] = {}
        self.channels: dict[str, object] = {}
        self.per_channel: dict[str, int] = defaultdict(int)
        self.bot_window: dict[str, list[float]] = defaultdict(list)

    def missed_after(self, brand_id: str) -> int:
        """The brand's missed window in minutes (its setting, else MISSED_AFTER_MINUTES)."""
        if brand_id not in self.windows:
            from chalicelib.brands import repo as brand_repo

            brand = brand_repo.get(brand_id)
            own = (plain(brand.settings) or {}).get("missed_after_minutes") if brand is not None else None
            self.windows[brand_id] = int(own or get_settings().MISSED_AFTER_MINUTES)
        return self.windows[brand_id]

    def channel(self, channel_id: str):
        if channel_id not in self.channels:
            self.channels[channel_id] = channel_repo.get(channel_id)
        return self.channels[channel_id]

    def admit(self, target: TargetItem) -> bool:
        if not self.enabled or target.platform != "telegram":
            return True
        with self.lock:
            if self.per_channel[target.channel_id] >= TELEGRAM_PER_CHANNEL_PER_MINUTE:
                return False
            self.per_channel[target.channel_id] += 1
            return True

    def pace(self, target: TargetItem, bot_key: str | None) -> None:
        if not self.enabled or target.platform != "telegram" or not bot_key:
            return
        while True:
            with self.lock:
                stamps = [s for s in self.bot_window[bot_key] if _time.monotonic() - s < 1.0]
                if len(stamps) < TELEGRAM_PER_BOT_PER_SECOND:
                    stamps.append(_time.monotonic())
                    self.bot_window[bot_key] = stamps
                    return
                self.bot_window[bot_key] = stamps
            _time.sleep(0.05)
