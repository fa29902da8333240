"""The post form with media (the editor's hidden `media` inputs) through the app: items saved in order,
and a network's media limit shown in the page's language."""
from __future__ import annotations

import json
import re
from html import unescape

from chalicelib.content import repo as post_repo
from chalicelib.core.http import csrf
from tests.integration.media.test_media_api import upload
from tests.support import media_files
from tests.support.posts import body
from tests.support.web import Browser, csrf_token_in, html


def fields(team, media, **extra):
    data = {"brand_id": team["brand"].id, "title": "Album", "body": "Cups", "content_type": "engaging",
            "tags": "", "media_field": "1", **extra}
    return [*data.items(), ("channel_ids", team["tg"]), *[("media", json.dumps(m)) for m in media]]


def test_eleven_photos_for_telegram_are_refused_in_russian_and_ten_are_saved(client, team):
    item = body(upload(client, team["designer"], team["brand"].id, media_files.png()))
    writer = Browser(client, Authorization=f"Bearer {team['copywriter'].token}")
    page = writer.get(f"/posts/new?brand_id={team['brand'].id}&lang=ru")
    assert page.status_code == 200
    text = html(page)
    assert 'data-media-field' in text and "Изображения и видео" in text  # the editor is on the form
    r = writer.post("/posts/new?lang=ru", [(csrf.FIELD, csrf_token_in(page)), *fields(team, [item] * 11)])
    assert r.status_code == 422, r.body
    shown = unescape(html(r))
    assert "Telegram принимает не больше 10 медиафайлов в посте; в этом посте 11." in shown
    kept = re.findall(r"name=\"media\" value='([^']+)'", html(r))
    assert len(kept) == 11 and json.loads(unescape(kept[0]))["key"] == item["key"]  # nothing typed is lost

    second = {**item, "alt": "Second"}
    r = writer.post("/posts/new", [(csrf.FIELD, csrf_token_in(page)), *fields(team, [second, item])])
    assert r.status_code == 303, r.body
    post_id = re.search(r"/posts/([0-9a-z]+)", r.headers["Location"]).group(1)
    assert [m["alt"] for m in post_repo.get(post_id, consistent=True).media] == ["Second", item["alt"]]
