import datetime

from airflow import DAG
from airflow.operators.python import PythonOperator
from airflow.providers.google.cloud.operators.bigquery import BigQueryInsertJobOperator
from common.config import DATA_GCS_BUCKET_NAME, ENV_SHORT_NAME, GCP_PROJECT_ID

DATE = "{{ ds_nodash }}"
STORAGE_PATH = f"{DATA_GCS_BUCKET_NAME}/clickhouse_export/{ENV_SHORT_NAME}/export/{DATE}"
TABLES = ["booking", "collective_booking", "offer"]


def notify_clickhouse(table_name, **kwargs):
    print(f"ClickHouse picks up {table_name} from the staged files")


with DAG("export_clickhouse", start_date=datetime.datetime(2024, 1, 1), schedule_interval="0 4 * * *") as dag:
    for table_name in TABLES:
        export_task = BigQueryInsertJobOperator(
            task_id=f"{table_name}_export_bq_to_gcs",
            configuration={
                "extract": {
                    "sourceTable": {
                        "projectId": GCP_PROJECT_ID,
                        "datasetId": f"tmp_{ENV_SHORT_NAME}",
                        "tableId": f"export_{table_name}",
                    },
                    "compression": None,
                    "destinationUris": f"gs://{STORAGE_PATH}/{table_name}/data-*.parquet",
                    "destinationFormat": "PARQUET",
                }
            },
        )
        notify = PythonOperator(
            task_id=f"{table_name}_notify_clickhouse",
            python_callable=notify_clickhouse,
            op_kwargs={"table_name": table_name},
        )
        export_task >> notify
