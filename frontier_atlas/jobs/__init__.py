"""Heavy work (long article extractions, imports) in a child process, off the page's thread.

Streamlit runs every session's script as a thread of one server process. A long
extraction or a big import there holds the interpreter while every other visitor's
page waits, and its memory stays with the server afterwards. ``worker`` runs such a
task in a process of its own, with a time and a memory limit, reports its progress,
and can cancel it; ``tasks`` are the functions it runs.
"""
