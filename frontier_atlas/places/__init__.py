"""Where each record goes (``locate``: a point, an outline or a line), outlines drawn around
known towns where no real one exists (``hulls``), and reviewing and pinning place names."""
