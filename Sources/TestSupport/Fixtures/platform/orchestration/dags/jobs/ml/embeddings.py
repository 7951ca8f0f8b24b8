import datetime

from airflow import DAG
from airflow.operators.python import PythonOperator
from airflow.providers.google.cloud.operators.gcs import GCSDeleteObjectsOperator
from airflow.providers.google.cloud.transfers.bigquery_to_gcs import BigQueryToGCSOperator
from common.config import DATA_GCS_BUCKET_NAME, ENV_SHORT_NAME, GCP_PROJECT_ID

EMBEDDINGS_CONFIG = {
    "ITEMS_URI": f"gs://{DATA_GCS_BUCKET_NAME}/ml_embeddings/items",
    "MODEL_DIR": f"gs://{DATA_GCS_BUCKET_NAME}/ml_embeddings/models",
    "REPORT_DIR": f"gs://{DATA_GCS_BUCKET_NAME}/ml_embeddings/reports",
}
SCRATCH_PREFIX = "ml_embeddings/scratch/"


def train_model(input_uri, output_dir):
    print(f"training on {input_uri}, writing the model to {output_dir}")


def render_report(report_dir):
    print(f"rendering the model report into {report_dir}")


with DAG(
    "embeddings",
    start_date=datetime.datetime(2024, 1, 1),
    schedule_interval="0 5 * * 1",
) as dag:
    export_items = BigQueryToGCSOperator(
        task_id="export_items",
        source_project_dataset_table=f"{GCP_PROJECT_ID}.ml_preproc_{ENV_SHORT_NAME}.items",
        destination_cloud_storage_uris=[EMBEDDINGS_CONFIG["ITEMS_URI"] + "/items-*.parquet"],
        export_format="PARQUET",
    )

    # The training reads the exported items and writes the model.
    train = PythonOperator(
        task_id="train",
        python_callable=train_model,
        op_kwargs={"input_uri": EMBEDDINGS_CONFIG["ITEMS_URI"], "output_dir": EMBEDDINGS_CONFIG["MODEL_DIR"]},
    )

    report = PythonOperator(
        task_id="render_report",
        python_callable=render_report,
        op_args=[EMBEDDINGS_CONFIG["REPORT_DIR"]],
    )

    cleanup = GCSDeleteObjectsOperator(
        task_id="cleanup_scratch",
        bucket_name=DATA_GCS_BUCKET_NAME,
        prefix=SCRATCH_PREFIX,
    )

    export_items >> train >> report >> cleanup
