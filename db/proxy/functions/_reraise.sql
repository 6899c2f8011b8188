-- Raise a shard's error as one node raises it. PL/Proxy keeps the SQLSTATE but prefixes the
-- message ("lb_proxy.f(2): [db] REMOTE ERROR: ...") and drops COLUMN, which callers map to
-- their field names (leaderboard/errors.py); both come back here. A shard that cannot be
-- reached is SQLSTATE 08001, nothing was done there; a shard lost during a call is 08006, and a
-- write may or may not have committed on it (retry with the same idempotency key). The first
-- call after a shard went away is usually 08006: PL/Proxy finds its open connection dead only
-- once the call is sent. PL/Proxy names a shard by its database name (detail: its message).
create or replace function lb_proxy._reraise(
    p_sqlstate text, p_message text, p_detail text
)
returns void
language plpgsql
immutable
as $$
declare
    v_message text := p_message;
    v_column text;
    v_shard text := substring(p_message from '^PL/Proxy function [^:]*: \[([^]]*)\]');
begin
    if p_message ~ '^[^ ]+\(\d+\): \[[^]]*\] REMOTE ERROR: ' then
        v_message := regexp_replace(p_message, '^[^ ]+\(\d+\): \[[^]]*\] REMOTE ERROR: ', '');
        v_column := case
            when v_message ~ '^p_[a-z_]+ ' then substring(v_message from '^(p_[a-z_]+) ')
            when p_sqlstate = 'LB011' then 'p_game_mode'
            when v_message ~ '^key ''' then 'p_key_name'
            when v_message ~ '^rule ''' then 'p_rule_id'
            when v_message ~ '^session \d+ ' then 'p_session_id'
            when v_message ~ '^board ''' then 'p_board'
            when v_message ~ '^player \d+ does not exist' then 'p_user_id'
            when p_sqlstate = '22003' then 'p_score'
        end;
    elsif v_shard is not null and p_message ~ '\] PQconnect' then
        raise exception using
            errcode = 'sqlclient_unable_to_establish_sqlconnection',
            message = format('shard database %s is unavailable: nothing was done there', v_shard),
            detail = p_message;
    elsif v_shard is not null then
        raise exception using
            errcode = 'connection_failure',
            message = format(
                'shard database %s failed during the call: a write there may or may not have committed',
                v_shard
            ),
            detail = p_message;
    end if;
    -- RAISE refuses null options: only the fields the shard's error had
    if coalesce(p_detail, '') = '' and v_column is null then
        raise exception using errcode = p_sqlstate, message = v_message;
    elsif coalesce(p_detail, '') = '' then
        raise exception using errcode = p_sqlstate, message = v_message, column = v_column;
    elsif v_column is null then
        raise exception using errcode = p_sqlstate, message = v_message, detail = p_detail;
    end if;
    raise exception using errcode = p_sqlstate, message = v_message, detail = p_detail, column = v_column;
end;
$$;

revoke all on function lb_proxy._reraise from public;
grant execute on function lb_proxy._reraise to lb_game_server, lb_web, lb_moderator;
