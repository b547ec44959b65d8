"""The Streamlit layer, and the only one: the map page's parts, the shared panels and loading,
and ``state``, where every session key is declared. Everything it shows is decided below."""
