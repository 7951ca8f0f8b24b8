import datetime

from airflow import DAG
from airflow.providers.google.cloud.operators.bigquery import BigQueryInsertJobOperator
from common.config import DATA_GCS_BUCKET_NAME, ENV_SHORT_NAME, GCP_PROJECT_ID

APPLICATIVE_TABLES = ["user", "booking", "offer", "venue"]

with DAG(
    "bigquery_historize_applicative_database",
    start_date=datetime.datetime(2023, 1, 1),
    schedule_interval="0 5 * * *",
) as dag:
    for table in APPLICATIVE_TABLES:
        load_snapshot = BigQueryInsertJobOperator(
            task_id=f"load_{table}_snapshot",
            configuration={
                "load": {
                    "sourceUris": [f"gs://{DATA_GCS_BUCKET_NAME}/historization/applicative/{table}/{{{{ ds_nodash }}}}/*.parquet"],
                    "sourceFormat": "PARQUET",
                    "destinationTable": {
                        "projectId": GCP_PROJECT_ID,
                        "datasetId": f"raw_applicative_history_{ENV_SHORT_NAME}",
                        "tableId": table,
                    },
                    "writeDisposition": "WRITE_TRUNCATE",
                }
            },
        )
