"""Media on posts: uploads into the artifact store, per-network limits, display links, the form field."""
