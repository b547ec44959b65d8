"""Geocoding: place names in records to positions with an honest precision.

Records store place names, never coordinates. ``chain.GeocoderChain`` resolves them:
a persistent cache, our curated gazetteer (with pinned overrides), countries,
provinces and GeoNames towns (all offline), and Nominatim when the user turns it on.
Every answer says which provider found it, the precision, a confidence and the
close runners-up. Each provider is one module answering ``provider.Provider``'s one
method; ``factory.build_geocoder`` is the configured chain. This package's
``__init__`` imports nothing, so a caller that needs only name folding (``names``)
loads only that.
"""
