"""From a news report to draft records: reading uploads, finding places, dates and
participants, and assembling drafts an analyst reviews before anything is saved.

Everything runs offline. Each extracted value keeps the span of text it came from,
so the review screen can show why it was proposed.
"""
