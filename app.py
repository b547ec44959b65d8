"""Frontier Atlas: the map page. Its parts live in ``frontier_atlas.app``."""

from frontier_atlas.app.map_page import map_page

map_page()
