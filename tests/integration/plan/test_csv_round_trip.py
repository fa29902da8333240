"""Content-plan CSV through the API on DynamoDB Local: an unchanged full export imports back as
"unchanged" (published posts, drafts without channels, duplicated texts, every status), changed rows
update through content.service.update, locked posts refuse changes row by row, and a refused file
lists every problem of every row (the file's own, network limits, references) in the reader's language."""
from __future__ import annotations

import csv
import io

from chalicelib.content import repo as post_repo
from chalicelib.content.models import PostItem
from chalicelib.core.db import connection as db_connection
from tests.support.posts import approve_post, body, call, new_post


def export(client, team, query=""):
    r = client.get(f"/v1/brands/{team['brand'].id}/content-plan.csv{query}", headers=team["smm_manager"].headers)
    assert r.status_code == 200, r.body
    return r.body.encode("utf-8") if isinstance(r.body, str) else r.body


def upload(client, team, data: bytes, user="smm_manager"):
    headers = {**team[user].headers, "Content-Type": "text/csv"}
    return client.post(f"/v1/brands/{team['brand'].id}/content-plan", headers=headers, body=data)


def records(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def write(rows: list[dict]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(rows[0].keys()), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def set_status(post_id: str, status: str) -> None:
    """A post whose targets went out (or failed): written straight, as the publisher would leave it."""
    db_connection.bind_models()
    item = post_repo.get(post_id, consistent=True)
    item.update(actions=[PostItem.status.set(status)])


def a_plan_of_every_kind(client, team) -> dict:
    posts = {
        "draft": new_post(client, team, title="Draft"),
        "no_channels": new_post(client, team, title="No channel yet", channel_ids=[], publish_at=None),
        "twin_a": new_post(client, team, title="", body="Same words twice", publish_at="2026-12-03T09:00"),
        "twin_b": new_post(client, team, title="", body="Same words twice", publish_at="2026-12-03T09:00"),
        "scheduled": approve_post(client, team, title="Scheduled", publish_at="2026-12-05T10:00",
                                  tags=["осень", "menu"], due_at="2026-12-04"),
        "published": approve_post(client, team, title="Published", publish_at="2026-12-06T10:00"),
        "failed": approve_post(client, team, title="Failed", publish_at="2026-12-07T10:00"),
        "archived": new_post(client, team, title="Archived", body="=SUM(A1) \"quoted\", comma\nline two"),
        "assigned": new_post(client, team, title="Assigned", assignee_ids=[team["designer"].id],
                             timezone="Europe/Moscow", publish_at="2026-12-08T18:30"),
    }
    set_status(posts["published"]["id"], "published")
    set_status(posts["failed"]["id"], "failed")
    r = call(client, "post", f"/v1/posts/{posts['archived']['id']}/archive", team["smm_manager"])
    assert r.status_code == 200, r.body
    return posts


def test_an_unchanged_full_export_imports_as_unchanged_with_no_errors(client, team):
    posts = a_plan_of_every_kind(client, team)
    exported = export(client, team)
    rows = records(exported)
    assert {r["status"] for r in rows} >= {"draft", "scheduled", "published", "failed", "archived"}
    assert any(r["channels"] == "" for r in rows)
    before = {p["id"]: body(call(client, "get", f"/v1/posts/{p['id']}", team["smm_manager"])) for p in posts.values()}
    r = upload(client, team, exported)
    assert r.status_code == 200, r.body
    result = body(r)
    assert result["created"] == [] and result["updated"] == []
    assert sorted(result["unchanged"]) == sorted(p["id"] for p in posts.values())
    assert [row["outcome"] for row in result["rows"]] == ["unchanged"] * len(rows)
    assert [row["line"] for row in result["rows"]] == list(range(2, len(rows) + 2))
    after = {p["id"]: body(call(client, "get", f"/v1/posts/{p['id']}", team["smm_manager"])) for p in posts.values()}
    assert after == before  # nothing written: not even updated_at moved
    assert export(client, team) == exported  # and again


def test_semicolon_copy_of_the_export_is_unchanged_too(client, team):
    a_plan_of_every_kind(client, team)
    rows = records(export(client, team))
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(rows[0].keys()), delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    r = upload(client, team, out.getvalue().encode("utf-8"))
    assert r.status_code == 200, r.body
    assert body(r)["updated"] == [] and body(r)["created"] == []


def test_changed_rows_update_new_rows_create_and_the_rest_stay(client, team):
    posts = a_plan_of_every_kind(client, team)
    rows = records(export(client, team))
    by_id = {r["id"]: r for r in rows}
    by_id[posts["draft"]["id"]]["body"] = "A new text"
    by_id[posts["scheduled"]["id"]]["tags"] = "осень"  # planning only: the approval stays
    new = {**by_id[posts["draft"]["id"]], "id": "", "title": "Brand new", "version": "", "status": ""}
    r = upload(client, team, write(rows + [new]))
    assert r.status_code == 200, r.body
    result = body(r)
    assert sorted(result["updated"]) == sorted([posts["draft"]["id"], posts["scheduled"]["id"]])
    assert len(result["created"]) == 1 and len(result["unchanged"]) == len(rows) - 2
    draft = body(call(client, "get", f"/v1/posts/{posts['draft']['id']}", team["smm_manager"]))
    assert draft["body"] == "A new text" and draft["version"] == 2
    scheduled = body(call(client, "get", f"/v1/posts/{posts['scheduled']['id']}", team["smm_manager"]))
    assert scheduled["tags"] == ["осень"] and scheduled["status"] == "scheduled" and scheduled["version"] == 1
    history = body(call(client, "get", f"/v1/posts/{posts['draft']['id']}/history", team["smm_manager"]))
    assert any(e["action"] == "update" and e.get("after", {}).get("body") == "A new text"
               for e in history["audit"])


def test_changed_rows_of_locked_posts_are_errors_of_their_rows(client, team):
    posts = a_plan_of_every_kind(client, team)
    rows = records(export(client, team))
    by_id = {r["id"]: r for r in rows}
    by_id[posts["published"]["id"]]["body"] = "Edited after it went out"
    by_id[posts["archived"]["id"]]["tags"] = "late"
    line_of = {r["id"]: n for n, r in enumerate(rows, start=2)}
    r = upload(client, team, write(rows))
    assert r.status_code == 422
    details = body(r)["error"]["details"]
    assert [(d["line"], d["field"]) for d in details] == sorted([
        (line_of[posts["published"]["id"]], "body"), (line_of[posts["archived"]["id"]], "tags")])
    assert all("can no longer be changed" in d["message"] for d in details)
    published = body(call(client, "get", f"/v1/posts/{posts['published']['id']}", team["smm_manager"]))
    assert published["body"] == "Pumpkin latte is back!"


def test_every_problem_of_every_row_is_listed(client, team):
    """The issue: a too-long body for a network was not reported while another row had errors."""
    new_post(client, team, title="Keep")
    rows = records(export(client, team))
    template = {**rows[0], "id": "", "version": "", "status": ""}
    rows += [
        {**template, "title": "Bad zone", "timezone": "Mars/Base"},                                 # the file's rule
        {**template, "title": "Too long for X", "body": "x" * 300, "channels": team["x"]},         # a network limit
        {**template, "title": "Stranger", "assignees": "nobody@example.com"},                       # a reference
        {**template, "title": "Two at once", "due_at": "someday", "body": "y" * 300, "channels": team["x"]},
    ]
    r = upload(client, team, write(rows))
    assert r.status_code == 422
    error = body(r)["error"]
    got = [(d["line"], d["field"]) for d in error["details"]]
    assert got == [(3, "timezone"), (4, "body"), (5, "assignees"), (6, "due_at"), (6, "body")]
    messages = {(d["line"], d["field"]): d["message"] for d in error["details"]}
    assert "X" in messages[(4, "body")] and "280" in messages[(4, "body")]
    assert "nobody@example.com" in messages[(5, "assignees")]
    assert "5 problem(s) in 4 row(s)" in error["message"]
    assert len(body(call(client, "get", f"/v1/posts?brand_id={team['brand'].id}", team["smm_manager"]))["items"]) == 1


def test_problems_are_worded_in_the_readers_language(client, team, make_user):
    russian = make_user("smm_manager", brand=team["brand"], language="ru")
    new_post(client, team, title="Keep")
    rows = records(export(client, team))
    rows.append({**rows[0], "id": "", "version": "", "timezone": "Mars/Base"})
    r = upload(client, {**team, "ru": russian}, write(rows), user="ru")
    assert r.status_code == 422
    error = body(r)["error"]
    assert "Ничего не импортировано" in error["message"]
    assert "не часовой пояс" in error["details"][0]["message"]


def test_stale_and_missing_versions_and_unknown_posts(client, team):
    post = new_post(client, team)
    rows = records(export(client, team))
    changed = {**rows[0], "body": "Mine"}
    assert call(client, "patch", f"/v1/posts/{post['id']}", team["copywriter"],
                {"version": 1, "body": "Theirs"}).status_code == 200
    r = upload(client, team, write([changed]))
    assert r.status_code == 422
    detail = body(r)["error"]["details"][0]
    assert detail["field"] == "version" and "changed after your export" in detail["message"]
    r = upload(client, team, write([{**changed, "version": ""}]))
    assert body(r)["error"]["details"][0]["field"] == "version"
    r = upload(client, team, write([{**changed, "id": "nosuchpost"}]))
    assert body(r)["error"]["details"][0]["field"] == "id"
    # the row that equals the post as it is now is unchanged, whatever its version says
    now = records(export(client, team))[0]
    r = upload(client, team, write([{**now, "version": "1"}]))
    assert r.status_code == 200 and body(r)["unchanged"] == [post["id"]]


def test_export_of_chosen_posts(client, team):
    from chalicelib.identity.principal import Principal
    from chalicelib.identity.repo import get as get_user
    from chalicelib.plan import service

    a = new_post(client, team, title="A", publish_at="2026-12-10T10:00")
    b = new_post(client, team, title="B", publish_at="2026-12-01T10:00")
    new_post(client, team, title="C")
    principal = Principal.from_user(get_user(team["smm_manager"].id))
    data = service.export(principal, team["brand"].id, None, None, post_ids=[a["id"], b["id"], "nosuchpost"])
    assert [r["title"] for r in records(data)] == ["B", "A"]
    data = service.export(principal, team["brand"].id, "2026-12-05", None, post_ids=[a["id"], b["id"]])
    assert [r["title"] for r in records(data)] == ["A"]
