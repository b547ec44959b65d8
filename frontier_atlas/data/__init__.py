"""What is stored: the curated files (``curated``), the user's own records (``userstore``),
exports, the one spreadsheet-safe CSV writer every download uses (``csvsafe``), and the
crash-safe writes under all of them (``durable``)."""
