"""The real app in a real headless Chromium.
Every test in this folder is marked ``browser``."""

from support.markers import mark_folder

pytest_collection_modifyitems = mark_folder(__file__, "browser")
