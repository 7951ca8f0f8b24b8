#!/usr/bin/env bash
# Publishes the base32 library the BigQuery UDFs load, and fetches QPI history for local checks.
set -euo pipefail

ENV="${ENV_SHORT_NAME:-dev}"

gsutil cp dist/base32.js "gs://data-bucket-${ENV}/base32-encode/base32.js"
gsutil cp "gs://data-bucket-${ENV}/QPI_historical/qpi_answers_historical_2023.parquet" /tmp/qpi/
gsutil du -s "gs://data-bucket-${ENV}/QPI_*"
gsutil ls "gs://data-bucket-${ENV}/"
