"""The file store's local backend (FILES_DIR), its key and name checks, and the signed download links."""
from __future__ import annotations

import hashlib
import json
import os
import stat
from datetime import datetime, timedelta, timezone
from urllib.parse import unquote

import pytest
import time_machine

from chalicelib.core import file_names, files
from chalicelib.core.errors import Upstream
from chalicelib.core.settings import get_settings, reset_settings

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
KEY = "deals/01JDEAL0000000000000000000/contract/v3.pdf"


@pytest.fixture
def store(tmp_path, monkeypatch):
    root = tmp_path / "files"
    monkeypatch.setenv("FILES_DIR", str(root))
    monkeypatch.setenv("FILES_BUCKET", "")
    reset_settings()
    yield root
    monkeypatch.undo()
    reset_settings()


def everything_under(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_put_then_get_round_trip(store):
    stored = files.put(KEY, PDF, content_type="application/pdf", metadata={"deal-id": "01JDEAL", "version": "3"})
    assert stored == files.StoredFile(key=KEY, sha256=hashlib.sha256(PDF).hexdigest(), size=len(PDF),
                                      version_id=None)
    data, meta = files.get(KEY)
    assert data == PDF
    assert (meta.key, meta.sha256, meta.size, meta.version_id) == (KEY, stored.sha256, len(PDF), None)
    assert meta.content_type == "application/pdf"
    assert meta.metadata == {"deal-id": "01JDEAL", "version": "3"}
    assert files.exists(KEY)
    sidecar = json.loads((store / (KEY + ".meta.json")).read_text())
    assert sidecar == {"content_type": "application/pdf", "sha256": stored.sha256, "size": len(PDF),
                       "metadata": {"deal-id": "01JDEAL", "version": "3"}}


def test_files_and_sidecars_are_0600_and_folders_private(store):
    files.put(KEY, PDF, content_type="application/pdf")
    for name in (KEY, KEY + ".meta.json"):
        assert stat.S_IMODE(os.stat(store / name).st_mode) == 0o600, name
    for folder in (store, store / "deals", store / "deals/01JDEAL0000000000000000000/contract"):
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700, folder


def test_writes_leave_no_temp_files(store):
    files.put(KEY, PDF, content_type="application/pdf")
    files.put(KEY, b"v2", content_type="application/pdf", overwrite=True)
    files.put("deals/d1/evidence/shot.png", b"\x89PNG", content_type="image/png")
    assert everything_under(store) == sorted([KEY, KEY + ".meta.json", "deals/d1/evidence/shot.png",
                                              "deals/d1/evidence/shot.png.meta.json"])


def test_a_failed_write_leaves_nothing_behind(store, monkeypatch):
    def broken_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", broken_disk)
    with pytest.raises(OSError):
        files.put(KEY, PDF, content_type="application/pdf")
    assert everything_under(store) == []
    assert not files.exists(KEY)


def test_a_stored_file_is_not_replaced_unless_asked(store):
    first = files.put(KEY, PDF, content_type="application/pdf")
    with pytest.raises(files.FileAlreadyStored) as refused:
        files.put(KEY, b"something else", content_type="application/pdf")
    assert refused.value.status == 409 and "overwrite=True" in refused.value.message
    assert files.get(KEY)[0] == PDF
    assert everything_under(store) == [KEY, KEY + ".meta.json"]

    second = files.put(KEY, b"replaced", content_type="text/plain", overwrite=True)
    data, meta = files.get(KEY)
    assert (data, meta.sha256, meta.content_type) == (b"replaced", second.sha256, "text/plain")
    assert second.sha256 != first.sha256


def test_missing_files(store):
    assert not files.exists(KEY)
    with pytest.raises(files.FileMissing) as missing:
        files.get(KEY)
    assert missing.value.status == 404
    files.delete(KEY)  # nothing there: fine


def test_delete_removes_the_file_and_its_sidecar(store):
    files.put(KEY, PDF, content_type="application/pdf")
    files.delete(KEY)
    assert not files.exists(KEY)
    assert everything_under(store) == []


def test_a_damaged_file_is_not_served(store):
    files.put(KEY, PDF, content_type="application/pdf")
    (store / KEY).write_bytes(PDF[:-1] + b"!")
    with pytest.raises(Upstream, match="checksum"):
        files.get(KEY)


def test_a_key_cannot_be_both_a_file_and_a_folder(store):
    files.put("deals/d1", b"x", content_type="text/plain")
    with pytest.raises(ValueError, match="folder"):
        files.put("deals/d1/contract/v1.pdf", PDF, content_type="application/pdf")
    files.put("deals/d2/contract/v1.pdf", PDF, content_type="application/pdf")
    with pytest.raises(ValueError, match="Other files"):
        files.put("deals/d2/contract", PDF, content_type="application/pdf")


@pytest.mark.parametrize("key", [
    "../x", "a/../../x", "a/..", "./a", "a/./b", "/abs", "/", "a//b", "a/", "a\\b", "..\\x",
    "a b", " a", "a\tb", "a\nb", "a\x00b", "договор.pdf", "deals/ü.pdf", "a%2f..", "a:b", "a?b", "a*b",
    ".hidden", "a/.x.tmp", "deals/x.pdf.meta.json", "deals/x.meta.json/y", "", "x" * 201, "x" * 513,
    "/".join(["x" * 200, "y" * 200, "z" * 111]),  # 513 characters
])
def test_bad_keys_are_refused_with_a_sentence(store, key):
    with pytest.raises(ValueError) as refused:
        files.put(key, b"x", content_type="text/plain")
    message = str(refused.value)
    assert message.startswith("A file key") or message.startswith("No part of a file key")
    assert message.endswith(".")
    for call in (files.get, files.exists, files.delete):
        with pytest.raises(ValueError):
            call(key)
    with pytest.raises(ValueError):
        files.download_url(key, filename="x.pdf")
    assert not store.exists() or everything_under(store) == []


@pytest.mark.parametrize("key", ["a", "deals/01J9Z/contract/v3.pdf", "/".join(["x" * 200, "y" * 200, "z" * 110]), "a-b_c.d/E.F-1", "evidence/1.0.tar.gz"])
def test_good_keys_are_stored(store, key):
    files.put(key, b"x", content_type="text/plain")
    assert files.get(key)[0] == b"x"


def test_size_limit(store):
    files.put("big/ok.bin", b"\0" * file_names.MAX_BYTES, content_type="application/octet-stream")
    with pytest.raises(ValueError, match="at most 10 MB"):
        files.put("big/too.bin", b"\0" * (file_names.MAX_BYTES + 1), content_type="application/octet-stream")
    assert not files.exists("big/too.bin")


@pytest.mark.parametrize("content_type", ["pdf", "application/pdf\r\nX-Evil: 1", "", "text/html; charset=\"x\"", None])
def test_bad_content_types_are_refused(store, content_type):
    with pytest.raises(ValueError, match="content type"):
        files.put(KEY, b"x", content_type=content_type)


@pytest.mark.parametrize("metadata", [{"Deal": "1"}, {"deal_id": "1"}, {"deal": "Договор"}, {"deal": "a\nb"},
                                      {"deal": 1}, {"a": "x" * 2048}])
def test_bad_metadata_is_refused(store, metadata):
    with pytest.raises(ValueError, match="metadata"):
        files.put(KEY, b"x", content_type="text/plain", metadata=metadata)


def test_data_must_be_bytes(store):
    with pytest.raises(TypeError):
        files.put(KEY, "text", content_type="text/plain")


def test_without_a_bucket_outside_local_stages_the_store_refuses(monkeypatch):
    monkeypatch.setenv("STAGE", "dev")
    monkeypatch.setenv("FILES_BUCKET", "")
    reset_settings()
    try:
        with pytest.raises(Upstream, match="FILES_BUCKET"):
            files.exists(KEY)
    finally:
        monkeypatch.undo()
        reset_settings()


# --- download links --------------------------------------------------------------------------

def token_of(url: str) -> str:
    prefix = f"{get_settings().PUBLIC_BASE_URL}/files/"
    assert url.startswith(prefix), url
    token = url[len(prefix):]
    assert token and "/" not in token and "?" not in token
    return token


def test_download_token_round_trip(store):
    url = files.download_url(KEY, filename="Договор GL-2026/0042.pdf")
    key, filename = files.read_download_token(token_of(url))
    assert (key, filename) == (KEY, "Договор GL-2026_0042.pdf")


def test_the_url_does_not_reveal_the_key_and_differs_per_name(store):
    url = files.download_url(KEY, filename="contract.pdf")
    assert KEY not in url and "contract.pdf" not in unquote(url)
    assert files.download_url(KEY, filename="other.pdf") != url


def test_download_token_expires_with_the_lifetime_it_was_made_with(store):
    start = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
    with time_machine.travel(start, tick=False) as traveller:
        default = token_of(files.download_url(KEY, filename="a.pdf"))
        short = token_of(files.download_url(KEY, filename="a.pdf", expires_seconds=60))
        traveller.shift(timedelta(seconds=60))
        assert files.read_download_token(short) == (KEY, "a.pdf")
        traveller.shift(timedelta(seconds=1))
        with pytest.raises(files.DownloadLinkExpired):
            files.read_download_token(short)
        assert files.read_download_token(default) == (KEY, "a.pdf")
        with pytest.raises(files.DownloadLinkExpired) as expired:  # the reader may ask for less
            files.read_download_token(default, max_age=30)
        assert expired.value.status == 410
        traveller.shift(timedelta(seconds=240))
        with pytest.raises(files.DownloadLinkExpired):
            files.read_download_token(default)


def test_download_links_live_minutes_not_more(store):
    for seconds in (0, -1, files.MAX_LINK_SECONDS + 1, 86400, 1.5, True):
        with pytest.raises(ValueError, match="expire"):
            files.download_url(KEY, filename="a.pdf", expires_seconds=seconds)


def test_a_tampered_token_is_refused(store):
    token = token_of(files.download_url(KEY, filename="a.pdf"))
    middle = len(token) // 3
    flipped = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1:]
    for bad in (flipped, token[:-2], token + "x", "", "garbage", "a.b.c", "x" * 5000):
        with pytest.raises(files.DownloadLinkInvalid) as refused:
            files.read_download_token(bad)
        assert refused.value.status == 400


def test_tokens_of_another_purpose_or_shape_are_refused(store):
    from chalicelib.core.signing import timed_serializer

    other_salt = timed_serializer("approval-action").dumps({"k": KEY, "f": "a.pdf", "e": 300})
    without_lifetime = timed_serializer(files.DOWNLOAD_SALT).dumps({"k": KEY, "f": "a.pdf"})
    evil_key = timed_serializer(files.DOWNLOAD_SALT).dumps({"k": "../../etc/passwd", "f": "a.pdf", "e": 300})
    for bad in (other_salt, without_lifetime, evil_key):
        with pytest.raises(files.DownloadLinkInvalid):
            files.read_download_token(bad)


def test_content_disposition_names():
    assert file_names.content_disposition("contract-v3.pdf") == 'attachment; filename="contract-v3.pdf"'
    assert file_names.content_disposition("Договор.pdf") == (
        "attachment; filename=\"download.pdf\"; "
        "filename*=UTF-8''%D0%94%D0%BE%D0%B3%D0%BE%D0%B2%D0%BE%D1%80.pdf")
    header = file_names.content_disposition('Договор №12 "Кофе".pdf')
    assert header.startswith('attachment; filename="No12 __.pdf"; filename*=UTF-8\'\'')
    assert unquote(header.split("''", 1)[1]) == 'Договор №12 "Кофе".pdf'
    assert header.isascii() and "\r" not in header and "\n" not in header
    assert file_names.content_disposition("a\r\nSet-Cookie: x.pdf") == 'attachment; filename="aSet-Cookie: x.pdf"'
    with pytest.raises(ValueError):
        file_names.content_disposition("  ")
    with pytest.raises(ValueError):
        file_names.content_disposition("x" * 201)
