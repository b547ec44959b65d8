"""How each kind of record looks: its colour and glyph, the same on the map and the timeline chart."""

STYLE = {
    # kind: (colour, SVG glyph drawn in white on a 28 px disc)
    "exercise": ("#b03a2e", '<path d="M14 6l2.4 5 5.4.6-4 3.7 1.1 5.3L14 18l-4.9 2.6 1.1-5.3-4-3.7 5.4-.6z" '
                            'fill="#fff"/>'),
    "crossing": ("#1f5f99", '<rect x="8" y="8" width="3" height="12" fill="#fff"/>'
                            '<rect x="17" y="8" width="3" height="12" fill="#fff"/>'
                            '<rect x="8" y="12.5" width="12" height="3" fill="#fff"/>'),
    "event": ("#6c3483", '<path d="M14 7l7 7-7 7-7-7z" fill="#fff"/>'),
    "region": ("#b9770e", '<circle cx="14" cy="14" r="5" fill="none" stroke="#fff" stroke-width="2.5"/>'),
    "movement": ("#117a65", '<path d="M8 14h10M15 10l4 4-4 4" stroke="#fff" stroke-width="2.5" fill="none"/>'),
}
