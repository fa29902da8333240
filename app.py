"""Greenlight: composition root only. Blueprints and schedules are wired here; nothing else.

Importing this module builds no client and imports nothing heavy (a benchmark watches it).
"""
from chalice import Chalice, Rate

from chalicelib.api import (
    audit,
    brands,
    chains,
    channels,
    feeds,
    me,
    posts,
    slack,
    system,
    targets,
)
from chalicelib.jobs import all as _jobs  # noqa: F401 - registers every job in JOBS
from chalicelib.jobs.registry import JOBS
from chalicelib.logs import configure_logging
from chalicelib.web import action_pages, posts_pages, profile_pages
from chalicelib.web import routes as web

app = Chalice(app_name="greenlight")
app.debug = False  # never show stack traces to clients; local errors carry a short "debug" field instead
configure_logging()

for blueprint in (system.bp, me.bp, brands.bp, channels.bp, chains.bp, posts.bp, targets.bp, audit.bp, slack.bp,
                  feeds.bp, web.bp, posts_pages.bp, profile_pages.bp, action_pages.bp):
    app.register_blueprint(blueprint)


def _schedule(job):
    def handler(event):
        return job.run()

    handler.__name__ = job.name.replace("-", "_")
    app.schedule(Rate(job.every_minutes, unit=Rate.MINUTES), name=handler.__name__)(handler)


for _job in JOBS.values():
    _schedule(_job)
