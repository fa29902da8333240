"""GET /files/{token}: a file of the local artifact store, for the bearer of a signed, expiring link
(core/files.download_url makes them when FILES_BUCKET is empty; in S3 mode links are presigned S3 URLs
and this route is not used).

The token is the credential (no sign-in): itsdangerous-signed over the key, the download name and the
link's lifetime, valid for minutes. Tampered → 400, expired → 410, file gone → 404, each a translated
error page. The file comes as an attachment with its stored type, `Cache-Control: private, no-store`,
`X-Content-Type-Options: nosniff` and a CSP that runs nothing, so even a stored HTML file can never
run as a page of ours. Nothing here logs the token.
"""
from __future__ import annotations

import secrets

from chalice import Blueprint, Response

from chalicelib.core import i18n
from chalicelib.core.errors import BadRequest, Gone, NotFound
from chalicelib.core.http.api import request_id_of
from chalicelib.core.http.pages import PageCall, answer

bp = Blueprint(__name__)
PATH = "/files/{token}"
FILE_HEADERS = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff",
                "Content-Security-Policy": "default-src 'none'; sandbox", "Referrer-Policy": "no-referrer",
                "X-Robots-Tag": "noindex"}
ERROR_CODES = {400: "download_link_invalid", 410: "download_link_expired", 404: "download_missing"}


class _Refused(Exception):
    def __init__(self, status: int):
        self.status = status


def _serve(token: str) -> Response:
    from chalicelib.core import files
    from chalicelib.core.file_names import content_disposition

    try:
        key, filename = files.read_download_token(token)
        data, meta = files.get(key)
    except BadRequest:
        raise _Refused(400) from None
    except Gone:
        raise _Refused(410) from None
    except NotFound:
        raise _Refused(404) from None
    return Response(body=data, status_code=200, headers={
        **FILE_HEADERS, "Content-Type": meta.content_type,
        "Content-Disposition": content_disposition(filename)})


def _refusal(call: PageCall, status: int) -> Response:
    response = answer(call, lambda: call.error_page(status, ERROR_CODES[status]))
    response.headers.update({"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"})
    response.headers.pop("Set-Cookie", None)
    return response


def _reraise(error: Exception):
    raise error


@bp.route(PATH, methods=["GET"])
def download(token):
    request = bp.current_request
    call = PageCall(request=request, request_id=request_id_of(request, bp) or secrets.token_hex(8),
                    path="/files/", back="/", query={}, cookies={})
    call.language = i18n.from_accept_language(request.headers.get("accept-language"))
    try:
        return _serve(token)
    except _Refused as refused:
        status = refused.status
    except Exception as exc:  # noqa: BLE001 - a store failure or a crash is an error page, never a trace
        error = exc
        return answer(call, lambda: _reraise(error))
    return _refusal(call, status)
