import os

from google.cloud import bigquery, storage
from tables_config import REF_TABLES

PROJECT_NAME = os.environ.get("PROJECT_NAME", "passculture-data-ehp")
ENV_SHORT_NAME = os.environ.get("ENV_SHORT_NAME", "dev")
DATA_BUCKET_NAME = os.environ.get("DATA_BUCKET_NAME", f"data-bucket-{ENV_SHORT_NAME}")

FORMATS = {
    "csv": bigquery.SourceFormat.CSV,
    "parquet": bigquery.SourceFormat.PARQUET,
    "avro": bigquery.SourceFormat.AVRO,
}


def list_seed_files(folder):
    return [blob.name for blob in storage.Client().list_blobs(DATA_BUCKET_NAME, prefix=folder)]


def load_seed(client, table_name, file_name, file_type):
    uri = f"gs://{DATA_BUCKET_NAME}/bigquery_imports/seed/{table_name}/{file_name}.{file_type}"
    job_config = bigquery.LoadJobConfig(source_format=FORMATS[file_type], write_disposition="WRITE_TRUNCATE")
    job = client.load_table_from_uri(uri, f"{PROJECT_NAME}.seed_{ENV_SHORT_NAME}.{table_name}", job_config=job_config)
    job.result()


def load_qpi_mapping(client):
    # QPI_mapping sits at the bucket root, apart from the other reference tables.
    job_config = bigquery.LoadJobConfig(source_format=bigquery.SourceFormat.PARQUET, write_disposition="WRITE_TRUNCATE")
    job = client.load_table_from_uri(
        f"gs://{DATA_BUCKET_NAME}/QPI_mapping/qpi_mapping.parquet",
        f"{PROJECT_NAME}.seed_{ENV_SHORT_NAME}.qpi_mapping",
        job_config=job_config,
    )
    job.result()


def main():
    client = bigquery.Client(project=PROJECT_NAME)
    load_qpi_mapping(client)
    for table_name, params in REF_TABLES.items():
        load_seed(client, table_name, params["file_name"], params["file_type"])


if __name__ == "__main__":
    main()
