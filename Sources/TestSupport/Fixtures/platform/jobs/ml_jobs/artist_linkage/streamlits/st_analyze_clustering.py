import pandas as pd
import streamlit as st

st.title("Analyze the artist clusters")
matched_df = pd.read_parquet("gs://data-bucket-stg/link_artists/matched_artists.parquet")
st.metric("clusters", matched_df["cluster_id"].nunique())
