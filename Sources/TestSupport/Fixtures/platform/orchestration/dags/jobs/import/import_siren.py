import datetime

from airflow import DAG
from common.config import DATA_GCS_BUCKET_NAME
from common.operators.gce import SSHGCEOperator

with DAG("import_siren", start_date=datetime.datetime(2024, 1, 1), schedule_interval="0 3 * * 1") as dag:
    fetch = SSHGCEOperator(
        task_id="fetch_siren",
        instance_name="import-siren",
        base_dir="data-gcp/jobs/etl_jobs/external/siren",
        command="python main.py --gcs-bucket " + DATA_GCS_BUCKET_NAME + " --day {{ ds }}",
    )
