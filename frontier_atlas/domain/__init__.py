"""Pure types and rules, no I/O: records, positions, countries, text folding, filters, the
timeline, the shared view in a link, geometry and the map's viewport. Every layer builds on it."""
