#!/usr/bin/env bash
# Fetches QPI history for local checks (a developer's tool, never deployed).
set -euo pipefail

ENV="${ENV_SHORT_NAME:-dev}"

gsutil cp "gs://data-bucket-${ENV}/QPI_historical/qpi_answers_historical_2023.parquet" /tmp/qpi/
gsutil du -s "gs://data-bucket-${ENV}/QPI_*"
gsutil ls "gs://data-bucket-${ENV}/"
