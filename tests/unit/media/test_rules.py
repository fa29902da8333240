"""Media rules: what a file is by its first bytes, and each network's limits."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from chalicelib.media import rules
from chalicelib.media.form import media_from_form
from tests.support import media_files

MB = 1024 * 1024


@pytest.mark.parametrize("data, expected", [
    (media_files.png(), "image/png"), (media_files.JPEG, "image/jpeg"), (media_files.GIF, "image/gif"),
    (media_files.WEBP, "image/webp"), (media_files.MP4, "video/mp4"), (media_files.MOV, "video/quicktime"),
    (b"<html><script>alert(1)</script>", None), (b"%PDF-1.7\n", None), (b"", None),
    (b"\x00\x00\x00\x18ftypM4A \x00\x00\x00\x00", None),  # audio in an MP4 box: not a video
    (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", None),  # a HEIC still
    (b"RIFF\x24\x00\x00\x00WAVEfmt ", None),  # RIFF, but audio
])
def test_sniff_by_magic_bytes_not_names(data, expected):
    assert rules.sniff(data) == expected


def item(type_, size=1000, name="a"):
    return {"key": "media/b/u/file.x", "type": type_, "kind": rules.kind_of(type_), "size": size, "name": name}


def codes(media, platform):
    return [p.code for p in rules.check_for_network(media, platform)]


def test_telegram_limits():
    assert codes([item("image/jpeg")] * 10, "telegram") == []
    assert codes([item("image/jpeg")] * 11, "telegram") == ["too_many"]
    assert codes([item("image/png", 11 * MB)], "telegram") == ["too_large_for"]
    assert codes([item("video/mp4", 49 * MB)], "telegram") == []
    assert codes([item("video/quicktime")], "telegram") == ["type_videos"]
    assert codes([item("image/gif"), item("image/png")], "telegram") == ["gif_alone"]
    assert codes([item("image/jpeg"), item("video/mp4")], "telegram") == []  # an album mixes photos and videos


def test_other_networks():
    assert codes([item("image/jpeg")] * 5, "x") == ["too_many"]
    assert codes([item("image/jpeg"), item("video/mp4")], "x") == ["no_mixing"]
    assert codes([item("image/png", 6 * MB)], "x") == ["too_large_for"]
    assert codes([item("image/webp")], "vk") == ["type_images"]
    assert codes([item("image/png", 49 * MB)], "vk") == []
    assert codes([item("image/png")], "instagram") == ["type_images"]
    assert codes([item("image/jpeg")], "youtube") == ["no_images"]
    assert codes([item("video/mp4"), item("video/mp4")], "youtube") == ["too_many", "too_many_videos"]
    assert codes([item("image/jpeg")] * 30, "webhook") == []


def test_url_items_only_count():
    assert codes([{"url": "https://example.com/a.png", "alt": ""}] * 11, "telegram") == ["too_many"]
    assert codes([{"url": "https://example.com/a.png", "alt": ""}], "instagram") == []


def test_upload_caps():
    assert rules.check_upload("image/png", 20 * MB) is None
    assert rules.check_upload("image/png", 20 * MB + 1).code == "too_large"
    assert rules.check_upload("video/mp4", 50 * MB + 1).code == "too_large"
    assert rules.check_upload("application/pdf", 10).code == "bad_type"
    assert rules.check_upload("image/png", 0).code == "empty"


def test_english_messages_match_the_catalog_and_every_code_has_both_languages():
    root = Path(__file__).resolve().parents[3] / "chalicelib" / "core" / "i18n"
    en = json.loads((root / "en" / "media.json").read_text(encoding="utf-8"))
    ru = json.loads((root / "ru" / "media.json").read_text(encoding="utf-8"))
    assert set(en) == set(ru)
    for code, text in rules.ENGLISH.items():
        assert en[f"limits.media_{code}"] == text


def test_media_from_form_keeps_order_and_known_fields():
    values = [json.dumps({"key": "media/b/u1/file.png", "type": "image/png", "kind": "image", "size": 5,
                          "alt": " A cup ", "name": "cup.png", "evil": "<x>"}),
              "not json", json.dumps([1, 2]), json.dumps({"alt": "no key or url"}),
              json.dumps({"url": "https://example.com/b.jpg", "alt": ""})]
    items = media_from_form(values)
    assert [i.get("key") or i.get("url") for i in items] == ["media/b/u1/file.png", "https://example.com/b.jpg"]
    assert items[0]["alt"] == "A cup" and "evil" not in items[0]
    assert media_from_form(None) == [] and media_from_form(["x" * 5000]) == []
