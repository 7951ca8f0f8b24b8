"""Compares the artists matched in QA with those of staging before a release."""
import pandas as pd

QA_MATCHES = "gs://data-bucket-qa/link_artists/matched_artists.parquet"
UAT_MATCHES = "gs://data-bucket-uat/link_artists/matched_artists.parquet"
TOOLS_COPY = "gs://tools-data-bucket-qa/link_artists/matched_artists.parquet"
TEMP_COPY = "gs://data-bucket-mltemp-qa/link_artists/matched_artists.parquet"


def compare():
    qa = pd.read_parquet(QA_MATCHES)
    uat = pd.read_parquet(UAT_MATCHES)
    return qa.compare(uat), pd.read_parquet(TOOLS_COPY), pd.read_parquet(TEMP_COPY)
