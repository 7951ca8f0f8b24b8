CREATE OR REPLACE FUNCTION analytics_dev.base32_encode(input STRING)
RETURNS STRING
LANGUAGE js
OPTIONS (library = "gs://data-bucket-dev/base32-encode/base32.js")
AS """ return base32Encode(input); """;
