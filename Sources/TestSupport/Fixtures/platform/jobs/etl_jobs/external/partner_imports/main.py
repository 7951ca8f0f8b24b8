import pandas as pd
from google.cloud import storage

from conf.settings import INBOX, SNAPSHOT_ROOT, STORE
from utils import DAILY_ROOT


def import_offers(ds):
    # The partner's own offer snapshots, not ours.
    offers = pd.read_parquet(f"{SNAPSHOT_ROOT}/{ds}/offers.parquet")
    names = [b.name for b in storage.Client().list_blobs(STORE, prefix=f"{INBOX}/{ds}/")]
    return offers, names, pd.read_csv(f"{DAILY_ROOT}/{ds}.csv")
