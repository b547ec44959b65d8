"""What the panels, charts and the article review say, as plain data and escaped text;
the colours of each kind. No Streamlit here, so all of it is tested directly."""
