"""Pure-ish parts of the shell (issue 16): the local route matcher's greedy `{name+}` rule, the outbox
reader behind `cli last-link`, and the Subject folding of outgoing mail."""
from __future__ import annotations

import email
import email.header
import json
from email import policy

from chalice import Chalice
from chalice.test import Client

from chalicelib.core import mail as mailer
from chalicelib.core import outbox
from chalicelib.local.server import NOT_FOUND_BODY, install_greedy_routes, install_not_found_gateway


def _app() -> Chalice:
    app = Chalice(app_name="greedy")

    @app.route("/hello")
    def hello():
        return {"hello": "world"}

    @app.route("/items/{item_id}")
    def item(item_id):
        return {"item": item_id}

    @app.route("/files/{proxy+}")
    def files():
        return {"files": app.current_request.uri_params}

    @app.route("/{proxy+}")
    def rest():
        return {"rest": app.current_request.uri_params}

    return app


def test_greedy_routes_catch_deeper_paths_and_the_most_specific_route_wins(tmp_path):
    install_greedy_routes()
    install_greedy_routes()  # idempotent
    install_not_found_gateway()
    with Client(_app(), project_dir=str(tmp_path)) as client:
        assert client.http.get("/hello").json_body == {"hello": "world"}
        assert client.http.get("/items/7").json_body == {"item": "7"}
        assert client.http.get("/files/a").json_body == {"files": {"proxy": "a"}}
        assert client.http.get("/files/a/b/c.txt").json_body == {"files": {"proxy": "a/b/c.txt"}}
        assert client.http.get("/nope").json_body == {"rest": {"proxy": "nope"}}
        assert client.http.get("/items/7/deeper").json_body == {"rest": {"proxy": "items/7/deeper"}}
        assert client.http.get("/a%20b/%D0%BF").json_body == {"rest": {"proxy": "a b/п"}}  # decoded, as in AWS
        assert client.http.get("/x/y?q=1").json_body == {"rest": {"proxy": "x/y"}}
        # a method the greedy route does not declare: API Gateway's 404, not a 405
        r = client.http.post("/no/such")
        assert r.status_code == 404 and json.loads(r.body) == NOT_FOUND_BODY
        assert client.http.post("/hello").status_code == 405  # a concrete route keeps its 405


# --- the outbox reader ---------------------------------------------------------------------------------

def _write(folder, to, text, stamp):
    import os

    mime = mailer.build_mime(mailer.OutgoingEmail(to=to, subject="S", text=text, html="<p>x</p>"), "G <g@localhost>")
    path = folder / f"{stamp}.eml"
    path.write_bytes(bytes(mime))
    os.utime(path, ns=(stamp, stamp))
    return path


def test_last_link_reads_the_decoded_text_newest_first(tmp_path):
    long_token = "x" * 120 + "=="  # long enough for quoted-printable soft breaks and =3D
    sign_in = f"https://app.example/auth/verify?token={long_token}"
    _write(tmp_path, "Anna <anna@example.com>", f"Привет!\n\n{sign_in}\n", 1_000)
    request = ("Привет!\n\n--- TG ---\nSee https://shop.example/a/b\n\nApprove:\nhttps://app.example/a/AAA\n\n"
               "Request changes:\nhttps://app.example/a/BBB\n\nOpen the post:\nhttps://app.example/a/CCC\n")
    _write(tmp_path, "anna@example.com", request, 2_000)
    _write(tmp_path, "boris@example.com", "https://app.example/auth/verify?token=boris\n", 3_000)
    raw = (tmp_path / "1000.eml").read_bytes().decode()
    assert sign_in not in raw  # what grep saw: the raw file does not hold the link whole
    assert outbox.last_link(tmp_path, "ANNA@example.com") == sign_in
    assert outbox.last_link(tmp_path, "anna@example.com", "approve") == "https://app.example/a/AAA"
    assert outbox.last_link(tmp_path, "anna@example.com", "changes") == "https://app.example/a/BBB"
    assert outbox.last_link(tmp_path, "anna@example.com", "open") == "https://app.example/a/CCC"
    assert outbox.last_link(tmp_path, "anna@example.com", "any") == "https://shop.example/a/b"
    assert outbox.last_link(tmp_path, "nobody@example.com") is None
    assert outbox.last_link(tmp_path / "missing", "anna@example.com") is None
    assert not outbox.addressed_to(outbox.read(tmp_path / "3000.eml"), "anna@example.com")


# --- the Subject ------------------------------------------------------------------------------------

def test_a_long_mixed_subject_folds_without_an_empty_encoded_word():
    subjects = ["[Demo Coffee Roasters] Not published: Webhook demo / Демо вебхука",
                "[Кофейня «Демо»] Согласуйте публикацию: " + "очень длинный заголовок " * 6,
                "[Demo] Please approve: a plain English title that is long enough to need folding, surely"]
    for subject in subjects:
        raw = bytes(mailer.build_mime(mailer.OutgoingEmail(to="a@example.com", subject=subject, text="t", html="h"),
                                      "G <g@localhost>"))
        head = raw.split(b"\n\n", 1)[0].decode("ascii")
        assert "??=" not in head
        assert all(len(line) <= 78 for line in head.splitlines())
        assert str(email.message_from_bytes(raw, policy=policy.default)["Subject"]) == subject
        legacy = email.message_from_bytes(raw)["Subject"].replace("\r\n", "").replace("\n", "")  # unfolded (RFC 5322)
        assert str(email.header.make_header(email.header.decode_header(legacy))) == subject
