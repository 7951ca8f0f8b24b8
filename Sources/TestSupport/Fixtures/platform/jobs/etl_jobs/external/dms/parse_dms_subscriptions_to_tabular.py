import json
import os

import pandas as pd
from google.cloud import storage

ENV_SHORT_NAME = os.environ.get("ENV_SHORT_NAME", "dev")
DATA_GCS_BUCKET_NAME = os.environ.get("DATA_GCS_BUCKET_NAME", f"data-bucket-{ENV_SHORT_NAME}")


def parse(target, updated_since):
    client = storage.Client()
    bucket = client.bucket(DATA_GCS_BUCKET_NAME)
    raw = bucket.blob(f"dms_export/unsorted_dms_{target}_{updated_since}.json").download_as_text()
    frame = pd.DataFrame(json.loads(raw)["data"])
    frame.to_parquet(f"gs://{DATA_GCS_BUCKET_NAME}/dms_export/dms_{target}_{updated_since}.parquet")


if __name__ == "__main__":
    parse(os.environ.get("TARGET", "jeunes"), os.environ["UPDATED_SINCE"])
