"""Admin: who holds which role (over what the provider's claim says), and the settings."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from frontier_atlas.app.identity import acting_user
from frontier_atlas.app.loading import load_atlas, user_store
from frontier_atlas.app.page import prepare_page
from frontier_atlas.data.database import StoreUnavailable
from frontier_atlas.domain.access import Action, NotAllowed, Role, why_not
from frontier_atlas.present.escaping import md_text

FROM_CLAIM = "none: the provider's claim decides"

prepare_page("Admin")
st.title("Admin")
actor = acting_user()
refused = why_not(actor, Action.MANAGE_ROLES)
if refused:
    st.info(md_text(f"Roles and settings are for admins: {refused}."))
    st.stop()

config = load_atlas().settings
store = user_store()
st.header("Roles")
st.caption("A role given here wins over the one the sign-in provider's claim names "
           f"(claim `{md_text(config.roles_claim)}`), from the user's next page on. "
           "Each change is in the audit trail.")
table = store.roles()
st.dataframe(pd.DataFrame([{"user": uid, "role": role.value} for uid, role in table.items()],
                          columns=["user", "role"]), hide_index=True, key="roles-table")
with st.form("set-role", clear_on_submit=True):
    user = st.text_input("User: their e-mail as the provider gives it (or its subject when it gives none)",
                         key="role-user")
    role = st.selectbox("Role", [*(r.value for r in Role), FROM_CLAIM], key="role-choice")
    if st.form_submit_button("Save role"):
        try:
            store.set_role(user, None if role == FROM_CLAIM else Role(role), by=acting_user())
        except (NotAllowed, StoreUnavailable, ValueError) as exc:
            st.error(md_text(str(exc)))
        else:
            st.rerun()  # the table above shows it

st.header("Settings")
st.caption("Read from the environment when the server starts (README, Configuration); "
           "change them there and restart.")
st.dataframe(pd.DataFrame(config.rows()), hide_index=True, width="stretch", key="settings-table")
