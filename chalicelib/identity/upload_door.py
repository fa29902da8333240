"""The door of the pages' upload forms (multipart/form-data): core/http/pages.page reads only url-encoded
forms, so `upload_page` is the same door — sign-in (else the sign-in page), the page's language, the CSRF
token (a field of the multipart form), errors as pages — for a multipart body of at most `limit` bytes
of file. The view gets (call, fields, files, **path ids): `fields` with every value each field sent
(repeated checkboxes), `call.form` with the last one, `files` the file parts by name.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable
from urllib.parse import quote

from chalicelib.core.errors import Unauthenticated
from chalicelib.core.http.pages import PageCall


def upload_page(bp, path: str, back: str, *, limit: int, too_large: Callable[[PageCall, int], Exception]):
    """Register the multipart form target `path` (POST) on `bp`; `back` is where sign-in returns to."""
    from chalicelib.core.db.prefetch import request_scope
    from chalicelib.core.http import csrf, multipart
    from chalicelib.core.http.api import check_path_ids, cookies_of, request_id_of
    from chalicelib.core.http.pages import CsrfFailed, answer, page_language
    from chalicelib.identity.doors import authenticate

    def decorator(view):
        def handler(**uri_params):
            request = bp.current_request
            quoted = {name: quote(str(value), safe="") for name, value in uri_params.items()}
            call = PageCall(request=request, request_id=request_id_of(request) or secrets.token_hex(8),
                            path=path.format(**quoted), back=back.format(**quoted),
                            query=dict(request.query_params or {}), cookies=cookies_of(request))

            def build():
                with request_scope():
                    check_path_ids(uri_params)
                    try:
                        call.principal = authenticate(request.headers, call.cookies, via="web",
                                                      request_id=call.request_id)
                    except Unauthenticated:
                        return call.redirect("/sign-in", next=call.back)
                    call.language = page_language(call.query, call.cookies, call.principal,
                                                  request.headers.get("accept-language"))
                    fields, files = multipart.read_form(request, limit=limit,
                                                        too_large=lambda size: too_large(call, size))
                    call.form = {name: values[-1] for name, values in fields.items()}
                    if not csrf.verify(call.form.get(csrf.FIELD), call.cookies.get(csrf.COOKIE), call.session_id):
                        raise CsrfFailed("The form's security token is missing or does not match.")
                    return view(call, fields, files, **uri_params)

            return answer(call, build)

        handler.__name__ = view.__name__
        bp.route(path, methods=["POST"], content_types=["*/*"])(handler)
        return view

    return decorator
