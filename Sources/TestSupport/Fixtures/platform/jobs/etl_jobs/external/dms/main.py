import json
import os
from datetime import datetime

import requests
from google.cloud import storage

ENV_SHORT_NAME = os.environ.get("ENV_SHORT_NAME", "dev")
BUCKET_NAME = f"data-bucket-{ENV_SHORT_NAME}"
DMS_API_URL = "https://www.demarches-simplifiees.fr/api/v2/graphql"


def fetch_dossiers(procedure_id, updated_since):
    response = requests.post(
        DMS_API_URL,
        json={"query": "query", "variables": {"number": procedure_id, "updatedSince": updated_since}},
        timeout=60,
    )
    response.raise_for_status()
    return response.json()


def save_result(result, target, updated_since):
    storage_client = storage.Client()
    bucket = storage_client.bucket(BUCKET_NAME)
    blob = bucket.blob(f"dms_export/unsorted_dms_{target}_{updated_since}.json")
    blob.upload_from_string(json.dumps(result), content_type="application/json")


def main(target="jeunes", updated_since=None):
    updated_since = updated_since or datetime.now().strftime("%Y-%m-%d")
    save_result(fetch_dossiers(target, updated_since), target, updated_since)


if __name__ == "__main__":
    main()
