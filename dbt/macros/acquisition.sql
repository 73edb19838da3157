{#- The acquisition channel of a first touch. Ad click ids are the strongest evidence
    (auto-tagging adds them whatever the UTMs say), then UTM sources, then the referrer.
    Channel names are the ad platforms' tool ids so that spend joins on them. -#}
{% macro acquisition_channel(utm_source, click_id_type, referrer) -%}
    case
        when {{ click_id_type }} in ('gclid', 'gbraid', 'wbraid') then 'google_ads'
        when {{ click_id_type }} = 'fbclid' then 'meta_ads'
        when {{ click_id_type }} = 'li_fat_id' then 'linkedin_ads'
        when lower({{ utm_source }}) in ('google', 'adwords', 'google_ads') then 'google_ads'
        when lower({{ utm_source }}) in ('facebook', 'meta', 'instagram', 'fb') then 'meta_ads'
        when lower({{ utm_source }}) in ('linkedin', 'li') then 'linkedin_ads'
        when {{ utm_source }} is not null then 'other_paid'
        when lower({{ referrer }}) like '%google.%' or lower({{ referrer }}) like '%bing.%'
            or lower({{ referrer }}) like '%duckduckgo.%' then 'organic_search'
        when {{ referrer }} is not null then 'referral'
        else 'direct'
    end
{%- endmacro %}


{#- The ad click id a landing URL carried and which parameter carried it, from the three
    platforms' auto-tagging parameters (first present wins: gclid, fbclid, li_fat_id). -#}
{% macro click_id_columns(gclid='gclid', fbclid='fbclid', li_fat_id='li_fat_id') -%}
    coalesce({{ gclid }}, {{ fbclid }}, {{ li_fat_id }}) as click_id,
    case
        when {{ gclid }} is not null then 'gclid'
        when {{ fbclid }} is not null then 'fbclid'
        when {{ li_fat_id }} is not null then 'li_fat_id'
    end as click_id_type
{%- endmacro %}
