-- A new server key's secret: `lbk_` and the 64 hex digits of two random UUIDs (244 random bits;
-- gen_random_uuid draws from the server's cryptographic random source). The prefix lets
-- secret scanners and people recognise one.
create or replace function lb._new_key_secret()
returns text
language sql
volatile
as $$
    select 'lbk_' || left(
        replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 64
    );
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._new_key_secret from public, lb_game_server, lb_web, lb_bridge, lb_moderator;
