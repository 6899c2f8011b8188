-- lb.submit_score on the shard that owns the player: the session, its boards and its
-- idempotency key live there, so the write is one transaction on one shard, as on one node.
create or replace function lb_proxy.submit_score(
    p_user_id bigint, p_score integer, p_game_mode text, p_idempotency_key text, p_actor text
)
returns table (
    session_id bigint, user_id bigint, score integer, total_score bigint, held_by text
)
language plproxy
as $$
    cluster 'lb_shards';
    run on lb_proxy.player_hash(p_user_id);
    target lb.submit_score;
$$;

create or replace function lb.submit_score(
    p_user_id bigint,
    p_score integer,
    p_game_mode text default 'classic',
    p_idempotency_key text default null,
    p_actor text default null
)
returns table (
    session_id bigint, user_id bigint, score integer, total_score bigint, held_by text
)
language plpgsql
volatile
-- as its owner: only this wrapper may call lb_proxy.submit_score, whose p_actor the shard believes
-- (the proxy's login is in lb_web); a caller could otherwise name any writer
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_state text;
    v_message text;
    v_detail text;
    -- the shard sees the proxy's login: who is acting is said here (lb._actor's rule: only
    -- lb_web members may say, and the proxy's login is one)
    v_actor text := case
        when p_actor is not null and pg_has_role(session_user, 'lb_web', 'member') then p_actor
        else 'login:' || session_user
    end;
begin
    return query select * from lb_proxy.submit_score(
        p_user_id, p_score, p_game_mode, p_idempotency_key, v_actor
    );
exception when others then
    get stacked diagnostics v_state = returned_sqlstate, v_message = message_text,
        v_detail = pg_exception_detail;
    perform lb_proxy._reraise(v_state, v_message, v_detail);
end;
$$;

revoke all on function lb_proxy.submit_score, lb.submit_score from public;
revoke all on function lb_proxy.submit_score from lb_game_server, lb_web, lb_moderator;
grant execute on function lb.submit_score to lb_game_server, lb_web;
