from conf.settings import SNAPSHOT_ROOT, STORE

DAILY_ROOT = f"{SNAPSHOT_ROOT}/daily"


def snapshot_uri(ds, table):
    return f"{DAILY_ROOT}/{ds}/{table}.parquet"
