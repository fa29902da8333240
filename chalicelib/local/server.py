"""`chalice local --stage local --no-autoreload`, but the shell's variables win over the stage's.

`chalice local` writes the stage's `environment_variables` over os.environ, so an endpoint
exported in the shell (another DynamoDB port, say) would be ignored. Here the stage values only
fill what the shell left unset (chalicelib.core.stage_env), and chalice's own overwrite goes into a
throwaway copy of the environment.

Also makes unknown routes answer like our deployed API (404 JSON, see install_not_found_gateway;
a greedy `{name+}` route such as the shell's `/{proxy+}` catches every deeper path, as in API Gateway),
and any HTTP method the standard library's server does not know (TRACE …) like a wrong method
(405 JSON, see answer_every_method), never its 501 HTML page.

    python -m chalicelib.local.server --host 127.0.0.1 --port 8000 --stage local
"""
from __future__ import annotations

import argparse
import functools
import json
import logging
import os
import sys
from pathlib import Path

from chalicelib.core.stage_env import PROJECT_DIR, apply_stage_environment, stage_environment

# What API Gateway answers for an unknown route once our GatewayResponse
# (MISSING_AUTHENTICATION_TOKEN -> 404, in infra/) rewrites its default 403.
NOT_FOUND_BODY = {"error": {"code": "not_found", "message": "No such page or API route.", "details": []}}


METHOD_NOT_ALLOWED_BODY = {"error": {"code": "method_not_allowed",
                                     "message": "This route does not answer to that HTTP method.", "details": []}}


def not_found_response() -> dict:
    """A Lambda-proxy style response dict, the shape LocalGateway.handle_request returns."""
    return {
        "statusCode": 404,
        "headers": {"Content-Type": "application/json"},
        "multiValueHeaders": {},
        "body": json.dumps(NOT_FOUND_BODY),
    }


def _greedy_parts(route_url: str) -> tuple[str, str] | None:
    """("/prefix", "name") for a route ending in a greedy `{name+}` segment, else None."""
    head, _, last = route_url.rpartition("/")
    if last.startswith("{") and last.endswith("+}"):
        return head, last[1:-2]
    return None


def install_greedy_routes() -> None:
    """Teach chalice's local RouteMatcher API Gateway's greedy path variables: `/files/{proxy+}` matches
    /files/a and /files/a/b/c (not /files itself), with `proxy` = "a/b/c", whenever no more specific
    route matches. Chalice matches `{proxy+}` as a one-segment variable named "proxy+" and never deeper.
    Idempotent."""
    from urllib.parse import parse_qs, unquote, urlparse

    from chalice.local import MatchResult, RouteMatcher

    original = RouteMatcher.match_route
    if getattr(original, "_greenlight_greedy", False):
        return

    @functools.wraps(original)
    def match_route(self, url):
        try:
            found = original(self, url)
        except ValueError:
            found = None
        if found is not None and _greedy_parts(found.route) is None:
            return found  # a concrete or one-segment route: chalice's own match
        parsed = urlparse(url)
        path = parsed.path if parsed.path == "/" or not parsed.path.endswith("/") else parsed.path[:-1]
        # the most specific greedy route (the longest prefix) wins, as in API Gateway
        for route_url in sorted(self.route_urls, key=len, reverse=True):
            greedy = _greedy_parts(route_url)
            if greedy and path.startswith(greedy[0] + "/") and len(path) > len(greedy[0]) + 1:
                # API Gateway hands path parameters over decoded
                return MatchResult(route_url, {greedy[1]: unquote(path[len(greedy[0]) + 1:])},
                                   parse_qs(parsed.query, keep_blank_values=True))
        raise ValueError("No matching route found for: %s" % url)

    match_route._greenlight_greedy = True
    RouteMatcher.match_route = match_route


def install_not_found_gateway() -> None:
    """Patch chalice's LocalGateway so an unknown route gets our 404 instead of 403
    `{"message": "Missing Authentication Token"}`. Covers `chalice local` and chalice.test.Client
    (both route through LocalGateway.handle_request). Idempotent. Installs install_greedy_routes too:
    a greedy route answers only the methods it declares, any other method on a path it catches is
    the same 404 (API Gateway: no method on the resource → MISSING_AUTHENTICATION_TOKEN → our 404).
    """
    from chalice.local import LocalGateway

    install_greedy_routes()
    original = LocalGateway.handle_request
    if getattr(original, "_greenlight_not_found", False):
        return

    @functools.wraps(original)
    def handle_request(self, method, path, headers, body):
        # A browser's download request carries no Accept header, and chalice refuses a binary answer
        # without one (400). Only the local file store's links are served by the app (in AWS they are
        # presigned S3 URLs), so those alone are answered as "anything is fine".
        if path.startswith("/files/") and not any(name.lower() == "accept" for name in headers):
            headers = {**headers, "accept": "*/*"}
        # The original turns the ValueError of "no route matches" into its 403. Matching the
        # route first is cheap and leaves every other path (auth, OPTIONS, errors) untouched.
        try:
            event = self._generate_lambda_event(method, path, headers, body)
        except ValueError:
            return not_found_response()
        route = event["requestContext"]["resourcePath"]
        if _greedy_parts(route) and method.upper() not in self._app_object.routes.get(route, {}):
            return not_found_response()
        response = original(self, method, path, headers, body)
        if response.get("statusCode") == 405:  # a known path, another method: our error shape too
            response = {**response, "headers": {**response.get("headers", {}), "Content-Type": "application/json"},
                        "body": json.dumps(METHOD_NOT_ALLOWED_BODY)}
        return response

    handle_request._greenlight_not_found = True
    LocalGateway.handle_request = handle_request


def answer_every_method(handler_cls) -> None:
    """http.server answers a method its handler has no `do_<METHOD>` for (TRACE, CONNECT, PROPFIND …)
    with 501 and the standard library's HTML page. Route every method through chalice's gateway
    instead, which answers like the deployed API: our 404 for an unknown path, our 405 (error shape,
    Allow header) for a known path. Idempotent."""
    if getattr(handler_cls, "_greenlight_every_method", False):
        return

    def __getattr__(self, name):  # only called for attributes the class does not have
        if name.startswith("do_") and name[3:].isupper():
            return self._generic_handle
        raise AttributeError(name)

    handler_cls.__getattr__ = __getattr__
    handler_cls._greenlight_every_method = True


UPLOAD_PATH = "/v1/media/put"  # chalicelib/media/routes.py: the local store's upload
TOO_LARGE_BODY = {"error": {"code": "payload_too_large", "message": "This upload is larger than any file Greenlight "
                                                                   "takes.", "details": []}}


def cap_upload_bodies(handler_cls) -> None:
    """chalice local reads a request's whole body (Content-Length bytes) into memory before any handler
    runs: the local upload path's Content-Length is checked first, over media.rules.MAX_VIDEO_BYTES it is
    answered 413 without reading the body (the connection is then closed). Idempotent."""
    if getattr(handler_cls, "_greenlight_upload_cap", False):
        return
    original = handler_cls._generic_handle

    def _generic_handle(self) -> None:
        from chalicelib.media.rules import MAX_VIDEO_BYTES

        if self.path.split("?", 1)[0] == UPLOAD_PATH:
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if length < 0 or length > MAX_VIDEO_BYTES:
                self.close_connection = True
                self._send_http_response(413, {"Content-Type": "application/json", "Connection": "close"},
                                         json.dumps(TOO_LARGE_BODY).encode())
                return
        original(self)

    handler_cls._generic_handle = _generic_handle
    for method in ("PUT", "POST", "PATCH", "DELETE"):  # bound to the original at class creation
        setattr(handler_cls, f"do_{method}", _generic_handle)
    handler_cls._greenlight_upload_cap = True


def _mask_access_log(handler_cls) -> None:
    """http.server writes each request line (with its query string: sign-in tokens, cursors) straight
    to stderr, past the logging filters; mask secrets there too."""
    from chalicelib.core.logs import redact

    if getattr(handler_cls.log_message, "_greenlight_masked", False):
        return
    original = handler_cls.log_message

    def log_message(self, format, *args):  # noqa: A002 - http.server's signature
        original(self, "%s", redact(format % args))

    log_message._greenlight_masked = True
    handler_cls.log_message = log_message


def create_server(host: str = "127.0.0.1", port: int = 8000, stage: str = "local",
                  project_dir: str | os.PathLike = PROJECT_DIR):
    """Load app.py with the stage's config and return a bound (listening) LocalDevServer."""
    from chalice.cli.factory import CLIFactory
    from chalice.deploy.validate import validate_routes

    os.environ["AWS_CHALICE_CLI_MODE"] = "true"  # as the chalice CLI sets it
    # Stage values fill only what the shell did not set.
    if Path(project_dir).resolve() == PROJECT_DIR:
        apply_stage_environment(stage)
    else:  # another project (the tests use a throwaway one): the same, from its config
        config_path = Path(project_dir) / ".chalice" / "config.json"
        for key, value in stage_environment(stage, config_path).items():
            os.environ.setdefault(key, value)
    install_not_found_gateway()
    # Send headers and body in one segment: otherwise each answer waits ~40 ms for a delayed ACK.
    from chalice.local import ChaliceRequestHandler

    ChaliceRequestHandler.disable_nagle_algorithm = True
    cap_upload_bodies(ChaliceRequestHandler)
    answer_every_method(ChaliceRequestHandler)
    _mask_access_log(ChaliceRequestHandler)
    # chalice updates `environ` with the stage's variables: give it a copy it may clobber.
    factory = CLIFactory(str(project_dir), environ=dict(os.environ))
    config = factory.create_config_obj(chalice_stage_name=stage)
    app = config.chalice_app  # imports app.py
    validate_routes(app.routes)  # what `chalice local` checks before serving
    _load_lazy_modules()
    from chalice.local import ThreadedHTTPServer

    ThreadedHTTPServer.request_queue_size = 128  # 20 people pressing at once must not get connection resets
    return factory.create_local_server(app, config, host, port)


def _load_lazy_modules() -> None:
    """Run every module bound with chalicelib.core.lazy.lazy_import now. On Python 3.11 the first load of a
    lazy module is not thread-safe, and `chalice local` serves each request in its own thread (a
    Lambda serves one request at a time, so there the cold start stays lazy)."""
    import importlib.util

    while lazy := [m for m in list(sys.modules.values()) if isinstance(m, importlib.util._LazyModule)]:
        for module in lazy:
            getattr(module, "__name__")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    parser.add_argument("--stage", default="local")
    parser.add_argument("--project-dir", default=str(PROJECT_DIR), help=argparse.SUPPRESS)  # tests
    args = parser.parse_args(argv)

    # Same as `chalice local`: log records go to stdout, as they would to CloudWatch.
    logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(message)s")
    os.chdir(args.project_dir)  # relative paths in the stage config (.data/...) are the project's
    server = create_server(args.host, args.port, args.stage, args.project_dir)
    host, port = server.server.server_address[:2]  # the socket is bound and listening already
    print(f"Greenlight API listening on http://{host}:{port}", flush=True)
    try:
        server.server.serve_forever()  # not server.serve_forever(): that prints its own banner
    except KeyboardInterrupt:
        pass
    finally:
        server.server.server_close()


if __name__ == "__main__":
    main()
