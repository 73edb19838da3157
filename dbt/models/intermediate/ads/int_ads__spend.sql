-- Grain: one campaign on one day on one ad platform.
{{ union_family(['google_ads', 'meta_ads', 'linkedin_ads', 'generic_ads'], 'spend', [
    ['channel', 'string'], ['campaign_id', 'string'], ['campaign_name', 'string'],
    ['spend_date', 'date'], ['spend', 'numeric'], ['currency', 'string'], ['clicks', 'int'],
    ['impressions', 'int'], ['conversions', 'float'],
]) }}
