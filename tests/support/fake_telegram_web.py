"""A fake of Telegram's public web pages (t.me/<name>) on 127.0.0.1, serving pages shaped like the real
ones (the tgme_page_* blocks of a channel, a public group and a person; a 404 for an unknown name).

    fake = FakeTelegramWeb(channels={"acme_news": 12345}).start(); TELEGRAM_WEB_BASE_URL=fake.url
    GET /acme_news            a channel page: <div class="tgme_page_extra">12 345 subscribers</div>
    fake.groups["acme_chat"] = 900            a public group: "900 members, 12 online"
    fake.people["anna_person"] = "Anna"       a person: tgme_page_extra holds "@anna_person", no count
    fake.contact_pages.add("free_name")       200 with the "you can contact @…" page and no tgme_page_extra
    fake.fail_next(Fault.of_status(502)) / Fault.drop() / Fault.delay(s)   (see fake_api)
Pages are in English unless the request asks for Russian (Accept-Language: ru…), like t.me.
"""
from __future__ import annotations

import html

from tests.support.fake_api import Call, FakeAPI, Fault

__all__ = ["Call", "FakeTelegramWeb", "Fault", "channel_page", "grouped"]

_HEAD = """<!DOCTYPE html>
<html>
  <head>
    <meta charset="utf-8">
    <title>Telegram: {title_tag}</title>
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    <meta property="og:title" content="{og_title}">
    <meta property="og:image" content="https://cdn4.cdn-telegram.org/file/fake.jpg">
    <meta property="og:site_name" content="Telegram">
    <meta property="og:description" content="{description}">
    <meta property="al:ios:app_store_id" content="686449807">
    <meta property="al:ios:url" content="tg://resolve?domain={name}">
    <meta name="robots" content="noindex, nofollow">
    <link href="//telegram.org/css/font-roboto.css?1" rel="stylesheet" type="text/css">
    <link href="/css/telegram.css?241" rel="stylesheet" media="screen">
  </head>
  <body class="no_transition">
    <div class="tgme_background_wrap"><canvas id="tgme_background" class="tgme_background default"
      width="50" height="50" data-colors="dbddbb,6ba587,d5d88d,88b884"></canvas>
      <div class="tgme_background_pattern default"></div></div>
    <div class="tgme_page_wrap">
      <div class="tgme_head_wrap"><div class="tgme_head">
        <a href="//telegram.org/" class="tgme_head_brand"><i class="tgme_logo"></i></a>
        <a class="tgme_head_dl_button" href="//telegram.org/dl?tme=fake">Download</a>
      </div></div>
      <div class="tgme_body_wrap">
        <div class="tgme_page">
"""
_TAIL = """        </div>
      </div>
    </div>
    <div id="tgme_frame_cont"></div>
    <script src="//telegram.org/js/tgwallpaper.min.js?3"></script>
  </body>
</html>
"""


def grouped(count: int) -> str:
    """12345 -> "12 345", as t.me writes counts."""
    return f"{count:,}".replace(",", " ")


def channel_page(name: str, title: str, extra: str | None, description: str = "", *, kind: str = "channel",
                 language: str = "en") -> str:
    e = html.escape
    if kind == "contact":
        body = (f'<div class="tgme_page_icon"><i class="tgme_icon_user"></i></div>\n'
                f'<div class="tgme_page_title"><span dir="auto">{e(title)}</span></div>\n'
                f'<div class="tgme_page_description">If you have <strong>Telegram</strong>, you can contact '
                f'<a class="tgme_username_link" href="tg://resolve?domain={e(name)}">@{e(name)}</a> right away.</div>\n')
        head = _HEAD.format(title_tag=f"Contact @{e(name)}", og_title=f"Telegram: Contact @{e(name)}",
                            description="", name=e(name))
        return head + body + _TAIL
    action = {"channel": "View in Telegram", "group": "View in Telegram", "person": "Send Message"}[kind]
    body = (f'<div class="tgme_page_photo"><a href="tg://resolve?domain={e(name)}"><img class="tgme_page_photo_image" '
            f'src="https://cdn4.cdn-telegram.org/file/fake.jpg"></a></div>\n'
            f'<div class="tgme_page_title"><span dir="auto">{e(title)}</span></div>\n')
    if extra is not None:
        body += f'<div class="tgme_page_extra">{e(extra)}</div>\n'
    body += (f'<div class="tgme_page_description" dir="auto">{e(description)}</div>\n'
             f'<div class="tgme_page_action"><a class="tgme_action_button_new shine" '
             f'href="tg://resolve?domain={e(name)}">{action}</a></div>\n')
    if kind == "channel":
        body += (f'<div class="tgme_page_context_link_wrap"><a href="/s/{e(name)}" class="tgme_page_context_link">'
                 f'Preview channel</a></div>\n')
    head = _HEAD.format(title_tag=f"Contact @{e(name)}", og_title=e(title), description=e(description), name=e(name))
    return head + body + _TAIL


class FakeTelegramWeb(FakeAPI):
    def __init__(self, channels: dict[str, int] | None = None, groups: dict[str, int] | None = None,
                 people: dict[str, str] | None = None):
        super().__init__()
        self.channels = dict(channels or {})  # name -> subscribers
        self.groups = dict(groups or {})  # name -> members
        self.people = dict(people or {})  # name -> display name
        self.contact_pages: set[str] = set()  # names that answer the "contact @name" page (no count)
        self.rounded: set[str] = set()  # channels shown with a rounded count ("1.2K")

    def target_of(self, call: Call) -> str | None:
        return call.path

    def answer(self, call: Call):
        name = call.path.strip("/")
        russian = (call.header("Accept-Language") or "").lower().startswith("ru")
        if call.method != "GET" or "/" in name:
            return 404, b"<html><body>Not Found</body></html>", {}
        if name in self.channels:
            count = self.channels[name]
            if name in self.rounded:
                shown = f"{count / 1000:.1f}K" if count < 10**6 else f"{count / 10**6:.1f}M"
            else:
                shown = grouped(count)
            extra = f"{shown} {'подписчиков' if russian else 'subscribers'}"
            return 200, channel_page(name, f"Channel {name}", extra, "News and recipes").encode(), {}
        if name in self.groups:
            extra = f"{grouped(self.groups[name])} {'участников' if russian else 'members'}, 12 online"
            return 200, channel_page(name, f"Chat {name}", extra, kind="group").encode(), {}
        if name in self.people:
            return 200, channel_page(name, self.people[name], f"@{name}", kind="person").encode(), {}
        if name in self.contact_pages:
            return 200, channel_page(name, name, None, kind="contact").encode(), {}
        return 404, b"<html><head><title>Not Found</title></head><body>Not Found</body></html>", {}
