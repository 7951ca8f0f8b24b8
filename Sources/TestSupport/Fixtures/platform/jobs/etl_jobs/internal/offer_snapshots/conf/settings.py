import os

STAGE = os.environ.get("ENV_SHORT_NAME", "dev")
GCP_PROJECT_ID = os.environ.get("GCP_PROJECT_ID", f"passculture-data-ehp-{STAGE}")

# The shared data bucket, under a name of this job's own.
STORE = f"data-bucket-{STAGE}"
SNAPSHOT_ROOT = f"gs://{STORE}/offer_snapshots"
SEED_FOLDER = "bigquery_imports/seed"

if STAGE == "prod":
    EXPORT_FOLDER = "offer_exports"
else:
    EXPORT_FOLDER = "offer_exports_test"
