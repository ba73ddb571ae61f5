-- Fix: tilskot.format_kr (0002) rounded the kroner part instead of truncating it, so an amount
-- with øre showed one krone too many: 3 500 000,50 kr read "3 500 001,50 kr" and 0,50 kr read
-- "1,50 kr" in refusals. Found by the payment-plan tests (FollowUpServiceTests: an instalment of
-- 3 500 000,50 kr over the grant). Whole kroner are now the integer part (div), øre the rest.
CREATE OR REPLACE FUNCTION tilskot.format_kr(ore bigint) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT
    SET search_path = tilskot, pg_temp
AS $$
    SELECT CASE WHEN ore < 0 THEN '-' ELSE '' END
        || regexp_replace(div(abs(ore::numeric), 100)::text, '(\d)(?=(\d{3})+$)', '\1 ', 'g')
        || CASE WHEN abs(ore::numeric) % 100 = 0 THEN ''
                ELSE ',' || lpad((abs(ore::numeric) % 100)::text, 2, '0') END
        || ' kr'
$$;
