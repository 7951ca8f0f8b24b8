import io

import pandas as pd
import typer
from google.cloud import bigquery, storage

from conf.settings import EXPORT_FOLDER, GCP_PROJECT_ID, SEED_FOLDER, SNAPSHOT_ROOT, STORE
from utils import DAILY_ROOT, snapshot_uri


def read_venue_types():
    blob = storage.Client().bucket(STORE).blob(f"{SEED_FOLDER}/venue_types/venue_types.csv")
    return pd.read_csv(io.BytesIO(blob.download_as_bytes()))


def snapshot_offers(ds):
    client = bigquery.Client(project=GCP_PROJECT_ID)
    offers = client.query(f"SELECT * FROM `{GCP_PROJECT_ID}.analytics.offers`").to_dataframe()
    offers.to_parquet(f"{SNAPSHOT_ROOT}/full/{ds}/offers.parquet")
    offers.merge(read_venue_types()).to_parquet(f"{DAILY_ROOT}/{ds}/offers_with_types.parquet")


def export_for_partners(ds):
    bucket = storage.Client().bucket(STORE)
    bucket.blob(f"{EXPORT_FOLDER}/{ds}/offers.csv").upload_from_filename("/tmp/offers.csv")


def main(ds: str):
    snapshot_offers(ds)
    export_for_partners(ds)


if __name__ == "__main__":
    typer.run(main)
