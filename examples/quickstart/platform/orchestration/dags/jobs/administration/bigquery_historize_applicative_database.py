import datetime

from airflow import DAG
from airflow.providers.google.cloud.transfers.gcs_to_bigquery import GCSToBigQueryOperator
from common.config import DATA_GCS_BUCKET_NAME, ENV_SHORT_NAME, GCP_PROJECT_ID

TABLES = ["users", "offers", "bookings", "venues"]

with DAG("bigquery_historize_applicative_database", start_date=datetime.datetime(2023, 1, 1), schedule_interval=None) as dag:
    for table in TABLES:
        GCSToBigQueryOperator(
            task_id=f"load_{table}",
            bucket=DATA_GCS_BUCKET_NAME,
            source_objects=[f"historization/applicative/{table}/*.parquet"],
            destination_project_dataset_table=f"{GCP_PROJECT_ID}.raw_{ENV_SHORT_NAME}.applicative_{table}_history",
            source_format="PARQUET",
        )
