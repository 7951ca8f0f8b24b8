import pandas as pd
import streamlit as st

ARTISTS_TO_MATCH_PATH = "gs://data-bucket-stg/link_artists/artists_to_match.parquet"

st.title("Explore and clusterize artists")
artists_df = pd.read_parquet(ARTISTS_TO_MATCH_PATH)
st.dataframe(artists_df.head(100))
