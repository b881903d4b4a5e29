"""The shared TinyDB JSON file: lock, refresh, atomic replace, per-line layout, status file.

Nothing outside this package reaches into the file's layout."""
