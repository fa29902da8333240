"""GET|HEAD /r/{code}: 302 to the stored tagged URL, the click counted by day with unique visitors (a tiny day
item of two numbers, a marker per visitor and a random day salt, both expiring); bots, link previewers,
prefetches, previews and HEAD redirected but not counted; an upper-case code still leads; unknown or odd codes
the 404 page in the reader's language; nothing in the request changes where it leads (no open redirect);
counting never fails it, and a slow or throttled DynamoDB holds it up a second at most."""
from __future__ import annotations

import json
import socket
import threading
import time

import pytest

from chalicelib.campaigns.links import repo
from chalicelib.core.clock import utcnow
from tests.integration.campaigns.links.conftest import CHROME, click, link_of
from tests.support.web import html

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"
BOTS = ["Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "TelegramBot (like TwitterBot)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", "Twitterbot/1.0",
        "Mozilla/5.0 (compatible; vkShare; +http://vk.com/dev/Share)", "WhatsApp/2.23.20.0 A", "curl/8.5.0",
        "Wget/1.21.4", "python-requests/2.31.0", ""]


@pytest.fixture
def link(client, shop):
    return link_of(client, shop["smm_manager"], shop["campaign"].id, deliverable_id=shop["deliverable"].id)


def today() -> str:
    return utcnow().strftime("%Y-%m-%d")


def day_of(code: str):
    days = repo.clicks_between(code, today(), today())
    return days[0] if days else None


def totals(code: str) -> tuple[int, int]:
    day = day_of(code)
    return repo.day_clicks(day) if day is not None else (0, 0)


def test_a_click_redirects_to_the_tagged_url_and_is_counted(client, shop, link):
    r = click(client, link["code"])
    assert r.status_code == 302
    assert r.headers["Location"] == link["tagged_url"]
    assert r.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in r.headers
    day = day_of(link["code"])
    assert (day.clicks, day.uniques, day.campaign_id, day.day, day.code) == (
        1, 1, shop["campaign"].id, today(), link["code"])
    assert (day.gsi1pk, day.gsi1sk) == (f"CAMPAIGN#{shop['campaign'].id}#CLICKS", f"{today()}#{link['code']}")
    assert [d.code for d in repo.clicks_of_campaign(shop["campaign"].id, today(), today())] == [link["code"]]


def test_the_same_visitor_twice_is_two_clicks_one_unique(client, link):
    for _ in range(2):
        assert click(client, link["code"]).status_code == 302
    assert totals(link["code"]) == (2, 1)
    click(client, link["code"], FIREFOX)
    assert totals(link["code"]) == (3, 2)
    marks = raw_query(f"LINK#{link['code']}#DAY#{today()}")
    assert len(marks) == 2
    assert all(len(m["sk"]["S"]) == 2 + 16 and "127.0.0.1" not in json.dumps(m) for m in marks)  # never the address


def raw_query(pk: str) -> list[dict]:
    """The items of a partition as DynamoDB holds them (every attribute, as stored)."""
    from chalicelib.core.deps import aws_client
    from chalicelib.core.settings import get_settings

    return aws_client("dynamodb").query(TableName=get_settings().table_name, KeyConditionExpression="pk = :pk",
                                        ExpressionAttributeValues={":pk": {"S": pk}}, ConsistentRead=True)["Items"]


def test_the_day_item_stays_two_numbers_however_many_visitors(client, link):
    """The day item is what every click rewrites (and its gsi1 copy): it must not grow with the visitors. Each
    visitor is a small marker of its own (key + ttl, no index keys) that expires with the day's salt."""
    from chalicelib.campaigns.links import clicks
    from chalicelib.campaigns.rules.visitors import expiry_of

    now = utcnow()
    for n in range(40):
        assert clicks.count(link["code"], link["campaign_id"], now, f"198.51.100.{n}", CHROME)
    [day] = [item for item in raw_query(f"LINK#{link['code']}") if item["sk"]["S"].startswith("DAY#")]
    assert set(day) == {"pk", "sk", "code", "campaign_id", "day", "clicks", "uniques", "gsi1pk", "gsi1sk"}
    assert (day["clicks"], day["uniques"]) == ({"N": "40"}, {"N": "40"})
    assert len(json.dumps(day)) < 400
    marks = raw_query(f"LINK#{link['code']}#DAY#{today()}")
    assert len(marks) == 40 and all(set(m) == {"pk", "sk", "ttl"} for m in marks)
    assert {m["ttl"]["N"] for m in marks} == {str(expiry_of(today()))}
    listed = repo.clicks_of_campaign(link["campaign_id"], today(), today())
    assert [repo.day_clicks(d) for d in listed] == [(40, 40)]


def test_the_day_salt_is_random_kept_once_and_expires(client, link):
    """Not derived from any key (nothing can recompute it once DynamoDB deleted it): 32 random bytes, made once
    a day with a conditional put; a process that lost its cache reads the same salt back."""
    from chalicelib.campaigns.links import clicks
    from chalicelib.campaigns.rules.visitors import expiry_of

    click(client, link["code"])
    [item] = raw_query(f"VISITORSALT#{today()}")
    salt = item["salt"]["S"]
    assert len(bytes.fromhex(salt)) == 32 and item["ttl"]["N"] == str(expiry_of(today()))
    clicks.forget_salts()
    assert clicks.salt_of(today()) == bytes.fromhex(salt)
    assert not repo.put_day_salt(today(), "00" * 32, expiry_of(today()))  # a second salt for the day: refused
    click(client, link["code"])
    assert totals(link["code"]) == (2, 1)  # the same visitor under the same salt


@pytest.mark.parametrize("agent", BOTS)
def test_bots_and_previewers_are_redirected_but_not_counted(client, link, agent):
    r = click(client, link["code"], agent)
    assert r.status_code == 302 and r.headers["Location"] == link["tagged_url"]
    assert totals(link["code"]) == (0, 0)


def test_head_and_prefetch_are_redirected_but_not_counted(client, link):
    r = click(client, link["code"], method="HEAD")
    assert r.status_code == 302 and r.headers["Location"] == link["tagged_url"] and not r.body
    for header, value in (("Sec-Purpose", "prefetch"), ("Purpose", "prefetch"), ("X-Moz", "prefetch"),
                          ("X-Purpose", "preview")):
        r = click(client, link["code"], **{header: value})
        assert r.status_code == 302, header
    assert totals(link["code"]) == (0, 0)


def test_an_upper_case_code_still_leads(client, link):
    r = click(client, link["code"].upper())
    assert r.status_code == 302 and r.headers["Location"] == link["tagged_url"]
    assert totals(link["code"]) == (1, 1)
    assert click(client, link["code"] + "%0A").status_code == 404  # the whole code, nothing after it


@pytest.mark.parametrize("language, title", [("en", "Link not found"), ("ru", "Ссылка не найдена")])
def test_an_unknown_code_is_the_404_page_in_the_readers_language(client, language, title):
    r = client.get("/r/zzzz9999", headers={"User-Agent": CHROME, "Accept-Language": language})
    assert r.status_code == 404
    assert "Location" not in r.headers
    assert r.headers["Content-Type"].startswith("text/html")
    assert title in html(r) and f'<html lang="{language}">' in html(r)


def test_the_404_page_follows_lang(client):
    r = client.get("/r/zzzz9999?lang=ru", headers={"User-Agent": CHROME})
    assert r.status_code == 404 and "Ссылка не найдена" in html(r)
    assert "Set-Cookie" not in r.headers


def test_head_of_an_unknown_code_is_404_without_a_body(client):
    r = client.request("HEAD", "/r/zzzz9999", headers={"User-Agent": CHROME}, body=b"")
    assert r.status_code == 404 and not r.body


@pytest.mark.parametrize("path", ["/r/https:%2F%2Fevil.example", "/r/..%2f", "/r/..%2F..%2Fadmin", "/r/%2F%2Fevil.example",
                                  "/r/ABCDEFGH", "/r/abc", "/r/a.b.c.d", "/r/abcd%00efgh", "/r/" + "a" * 33,
                                  "/r/%E2%80%AEabcd", "/r/javascript:alert(1)"])
def test_odd_codes_never_redirect(client, path):
    r = client.get(path, headers={"User-Agent": CHROME})
    assert r.status_code == 404, (path, r.status_code)
    assert "Location" not in r.headers


def test_nothing_in_the_request_changes_the_destination(client, link):
    for path, headers in [(f"/r/{link['code']}?url=https://evil.example&next=//evil.example", {}),
                          (f"/r/{link['code']}", {"Referer": "https://evil.example/", "Host": "evil.example",
                                                  "X-Forwarded-Host": "evil.example"})]:
        r = client.get(path, headers={"User-Agent": CHROME, **headers})
        assert r.status_code == 302 and r.headers["Location"] == link["tagged_url"]
    assert client.get(f"/r/{link['code']}/https://evil.example", headers={"User-Agent": CHROME}).status_code == 404


def test_counting_trouble_never_fails_the_redirect(client, link, monkeypatch, caplog):
    """A fault DynamoDB Local never produces (throttling), injected into the counter's last write: the person is
    still sent on, and the log names the link, never the address."""
    from botocore.exceptions import ClientError

    from chalicelib.campaigns.links import clicks

    def throttled(*_args, **_kwargs):
        raise ClientError({"Error": {"Code": "ProvisionedThroughputExceededException"}}, "UpdateItem")

    monkeypatch.setattr(clicks.repo, "add_click", throttled)
    r = click(client, link["code"])
    assert r.status_code == 302 and r.headers["Location"] == link["tagged_url"]
    records = [rec for rec in caplog.records if "could not be counted" in rec.getMessage()]
    assert records and getattr(records[0], "link", None) == link["code"]
    assert "127.0.0.1" not in caplog.text


class FakeDynamo:
    """A DynamoDB endpoint on loopback that is slow (reads the request, never answers) or throttled (answers
    every request at once with ProvisionedThroughputExceededException). Counts the requests it got."""

    def __init__(self, mode: str):
        self.mode, self.requests, self.stop = mode, 0, threading.Event()
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.server.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}"
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        held = []
        while not self.stop.is_set():
            try:
                conn, _ = self.server.accept()
            except OSError:
                continue
            threading.Thread(target=self.answer, args=(conn,), daemon=True).start()
            held.append(conn)
        for conn in held:
            conn.close()

    def answer(self, conn):
        conn.settimeout(5)
        try:
            while not self.stop.is_set():
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                head, _, body = data.partition(b"\r\n\r\n")
                length = int(next((line.split(b":")[1] for line in head.split(b"\r\n")
                                   if line.lower().startswith(b"content-length")), b"0"))
                while len(body) < length:
                    body += conn.recv(65536)
                self.requests += 1
                if self.mode == "slow":
                    self.stop.wait(5)
                    return
                reply = json.dumps({"__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
                                    "message": "slow down"}).encode()
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/x-amz-json-1.0\r\n"
                             b"Content-Length: " + str(len(reply)).encode() + b"\r\n\r\n" + reply)
        except OSError:
            return

    def close(self):
        self.stop.set()
        self.server.close()


@pytest.fixture
def fake_dynamo(monkeypatch):
    """Point the counter's short-leash client (only) at a fake: the link is still read from DynamoDB Local."""
    from chalicelib.campaigns.links import click_client
    from chalicelib.core.settings import get_settings

    made = []

    def use(mode: str) -> FakeDynamo:
        fake = FakeDynamo(mode)
        made.append(fake)
        settings = get_settings()
        leash = click_client._build(fake.url, settings.AWS_REGION, click_client.CONNECT_TIMEOUT,
                                    click_client.READ_TIMEOUT, click_client.MAX_ATTEMPTS)
        monkeypatch.setattr(click_client, "client", lambda: leash)
        return fake

    yield use
    for fake in made:
        fake.close()


def test_the_counters_client_has_a_short_leash():
    from chalicelib.campaigns.links import click_client

    config = click_client.client().meta.config
    assert (config.connect_timeout, config.read_timeout) == (0.25, 0.5)
    assert config.retries["total_max_attempts"] == 1  # the first attempt only: no retry


@pytest.mark.parametrize("mode", ["slow", "throttled"])
def test_a_slow_or_throttled_dynamodb_holds_the_redirect_up_a_second_at_most(client, link, fake_dynamo, caplog, mode):
    fake = fake_dynamo(mode)
    started = time.monotonic()
    r = click(client, link["code"])
    took = time.monotonic() - started
    assert r.status_code == 302 and r.headers["Location"] == link["tagged_url"]
    assert took < 1.3, took
    assert fake.requests == 1  # one attempt: no retry
    assert any("could not be counted" in rec.getMessage() for rec in caplog.records)
