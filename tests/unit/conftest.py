"""Unit tests: the package's modules on their own, without the app's server or a browser.
Every test in this folder is marked ``unit``."""

from support.markers import mark_folder

pytest_collection_modifyitems = mark_folder(__file__, "unit")
