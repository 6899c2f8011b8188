-- Record one game session and add its score to the player's total, in one transaction; the
-- write path for game servers and the HTTP API. With an idempotency key, a retry returns the
-- first result and changes nothing.
create or replace function lb.submit_score(
    p_user_id bigint,
    p_score integer,
    p_game_mode text default 'classic',
    p_idempotency_key text default null
)
returns table (session_id bigint, user_id bigint, score integer, total_score bigint)
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
    v_prior lb.idempotency_keys%rowtype;
    v_session_id bigint;
    v_total bigint;
begin
    if p_user_id is null or p_user_id <= 0 then
        perform lb._invalid_argument('p_user_id', 'must be a positive integer', p_user_id::text);
    end if;
    if p_score is null or p_score not between 0 and 1000000 then
        perform lb._invalid_argument('p_score', 'must be an integer from 0 to 1000000', p_score::text);
    end if;
    if p_game_mode is null or p_game_mode not in ('classic', 'ranked', 'casual', 'tournament') then
        perform lb._invalid_argument(
            'p_game_mode', 'must be one of classic, ranked, casual, tournament', p_game_mode
        );
    end if;
    if length(p_idempotency_key) not between 1 and 255 then
        perform lb._invalid_argument('p_idempotency_key', 'must be 1 to 255 characters', p_idempotency_key);
    end if;

    if p_idempotency_key is not null then
        -- Requests with the same key run one at a time; the lock is transaction-scoped, so the
        -- second sees the first's committed key (or none, if it rolled back).
        perform pg_advisory_xact_lock(hashtextextended(p_idempotency_key, 0));
        select k.* into v_prior
        from lb.idempotency_keys as k
        where k.idempotency_key = p_idempotency_key;
        if found then
            if (v_prior.user_id, v_prior.score, v_prior.game_mode)
                is distinct from (p_user_id, p_score, p_game_mode) then
                raise exception using
                    errcode = 'LB001',
                    message = format(
                        'p_idempotency_key %L was already used for a different submit', p_idempotency_key
                    ),
                    detail = format(
                        'first used for user_id=%s score=%s game_mode=%s',
                        v_prior.user_id, v_prior.score, v_prior.game_mode
                    ),
                    column = 'p_idempotency_key';
            end if;
            return query select v_prior.session_id, v_prior.user_id, v_prior.score, v_prior.total_score;
            return;
        end if;
    end if;

    -- One statement adds to the committed total: concurrent submits for a player queue on its
    -- row and each re-reads it, so none is lost (a separate read and write would lose some).
    -- UPDATE first because nearly every submit is by a player who already has a total; the
    -- WHERE keeps the total at or below 2^53-1.
    update lb.leaderboard as l
    set
        total_score = l.total_score + p_score,
        updated_at = clock_timestamp(),
        changed_xid = pg_current_xact_id()
    where l.user_id = p_user_id and l.total_score <= 9007199254740991 - p_score
    returning l.total_score into v_total;
    if not found then
        -- a first submit, an unknown player, or a total that would pass 2^53-1
        if not exists (select from lb.users as u where u.id = p_user_id) then
            raise exception using
                errcode = 'no_data_found',
                message = format('player %s does not exist', p_user_id),
                column = 'p_user_id';
        end if;
        insert into lb.leaderboard as l (user_id, total_score)
        values (p_user_id, p_score)
        on conflict on constraint leaderboard_pkey do update
            set
                total_score = l.total_score + excluded.total_score,
                updated_at = clock_timestamp(),
                changed_xid = pg_current_xact_id()
            where l.total_score <= 9007199254740991 - excluded.total_score
        returning l.total_score into v_total;
        if v_total is null then
            raise exception using
                errcode = 'numeric_value_out_of_range',
                message = format('total score of player %s would exceed 9007199254740991', p_user_id),
                column = 'p_score';
        end if;
    end if;

    insert into lb.game_sessions (user_id, score, game_mode)
    values (p_user_id, p_score, p_game_mode)
    returning id into v_session_id;

    if p_idempotency_key is not null then
        insert into lb.idempotency_keys (
            idempotency_key, session_id, user_id, score, game_mode, total_score
        ) values (p_idempotency_key, v_session_id, p_user_id, p_score, p_game_mode, v_total);
    end if;

    perform lb._wake_bridge();
    session_id := v_session_id;
    user_id := p_user_id;
    score := p_score;
    total_score := v_total;
    return next;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.submit_score from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.submit_score to lb_game_server, lb_web;
