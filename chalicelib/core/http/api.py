"""The JSON door: one decorator that parses, authenticates, calls a service and maps errors.

    from chalicelib.identity.doors import json_route     # this pipeline with sign-in plugged in

    @json_route(bp, "/v1/brands/{brand_id}", "PATCH", body=BrandPatch, response=BrandOut, tag="brands")
    def patch_brand(call, brand_id):
        return brands.update(call.principal, brand_id, call.body)

Chalice middleware never sees view exceptions, so this wrapper is the one place that turns domain
errors, validation errors and crashes into `{"error": {"code", "message", "details"}}`.
"""
from __future__ import annotations

import functools
import json
import logging
import re
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from typing import Any, Callable

from chalice import Response
from pydantic import BaseModel, ValidationError

from chalicelib.core.db.prefetch import request_scope
from chalicelib.core.errors import (
    BadRequest,
    DomainError,
    Forbidden,
    NotFound,
    UnsupportedMediaType,
    ValidationFailed,
)
from chalicelib.core.http.spec import ROUTES, RouteSpec
from chalicelib.core.settings import get_settings

log = logging.getLogger("greenlight.api")
MAX_BODY_BYTES = 256 * 1024
JSON_HEADERS = {"Content-Type": "application/json", "Cache-Control": "no-store"}


@dataclass
class Call:
    """What a view gets: the parsed request and (when the route needs one) the caller."""

    request: Any
    request_id: str | None
    body: Any = None
    query: Any = None
    principal: Any = None
    headers: dict | None = None


def request_id_of(request, bp=None) -> str | None:
    """API Gateway's request id; locally (chalice local, test client) the Lambda context's."""
    request_id = (request.context or {}).get("requestId")
    if not request_id:
        context = getattr(bp, "lambda_context", None)
        request_id = getattr(context, "aws_request_id", None)
    return request_id


def client_ip_of(request) -> str | None:
    """The caller's address from the request context (API Gateway's `sourceIp`), never from a
    header such as X-Forwarded-For, which the caller writes itself."""
    identity = (request.context or {}).get("identity") or {}
    return identity.get("sourceIp") or None


def cookies_of(request) -> dict[str, str]:
    raw = request.headers.get("cookie") or ""
    try:
        jar = SimpleCookie(raw)
    except CookieError:
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


def error_response(status: int, code: str, message: str, details: list | None = None,
                   headers: dict | None = None, extra: dict | None = None) -> Response:
    """The one error body: {"error": {"code", "message", "details", …extra facts such as current_version}}."""
    facts = {k: v for k, v in (extra or {}).items() if k not in ("code", "message", "details")}
    body = {"error": {"code": code, "message": message, "details": details or [], **facts}}
    return Response(body=json.dumps(body, ensure_ascii=False, default=str), status_code=status,
                    headers={**JSON_HEADERS, **(headers or {})})


def validation_details(exc: ValidationError, prefix: str = "") -> list[dict]:
    details = []
    for err in exc.errors(include_url=False, include_input=False):
        loc = ".".join(str(part) for part in err["loc"] if part not in ("body",))
        details.append({"field": f"{prefix}{loc}" if loc else prefix.rstrip(".") or None,
                        "message": err["msg"], "type": err["type"]})
    return details


def csv_file(data: bytes, filename: str) -> Response:
    """A CSV download (UTF-8 text our exports make: a BOM, cells guarded against formulas): not cached, not
    sniffed, saved as `filename` (core/file_names.content_disposition)."""
    from chalicelib.core.file_names import content_disposition

    return Response(body=data.decode("utf-8"), status_code=200, headers={
        "Content-Type": "text/csv; charset=utf-8", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
        "Content-Disposition": content_disposition(filename)})


def if_match(headers, what: str = "the") -> int | None:
    """The version an If-Match header names (`3`, `"3"`, `W/"3"`), or None without one; 400 for anything else."""
    raw = (headers.get("if-match") or "").strip().removeprefix("W/").strip('"')
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) < 10):
        raise BadRequest(f"If-Match must be {what} version number.")
    return int(raw)


def parse_json_body(request, model: type[BaseModel]):
    content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise UnsupportedMediaType("Send the body as JSON with 'Content-Type: application/json'.")
    raw = request.raw_body or b""
    if len(raw) > MAX_BODY_BYTES:
        raise BadRequest(f"The body is larger than {MAX_BODY_BYTES // 1024} KiB.")
    try:
        data = json.loads(raw.decode("utf-8")) if raw.strip() else None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRequest("The body is not valid JSON.", details=[{"field": None, "message": str(exc)}]) from None
    except (ValueError, RecursionError):  # an integer of thousands of digits, arrays nested thousands deep
        raise BadRequest("The body is not JSON we can read: a number is too long or it is nested too deep.") from None
    if not isinstance(data, dict):
        raise ValidationFailed("The body must be a JSON object.", details=[{"field": None, "message": "expected an object"}])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed("Some fields are not valid.", details=validation_details(exc)) from None


# --- same origin for the browser's credential ----------------------------------------------------

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SAME_ORIGIN_FETCH_SITES = ("same-origin", "none")  # "none": the person did it (typed, bookmarked)
_DEFAULT_PORTS = {"http": 80, "https": 443}


class CrossSiteRequest(Forbidden):
    """A change signed in by the session cookie that did not come from our own pages (403)."""

    code = "cross_site"


CROSS_SITE_MESSAGE = ("Requests from other sites cannot use the Greenlight session; "
                      "call the API from Greenlight's own pages, or send an API token.")


def origin_of(url: str) -> str | None:
    """scheme://host[:port] as browsers write it in an Origin header (lower case, default port left out)."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in _DEFAULT_PORTS or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    scheme = parts.scheme.lower()
    return f"{scheme}://{host}" + (f":{port}" if port is not None and port != _DEFAULT_PORTS[scheme] else "")


def require_same_origin(headers) -> None:
    """Refuse (403 cross_site) a request that a browser did not send from our own pages.

    For unsafe requests that carry the browser's ambient credential (the session cookie): another
    site can make a browser send those, and a bodyless POST needs no JSON content type, so without
    this only SameSite=Lax would stand between another site (a sibling subdomain is "same site") and
    the API. `Sec-Fetch-Site` (set by the browser, no page can
    forge it) must say same-origin; a browser that does not send it sends `Origin` on every POST,
    which must be PUBLIC_BASE_URL's origin. Neither header: refused."""
    fetch_site = (headers.get("sec-fetch-site") or "").strip().lower()
    if fetch_site:
        if fetch_site in SAME_ORIGIN_FETCH_SITES:
            return
        raise CrossSiteRequest(CROSS_SITE_MESSAGE)
    origin = (headers.get("origin") or "").strip()
    if not origin:
        raise CrossSiteRequest("A request signed in by the session cookie must come from Greenlight's own pages "
                               "(the browser's Origin header is missing); scripts send an API token instead.")
    expected = origin_of(get_settings().PUBLIC_BASE_URL)
    if origin.lower() == "null" or expected is None or origin_of(origin) != expected:
        raise CrossSiteRequest(CROSS_SITE_MESSAGE)


PATH_ID = re.compile(r"^[0-9a-z]{1,64}$")


def check_path_ids(uri_params: dict) -> None:
    """Every {id} in our paths is a lower-case ULID-like token; anything else names nothing."""
    for value in uri_params.values():
        if not PATH_ID.match(value or ""):
            raise NotFound("No such object.")


def parse_query(request, model: type[BaseModel]):
    params = dict(request.query_params or {})
    try:
        return model.model_validate(params)
    except ValidationError as exc:
        raise ValidationFailed("Some query parameters are not valid.", details=validation_details(exc)) from None


def to_json(result: Any, response_model: type[BaseModel] | None) -> Any:
    if isinstance(result, BaseModel):
        return result.model_dump(mode="json")
    if response_model is not None and result is not None:
        return response_model.model_validate(result).model_dump(mode="json")
    return result


def domain_error_response(exc: DomainError) -> Response:
    return error_response(exc.status, exc.code, exc.message, exc.details, extra=exc.extra)


def _is_database_outage(exc: BaseException) -> bool:
    """DynamoDB unreachable or throttling: the request may be retried, so 503, not 500."""
    from botocore.exceptions import ConnectionError as BotoConnectionError
    from botocore.exceptions import ReadTimeoutError
    from pynamodb.exceptions import PynamoDBException

    seen = exc
    while seen is not None:
        if isinstance(seen, (BotoConnectionError, ReadTimeoutError)):
            return True
        if isinstance(seen, PynamoDBException) and seen.cause_response_code in (
                "ThrottlingException", "ProvisionedThroughputExceededException", "RequestLimitExceeded",
                "InternalServerError", "ServiceUnavailable"):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def crash_response(exc: Exception, request_id: str | None) -> Response:
    if _is_database_outage(exc):
        log.warning("database unavailable: %s", type(exc).__name__, extra={"request_id": request_id})
        return error_response(503, "upstream_unavailable", "The database is not answering right now; try again shortly.",
                              headers={"Retry-After": "5"}, extra={"request_id": request_id})
    log.exception("unhandled error", extra={"request_id": request_id})
    message = "Something went wrong on our side. The error is logged"
    message += f" under request id {request_id}." if request_id else "."
    extra = {}
    if get_settings().is_local:
        extra["debug"] = f"{type(exc).__name__}: {exc}"
    return error_response(500, "internal_error", message, extra={"request_id": request_id, **extra})


def json_route(bp, path: str, method: str, *, tag: str, summary: str, body: type[BaseModel] | None = None,
               query: type[BaseModel] | None = None, response: type[BaseModel] | None = None,
               status: int = 200, auth: bool = True, errors: tuple[int, ...] = (),
               prefetch: Callable[..., list] | None = None, raw_body: str | None = None,
               raw_response: str | None = None, authenticate: Callable | None = None):
    """Register a JSON route on a blueprint and describe it for the OpenAPI document. Features use
    identity/doors.py's `json_route`, which plugs sign-in in as
    `authenticate(headers, cookies, via=, request_id=, prefetch=)`; a route with auth=False needs none.

    prefetch(**uri_params) -> [(Model, pk, sk)]: items the view will read, loaded together with
    the caller's credential in one round trip (see core/db/prefetch.py)."""
    if auth and authenticate is None:
        raise TypeError(f"{method} {path} needs sign-in: register it with identity.doors.json_route")
    spec = RouteSpec(path=path, method=method, summary=summary, tag=tag, status=status, body=body, query=query,
                     response=response, auth=auth, errors=errors, raw_body=raw_body, raw_response=raw_response)
    ROUTES.append(spec)

    def decorator(view: Callable):
        @functools.wraps(view)
        def handler(**uri_params):
            request = bp.current_request
            call = Call(request=request, request_id=request_id_of(request, bp), headers=request.headers)
            try:
                check_path_ids(uri_params)
                if query is not None:
                    call.query = parse_query(request, query)
                with request_scope():
                    if auth:
                        call.principal = authenticate(
                            request.headers, cookies_of(request), via="api", request_id=call.request_id,
                            prefetch=prefetch(**uri_params) if prefetch else ())
                    if body is not None:
                        call.body = parse_json_body(request, body)
                    result = view(call, **uri_params)
            except DomainError as exc:
                return domain_error_response(exc)
            except Exception as exc:  # noqa: BLE001 - the one place that turns crashes into 500s
                return crash_response(exc, call.request_id)
            if isinstance(result, Response):
                return result
            payload = to_json(result, response)
            if payload is None and status == 204:
                return Response(body="", status_code=204, headers={"Cache-Control": "no-store"})
            return Response(body=json.dumps(payload, ensure_ascii=False), status_code=status, headers=JSON_HEADERS)

        # Accept any Content-Type at the router so a wrong one gets our 415, not Chalice's own shape.
        bp.route(path, methods=[method], content_types=["*/*"])(handler)
        return view

    return decorator
