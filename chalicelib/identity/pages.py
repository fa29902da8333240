"""Signing in and out in the browser: the sign-in page (an email address), the link from the email
(a confirmation page: only its POST uses the link, because mail scanners open every link), sign-out.

Thin like every page: pages.page does authentication, CSRF and errors; identity/service.py does the work.
"""
from __future__ import annotations

from chalice import Blueprint

from chalicelib.core.errors import BadRequest, Gone
from chalicelib.core.http import cookies
from chalicelib.core.http.forms import FormState, validate
from chalicelib.core.http.pages import PageCall
from chalicelib.core.lazy import lazy_import
from chalicelib.core.schemas import Email, Input
from chalicelib.core.settings import get_settings
from chalicelib.identity.doors import page

auth = lazy_import("chalicelib.identity.service")

bp = Blueprint(__name__)


class SignInForm(Input):
    """The sign-in page: just an address (the API has no sign-in request body)."""

    email: Email


def _sign_in_page(call: PageCall, form: FormState, next_path: str, status: int = 200):
    return call.render("sign_in.html", status=status, form=form, next=next_path if next_path != "/" else "")


@page(bp, "/sign-in", auth="optional")
def sign_in_form(call: PageCall):
    next_path = auth.safe_next(call.query.get("next"))
    if call.principal is not None:
        return call.redirect(next_path)
    return _sign_in_page(call, FormState(), next_path)


@page(bp, "/sign-in", ("POST",), auth="optional")
def sign_in_submit(call: PageCall):
    next_path = auth.safe_next(call.form.get("next"))
    data, form = validate(SignInForm, call.form, call.language)
    if data is None:
        return _sign_in_page(call, form, next_path, status=400)
    auth.request_sign_in(data.email, next_path, call.language, client_ip=call.client_ip)
    # The same answer whether or not the address has an account, and whether or not the address or
    # this client was over its limit (nothing was sent then): nobody learns who is a user.
    return call.render("check_mail.html", email=data.email, minutes=get_settings().MAGIC_LINK_TTL_MINUTES)


def _link_problem(call: PageCall, exc: BadRequest | Gone):
    key = "link_gone" if isinstance(exc, Gone) else "link_invalid"
    return call.error_page(exc.status, key, action_url="/sign-in", action_key="verify.new_link")


@page(bp, "/auth/verify", auth="optional")
def verify_link(call: PageCall):
    """Only looks: mail scanners and link previews fetch this URL, so using the link takes a POST."""
    token = call.query.get("token") or ""
    try:
        pending = auth.check_sign_in_link(token)
    except (BadRequest, Gone) as exc:
        return _link_problem(call, exc)
    return call.render("verify.html", email=pending.user_email, token=token)


@page(bp, "/auth/verify", ("POST",), auth="optional", back="/sign-in")
def verify_submit(call: PageCall):
    try:
        session_value, next_path = auth.complete_sign_in(call.form.get("token") or "")
    except (BadRequest, Gone) as exc:
        return _link_problem(call, exc)
    if call.principal is not None:  # signed in already (maybe as someone else): end that session
        auth.sign_out(call.principal)
    call.set_cookies.append(cookies.session_cookie(session_value))
    return call.redirect(next_path)


@page(bp, "/sign-out", ("POST",), back="/")
def sign_out(call: PageCall):
    auth.sign_out(call.principal)
    call.set_cookies.append(cookies.clear_session_cookie())
    return call.redirect("/sign-in")
