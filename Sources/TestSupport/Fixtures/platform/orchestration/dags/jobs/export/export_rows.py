import datetime

from airflow import DAG
from common.config import DATA_GCS_BUCKET_NAME
from common.operators.gce import SSHGCEOperator

BASE_PATH = "data-gcp/jobs/etl_jobs/internal/export_rows"
TABLES = ["venue", "offer"]

with DAG("export_rows", start_date=datetime.datetime(2024, 1, 1), schedule_interval="0 2 * * *") as dag:
    for table in TABLES:
        SSHGCEOperator(
            task_id=f"export_{table}_rows",
            instance_name="export-rows",
            base_dir=BASE_PATH,
            command=f"python main.py --bucket-name {DATA_GCS_BUCKET_NAME} --table {table} --ds {{{{ ds }}}}",
        )
