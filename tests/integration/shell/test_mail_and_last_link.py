"""The approval mail as it lands in the outbox (.eml parsed back), and `cli last-link` reading it.

Defects of issue 16: the text part ran two lines together ("…Demo Coffee — VKGoes out: …"), a long
UTF-8 subject was folded with an empty encoded-word (a stray space in mail clients), and the README's
`grep` on the raw file gave quoted-printable fragments."""
from __future__ import annotations

import email
import email.header
import re

from chalicelib import cli
from chalicelib.core import outbox as outbox_reader
from tests.support import mail
from tests.support.posts import call, new_post

LONG_RU_TITLE = "Осенний запуск — новый сорт кофе из Эфиопии и Кении, обжарка средней степени"


def _submit_ru(client, team, make_user):
    brand, smm = team["brand"], team["smm_manager"]
    ivan = make_user("content_manager", brand=brand, language="ru")
    chain = call(client, "post", f"/v1/brands/{brand.id}/approval-chains", smm, {
        "name": "RU", "content_types": ["educational"], "stages": [
            {"name": "Проверка", "approver_user_ids": [ivan.id], "rule": "any", "lead_hours": 24}]})
    assert chain.status_code == 201, chain.body
    post = new_post(client, team, content_type="educational", title=LONG_RU_TITLE,
                    channel_ids=[team["tg"], team["x"]], body="Тыквенный латте вернулся! https://example.com/a/b")
    assert call(client, "post", f"/v1/posts/{post['id']}/submit", team["copywriter"]).status_code == 200
    return ivan, post


def _raw_file_to(outbox, address):
    files = [p for p in outbox.glob("*.eml") if outbox_reader.addressed_to(outbox_reader.read(p), address)]
    assert len(files) == 1, files
    return files[0].read_bytes()


def test_the_subject_folds_per_rfc_and_decodes_back_exactly(client, team, outbox, make_user):
    ivan, _ = _submit_ru(client, team, make_user)
    raw = _raw_file_to(outbox, ivan.email)
    head = raw.split(b"\n\n", 1)[0].decode("ascii")  # the header is 7-bit: every UTF-8 byte is encoded
    subject_lines = re.search(r"^Subject:.*?(?=^\S)", head, re.S | re.M).group(0).splitlines()
    assert len(subject_lines) > 1, "a subject this long is folded"
    assert all(len(line) <= 78 for line in subject_lines)
    assert "?q??=" not in head and "?b??=" not in head  # no empty encoded-word (RFC 2047 forbids it)
    expected = f"[{team['brand'].name}]"
    parsed = mail.latest_to(outbox, ivan.email)
    assert str(parsed["Subject"]).startswith(expected) and LONG_RU_TITLE in str(parsed["Subject"])
    # a client that decodes encoded-words itself (the legacy API) gets the same, no stray space
    legacy = email.message_from_bytes(raw)["Subject"]
    decoded = str(email.header.make_header(email.header.decode_header(legacy)))
    assert decoded == str(parsed["Subject"])
    assert "  " not in decoded and not decoded.startswith(" ")


def _title_the_stdlib_folds_badly(brand_name: str) -> str:
    """A mixed English/Russian title whose subject Python's default folding turns into an empty
    encoded-word (`=?utf-8?q??=` at the fold), the defect seen in the demo's mail."""
    from email.message import EmailMessage

    from chalicelib.core import i18n

    for n in range(1, 80):
        title = "x" * n + " / Осенний запуск"
        plain = EmailMessage()
        plain["Subject"] = i18n.translate("email.approval_request.subject", "en", brand=brand_name, title=title)
        if "??=" in bytes(plain).decode():
            return title
    raise AssertionError("no title reproduces the folding defect on this Python")


def test_a_subject_that_hits_the_folding_defect_has_no_empty_encoded_word(client, team, outbox):
    title = _title_the_stdlib_folds_badly(team["brand"].name)
    post = new_post(client, team, title=title)
    assert call(client, "post", f"/v1/posts/{post['id']}/submit", team["copywriter"]).status_code == 200
    approver = team["content_manager"]
    raw = _raw_file_to(outbox, approver.email)
    head = raw.split(b"\n\n", 1)[0].decode("ascii")
    assert "??=" not in head
    expected = f"[{team['brand'].name}] Please approve: {title}"
    assert str(mail.latest_to(outbox, approver.email)["Subject"]) == expected
    legacy = email.message_from_bytes(raw)["Subject"]
    assert str(email.header.make_header(email.header.decode_header(legacy))) == expected


def test_the_text_part_has_one_line_per_field(client, team, outbox, make_user):
    ivan, _ = _submit_ru(client, team, make_user)
    text = mail.text_of(mail.latest_to(outbox, ivan.email))
    lines = text.splitlines()
    channels = next(line for line in lines if line.startswith("Каналы:"))
    assert channels == "Каналы: TG, X"
    following = lines[lines.index(channels) + 1]
    assert following.startswith("Выход: 2026-12-01 10:00"), following
    # every approval link stands alone on its line, after its label
    links = [line for line in lines if "/a/" in line and line.startswith("http")]
    assert len(links) == 3 and all(" " not in link for link in links)
    assert "--- TG ---" in lines and "--- X ---" in lines


def test_last_link_prints_the_decoded_links(client, team, outbox, make_user, capsys):
    ivan, _ = _submit_ru(client, team, make_user)
    raw = _raw_file_to(outbox, ivan.email).decode("ascii")
    assert "=3D" in raw or "=\n" in raw or "base64" in raw  # what the README's grep used to trip on
    links = [x for x in mail.links_in(mail.latest_to(outbox, ivan.email)) if re.search(r"/a/[^/]+$", x)][-3:]
    for kind, expected in zip(("approve", "changes", "open"), links):
        assert cli.main(["last-link", ivan.email, "--kind", kind, "--outbox", str(outbox)]) == 0
        printed = capsys.readouterr().out.strip()
        assert printed == expected
        assert client.get(mail.path_of(printed)).status_code == 200  # a link that works, not a fragment
    # the post's own text holds https://example.com/a/b: never taken for an approval link
    assert "example.com" not in " ".join(links)
    # nobody asked for a sign-in: a clear miss, exit 1
    assert cli.main(["last-link", ivan.email, "--outbox", str(outbox)]) == 1
    assert "no mail to" in capsys.readouterr().err


def test_last_link_finds_the_sign_in_link_behind_newer_mail(client, team, outbox, make_user, capsys):
    ivan = make_user("content_manager", brand=team["brand"], language="ru")
    from chalicelib.identity import service as auth

    auth.request_sign_in(ivan.email, None, "ru", client_ip="127.0.0.1")
    _submit_again = new_post(client, team)  # noqa: F841 - unrelated traffic in between
    assert cli.main(["last-link", ivan.email.upper(), "--outbox", str(outbox)]) == 0
    link = capsys.readouterr().out.strip()
    assert "/auth/verify?token=" in link and "=3D" not in link and not link.endswith("=")
    page = client.get(mail.path_of(link))
    assert page.status_code == 200, page.body
    # someone else's mail is never printed
    other = make_user("copywriter", brand=team["brand"])
    assert cli.main(["last-link", other.email, "--outbox", str(outbox)]) == 1
