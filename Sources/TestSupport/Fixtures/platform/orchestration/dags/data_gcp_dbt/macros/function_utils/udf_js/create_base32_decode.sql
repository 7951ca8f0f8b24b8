{% macro create_base32_decode_function() %}
CREATE OR REPLACE FUNCTION {{ target.schema }}.base32_decode(input STRING)
RETURNS STRING
LANGUAGE js
OPTIONS (library = ["gs://data-bucket-{{ target.name }}/base32-encode/base32.js"])
AS """
  return new TextDecoder().decode(base32Decode(input, 'RFC4648'));
""";
{% endmacro %}
