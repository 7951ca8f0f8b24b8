import datetime

from airflow import DAG
from airflow.providers.google.cloud.transfers.gcs_to_bigquery import GCSToBigQueryOperator
from common.config import DAG_FOLDER, DATA_GCS_BUCKET_NAME, ENV_SHORT_NAME, GCP_PROJECT_ID

default_args = {"start_date": datetime.datetime(2023, 1, 1), "retries": 1}

with DAG("import_qpi_historical", default_args=default_args, schedule_interval=None, template_searchpath=DAG_FOLDER) as dag:
    import_historical = GCSToBigQueryOperator(
        task_id="import_qpi_historical",
        bucket=DATA_GCS_BUCKET_NAME,
        source_objects=["QPI_historical/qpi_answers_historical_*.parquet"],
        destination_project_dataset_table=f"{GCP_PROJECT_ID}.raw_{ENV_SHORT_NAME}.qpi_answers_historical",
        source_format="PARQUET",
        write_disposition="WRITE_TRUNCATE",
    )
