import os

ENV_SHORT_NAME = os.environ.get("ENV_SHORT_NAME", "dev")
GCP_PROJECT_ID = os.environ.get("GCP_PROJECT_ID", f"passculture-data-ehp-{ENV_SHORT_NAME}")
DAG_FOLDER = os.environ.get("DAG_FOLDER", "dags/")

DATA_GCS_BUCKET_NAME = os.environ.get("DATA_GCS_BUCKET_NAME", f"data-bucket-{ENV_SHORT_NAME}")
