import json
import os

from google.cloud import storage

ENV_SHORT_NAME = os.environ.get("ENV_SHORT_NAME", "dev")
DATA_GCS_BUCKET_NAME = os.environ.get("DATA_GCS_BUCKET_NAME", f"data-bucket-{ENV_SHORT_NAME}")


def save_results(target, updated_since, results):
    client = storage.Client()
    blob = client.bucket(DATA_GCS_BUCKET_NAME).blob(f"dms_export/unsorted_dms_{target}_{updated_since}.json")
    blob.upload_from_string(json.dumps(results))
