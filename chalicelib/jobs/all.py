"""Importing this module registers every scheduled job (publishing, reminders … as they arrive)."""
