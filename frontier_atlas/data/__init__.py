"""What is stored: the curated files (``curated``), the user's own records (``userstore``),
exports, and the crash-safe writes under all of them (``durable``)."""
