"""Reading multipart/form-data bodies in the fakes (Telegram uploads, VK upload servers)."""
from __future__ import annotations

from dataclasses import dataclass
from email import policy
from email.parser import BytesParser


@dataclass(frozen=True)
class Part:
    filename: str | None
    data: bytes
    content_type: str


def parse(content_type: str | None, raw: bytes) -> tuple[dict[str, str], dict[str, Part]]:
    """(text fields, file parts by field name) of a multipart body; ({}, {}) for anything else."""
    if not content_type or not content_type.lower().startswith("multipart/form-data"):
        return {}, {}
    message = BytesParser(policy=policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + raw)
    fields: dict[str, str] = {}
    files: dict[str, Part] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        data = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is not None:
            files[name] = Part(filename, data, part.get_content_type())
        else:
            fields[name] = data.decode("utf-8")
    return fields, files
