"""Faults, fuzzing and hostile markup (the tests of it that drive Chromium are marked
``browser`` too, by the root conftest). Every test in this folder is marked ``robustness``."""

from support.markers import mark_folder

pytest_collection_modifyitems = mark_folder(__file__, "robustness")
