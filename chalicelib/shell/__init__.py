"""The app's shell around every feature: the answer for paths no route serves, and the footer's
language switch reaching the profile."""
