import datetime

from airflow import DAG
from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
from common.config import DATA_GCS_BUCKET_NAME

with DAG("clusterisation", start_date=datetime.datetime(2024, 1, 1), schedule_interval="0 4 * * 0") as dag:
    preprocess = KubernetesPodOperator(
        task_id="preprocess",
        name="clusterisation-preprocess",
        image="europe-west1-docker.pkg.dev/passculture-infra-prod/ml/clusterisation:latest",
        cmds=["python", "jobs/ml_jobs/clusterisation/preprocess.py"],
        arguments=["--gcs-bucket", DATA_GCS_BUCKET_NAME],
    )
