"""A fake of Telegram's public web preview of channel posts on 127.0.0.1, rendering the markup t.me serves
(the widget of one post and a channel's stream page), and the renderer the saved fixture pages in
tests/fixtures/telegram/ come from — one template for both, so the parser's tests and the fake agree.

    fake = FakeTelegramPreview().start(); TELEGRAM_WEB_BASE_URL=fake.url
    fake.post("acme_news", 42, "Реклама. Shop at https://shop.example/?erid=2Vtz", at=datetime(…, tzinfo=utc),
              links=("https://shop.example/x", ("Buy now", "https://shop.example/y")), views=1200,
              edited=False, kind="text" | "photo" | "album" | "video" | "service", buttons=(("Buy", href),),
              preview="https://shop.example/", author="Anna")         -> PreviewPost
    fake.delete("acme_news", 42)             the widget answers "Post not found" (HTTP 200, as t.me does)
    fake.edit("acme_news", 42, "new text")   new text (links kept unless given), marked "edited"
    fake.hits("/acme_news/42") -> int        requests per path (query left out); fake.hits() -> Counter
    fake.latency = 0.05; fake.fail_next(Fault.of_status(502)) / Fault.drop() / Fault.delay(s)   (fake_api)

Served (GET): /<channel>/<id> with or without ?embed=1 (the widget), /s/<channel>?after=<id> (the posts
after id, oldest first, at most 20), /s/<channel>?before=<id>, /s/<channel>/<id> (the posts around id),
/s/<channel> (the latest 20). Channel names are case-insensitive, as on t.me; data-post keeps the case the
post was made with.

Text is rendered as Telegram renders it: line breaks as <br/>, URLs, @mentions (→ https://t.me/<name>)
and #hashtags (→ ?q=%23tag) as links. `links` add lines with a link each: a str is shown as itself, a
(label, href) pair as a text link. Views: an int is shown rounded like t.me ("980", "1.2K", "12.3M"); a str
as given; None: no views.

    python -m tests.support.fake_telegram_preview     rewrites the fixture pages from FIXTURES
"""
from __future__ import annotations

import html
import re
import threading
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

from tests.support.fake_api import Call, FakeAPI, Fault

__all__ = ["Call", "Fault", "FakeTelegramPreview", "PreviewPost", "FIXTURES", "FIXTURE_DIR", "widget_page",
           "not_found_page", "stream_page", "views_text", "write_fixtures"]

FIXTURE_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "telegram"
STREAM_PAGE_SIZE = 20
_TOKENS = re.compile(r"(https?://[^\s<>\"]+[^\s<>\".,;:!?)»])|(?<![\w@])@([A-Za-z0-9_]{3,32})|(?<![\w#&])#(\w+)")


@dataclass(frozen=True)
class PreviewPost:
    channel: str
    id: int
    text: str
    at: datetime
    links: tuple = ()  # str href (shown as itself) or (label, href)
    views: int | str | None = 1200
    edited: bool = False
    kind: str = "text"  # text | photo | album | video | service
    buttons: tuple = ()  # (label, href) URL buttons under the post
    preview: str | None = None  # the link preview's target
    author: str | None = None  # the author's signature in the meta line
    title: str | None = None  # the channel's title (default: the channel name)


def views_text(views: int | str | None) -> str | None:
    """How t.me shows a view count: 980, 1.2K, 12.3M (one decimal, ".0" dropped)."""
    if views is None or isinstance(views, str):
        return views
    if views < 1000:
        return str(views)
    for unit, size in (("M", 10**6), ("K", 10**3)):
        if views >= size:
            shown = f"{views / size:.1f}".removesuffix(".0")
            return f"{shown}{unit}"
    return str(views)  # pragma: no cover


def _anchor(href: str, label: str) -> str:
    e = html.escape
    return (f'<a href="{e(href)}" target="_blank" rel="noopener" '
            f'onclick="return confirm(\'Open this link?\\n\\n\'+this.href);">{e(label)}</a>')


def _line(text: str) -> str:
    out, last = [], 0
    for match in _TOKENS.finditer(text):
        out.append(html.escape(text[last:match.start()]))
        url, mention, tag = match.groups()
        if url:
            out.append(_anchor(url, url))
        elif mention:
            out.append(f'<a href="https://t.me/{mention}">@{html.escape(mention)}</a>')
        else:
            out.append(f'<a href="?q=%23{quote(tag)}">#{html.escape(tag)}</a>')
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def text_html(post: PreviewPost) -> str:
    lines = [_line(line) for line in post.text.split("\n")] if post.text else []
    for link in post.links:
        label, href = (link, link) if isinstance(link, str) else link
        lines.append(_anchor(href, label))
    return "<br/>".join(lines)


def _media(post: PreviewPost) -> str:
    e = html.escape
    link = f"https://t.me/{e(post.channel)}/{post.id}"
    image = f"https://cdn4.cdn-telegram.org/file/fake_{post.id}.jpg"
    if post.kind == "photo":
        return (f'      <a class="tgme_widget_message_photo_wrap 5{post.id:09d}_456239017 blured" href="{link}" '
                f"style=\"width:800px;background-image:url('{image}')\">\n"
                '        <div class="tgme_widget_message_photo" style="padding-top:56.25%"></div>\n      </a>\n')
    if post.kind == "album":
        items = "".join(
            f'          <a class="tgme_widget_message_photo_wrap grouped_media_wrap blured js-message_photo" '
            f'style="left:{(n % 2) * 227}px;top:{(n // 2) * 227}px;width:225px;height:225px;'
            f"background-image:url('https://cdn4.cdn-telegram.org/file/fake_{post.id}_{n}.jpg')\" "
            f'data-ratio="1" href="https://t.me/{e(post.channel)}/{post.id + n}?single"></a>\n'
            for n in range(3))
        return ('      <div class="tgme_widget_message_grouped_wrap js-message_grouped_wrap" data-margin-w="2" '
                'data-margin-h="2" style="width:453px;">\n'
                '        <div class="tgme_widget_message_grouped js-message_grouped" style="padding-top:100%">\n'
                '         <div class="tgme_widget_message_grouped_layer js-message_grouped_layer" '
                'style="width:453px;height:453px">\n' + items + "         </div>\n        </div>\n      </div>\n")
    if post.kind == "video":
        return (f'      <a class="tgme_widget_message_video_player not_supported js-message_video_player" '
                f'href="{link}">\n'
                f"        <i class=\"tgme_widget_message_video_thumb\" style=\"background-image:url('{image}')\"></i>\n"
                '        <div class="tgme_widget_message_video_wrap"><video class="tgme_widget_message_video '
                'js-message_video" width="100%" height="100%"></video></div>\n'
                '        <div class="message_video_play"></div>\n'
                '        <time class="message_video_duration js-message_video_duration">0:42</time>\n      </a>\n')
    return ""


def message_html(post: PreviewPost) -> str:
    """One .tgme_widget_message_wrap block: the same in the widget and on the stream page."""
    e = html.escape
    channel, title = e(post.channel), e(post.title or post.channel)
    stamp = post.at.astimezone(timezone.utc)
    when = stamp.isoformat(timespec="seconds")
    service = post.kind == "service"
    classes = "tgme_widget_message service_message js-widget_message" if service else \
        "tgme_widget_message text_not_supported_wrap js-widget_message"
    out = ['<div class="tgme_widget_message_wrap js-widget_message_wrap">\n',
           f'  <div class="{classes}" data-post="{channel}/{post.id}" data-view="eyJjIjotMTAwMTIzNDU2Nzg5LCJwIjo'
           f'{post.id}fQ" data-peer="c1001234567_-1234567890123456789" data-peer-hash="5c3fb1b0a1d7e2f0" '
           f'data-post-id="{post.id}">\n']
    if not service:
        out.append(f'    <div class="tgme_widget_message_user"><a href="https://t.me/{channel}"><i '
                   f'class="tgme_widget_message_user_photo bgcolor1" data-content="{title[:1].upper()}"><img '
                   f'src="https://cdn4.cdn-telegram.org/file/fake_userpic.jpg"></i></a></div>\n')
    out.append('    <div class="tgme_widget_message_bubble">\n')
    if not service:
        out.append('      <i class="tgme_widget_message_bubble_tail"><svg class="bubble_icon" width="9px" '
                   'height="20px" viewBox="0 0 9 20"><g fill="none"><path class="background" fill="#ffffff" '
                   'd="M8,1 L9,1 L9,20 L8,20 L8,18 C7.807,15.161 7.124,12.233 5.950,9.218 C5.046,6.893 3.504,'
                   '4.733 1.325,2.738 L1.325,2.738 C0.917,2.365 0.89,1.732 1.263,1.325 C1.452,1.118 1.72,1 2,1 '
                   'L8,1 Z"></path></g></svg></i>\n'
                   f'      <div class="tgme_widget_message_author accent_color"><a class="tgme_widget_message_owner_name" '
                   f'href="https://t.me/{channel}"><span dir="auto">{title}</span></a></div>\n')
    out.append(_media(post))
    body = text_html(post)
    if body:
        out.append(f'      <div class="tgme_widget_message_text js-message_text" dir="auto">{body}</div>\n')
    if post.preview:
        out.append(f'      <a class="tgme_widget_message_link_preview" href="{e(post.preview)}">\n'
                   '        <div class="link_preview_site_name accent_color" dir="auto">Shop</div>\n'
                   '        <div class="link_preview_title" dir="auto">The shop</div>\n'
                   '        <div class="link_preview_description" dir="auto">Everything for the kitchen</div>\n'
                   '      </a>\n')
    views = views_text(post.views)
    meta = ""
    if post.author:
        meta += f'<span class="tgme_widget_message_from_author" dir="auto">{e(post.author)}</span>,&nbsp;'
    if post.edited:
        meta += "edited&nbsp;"
    out.append('      <div class="tgme_widget_message_footer compact js-message_footer">\n'
               '        <div class="tgme_widget_message_info short js-message_info">\n          ')
    if views is not None and not service:
        out.append(f'<span class="tgme_widget_message_views">{e(views)}</span><span class="copyonly"> views</span>')
    out.append(f'<span class="tgme_widget_message_meta">{meta}<a class="tgme_widget_message_date" '
               f'href="https://t.me/{channel}/{post.id}"><time datetime="{when}" class="time">'
               f'{stamp:%H:%M}</time></a></span>\n        </div>\n      </div>\n')
    out.append("    </div>\n")
    if post.buttons:
        cells = "".join(f'<td class="tgme_widget_message_inline_button_cell"><a href="{e(href)}" '
                        f'class="tgme_widget_message_inline_button url_button" target="_blank" rel="noopener">'
                        f'<div class="tgme_widget_message_inline_button_text">{e(label)}</div></a></td>'
                        for label, href in post.buttons)
        out.append(f'    <table class="table tgme_widget_message_inline_keyboard"><tr '
                   f'class="tgme_widget_message_inline_row">{cells}</tr></table>\n')
    out.append("  </div>\n</div>\n")
    return "".join(out)


_WIDGET_HEAD = """<!DOCTYPE html>
<html>
  <head>
    <meta charset="utf-8">
    <title>{title}</title>
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    <meta property="og:title" content="{og_title}">
    <meta property="og:site_name" content="Telegram">
    <meta name="robots" content="noindex, nofollow">
    <link href="//telegram.org/css/widget-frame.css?66" rel="stylesheet" media="screen">
    <script src="//telegram.org/js/widget-frame.js?63"></script>
  </head>
  <body class="body_widget_post emoji_image nodark">
"""
_WIDGET_TAIL = """    <script>TWidgetPost.init();</script>
  </body>
</html>
"""


def widget_page(post: PreviewPost) -> str:
    """t.me/<channel>/<id>?embed=1 for a post that is there."""
    return (_WIDGET_HEAD.format(title="Telegram Widget", og_title=html.escape(post.title or post.channel))
            + message_html(post) + _WIDGET_TAIL)


def not_found_page(channel: str, post_id: int) -> str:
    """t.me/<channel>/<id>?embed=1 for a post that is not (deleted, never was): HTTP 200, this bubble."""
    e = html.escape
    return (_WIDGET_HEAD.format(title="Telegram Widget", og_title="Telegram")
            + '<div class="tgme_widget_message_wrap js-widget_message_wrap">\n'
            f'  <div class="tgme_widget_message js-widget_message" data-post="{e(channel)}/{post_id}">\n'
            '    <div class="tgme_widget_message_bubble">\n'
            '      <div class="tgme_widget_message_error">Post not found</div>\n'
            "    </div>\n  </div>\n</div>\n" + _WIDGET_TAIL)


def stream_page(channel: str, posts: list[PreviewPost], title: str | None = None) -> str:
    """t.me/s/<channel>: the channel's header and its posts, oldest first."""
    e = html.escape
    name, shown = e(channel), e(title or channel)
    return ("""<!DOCTYPE html>
<html>
  <head>
    <meta charset="utf-8">
    <title>""" + shown + """ – Telegram</title>
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    <meta property="og:title" content=\"""" + shown + """\">
    <meta property="og:site_name" content="Telegram">
    <link href="//telegram.org/css/telegram.css?241" rel="stylesheet" media="screen">
    <link href="//telegram.org/css/widget-frame.css?66" rel="stylesheet" media="screen">
  </head>
  <body class="widget_frame_base tgme_webpreview emoji_image" dir="auto">
    <header class="tgme_header search_collapsed">
      <div class="tgme_header_info"><a class="tgme_header_link" href="https://t.me/""" + name + """">
        <div class="tgme_header_title_wrap"><div class="tgme_header_title"><span dir="auto">""" + shown + """</span></div></div>
      </a></div>
    </header>
    <main class="tgme_main">
      <section class="tgme_channel_history js-message_history">
""" + "".join(message_html(post) for post in posts) + """      </section>
    </main>
    <script src="//telegram.org/js/widget-frame.js?63"></script>
  </body>
</html>
""")


class FakeTelegramPreview(FakeAPI):
    def __init__(self):
        super().__init__()
        self._posts: dict[tuple[str, int], PreviewPost] = {}
        self._data_lock = threading.Lock()

    # --- the channel's posts --------------------------------------------------------------------
    def post(self, channel: str, id: int, text: str = "", *, at: datetime, links=(), views: int | str | None = 1200,
             edited: bool = False, kind: str = "text", buttons=(), preview: str | None = None,
             author: str | None = None, title: str | None = None) -> PreviewPost:
        if at.tzinfo is None:
            raise ValueError("at must be an aware datetime")
        if kind not in ("text", "photo", "album", "video", "service"):
            raise ValueError(f"unknown kind {kind!r}")
        made = PreviewPost(channel, int(id), text, at, tuple(links), views, edited, kind, tuple(buttons), preview,
                           author, title)
        with self._data_lock:
            self._posts[(channel.casefold(), int(id))] = made
        return made

    def delete(self, channel: str, id: int) -> None:
        with self._data_lock:
            self._posts.pop((channel.casefold(), int(id)), None)

    def edit(self, channel: str, id: int, text: str, *, links=None, **changes) -> PreviewPost:
        key = (channel.casefold(), int(id))
        with self._data_lock:
            before = self._posts[key]
            after = replace(before, text=text, edited=True, links=tuple(links) if links is not None else before.links,
                            **changes)
            self._posts[key] = after
        return after

    def get(self, channel: str, id: int) -> PreviewPost | None:
        with self._data_lock:
            return self._posts.get((channel.casefold(), int(id)))

    def channel_posts(self, channel: str) -> list[PreviewPost]:
        with self._data_lock:
            return sorted((p for (c, _), p in self._posts.items() if c == channel.casefold()), key=lambda p: p.id)

    # --- records --------------------------------------------------------------------------------
    def hits(self, path: str | None = None):
        counts = Counter(call.path for call in self.calls)
        return counts if path is None else counts[path]

    def target_of(self, call: Call) -> str | None:
        return call.path

    # --- serving --------------------------------------------------------------------------------
    def answer(self, call: Call):
        if call.method != "GET":
            return 405, b"<html><body>Method Not Allowed</body></html>", {}
        segments = [s for s in call.path.split("/") if s]
        if len(segments) == 2 and segments[0] != "s" and segments[1].isdigit():
            post = self.get(segments[0], int(segments[1]))
            page = widget_page(post) if post is not None else not_found_page(segments[0], int(segments[1]))
            return 200, page.encode(), {}
        if segments and segments[0] == "s" and len(segments) in (2, 3):
            return 200, self._stream(segments[1], segments[2] if len(segments) == 3 else None, call).encode(), {}
        return 404, b"<html><head><title>Not Found</title></head><body>Not Found</body></html>", {}

    def _stream(self, channel: str, around: str | None, call: Call) -> str:
        posts = self.channel_posts(channel)
        query = {k: v for k, v in call.body.items() if isinstance(v, str)}  # fake_api puts the query there
        after, before = query.get("after"), query.get("before")
        if after and after.isdigit():
            shown = [p for p in posts if p.id > int(after)][:STREAM_PAGE_SIZE]
        elif before and before.isdigit():
            shown = [p for p in posts if p.id < int(before)][-STREAM_PAGE_SIZE:]
        elif around and around.isdigit():
            older = [p for p in posts if p.id < int(around)][-(STREAM_PAGE_SIZE // 2):]
            shown = older + [p for p in posts if p.id >= int(around)][:STREAM_PAGE_SIZE - len(older)]
        else:
            shown = posts[-STREAM_PAGE_SIZE:]
        title = next((p.title for p in posts if p.title), None)
        return stream_page(posts[0].channel if posts else channel, shown, title)


# --- the saved pages -------------------------------------------------------------------------------
_AT = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
FIXTURES = {
    "text_with_links.html": lambda: widget_page(PreviewPost(
        "Acme_News", 4021,
        "Реклама. ООО «Ромашка», ИНН 7707083893. erid: 2VtzqxYz\n"
        "Autumn sale: promo code SALE10 gives 10% off. Details: https://shop.example/sale?utm_source=telegram\n"
        "Follow @romashka_shop #autumn",
        _AT, links=(("Shop now", "https://shop.example/?utm_source=telegram&utm_medium=influencer&erid=2VtzqxYz"),),
        views=1234, preview="https://shop.example/", buttons=(("Buy", "https://shop.example/buy"),),
        title="Acme News")),
    "photo_caption.html": lambda: widget_page(PreviewPost(
        "acme_news", 4022, "Photo of the day.\nРеклама. erid: 2VtzqxYz", _AT, views=980, kind="photo",
        title="Acme News")),
    "album.html": lambda: widget_page(PreviewPost(
        "acme_news", 4023, "Three looks for autumn", _AT, views="12.3M", kind="album", title="Acme News")),
    "video.html": lambda: widget_page(PreviewPost(
        "acme_news", 4026, "A short video", _AT, views=45000, kind="video", title="Acme News")),
    "edited.html": lambda: widget_page(PreviewPost(
        "acme_news", 4024, "Edited text without the code", _AT, views="1.2K", edited=True, author="Anna",
        title="Acme News")),
    "signed_not_edited.html": lambda: widget_page(PreviewPost(
        "acme_news", 4027, "Signed by an author whose name says edited", _AT, author="Edited Editor",
        title="Acme News")),
    "deleted.html": lambda: not_found_page("acme_news", 4025),
    "stream_after_4021.html": lambda: stream_page("acme_news", [
        PreviewPost("acme_news", 4022, "Acme News pinned a photo", datetime(2026, 12, 1, 10, 30, tzinfo=timezone.utc), kind="service"),
        PreviewPost("acme_news", 4023, "The next real post", datetime(2026, 12, 1, 11, 15, tzinfo=timezone.utc),
                    title="Acme News"),
        PreviewPost("acme_news", 4024, "And another", datetime(2026, 12, 1, 14, 0, tzinfo=timezone.utc),
                    kind="photo", title="Acme News"),
    ], "Acme News"),
}


def write_fixtures(folder: Path = FIXTURE_DIR) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, render in FIXTURES.items():
        path = folder / name
        path.write_text(render(), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_fixtures():
        print(path)
