import datetime

from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.providers.google.cloud.transfers.local_to_gcs import LocalFilesystemToGCSOperator
from common.config import DATA_GCS_BUCKET_NAME

PATH_TO_DBT_TARGET = "/opt/airflow/dags/data_gcp_dbt/target"

with DAG("dbt_artifacts", start_date=datetime.datetime(2024, 1, 1), schedule_interval="0 7 * * *") as dag:
    build_report = BashOperator(task_id="build_elementary_report", bash_command="edr report --target-path target")
    upload_report = LocalFilesystemToGCSOperator(
        task_id="upload_elementary_report",
        src=f"{PATH_TO_DBT_TARGET}/elementary_report.html",
        dst="elementary_reports/{{ execution_date.year }}/elementary_report_{{ ds_nodash }}.html",
        bucket=DATA_GCS_BUCKET_NAME,
    )
    build_report >> upload_report
