/// decant's own price table: Google Cloud Storage list prices for the locations
/// whose figures could be supported, in the format a plan's own table uses
/// (`pricing: { table: FILE }`). `decant prices` prints it, to start one from.
///
/// Every figure says where it comes from. None could be checked against Google's
/// pricing page when the table was written (no network access): check them
/// before relying on them, and update `as_of` when you do.
public enum BuiltInPriceTable {
    public static let text = #"""
# decant price table (format 1): Google Cloud Storage list prices.
# Amounts in USD; at rest per GiB and month, operations per 1,000, retrieval and
# network per GiB. A plan names its own table with `pricing: { table: FILE }`.
decant_prices: 1
name: Google Cloud Storage list prices (decant built-in)
currency: USD
as_of: 2025-01
source: >-
  Google's published list prices (cloud.google.com/storage/pricing), transcribed
  without network access on 2026-12-01: none of the figures could be verified
  online then. `decant prices` shows where each one comes from.

sources:
  gcs-notes: >-
    decant's GCS notes (GCS.md), transcribed from Google's published list prices
    (mirrors read 2025-2026): europe-west1 at rest, retrieval per class, the
    minimum storage durations, STANDARD regional Class A and Class B operations.
  recalled: >-
    The published pricing page as the author of this table knew it (early
    2025), not verified online.
  recalled-network: >-
    The published pricing page's data transfer between locations on one
    continent, as the author of this table knew it (early 2025), not verified
    online; the least certain figure here: check it first.

# What holds in every location below, unless a location says otherwise.
classes:
  STANDARD: { class_a_per_1000: 0.005, class_b_per_1000: 0.0004, retrieval_per_gib: 0, minimum_days: 0, source: [gcs-notes] }
  NEARLINE: { class_a_per_1000: 0.01, class_b_per_1000: 0.001, retrieval_per_gib: 0.01, minimum_days: 30, source: [gcs-notes, recalled] }
  COLDLINE: { class_a_per_1000: 0.02, class_b_per_1000: 0.01, retrieval_per_gib: 0.02, minimum_days: 90, source: [gcs-notes, recalled] }
  ARCHIVE:  { class_a_per_1000: 0.05, class_b_per_1000: 0.05, retrieval_per_gib: 0.05, minimum_days: 365, source: [gcs-notes, recalled] }

# Regions only. Dual- and multi-regions (US, EU, ASIA, …) are left out: their
# figures could not be supported, and a plan in one says "no prices for EU".
locations:
  EUROPE-WEST1:   # Belgium
    kind: region
    at_rest_per_gib_month: { STANDARD: 0.020, NEARLINE: 0.010, COLDLINE: 0.004, ARCHIVE: 0.0012 }
    source: [gcs-notes, recalled]
  EUROPE-WEST4:   # Netherlands
    kind: region
    at_rest_per_gib_month: { STANDARD: 0.020, NEARLINE: 0.010, COLDLINE: 0.004, ARCHIVE: 0.0012 }
    source: [recalled]
  US-CENTRAL1:    # Iowa
    kind: region
    at_rest_per_gib_month: { STANDARD: 0.020, NEARLINE: 0.010, COLDLINE: 0.004, ARCHIVE: 0.0012 }
    source: [recalled]
  US-EAST1:       # South Carolina
    kind: region
    at_rest_per_gib_month: { STANDARD: 0.020, NEARLINE: 0.010, COLDLINE: 0.004, ARCHIVE: 0.0012 }
    source: [recalled]
  US-WEST1:       # Oregon
    kind: region
    at_rest_per_gib_month: { STANDARD: 0.020, NEARLINE: 0.010, COLDLINE: 0.004, ARCHIVE: 0.0012 }
    source: [recalled]

# Between two different locations of a list (within one location it is free).
# Other pairs (across continents) are left out: a plan moving data between them
# says "no network price".
network:
  - { between: [EUROPE-WEST1, EUROPE-WEST4], per_gib: 0.02, source: [recalled-network] }
  - { between: [US-CENTRAL1, US-EAST1, US-WEST1], per_gib: 0.02, source: [recalled-network] }

# Autoclass's management fee, per 1,000 objects of 128 KiB or more, per month
# (that smaller objects are exempt: gcs-notes; the amount: recalled).
autoclass: { management_per_1000_objects_month: 0.0025, source: [gcs-notes, recalled] }
"""#
}
