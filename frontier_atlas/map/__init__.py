"""Folium only: the map's base, its record and event layers, the offline base-map layers,
the vendored front-end files, and the tokens that say what a click was on."""
