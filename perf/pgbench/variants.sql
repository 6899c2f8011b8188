-- Comparison variants of lb.submit_score for the write-path benchmark, in schema lb_bench.
-- They are generated from the live definition, so they stay "the same transaction":
--   submit_without_notify  lb.submit_score minus its wake-up hint (the baseline)
--   submit_notify_always   lb.submit_score with one NOTIFY per submit (the naive design)
-- Run as a superuser on a benchmark database only.
drop schema if exists lb_bench cascade;
create schema lb_bench;

do $$
declare
    v_definition text := pg_get_functiondef('lb.submit_score(bigint, integer, text, text, text)'::regprocedure);
begin
    if position('perform lb._wake_bridge();' in v_definition) = 0 then
        raise exception 'lb.submit_score no longer calls lb._wake_bridge(); update perf/pgbench/variants.sql';
    end if;
    execute replace(replace(v_definition, 'FUNCTION lb.submit_score(', 'FUNCTION lb_bench.submit_without_notify('),
                    'perform lb._wake_bridge();', '');
    execute replace(replace(v_definition, 'FUNCTION lb.submit_score(', 'FUNCTION lb_bench.submit_notify_always('),
                    'perform lb._wake_bridge();', 'perform pg_notify(''lb_changes_v1'', ''{"v":1}'');');
end;
$$;
