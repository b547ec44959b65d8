"""What is stored: the curated files (``curated``), what users write (``userstore``),
on one of two engines (``database`` the interface, ``engine`` the choice, ``sqlite_database``
and ``postgres_database``, their tables in ``schema``), exports, the one spreadsheet-safe
CSV writer every download uses (``csvsafe``), and the crash-safe writes under all of them
(``durable``)."""
