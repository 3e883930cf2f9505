"""The least a Streamlit page with one plotly chart costs: `bench/dashboard.py --floor`.

A title and a five-point scatter, no data read: its first render is the time Streamlit's
and plotly's own scripts take to load and draw, which no dashboard code can go below.
"""

import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="floor", layout="wide")
st.title("Floor")
st.plotly_chart(go.Figure(go.Scatter(x=[1, 2, 3, 4, 5], y=[2, 1, 3, 5, 4], mode="markers")))
