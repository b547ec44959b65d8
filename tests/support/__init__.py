"""Helpers the tests share, one module per concern; tests import them as ``from support.x import y``.

paths       where the repository, the curated data, the seed dataset and Chromium are
csvfiles    editing copies of the data's CSV files, and proving a folder was not touched
appserver   the real app on a free port
browsing    driving the app's page and its map in Chromium
seed        the seed report's text (given by path, it is not in the repository)
acled       made-up events in ACLED's export layout
fake_nominatim, fault_writer, runlog: a fake geocoding service, a writer to kill, script-run logging
"""
