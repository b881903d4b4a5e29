"""Storage backends behind one protocol (``base``); ``jsonfile`` is the shared JSON file."""
