#!/usr/bin/env bash
# Publishes the base32 library the BigQuery UDFs load (a manual deployment, rarely).
set -euo pipefail

ENV="${ENV_SHORT_NAME:-dev}"

gsutil cp dist/base32.js "gs://data-bucket-${ENV}/base32-encode/base32.js"
