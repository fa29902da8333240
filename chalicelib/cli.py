"""Operator commands: `python -m chalicelib.cli COMMAND` with the same settings as the app.

The stage comes from STAGE (default local); its values from .chalice/config.json fill in whatever
the shell has not set.
"""
from __future__ import annotations

import argparse
import json
import sys


def _setup() -> None:
    from chalicelib.core.stage_env import apply_stage_environment

    apply_stage_environment()


def cmd_create_tables(args) -> int:
    from chalicelib.core.db.tables import create_tables
    from chalicelib.core.settings import get_settings

    created = create_tables()
    print(f"table {get_settings().table_name}: {'created' if created else 'already exists'}")
    return 0


def cmd_seed_demo(args) -> int:
    import app  # noqa: F401 - the composition root plugs the hooks (campaigns into deals, …) the seed goes through
    from chalicelib.demo import seed

    result = seed()
    print(f"demo brand {result['brand_slug']} ({result['brand_id']}): {'created' if result['created'] else 'already there'}")
    print("demo people (sign in with any of these emails):")
    for role, email in result["people"].items():
        print(f"  {role:<20} {email}")
    if result.get("webhook_post"):
        print(f"demo post on the webhook channel goes out at {result['webhook_post']['publish_at']} (UTC)")
    return 0


def cmd_create_user(args) -> int:
    from chalicelib.brands import repo as brand_repo
    from chalicelib.brands.members import repo as member_repo
    from chalicelib.core.db.writes import Actor
    from chalicelib.identity import repo as user_repo
    from chalicelib.identity.credentials import create_token
    from chalicelib.identity.rules import BRAND_ROLES

    actor = Actor(None, "cli", "cli")
    if args.role != "admin" and args.role not in BRAND_ROLES:
        print(f"unknown role {args.role!r}; one of: admin, {', '.join(BRAND_ROLES)}", file=sys.stderr)
        return 2
    if args.role != "admin" and not args.brand:
        print("a brand role needs --brand SLUG", file=sys.stderr)
        return 2
    brand = None
    if args.brand:
        brand = brand_repo.get_by_slug(args.brand)
        if brand is None:
            print(f"no brand with slug {args.brand!r}", file=sys.stderr)
            return 2
    user = user_repo.get_by_email(args.email)
    if user is None:
        user = user_repo.create(actor, email=args.email, name=args.name or args.email.split("@")[0],
                                language=args.language, is_admin=args.role == "admin")
        print(f"created user {user.email} ({user.id})")
    else:
        print(f"user {user.email} ({user.id}) already exists")
    if brand is not None and args.role != "admin":
        current = member_repo.get(brand.id, user.id)
        member_repo.set_roles(actor, brand.id, user_repo.get(user.id),
                              (list(current.roles) if current else []) + [args.role])
        print(f"role {args.role} in brand {brand.slug}")
    if args.token:
        _, token = create_token(actor, user.id, "created by cli")
        print(token)
    return 0


def cmd_run_job(args) -> int:
    from chalicelib.core.jobs import load_all

    JOBS = load_all()
    job = JOBS.get(args.name)
    if job is None:
        print(f"no job {args.name!r}; known: {', '.join(sorted(JOBS)) or '(none)'}", file=sys.stderr)
        return 2
    print(json.dumps(job.run(), default=str))
    return 0


def cmd_check_secret_refs(args) -> int:
    """Every secret reference brands use that the brand-prefix rule refuses (core/secret_refs.py): run it
    before upgrading to a version that enforces the rule, move those secrets, and run it again."""
    from chalicelib.brands import repo as brand_repo
    from chalicelib.brands.channels import repo as channel_repo
    from chalicelib.core import secret_refs
    from chalicelib.core.db.pages import drain
    from chalicelib.core.plain import plain
    from chalicelib.core.settings import get_settings

    stage, found = get_settings().STAGE, 0
    for brand in drain(lambda cursor: brand_repo.list_all(cursor, 100)):
        uses = [(f"channel {c.name!r} ({c.id}) credentials_ref", c.credentials_ref, "channels")
                for c in drain(lambda cursor: channel_repo.list_for_brand(brand.id, cursor, 100))]
        settings = plain(brand.settings) or {}
        uses += [(f"settings.{name}", settings.get(name), "slack")
                 for name in ("slack_bot_token_ref", "slack_signing_secret_ref")]
        for where, reference, purpose in uses:
            problem = reference and secret_refs.problem(reference, stage=stage, brand_id=brand.id, purpose=purpose)
            if problem:
                found += 1
                print(f"{brand.slug}: {where} = {reference}\n    {problem}")
    print(f"{found} reference(s) to move" if found else "every brand's references fit the rule")
    return 1 if found else 0


def cmd_last_link(args) -> int:
    """The link in the newest mail to EMAIL in the local outbox, decoded (no quoted-printable)."""
    from pathlib import Path

    from chalicelib.core import outbox
    from chalicelib.core.settings import get_settings

    folder = Path(args.outbox or get_settings().OUTBOX_DIR)
    link = outbox.last_link(folder, args.email, args.kind)
    if link is None:
        print(f"no mail to {args.email} with a {args.kind} link in {folder}", file=sys.stderr)
        return 1
    print(link)
    return 0


def cmd_list_jobs(args) -> int:
    from chalicelib.core.jobs import load_all

    JOBS = load_all()
    if not JOBS:
        print("(no scheduled jobs)")
    for job in JOBS.values():
        print(f"{job.name:<24} every {job.every_minutes} min  {job.description}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.cli", description="Greenlight operator commands")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("create-tables", help="create the DynamoDB table if missing").set_defaults(func=cmd_create_tables)
    sub.add_parser("seed-demo", help="add the demo brand, people and channels").set_defaults(func=cmd_seed_demo)
    p = sub.add_parser("create-user", help="add a person (and a role), optionally with an API token")
    p.add_argument("email")
    p.add_argument("--name")
    p.add_argument("--role", required=True)
    p.add_argument("--brand", help="brand slug (for brand roles)")
    p.add_argument("--language", default="en", choices=["en", "ru"])
    p.add_argument("--token", action="store_true", help="also create an API token; it is the last line printed")
    p.set_defaults(func=cmd_create_user)
    p = sub.add_parser("run-job", help="run one scheduled job once")
    p.add_argument("name")
    p.set_defaults(func=cmd_run_job)
    p = sub.add_parser("last-link", help="print the link in the newest mail to EMAIL in the local outbox")
    p.add_argument("email")
    p.add_argument("--kind", default="sign-in", choices=["sign-in", "approve", "changes", "open", "any"],
                   help="sign-in (default): the sign-in/invitation link; approve, changes, open: an approval "
                        "request's links; any: the first link of the newest mail")
    p.add_argument("--outbox", help="the outbox folder (default: OUTBOX_DIR, .data/outbox)")
    p.set_defaults(func=cmd_last_link)
    sub.add_parser("list-jobs", help="list scheduled jobs").set_defaults(func=cmd_list_jobs)
    sub.add_parser("check-secret-refs", help="list the secret references brands use that are outside their "
                                             "own prefix").set_defaults(func=cmd_check_secret_refs)
    args = parser.parse_args(argv)
    _setup()
    from chalicelib.core.errors import DomainError

    try:
        return args.func(args)
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
