import os

ENV_SHORT_NAME = os.environ.get("ENV_SHORT_NAME", "dev")
GCP_PROJECT_ID = os.environ.get("GCP_PROJECT_ID", f"passculture-data-ehp-{ENV_SHORT_NAME}")
DAG_FOLDER = os.environ.get("DAG_FOLDER", "dags/")

DATA_GCS_BUCKET_NAME = os.environ.get("DATA_GCS_BUCKET_NAME", f"data-bucket-{ENV_SHORT_NAME}")
ML_BUCKET_TEMP = os.environ.get("ML_BUCKET_TEMP", f"data-bucket-ml-temp-{ENV_SHORT_NAME}")
DATA_PARTNERS_EXPORT_BUCKET = f"data-partners-export-bucket-{ENV_SHORT_NAME}"

# JavaScript library loaded by the BigQuery UDFs (data_gcp_dbt/macros/function_utils/udf_js):
# gs://data-bucket-{env}/base32-encode/base32.js
BASE32_JS_LIB_PATH = f"gs://data-bucket-{ENV_SHORT_NAME}/base32-encode/base32.js"
