"""Audit trail: who changed what, when, and the values before and after (reviewers)."""

from __future__ import annotations

import streamlit as st

from frontier_atlas.app.identity import acting_user
from frontier_atlas.app.loading import user_store
from frontier_atlas.app.page import prepare_page
from frontier_atlas.domain.access import Action, why_not
from frontier_atlas.present.audit import audit_frame
from frontier_atlas.present.escaping import md_text

prepare_page("Audit trail")
st.title("Audit trail")
refused = why_not(acting_user(), Action.READ_AUDIT)
if refused:
    st.info(md_text(f"The audit trail is for reviewers: {refused}."))
    st.stop()

store = user_store()
everything = store.audit()
st.caption("Every change to records, pins, verified marks and roles, written in the same "
           "transaction as the change itself. Nothing here can be edited or removed.")
users = sorted({(e.actor_id, e.actor_name) for e in everything})
records = sorted({e.record_id for e in everything})
c1, c2 = st.columns(2)  # select boxes show their choices as plain text: no Markdown escapes
user = c1.selectbox("User", [None, *users], key="audit-user",
                    format_func=lambda u: "everyone" if u is None else f"{u[1]} ({u[0]})")
record = c2.selectbox("Record", [None, *records], key="audit-record",
                      format_func=lambda r: "every record" if r is None else r)
entries = store.audit(record_id=record, actor_id=None if user is None else user[0])
st.markdown(f"{len(entries):,} of {len(everything):,} changes")
st.dataframe(audit_frame(entries), hide_index=True, width="stretch", key="audit-table")
if entries:
    with st.expander("The last change in full (before and after)"):
        last = entries[-1]
        b1, b2 = st.columns(2)
        b1.json(last.before or {}, expanded=True)
        b2.json(last.after or {}, expanded=True)
