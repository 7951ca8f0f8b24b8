#!/usr/bin/env python3
"""Peer for the copy benchmark: the official Python client (google-cloud-storage),
as a user would write it: list the source prefix, then `bucket.copy_blob` for
each object in a thread pool. Runs under the venv's python.

    python_client_copy.py ENDPOINT SOURCE_BUCKET PREFIX TARGET_BUCKET TARGET_PREFIX THREADS
"""
import sys
from concurrent.futures import ThreadPoolExecutor

from google.auth.credentials import AnonymousCredentials
from google.cloud import storage

endpoint, source, prefix, target, target_prefix, threads = sys.argv[1:7]
client = storage.Client(project="bench", credentials=AnonymousCredentials(), client_options={"api_endpoint": endpoint})
source_bucket, target_bucket = client.bucket(source), client.bucket(target)
blobs = list(client.list_blobs(source, prefix=prefix))


def copy(blob):
    source_bucket.copy_blob(blob, target_bucket, target_prefix + blob.name[len(prefix):])


with ThreadPoolExecutor(int(threads)) as pool:
    for _ in pool.map(copy, blobs):
        pass
print(f"copied {len(blobs)} objects")
