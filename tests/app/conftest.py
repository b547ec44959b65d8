"""Page logic through Streamlit's AppTest, without the app's server or a browser.
Every test in this folder is marked ``app``."""

from support.markers import mark_folder

pytest_collection_modifyitems = mark_folder(__file__, "app")
