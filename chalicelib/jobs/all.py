"""Importing this module registers every scheduled job."""
from chalicelib.jobs.registry import Job, register

register(Job("publish-due", 1, "Publish every approved post whose time has come, once per channel",
             "chalicelib.jobs.publish_due:run"))

register(Job("approval-reminders", 15, "Ask, remind and escalate approvers; apply the chain's on-miss policy",
             "chalicelib.jobs.approval_reminders:run"))
register(Job("daily-digest", 60, "Send each person who wants one their daily digest at their local hour",
             "chalicelib.jobs.daily_digest:run"))
