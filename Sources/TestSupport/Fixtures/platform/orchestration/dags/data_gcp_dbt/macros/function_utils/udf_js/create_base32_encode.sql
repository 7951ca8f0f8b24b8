{% macro create_base32_encode_function() %}
-- Loads the library published by jobs/etl_jobs/internal/base32/deploy_base32.sh.
CREATE OR REPLACE FUNCTION {{ target.schema }}.base32_encode(input STRING)
RETURNS STRING
LANGUAGE js
OPTIONS (library = "gs://data-bucket-{{ var('ENV_SHORT_NAME') }}/base32-encode/base32.js")
AS """
  return base32Encode(new TextEncoder().encode(input), 'RFC4648', { padding: false });
""";
{% endmacro %}
