-- Grain: one survey answer.
{{ union_family(['survey', 'generic_surveys'], 'responses', [
    ['response_id', 'string'], ['email', 'string'], ['user_id', 'string'], ['score', 'int'],
    ['comment', 'string'], ['survey_type', 'string'], ['responded_at', 'timestamp'],
]) }}
