import datetime

from airflow import DAG
from airflow.operators.python import BranchPythonOperator
from airflow.providers.google.cloud.hooks.gcs import GCSHook
from airflow.providers.google.cloud.sensors.gcs import GCSObjectsWithPrefixExistenceSensor
from airflow.providers.google.cloud.transfers.gcs_to_bigquery import GCSToBigQueryOperator
from common.config import (
    DAG_FOLDER,
    DATA_GCS_BUCKET_NAME,
    ENV_SHORT_NAME,
    GCP_PROJECT_ID,
)

default_args = {"start_date": datetime.datetime(2023, 1, 1), "retries": 1}


def check_qpi_export(ds_nodash, **kwargs):
    gcs_hook = GCSHook()
    files = gcs_hook.list(DATA_GCS_BUCKET_NAME, prefix=f"QPI_exports/qpi_answers_{ds_nodash}/")
    return "import_qpi_answers" if len(files) > 0 else "no_export"


with DAG(
    "import_qpi",
    default_args=default_args,
    schedule_interval="0 6 * * *",
    template_searchpath=DAG_FOLDER,
) as dag:
    wait_for_export = GCSObjectsWithPrefixExistenceSensor(
        task_id="wait_for_qpi_export",
        bucket=DATA_GCS_BUCKET_NAME,
        prefix="QPI_exports/qpi_answers_{{ ds_nodash }}/",
        mode="reschedule",
    )

    check_export = BranchPythonOperator(task_id="check_qpi_export", python_callable=check_qpi_export)

    import_historical = GCSToBigQueryOperator(
        task_id="import_qpi_historical",
        bucket=DATA_GCS_BUCKET_NAME,
        source_objects=["QPI_historical/qpi_answers_historical_*.parquet"],
        destination_project_dataset_table=f"{GCP_PROJECT_ID}.raw_{ENV_SHORT_NAME}.qpi_answers_historical",
        source_format="PARQUET",
        write_disposition="WRITE_TRUNCATE",
    )

    import_answers = GCSToBigQueryOperator(
        task_id="import_qpi_answers",
        bucket=DATA_GCS_BUCKET_NAME,
        source_objects=["QPI_exports/qpi_answers_{{ ds_nodash }}/*.jsonl"],
        destination_project_dataset_table=f"{GCP_PROJECT_ID}.raw_{ENV_SHORT_NAME}.qpi_answers_v4",
        source_format="NEWLINE_DELIMITED_JSON",
        write_disposition="WRITE_APPEND",
    )

    wait_for_export >> check_export >> [import_historical, import_answers]
