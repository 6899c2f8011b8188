--
-- PostgreSQL database dump
--



SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: lb; Type: SCHEMA; Schema: -; Owner: lb_owner
--

CREATE SCHEMA lb;


ALTER SCHEMA lb OWNER TO lb_owner;

--
-- Name: SCHEMA lb; Type: COMMENT; Schema: -; Owner: lb_owner
--



--
-- Name: board_info; Type: TYPE; Schema: lb; Owner: lb_owner
--

CREATE TYPE lb.board_info AS (
	board_id text,
	game_mode text,
	aggregate text,
	reset text,
	reset_every interval,
	reset_anchor timestamp without time zone,
	time_zone text,
	tie_break text,
	retain_periods integer,
	starts_at timestamp with time zone,
	ends_at timestamp with time zone,
	enabled boolean,
	period_start timestamp with time zone,
	period_end timestamp with time zone,
	next_reset_at timestamp with time zone,
	players bigint,
	created_at timestamp with time zone
);


ALTER TYPE lb.board_info OWNER TO lb_owner;

--
-- Name: _actor(text); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._actor(p_claimed text) RETURNS text
    LANGUAGE plpgsql STABLE
    AS $_$
begin
    if p_claimed is not null and pg_has_role(session_user, 'lb_web', 'member') then
        if p_claimed !~ '^(key|login|token):[A-Za-z0-9_.@-]{1,63}$' then
            perform lb._invalid_argument(
                'p_actor', 'must be key:<name>, login:<name> or token:<name>', p_claimed
            );
        end if;
        return p_claimed;
    end if;
    return 'login:' || session_user;
end;
$_$;


ALTER FUNCTION lb._actor(p_claimed text) OWNER TO lb_owner;

--
-- Name: _audit(text, text, text, text, jsonb); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._audit(p_actor text, p_action text, p_subject text, p_reason text, p_details jsonb) RETURNS void
    LANGUAGE sql
    AS $$
    insert into lb.audit_log (actor, action, subject, reason, details)
    values (p_actor, p_action, p_subject, p_reason, coalesce(p_details, '{}'));
$$;


ALTER FUNCTION lb._audit(p_actor text, p_action text, p_subject text, p_reason text, p_details jsonb) OWNER TO lb_owner;

--
-- Name: _audit_log_append_only(); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._audit_log_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
    raise exception using
        errcode = 'LB012',
        message = 'the audit log is append-only: its entries cannot be changed or removed',
        hint = 'record a new entry instead';
end;
$$;


ALTER FUNCTION lb._audit_log_append_only() OWNER TO lb_owner;

--
-- Name: _max_reset_every(); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._max_reset_every() RETURNS interval
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN '36525 days'::interval;


ALTER FUNCTION lb._max_reset_every() OWNER TO lb_owner;

--
-- Name: _max_time(); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._max_time() RETURNS timestamp with time zone
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN '9999-12-31 23:59:59.999999+00'::timestamp with time zone;


ALTER FUNCTION lb._max_time() OWNER TO lb_owner;

--
-- Name: _min_time(); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._min_time() RETURNS timestamp with time zone
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN '0001-01-01 00:00:00+00'::timestamp with time zone;


ALTER FUNCTION lb._min_time() OWNER TO lb_owner;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: boards; Type: TABLE; Schema: lb; Owner: lb_owner
--

CREATE TABLE lb.boards (
    board_no integer NOT NULL,
    board_id text NOT NULL,
    game_mode text,
    aggregate text NOT NULL,
    reset text NOT NULL,
    reset_every interval,
    reset_anchor timestamp without time zone,
    time_zone text NOT NULL,
    tie_break text NOT NULL,
    retain_periods integer NOT NULL,
    starts_at timestamp with time zone,
    ends_at timestamp with time zone,
    enabled boolean DEFAULT true NOT NULL,
    epoch bigint DEFAULT 1 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    counted_sessions int8multirange DEFAULT '{}'::int8multirange NOT NULL,
    CONSTRAINT boards_aggregate_check CHECK ((aggregate = ANY (ARRAY['sum'::text, 'best'::text]))),
    CONSTRAINT boards_board_id_check CHECK ((board_id ~ '^[a-z0-9][a-z0-9_-]{0,39}$'::text)),
    CONSTRAINT boards_fixed_check CHECK (((reset = 'fixed'::text) = ((reset_every IS NOT NULL) AND (reset_anchor IS NOT NULL)))),
    CONSTRAINT boards_reset_check CHECK ((reset = ANY (ARRAY['never'::text, 'daily'::text, 'weekly'::text, 'monthly'::text, 'fixed'::text]))),
    CONSTRAINT boards_reset_every_check CHECK (((reset_every > '00:00:00'::interval) AND (reset_every <= lb._max_reset_every()))),
    CONSTRAINT boards_retain_periods_check CHECK (((retain_periods >= 0) AND (retain_periods <= 1000))),
    CONSTRAINT boards_tie_break_check CHECK ((tie_break = ANY (ARRAY['shared'::text, 'earliest'::text]))),
    CONSTRAINT boards_times_check CHECK ((((starts_at >= lb._min_time()) AND (starts_at <= lb._max_time())) AND ((ends_at >= lb._min_time()) AND (ends_at <= lb._max_time())))),
    CONSTRAINT boards_window_check CHECK ((starts_at < ends_at))
);


ALTER TABLE lb.boards OWNER TO lb_owner;

--
-- Name: _board(text); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._board(p_board text) RETURNS lb.boards
    LANGUAGE plpgsql STABLE
    AS $$
declare
    v_board lb.boards;
begin
    if p_board is null then
        perform lb._invalid_argument('p_board', 'must be a board id', null);
    end if;
    select b.* into v_board from lb.boards as b where b.board_id = p_board;
    if not found then
        raise exception using
            errcode = 'no_data_found',
            message = format('board %s does not exist', quote_literal(p_board)),
            column = 'p_board';
    end if;
    return v_board;
end;
$$;


ALTER FUNCTION lb._board(p_board text) OWNER TO lb_owner;

--
-- Name: _boards_changed(); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._boards_changed() RETURNS void
    LANGUAGE plpgsql
    AS $$
begin
    update lb.feed_epoch set boards_version = boards_version + 1;
    perform lb._wake_bridge();
end;
$$;


ALTER FUNCTION lb._boards_changed() OWNER TO lb_owner;

--
-- Name: _boards_json(text[], timestamp with time zone[], bigint[]); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._boards_json(p_boards text[], p_periods timestamp with time zone[], p_values bigint[]) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE
    AS $$
begin
    -- PL/pgSQL keeps this query's plan; a SQL function was planned on every call (~0.3 ms
    -- of each keyed submit)
    return (select coalesce(jsonb_agg(
        jsonb_build_object(
            'board', b.board,
            'period_start', to_char(
                nullif(b.period_start, '-infinity') at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'
            ),
            'value', b.value
        )
        order by b.n
    ), '[]'::jsonb)
    from unnest(p_boards, p_periods, p_values) with ordinality as b (board, period_start, value, n));
end;
$$;


ALTER FUNCTION lb._boards_json(p_boards text[], p_periods timestamp with time zone[], p_values bigint[]) OWNER TO lb_owner;

--
-- Name: _broken_rule(bigint, integer, text, timestamp with time zone); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._broken_rule(p_user_id bigint, p_score integer, p_game_mode text, p_now timestamp with time zone) RETURNS text
    LANGUAGE plpgsql STABLE
    AS $$
declare
    v_rule lb.rules;
    v_board lb.boards;
    v_count bigint;
    v_value bigint;
begin
    for v_rule in
        select r.*
        from lb.rules as r
        where r.enabled and (r.game_mode is null or r.game_mode = p_game_mode)
        order by r.rule_id
    loop
        if v_rule.kind = 'max_score' then
            if p_score > v_rule.threshold then
                return v_rule.rule_id;
            end if;
        elsif v_rule.kind = 'max_submits_per_minute' then
            select count(*) into v_count
            from (
                select
                from lb.game_sessions as g
                where
                    g.user_id = p_user_id
                    and g.played_at > p_now - interval '1 minute'
                    and (v_rule.game_mode is null or g.game_mode = v_rule.game_mode)
                limit v_rule.threshold
            ) as recent;
            if v_count >= v_rule.threshold then
                return v_rule.rule_id;
            end if;
        elsif v_rule.kind = 'max_gain_per_period' then
            select b.* into v_board from lb.boards as b where b.board_no = v_rule.board_no;
            if
                v_board.enabled
                and (v_board.game_mode is null or v_board.game_mode = p_game_mode)
                and (v_board.starts_at is null or v_board.starts_at <= p_now)
                and (v_board.ends_at is null or p_now < v_board.ends_at)
            then
                select e.value into v_value
                from lb.board_entries as e
                where
                    e.board_no = v_board.board_no
                    and e.period_start = lb._period_of(v_board, p_now)
                    and e.user_id = p_user_id;
                if coalesce(v_value, 0) + p_score > v_rule.threshold then
                    return v_rule.rule_id;
                end if;
            end if;
        end if;
    end loop;
    return null;
end;
$$;


ALTER FUNCTION lb._broken_rule(p_user_id bigint, p_score integer, p_game_mode text, p_now timestamp with time zone) OWNER TO lb_owner;

--
-- Name: _bucket_floor(bigint); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._bucket_floor(p_bucket bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN (p_bucket < 1000) THEN p_bucket ELSE ((((p_bucket - 1000) % (900)::bigint) + 100) * (power((10)::double precision, ((((p_bucket - 1000) / 900) + 1))::double precision))::bigint) END;


ALTER FUNCTION lb._bucket_floor(p_bucket bigint) OWNER TO lb_owner;

--
-- Name: _bump_epoch(); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._bump_epoch() RETURNS bigint
    LANGUAGE sql
    AS $$
    update lb.feed_epoch
    set epoch = epoch + 1, changed_at = now()
    returning epoch
$$;


ALTER FUNCTION lb._bump_epoch() OWNER TO lb_owner;

--
-- Name: _check_board_range(lb.boards); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._check_board_range(p_board lb.boards) RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$
declare
    v_current bigint;
    v_start timestamptz;
    v_end timestamptz;
    v_oldest timestamptz;
begin
    if p_board.reset = 'never' then
        return;
    end if;
    begin
        v_current := lb._period_number(p_board, lb._now());
        v_start := lb._period_start(p_board, v_current);
        v_end := lb._period_end(p_board, v_start);
    exception when datetime_field_overflow or interval_field_overflow or numeric_value_out_of_range then
        v_end := null;
    end;
    if v_end is null or v_start < lb._min_time() or v_end > lb._max_time() then
        perform lb._invalid_argument(
            case when p_board.reset = 'fixed' then 'p_reset_every' else 'p_reset' end,
            'places the current period outside the times a board may have ('
            || lb._time_range_rule() || ')',
            coalesce(p_board.reset_every::text, p_board.reset)
        );
    end if;
    begin
        v_oldest := lb._period_start(p_board, v_current - p_board.retain_periods);
    exception when datetime_field_overflow or interval_field_overflow or numeric_value_out_of_range then
        v_oldest := null;
    end;
    if v_oldest is null or v_oldest < lb._min_time() then
        perform lb._invalid_argument(
            'p_retain_periods',
            'reaches back to periods before ' || to_char(lb._min_time() at time zone 'UTC', 'YYYY-MM-DD')
            || ', the earliest time a board may have: keep fewer periods',
            p_board.retain_periods::text
        );
    end if;
end;
$$;


ALTER FUNCTION lb._check_board_range(p_board lb.boards) OWNER TO lb_owner;

--
-- Name: _check_key_name(text); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._check_key_name(p_key_name text) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    AS $_$
begin
    if p_key_name is null or p_key_name !~ '^[a-z0-9][a-z0-9_.-]{0,62}$' then
        perform lb._invalid_argument(
            'p_key_name',
            'must be 1 to 63 of a-z, 0-9, _, . and -, starting with a letter or digit',
            p_key_name
        );
    end if;
end;
$_$;


ALTER FUNCTION lb._check_key_name(p_key_name text) OWNER TO lb_owner;

--
-- Name: _check_page(integer, integer); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._check_page(p_limit integer, p_offset integer) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    AS $$
begin
    if p_limit is null or p_limit not between 1 and lb._max_page() then
        perform lb._invalid_argument(
            'p_limit', format('must be an integer from 1 to %s', lb._max_page()), p_limit::text
        );
    end if;
    if p_offset is null or p_offset < 0 then
        perform lb._invalid_argument('p_offset', 'must be a non-negative integer', p_offset::text);
    end if;
end;
$$;


ALTER FUNCTION lb._check_page(p_limit integer, p_offset integer) OWNER TO lb_owner;

--
-- Name: _check_time(text, timestamp with time zone); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._check_time(p_argument text, p_value timestamp with time zone) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    AS $$
begin
    if p_value is not null and not (p_value between lb._min_time() and lb._max_time()) then
        perform lb._invalid_argument(p_argument, lb._time_range_rule(), p_value::text);
    end if;
end;
$$;


ALTER FUNCTION lb._check_time(p_argument text, p_value timestamp with time zone) OWNER TO lb_owner;

--
-- Name: _describe_board(lb.boards); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._describe_board(p_board lb.boards) RETURNS lb.board_info
    LANGUAGE sql STABLE
    AS $$
    select row(
        p_board.board_id,
        p_board.game_mode,
        p_board.aggregate,
        p_board.reset,
        p_board.reset_every,
        p_board.reset_anchor,
        p_board.time_zone,
        p_board.tie_break,
        p_board.retain_periods,
        p_board.starts_at,
        p_board.ends_at,
        p_board.enabled,
        nullif(c.period_start, '-infinity'),
        nullif(lb._period_end(p_board, c.period_start), 'infinity'),
        nullif(lb._period_end(p_board, c.period_start), 'infinity'),
        coalesce((
            select sum(k.players)
            from lb.board_buckets as k
            where k.board_no = p_board.board_no and k.period_start = c.period_start
        ), 0)::bigint,
        p_board.created_at
    )::lb.board_info
    from (select lb._period_of(p_board, lb._now()) as period_start) as c
$$;


ALTER FUNCTION lb._describe_board(p_board lb.boards) OWNER TO lb_owner;

--
-- Name: _entry_mismatches(lb.boards, timestamp with time zone, timestamp with time zone, bigint[]); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._entry_mismatches(p_board lb.boards, p_from timestamp with time zone, p_to timestamp with time zone, p_users bigint[] DEFAULT NULL::bigint[]) RETURNS TABLE(kind text, period_start timestamp with time zone, user_id bigint, expected bigint, found bigint)
    LANGUAGE sql STABLE
    AS $$
    select
        case
            when f.user_id is null then 'missing_entry'
            when x.user_id is null then 'extra_entry'
            when x.value <> f.value then 'value'
            else 'tie'
        end,
        coalesce(x.period_start, f.period_start),
        coalesce(x.user_id, f.user_id),
        case
            when x.value = f.value then (extract(epoch from x.tie_at) * 1000000)::bigint
            else x.value
        end,
        case
            when x.value = f.value then (extract(epoch from f.tie_at) * 1000000)::bigint
            else f.value
        end
    from lb._expected_entries(p_board, p_from, p_to, 0, p_users) as x
    full join (
        select e.period_start, e.user_id, e.value, e.tie_at
        from lb.board_entries as e
        where
            e.board_no = p_board.board_no
            and e.period_start >= p_from
            and e.period_start < p_to
            and (p_users is null or e.user_id = any(p_users))
    ) as f
        on x.period_start = f.period_start and x.user_id = f.user_id
    where
        x.user_id is null
        or f.user_id is null
        or x.value <> f.value
        or x.tie_at <> f.tie_at
$$;


ALTER FUNCTION lb._entry_mismatches(p_board lb.boards, p_from timestamp with time zone, p_to timestamp with time zone, p_users bigint[]) OWNER TO lb_owner;

--
-- Name: _expected_entries(lb.boards, timestamp with time zone, timestamp with time zone, bigint, bigint[]); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._expected_entries(p_board lb.boards, p_from timestamp with time zone, p_to timestamp with time zone, p_first_session bigint DEFAULT 0, p_users bigint[] DEFAULT NULL::bigint[]) RETURNS TABLE(period_start timestamp with time zone, user_id bigint, value bigint, tie_at timestamp with time zone)
    LANGUAGE sql STABLE
    AS $$
    select
        s.period_start,
        s.user_id,
        case when p_board.aggregate = 'sum' then sum(s.score) else max(s.score) end,
        case
            when p_board.tie_break = 'shared' then '-infinity'::timestamptz
            when p_board.aggregate = 'sum'
                then coalesce(max(s.played_at) filter (where s.score > 0), min(s.played_at))
            else (array_agg(s.played_at order by s.score desc, s.played_at))[1]
        end
    from (
        select
            case
                when p_board.reset = 'never' then '-infinity'::timestamptz
                else p.starts[width_bucket(g.played_at, p.starts)]
            end as period_start,
            g.user_id,
            g.score,
            g.played_at
        from lb.game_sessions as g
        cross join (
            select array(
                select lb._period_start(p_board, n)
                from generate_series(
                    lb._period_number(p_board, p_from), lb._period_number(p_board, p_to)
                ) as n
                order by n
            ) as starts
        ) as p
        where
            g.id >= p_first_session
            and g.id <@ p_board.counted_sessions
            and (g.review is null or g.review = 'approved')
            and (p_users is null or g.user_id = any(p_users))
            and (p_board.game_mode is null or g.game_mode = p_board.game_mode)
            and (p_board.starts_at is null or g.played_at >= p_board.starts_at)
            and (p_board.ends_at is null or g.played_at < p_board.ends_at)
            and g.played_at >= p_from
            and g.played_at < p_to
    ) as s
    group by s.period_start, s.user_id
$$;


ALTER FUNCTION lb._expected_entries(p_board lb.boards, p_from timestamp with time zone, p_to timestamp with time zone, p_first_session bigint, p_users bigint[]) OWNER TO lb_owner;

--
-- Name: _feed_lock_key(); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._feed_lock_key() RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN '7810599710500001'::bigint;


ALTER FUNCTION lb._feed_lock_key() OWNER TO lb_owner;

--
-- Name: _fill_board(lb.boards, bigint, bigint, bigint); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._fill_board(p_board lb.boards, p_first_session bigint, p_from bigint, p_to bigint) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
declare
    v_from timestamptz := lb._period_start(p_board, p_from);
    v_to timestamptz := lb._period_end(p_board, lb._period_start(p_board, p_to));
    v_rows bigint;
begin
    with inserted as (
        insert into lb.board_entries (
            board_no, period_start, user_id, value, tie_at, updated_at, changed_xid, created_xid
        )
        select
            p_board.board_no,
            x.period_start,
            x.user_id,
            x.value,
            x.tie_at,
            clock_timestamp(),
            '0'::xid8,
            null
        from lb._expected_entries(p_board, v_from, v_to, p_first_session) as x
        returning period_start, value
    ),
    counted as (
        select i.period_start, lb._score_bucket(i.value) as bucket, count(*) as players
        from inserted as i
        group by 1, 2
    ),
    buckets as (
        insert into lb.board_buckets as b (board_no, period_start, bucket, players)
        select p_board.board_no, c.period_start, c.bucket, c.players
        from counted as c
        order by c.period_start, c.bucket
        on conflict (board_no, period_start, bucket) do update set players = b.players + excluded.players
    )
    select coalesce(sum(c.players), 0) into v_rows from counted as c;
    return v_rows;
end;
$$;


ALTER FUNCTION lb._fill_board(p_board lb.boards, p_first_session bigint, p_from bigint, p_to bigint) OWNER TO lb_owner;

--
-- Name: _histogram_mismatches(lb.boards, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._histogram_mismatches(p_board lb.boards, p_from timestamp with time zone, p_to timestamp with time zone) RETURNS TABLE(period_start timestamp with time zone, bucket bigint, expected bigint, found bigint)
    LANGUAGE sql STABLE
    AS $$
    select
        coalesce(c.period_start, k.period_start),
        coalesce(c.bucket, k.bucket),
        coalesce(c.players, 0),
        coalesce(k.players, 0)
    from (
        select e.period_start, lb._score_bucket(e.value) as bucket, count(*) as players
        from lb.board_entries as e
        where e.board_no = p_board.board_no and e.period_start >= p_from and e.period_start < p_to
        group by e.period_start, lb._score_bucket(e.value)
    ) as c
    full join (
        select b.period_start, b.bucket, b.players
        from lb.board_buckets as b
        where b.board_no = p_board.board_no and b.period_start >= p_from and b.period_start < p_to
    ) as k
        on c.period_start = k.period_start and c.bucket = k.bucket
    where coalesce(c.players, 0) <> coalesce(k.players, 0)
$$;


ALTER FUNCTION lb._histogram_mismatches(p_board lb.boards, p_from timestamp with time zone, p_to timestamp with time zone) OWNER TO lb_owner;

--
-- Name: _interleave_audit_ids(integer, integer); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._interleave_audit_ids(p_shard integer, p_shards integer) RETURNS void
    LANGUAGE plpgsql
    AS $$
declare
    v_max bigint := coalesce((select max(a.audit_id) from lb.audit_log as a), 0);
    v_next bigint := v_max + 1 + ((p_shard - v_max) % p_shards + p_shards) % p_shards;
begin
    execute format(
        'alter table lb.audit_log alter column audit_id set increment by %s set start with %s restart with %s',
        p_shards, p_shard + 1, v_next
    );
end;
$$;


ALTER FUNCTION lb._interleave_audit_ids(p_shard integer, p_shards integer) OWNER TO lb_owner;

--
-- Name: _invalid_argument(text, text, text); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._invalid_argument(p_argument text, p_rule text, p_got text) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    AS $$
begin
    raise exception using
        errcode = 'invalid_parameter_value',
        message = format('%s %s (got %s)', p_argument, p_rule, coalesce(quote_literal(p_got), 'null')),
        column = p_argument;
end;
$$;


ALTER FUNCTION lb._invalid_argument(p_argument text, p_rule text, p_got text) OWNER TO lb_owner;

--
-- Name: _invalid_game_mode(text); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._invalid_game_mode(p_game_mode text) RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$
begin
    perform lb._invalid_argument(
        'p_game_mode',
        'must be one of ' || (
            select string_agg(m.game_mode, ', ' order by m.ordinal) from lb.game_modes as m
        ),
        p_game_mode
    );
end;
$$;


ALTER FUNCTION lb._invalid_game_mode(p_game_mode text) OWNER TO lb_owner;

--
-- Name: _key_not_found(text); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._key_not_found(p_key_name text) RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$
begin
    raise exception using
        errcode = 'no_data_found',
        message = case
            when exists (select from lb.server_keys as k where k.name = p_key_name)
                then format('key %L is revoked', p_key_name)
            else format('key %L does not exist', p_key_name)
        end,
        column = 'p_key_name';
end;
$$;


ALTER FUNCTION lb._key_not_found(p_key_name text) OWNER TO lb_owner;

--
-- Name: _max_key_length(); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._max_key_length() RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN 255;


ALTER FUNCTION lb._max_key_length() OWNER TO lb_owner;

--
-- Name: _max_page(); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._max_page() RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN 100;


ALTER FUNCTION lb._max_page() OWNER TO lb_owner;

--
-- Name: _max_radius(); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._max_radius() RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN 50;


ALTER FUNCTION lb._max_radius() OWNER TO lb_owner;

--
-- Name: _max_retain_periods(); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._max_retain_periods() RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN 1000;


ALTER FUNCTION lb._max_retain_periods() OWNER TO lb_owner;

--
-- Name: _max_score(); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._max_score() RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN 1000000;


ALTER FUNCTION lb._max_score() OWNER TO lb_owner;

--
-- Name: _max_username_length(); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._max_username_length() RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN 50;


ALTER FUNCTION lb._max_username_length() OWNER TO lb_owner;

--
-- Name: _max_value(); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._max_value() RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN '9007199254740991'::bigint;


ALTER FUNCTION lb._max_value() OWNER TO lb_owner;

--
-- Name: game_sessions; Type: TABLE; Schema: lb; Owner: lb_owner
--

CREATE TABLE lb.game_sessions (
    id bigint NOT NULL,
    user_id bigint NOT NULL,
    score integer NOT NULL,
    game_mode text NOT NULL,
    played_at timestamp with time zone DEFAULT now() NOT NULL,
    written_by text,
    held_by text,
    review text,
    CONSTRAINT game_sessions_review_check CHECK ((((review IS NULL) = (held_by IS NULL)) AND (review = ANY (ARRAY['held'::text, 'approved'::text, 'rejected'::text])))),
    CONSTRAINT game_sessions_score_check CHECK (((score >= 0) AND (score <= 1000000)))
);


ALTER TABLE lb.game_sessions OWNER TO lb_owner;

--
-- Name: _moderated_session(bigint); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._moderated_session(p_session_id bigint) RETURNS lb.game_sessions
    LANGUAGE plpgsql
    AS $$
declare
    v_session lb.game_sessions;
begin
    if p_session_id is null or p_session_id <= 0 then
        perform lb._invalid_argument('p_session_id', 'must be a positive integer', p_session_id::text);
    end if;
    select s.* into v_session from lb.game_sessions as s where s.id = p_session_id for update;
    if not found then
        raise exception using
            errcode = 'no_data_found',
            message = format('session %s does not exist', p_session_id),
            column = 'p_session_id';
    end if;
    if v_session.review is null then
        raise exception using
            errcode = 'LB013',
            message = format('session %s was not held: it counts as submitted', p_session_id),
            column = 'p_session_id';
    end if;
    return v_session;
end;
$$;


ALTER FUNCTION lb._moderated_session(p_session_id bigint) OWNER TO lb_owner;

--
-- Name: _move_in_histogram(integer, timestamp with time zone, bigint, bigint); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._move_in_histogram(p_board_no integer, p_period timestamp with time zone, p_old_value bigint, p_new_value bigint) RETURNS void
    LANGUAGE plpgsql
    AS $$
declare
    v_old bigint := lb._score_bucket(p_old_value);
    v_new bigint := lb._score_bucket(p_new_value);
begin
    if v_old = v_new then
        return;
    end if;
    if v_old < v_new then
        update lb.board_buckets as b set players = b.players - 1
        where b.board_no = p_board_no and b.period_start = p_period and b.bucket = v_old;
    end if;
    insert into lb.board_buckets as b (board_no, period_start, bucket, players)
    values (p_board_no, p_period, v_new, 1)
    on conflict (board_no, period_start, bucket) do update set players = b.players + 1;
    if v_old > v_new then
        update lb.board_buckets as b set players = b.players - 1
        where b.board_no = p_board_no and b.period_start = p_period and b.bucket = v_old;
    end if;
end;
$$;


ALTER FUNCTION lb._move_in_histogram(p_board_no integer, p_period timestamp with time zone, p_old_value bigint, p_new_value bigint) OWNER TO lb_owner;

--
-- Name: _new_key_secret(); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._new_key_secret() RETURNS text
    LANGUAGE sql
    AS $$
    select 'lbk_' || left(
        replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 64
    );
$$;


ALTER FUNCTION lb._new_key_secret() OWNER TO lb_owner;

--
-- Name: _next_session_id(); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._next_session_id() RETURNS bigint
    LANGUAGE sql
    RETURN (COALESCE(pg_sequence_last_value((pg_get_serial_sequence('lb.game_sessions'::text, 'id'::text))::regclass), (0)::bigint) + 1);


ALTER FUNCTION lb._next_session_id() OWNER TO lb_owner;

--
-- Name: _now(); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._now() RETURNS timestamp with time zone
    LANGUAGE plpgsql STABLE
    AS $$
declare
    v_test_now text := current_setting('lb.test_now', true);
begin
    if v_test_now is null or v_test_now = '' then
        return now();
    end if;
    if not coalesce((select r.rolsuper from pg_roles as r where r.rolname = session_user), false) then
        raise exception using
            errcode = 'insufficient_privilege',
            message = 'lb.test_now is set, but only a superuser session may move the clock',
            hint = 'reset lb.test_now; it exists for tests';
    end if;
    return v_test_now::timestamptz;
end;
$$;


ALTER FUNCTION lb._now() OWNER TO lb_owner;

--
-- Name: _on_entry_change(); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._on_entry_change() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
    perform lb._move_in_histogram(
        new.board_no, new.period_start, case when tg_op = 'UPDATE' then old.value end, new.value
    );
    return null;
end;
$$;


ALTER FUNCTION lb._on_entry_change() OWNER TO lb_owner;

--
-- Name: _period_end(lb.boards, timestamp with time zone); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._period_end(p_board lb.boards, p_start timestamp with time zone) RETURNS timestamp with time zone
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$
    select case
        when p_board.reset = 'never' then 'infinity'::timestamptz
        else lb._period_start(p_board, lb._period_number(p_board, p_start) + 1)
    end
$$;


ALTER FUNCTION lb._period_end(p_board lb.boards, p_start timestamp with time zone) OWNER TO lb_owner;

--
-- Name: _period_number(lb.boards, timestamp with time zone); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._period_number(p_board lb.boards, p_at timestamp with time zone) RETURNS bigint
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN CASE (p_board).reset WHEN 'never'::text THEN (0)::numeric WHEN 'daily'::text THEN ((((p_at AT TIME ZONE (p_board).time_zone))::date - '1970-01-01'::date))::numeric WHEN 'weekly'::text THEN floor((((((p_at AT TIME ZONE (p_board).time_zone))::date - '1970-01-05'::date))::numeric / 7.0)) WHEN 'monthly'::text THEN (((((EXTRACT(year FROM (p_at AT TIME ZONE (p_board).time_zone)))::bigint * 12) + (EXTRACT(month FROM (p_at AT TIME ZONE (p_board).time_zone)))::bigint) - 1))::numeric WHEN 'fixed'::text THEN floor((EXTRACT(epoch FROM CASE WHEN (EXTRACT(epoch FROM (p_board).reset_every) = (EXTRACT(day FROM (p_board).reset_every) * (86400)::numeric)) THEN ((p_at AT TIME ZONE (p_board).time_zone) - (p_board).reset_anchor) ELSE (p_at - ((p_board).reset_anchor AT TIME ZONE (p_board).time_zone)) END) / EXTRACT(epoch FROM (p_board).reset_every))) ELSE NULL::numeric END;


ALTER FUNCTION lb._period_number(p_board lb.boards, p_at timestamp with time zone) OWNER TO lb_owner;

--
-- Name: _period_of(lb.boards, timestamp with time zone); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._period_of(p_board lb.boards, p_at timestamp with time zone) RETURNS timestamp with time zone
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN CASE (p_board).reset WHEN 'never'::text THEN '-infinity'::timestamp with time zone WHEN 'daily'::text THEN ((((p_at AT TIME ZONE (p_board).time_zone))::date)::timestamp without time zone AT TIME ZONE (p_board).time_zone) WHEN 'weekly'::text THEN (date_trunc('week'::text, (p_at AT TIME ZONE (p_board).time_zone)) AT TIME ZONE (p_board).time_zone) WHEN 'monthly'::text THEN (date_trunc('month'::text, (p_at AT TIME ZONE (p_board).time_zone)) AT TIME ZONE (p_board).time_zone) WHEN 'fixed'::text THEN CASE WHEN (EXTRACT(epoch FROM (p_board).reset_every) = (EXTRACT(day FROM (p_board).reset_every) * (86400)::numeric)) THEN (((p_board).reset_anchor + (((floor((EXTRACT(epoch FROM ((p_at AT TIME ZONE (p_board).time_zone) - (p_board).reset_anchor)) / EXTRACT(epoch FROM (p_board).reset_every))))::bigint)::double precision * (p_board).reset_every)) AT TIME ZONE (p_board).time_zone) ELSE (((p_board).reset_anchor AT TIME ZONE (p_board).time_zone) + (((floor((EXTRACT(epoch FROM (p_at - ((p_board).reset_anchor AT TIME ZONE (p_board).time_zone))) / EXTRACT(epoch FROM (p_board).reset_every))))::bigint)::double precision * (p_board).reset_every)) END ELSE NULL::timestamp with time zone END;


ALTER FUNCTION lb._period_of(p_board lb.boards, p_at timestamp with time zone) OWNER TO lb_owner;

--
-- Name: _period_start(lb.boards, bigint); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._period_start(p_board lb.boards, p_period bigint) RETURNS timestamp with time zone
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN CASE (p_board).reset WHEN 'never'::text THEN CASE WHEN (p_period <= 0) THEN '-infinity'::timestamp with time zone ELSE 'infinity'::timestamp with time zone END WHEN 'daily'::text THEN ((('1970-01-01'::date + (p_period)::integer))::timestamp without time zone AT TIME ZONE (p_board).time_zone) WHEN 'weekly'::text THEN ((('1970-01-05'::date + (7 * (p_period)::integer)))::timestamp without time zone AT TIME ZONE (p_board).time_zone) WHEN 'monthly'::text THEN (make_timestamp(((p_period / 12))::integer, (((p_period % (12)::bigint))::integer + 1), 1, 0, 0, (0)::double precision) AT TIME ZONE (p_board).time_zone) WHEN 'fixed'::text THEN CASE WHEN (EXTRACT(epoch FROM (p_board).reset_every) = (EXTRACT(day FROM (p_board).reset_every) * (86400)::numeric)) THEN (((p_board).reset_anchor + ((p_period)::double precision * (p_board).reset_every)) AT TIME ZONE (p_board).time_zone) ELSE (((p_board).reset_anchor AT TIME ZONE (p_board).time_zone) + ((p_period)::double precision * (p_board).reset_every)) END ELSE NULL::timestamp with time zone END;


ALTER FUNCTION lb._period_start(p_board lb.boards, p_period bigint) OWNER TO lb_owner;

--
-- Name: _rank_in_period(integer, timestamp with time zone, text, bigint, timestamp with time zone, bigint); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._rank_in_period(p_board_no integer, p_period timestamp with time zone, p_tie_break text, p_value bigint, p_tie_at timestamp with time zone, p_user_id bigint) RETURNS bigint
    LANGUAGE sql STABLE
    AS $$
    select 1
        + coalesce((
            select sum(b.players)
            from lb.board_buckets as b
            where
                b.board_no = p_board_no
                and b.period_start = p_period
                and b.bucket > lb._score_bucket(p_value)
        ), 0)::bigint
        + (
            select count(*)
            from lb.board_entries as e
            where
                e.board_no = p_board_no
                and e.period_start = p_period
                and e.value > p_value
                and e.value < lb._bucket_floor(lb._score_bucket(p_value) + 1)
        )
        + case when p_tie_break = 'earliest' then (
            select count(*)
            from lb.board_entries as e
            where
                e.board_no = p_board_no
                and e.period_start = p_period
                and e.value = p_value
                and (e.tie_at, e.user_id) < (p_tie_at, p_user_id)
        ) else 0 end
$$;


ALTER FUNCTION lb._rank_in_period(p_board_no integer, p_period timestamp with time zone, p_tie_break text, p_value bigint, p_tie_at timestamp with time zone, p_user_id bigint) OWNER TO lb_owner;

--
-- Name: _readable_range(lb.boards, timestamp with time zone); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._readable_range(p_board lb.boards, p_period timestamp with time zone, OUT p_from timestamp with time zone, OUT p_to timestamp with time zone) RETURNS record
    LANGUAGE plpgsql STABLE
    AS $$
declare
    v_first bigint;
    v_last bigint;
begin
    if p_period is null then
        v_last := lb._period_number(p_board, lb._now());
        v_first := v_last - p_board.retain_periods;
    else
        v_first := lb._period_number(p_board, lb._resolve_period(p_board, p_period));
        v_last := v_first;
    end if;
    p_from := lb._period_start(p_board, v_first);
    p_to := lb._period_end(p_board, lb._period_start(p_board, v_last));
end;
$$;


ALTER FUNCTION lb._readable_range(p_board lb.boards, p_period timestamp with time zone, OUT p_from timestamp with time zone, OUT p_to timestamp with time zone) OWNER TO lb_owner;

--
-- Name: _resolve_period(lb.boards, timestamp with time zone); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._resolve_period(p_board lb.boards, p_period timestamp with time zone) RETURNS timestamp with time zone
    LANGUAGE plpgsql STABLE
    AS $$
declare
    v_current bigint;
    v_asked bigint;
    v_problem text;
begin
    if p_period is null then
        return lb._period_of(p_board, lb._now());
    end if;
    if p_board.reset = 'never' and p_period = '-infinity' then
        return p_period;
    end if;
    -- outside the times a board may have: a bad argument, not a period it lacks
    perform lb._check_time('p_period', p_period);
    if p_board.reset = 'never' then
        v_problem := 'board %s never resets: its one period is asked for with null';
    else
        v_current := lb._period_number(p_board, lb._now());
        v_asked := lb._period_number(p_board, p_period);
        if lb._period_start(p_board, v_asked) <> p_period then
            v_problem := 'is not a period start of board %s';
        elsif v_asked > v_current then
            v_problem := 'has not begun on board %s';
        elsif v_asked < v_current - p_board.retain_periods then
            v_problem := format(
                'is older than the %s periods board %%s keeps', p_board.retain_periods
            );
        end if;
    end if;
    if v_problem is not null then
        raise exception using
            errcode = 'no_data_found',
            message = format(
                'p_period %s ' || v_problem, quote_literal(p_period::text), quote_literal(p_board.board_id)
            ),
            column = 'p_period';
    end if;
    return p_period;
end;
$$;


ALTER FUNCTION lb._resolve_period(p_board lb.boards, p_period timestamp with time zone) OWNER TO lb_owner;

--
-- Name: _rule_not_found(text); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._rule_not_found(p_rule_id text) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    AS $$
begin
    raise exception using
        errcode = 'no_data_found',
        message = format('rule %L does not exist', p_rule_id),
        column = 'p_rule_id';
end;
$$;


ALTER FUNCTION lb._rule_not_found(p_rule_id text) OWNER TO lb_owner;

--
-- Name: _score_bucket(bigint); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._score_bucket(p_value bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN (p_value < 1000) THEN p_value WHEN (p_value < 10000) THEN (900 + (p_value / 10)) WHEN (p_value < 100000) THEN (1800 + (p_value / 100)) WHEN (p_value < 1000000) THEN (2700 + (p_value / 1000)) WHEN (p_value < 10000000) THEN (3600 + (p_value / 10000)) WHEN (p_value < 100000000) THEN (4500 + (p_value / 100000)) WHEN (p_value < 1000000000) THEN (5400 + (p_value / 1000000)) WHEN (p_value < '10000000000'::bigint) THEN (6300 + (p_value / 10000000)) WHEN (p_value < '100000000000'::bigint) THEN (7200 + (p_value / 100000000)) WHEN (p_value < '1000000000000'::bigint) THEN (8100 + (p_value / 1000000000)) WHEN (p_value < '10000000000000'::bigint) THEN (9000 + (p_value / '10000000000'::bigint)) WHEN (p_value < '100000000000000'::bigint) THEN (9900 + (p_value / '100000000000'::bigint)) WHEN (p_value < '1000000000000000'::bigint) THEN (10800 + (p_value / '1000000000000'::bigint)) WHEN (p_value < '10000000000000000'::bigint) THEN (11700 + (p_value / '10000000000000'::bigint)) ELSE (((1000 + ((length((p_value)::text) - 4) * 900)) + (p_value / (power((10)::double precision, ((length((p_value)::text) - 3))::double precision))::bigint)) - 100) END;


ALTER FUNCTION lb._score_bucket(p_value bigint) OWNER TO lb_owner;

--
-- Name: _seed_drop_keys(); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._seed_drop_keys() RETURNS text[]
    LANGUAGE plpgsql
    AS $$
declare
    v_tables regclass[] := array['lb.users', 'lb.game_sessions', 'lb.board_entries']::regclass[];
    v_keys text[];
    v_indexes text[];
    v_foreign_keys text[];
    v_statement text;
begin
    select coalesce(array_agg(format('alter table %s add constraint %I %s',
        c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid))), '{}')
    into v_keys
    from pg_constraint as c
    where c.contype in ('p', 'u') and c.conrelid = any(v_tables);

    select coalesce(array_agg(pg_get_indexdef(i.indexrelid)), '{}')
    into v_indexes
    from pg_index as i
    where
        i.indrelid = any(v_tables)
        and not exists (select from pg_constraint as c where c.conindid = i.indexrelid);

    -- foreign keys from other tables into these (idempotency_keys -> game_sessions) too
    select coalesce(array_agg(format('alter table %s add constraint %I %s',
        c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid))), '{}')
    into v_foreign_keys
    from pg_constraint as c
    where c.contype = 'f' and (c.conrelid = any(v_tables) or c.confrelid = any(v_tables));

    -- drop in dependency order: foreign keys, then the keys they point at, then indexes
    for v_statement in
        select d.statement from (
            select 1 as step, format('alter table %s drop constraint %I', c.conrelid::regclass, c.conname)
            from pg_constraint as c
            where c.contype = 'f' and (c.conrelid = any(v_tables) or c.confrelid = any(v_tables))
            union all
            select 2, format('alter table %s drop constraint %I', c.conrelid::regclass, c.conname)
            from pg_constraint as c
            where c.contype in ('p', 'u') and c.conrelid = any(v_tables)
            union all
            select 3, format('drop index %s', i.indexrelid::regclass)
            from pg_index as i
            where
                i.indrelid = any(v_tables)
                and not exists (select from pg_constraint as c where c.conindid = i.indexrelid)
        ) as d (step, statement)
        order by d.step
    loop
        execute v_statement;
    end loop;
    return v_keys || v_indexes || v_foreign_keys;
end;
$$;


ALTER FUNCTION lb._seed_drop_keys() OWNER TO lb_owner;

--
-- Name: _seed_rows(integer, integer); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._seed_rows(p_users integer, p_sessions integer) RETURNS TABLE(users_created bigint, sessions_created bigint, players_ranked bigint)
    LANGUAGE plpgsql
    AS $$
#variable_conflict use_column
declare
    v_user_seq regclass := pg_get_serial_sequence('lb.users', 'id')::regclass;
    v_session_seq regclass := pg_get_serial_sequence('lb.game_sessions', 'id')::regclass;
    v_first_user bigint;
    v_first_session bigint;
    v_now timestamptz := now();
    v_step timestamptz := clock_timestamp();
    v_rows bigint;
    v_board lb.boards;
    v_current bigint;
    v_config lb.shard_config;
begin
    -- The tables are locked, so nobody else draws ids between nextval and setval.
    v_first_user := nextval(v_user_seq);
    v_first_session := nextval(v_session_seq);

    select c.* into v_config from lb.shard_config as c;
    if v_config.shards > 1 then
        if v_first_user <> v_config.shard + 1 then
            perform lb._invalid_argument(
                'p_users', 'can be seeded on a shard of several only while it has no players '
                || '(lb.clear_all first)', p_users::text
            );
        end if;
        select r.users_created, r.sessions_created into users_created, sessions_created
        from lb._seed_shard_rows(
            p_users, p_sessions, v_config, v_first_user, v_first_session, floor(random() * 1e9)::bigint
        ) as r;
        if users_created > 0 then
            perform setval(v_user_seq, v_first_user + v_config.shards * (users_created - 1));
        end if;
        if sessions_created > 0 then
            perform setval(v_session_seq, v_first_session + v_config.shards * (sessions_created - 1));
        end if;
        raise notice 'seed: % players and % sessions on shard % of % in % s', users_created,
            sessions_created, v_config.shard, v_config.shards,
            round(extract(epoch from clock_timestamp() - v_step)::numeric, 1);
        v_step := clock_timestamp();
    else
        insert into lb.users (id, username, join_date) overriding system value
        select g, 'player_' || g, v_now - interval '400 days' * (0.25 + 0.75 * random())
        from generate_series(v_first_user, v_first_user + p_users - 1) as g;
        get diagnostics users_created = row_count;
        if p_users > 0 then
            perform setval(v_user_seq, v_first_user + p_users - 1);
        end if;
        raise notice 'seed: % players in % s', users_created,
            round(extract(epoch from clock_timestamp() - v_step)::numeric, 1);
        v_step := clock_timestamp();

        -- k = floor(n * u^1.5) favours small k; multiplying by a prime above any int and reducing
        -- mod n is a bijection, so the busy players are scattered over the id range. u is drawn
        -- stratified (one uniform draw inside the g-th of p_sessions equal slices), which keeps
        -- its distribution but writes each player's sessions next to each other: aggregating
        -- them into board values then finds each player's group in cache (measured: the 5M-row
        -- aggregate of a board fill twice as fast as over sessions in random player order).
        insert into lb.game_sessions (id, user_id, score, game_mode, played_at) overriding system value
        select
            v_first_session + s.g - 1,
            v_first_user + (floor(p_users * s.r_player ^ 1.5)::bigint * 2654435761 + p_users / 3) % p_users,
            floor(1000000 * s.r_score ^ 3)::integer,
            case
                when s.r_mode < 0.4 then 'classic'
                when s.r_mode < 0.7 then 'ranked'
                when s.r_mode < 0.9 then 'casual'
                else 'tournament'
            end,
            v_now - interval '35 days' * s.r_time
        from (
            select
                g,
                (g - random()) / p_sessions as r_player,
                random() as r_score,
                random() as r_mode,
                random() as r_time
            from generate_series(1, p_sessions) as g
        ) as s;
        get diagnostics sessions_created = row_count;
        if p_sessions > 0 then
            perform setval(v_session_seq, v_first_session + p_sessions - 1);
        end if;
        raise notice 'seed: % sessions in % s', sessions_created,
            round(extract(epoch from clock_timestamp() - v_step)::numeric, 1);
        v_step := clock_timestamp();

        -- New sessions belong to new players only, so every value here is a new board entry.
    end if;

    players_ranked := 0;
    for v_board in select b.* from lb.boards as b where b.enabled order by b.board_no loop
        v_current := lb._period_number(v_board, lb._now());
        v_rows := lb._fill_board(v_board, v_first_session, v_current - v_board.retain_periods, v_current);
        if v_board.board_id = 'global' then
            players_ranked := v_rows;
        end if;
        raise notice 'seed: board % with % entries in % s', v_board.board_id, v_rows,
            round(extract(epoch from clock_timestamp() - v_step)::numeric, 1);
        v_step := clock_timestamp();
    end loop;
    return next;
end;
$$;


ALTER FUNCTION lb._seed_rows(p_users integer, p_sessions integer) OWNER TO lb_owner;

--
-- Name: shard_config; Type: TABLE; Schema: lb; Owner: lb_owner
--

CREATE TABLE lb.shard_config (
    singleton boolean DEFAULT true NOT NULL,
    shard integer DEFAULT 0 NOT NULL,
    shards integer DEFAULT 1 NOT NULL,
    CONSTRAINT shard_config_shard_check CHECK ((((shards >= 1) AND (shards <= 1024)) AND ((shard >= 0) AND (shard <= (shards - 1))))),
    CONSTRAINT shard_config_singleton_check CHECK (singleton)
);


ALTER TABLE lb.shard_config OWNER TO lb_owner;

--
-- Name: _seed_shard_rows(integer, integer, lb.shard_config, bigint, bigint, bigint); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._seed_shard_rows(p_users integer, p_sessions integer, p_config lb.shard_config, p_first_user bigint, p_first_session bigint, p_salt bigint) RETURNS TABLE(users_created bigint, sessions_created bigint)
    LANGUAGE plpgsql
    AS $$
#variable_conflict use_column
declare
    v_now timestamptz := now();
begin
    insert into lb.users (id, username, join_date) overriding system value
    select
        p_first_user + p_config.shards * (row_number() over (order by n.n) - 1),
        'player_' || n.n,
        v_now - interval '400 days' * (0.25 + 0.75 * random())
    from generate_series(1, p_users) as n (n)
    where lb._shard_of_name('player_' || n.n, p_config.shards) = p_config.shard;
    get diagnostics users_created = row_count;

    insert into lb.game_sessions (id, user_id, score, game_mode, played_at) overriding system value
    select
        p_first_session + p_config.shards * (row_number() over (order by s.g) - 1),
        u.id,
        floor(1000000 * s.r_score ^ 3)::integer,
        case
            when s.r_mode < 0.4 then 'classic'
            when s.r_mode < 0.7 then 'ranked'
            when s.r_mode < 0.9 then 'casual'
            else 'tournament'
        end,
        v_now - interval '35 days' * s.r_time
    from (
        select
            h.g,
            1 + (floor(p_users * ((h.g - h.r_player) / p_sessions) ^ 1.5)::bigint * 2654435761
                + p_users / 3) % p_users as n,
            h.r_score,
            h.r_mode,
            h.r_time
        from (
            -- uniform in [0, 1) from 52 bits of a hash of (session number, salt + dimension)
            select
                g,
                ((hashint8extended(g, p_salt) >> 12) & 4503599627370495)::float8 / 4503599627370496 as r_player,
                ((hashint8extended(g, p_salt + 1) >> 12) & 4503599627370495)::float8 / 4503599627370496 as r_score,
                ((hashint8extended(g, p_salt + 2) >> 12) & 4503599627370495)::float8 / 4503599627370496 as r_mode,
                ((hashint8extended(g, p_salt + 3) >> 12) & 4503599627370495)::float8 / 4503599627370496 as r_time
            from generate_series(1, p_sessions) as g
        ) as h
    ) as s
    inner join lb.users as u on u.username = 'player_' || s.n;
    get diagnostics sessions_created = row_count;
    return next;
end;
$$;


ALTER FUNCTION lb._seed_shard_rows(p_users integer, p_sessions integer, p_config lb.shard_config, p_first_user bigint, p_first_session bigint, p_salt bigint) OWNER TO lb_owner;

--
-- Name: _session_entries(bigint); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._session_entries(p_session_id bigint) RETURNS TABLE(board_id text, board_no integer, board_epoch bigint, period_start timestamp with time zone, user_id bigint, value bigint, tie_at timestamp with time zone)
    LANGUAGE sql STABLE
    AS $$
    select b.board_id, b.board_no, b.epoch, e.period_start, e.user_id, e.value, e.tie_at
    from lb.game_sessions as s
    inner join lb.boards as b
        on
            (b.game_mode is null or b.game_mode = s.game_mode)
            and (b.starts_at is null or b.starts_at <= s.played_at)
            and (b.ends_at is null or s.played_at < b.ends_at)
    inner join lb.board_entries as e
        on
            b.board_no = e.board_no
            and e.period_start = lb._period_of(b, s.played_at)
            and s.user_id = e.user_id
    where s.id = p_session_id and (s.review is null or s.review = 'approved')
$$;


ALTER FUNCTION lb._session_entries(p_session_id bigint) OWNER TO lb_owner;

--
-- Name: _setting_seconds(text); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._setting_seconds(p_value text) RETURNS double precision
    LANGUAGE sql IMMUTABLE
    RETURN CASE WHEN ((p_value IS NULL) OR (p_value ~ '^\s*0+\s*$'::text)) THEN NULL::double precision WHEN (p_value ~ '^\s*[0-9]+\s*$'::text) THEN ((p_value)::double precision / (1000)::double precision) ELSE NULLIF((EXTRACT(epoch FROM (p_value)::interval))::double precision, (0)::double precision) END;


ALTER FUNCTION lb._setting_seconds(p_value text) OWNER TO lb_owner;

--
-- Name: _shard_around(text, timestamp with time zone, bigint, timestamp with time zone, bigint, integer); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._shard_around(p_board text, p_period_key timestamp with time zone, p_value bigint, p_tie_at timestamp with time zone, p_user_id bigint, p_radius integer) RETURNS TABLE(side integer, user_id bigint, username text, value bigint, tie_at timestamp with time zone)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
    v_board lb.boards;
begin
    if p_radius is null or p_radius not between 0 and lb._max_radius() then
        perform lb._invalid_argument(
            'p_radius', format('must be an integer from 0 to %s', lb._max_radius()), p_radius::text
        );
    end if;
    v_board := lb._board(p_board);
    -- index range scans in board order on each side: O(radius), not O(rank)
    return query
    select w.side, w.user_id, u.username, w.value, w.tie_at
    from (
        (select -1 as side, e.user_id, e.value, e.tie_at from lb.board_entries as e
            where
                e.board_no = v_board.board_no and e.period_start = p_period_key
                and e.value = p_value and (e.tie_at, e.user_id) < (p_tie_at, p_user_id)
            order by e.tie_at desc, e.user_id desc limit p_radius)
        union all
        (select -1, e.user_id, e.value, e.tie_at from lb.board_entries as e
            where
                e.board_no = v_board.board_no and e.period_start = p_period_key
                and e.value > p_value
            order by e.value, e.tie_at desc, e.user_id desc limit p_radius)
        union all
        (select 1, e.user_id, e.value, e.tie_at from lb.board_entries as e
            where
                e.board_no = v_board.board_no and e.period_start = p_period_key
                and e.value = p_value and (e.tie_at, e.user_id) > (p_tie_at, p_user_id)
            order by e.tie_at, e.user_id limit p_radius)
        union all
        (select 1, e.user_id, e.value, e.tie_at from lb.board_entries as e
            where
                e.board_no = v_board.board_no and e.period_start = p_period_key
                and e.value < p_value
            order by e.value desc, e.tie_at, e.user_id limit p_radius)
    ) as w
    inner join lb.users as u on w.user_id = u.id;
end;
$$;


ALTER FUNCTION lb._shard_around(p_board text, p_period_key timestamp with time zone, p_value bigint, p_tie_at timestamp with time zone, p_user_id bigint, p_radius integer) OWNER TO lb_owner;

--
-- Name: _shard_count_before(text, timestamp with time zone, bigint[], timestamp with time zone[], bigint[]); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._shard_count_before(p_board text, p_period_key timestamp with time zone, p_values bigint[], p_tie_ats timestamp with time zone[], p_user_ids bigint[]) RETURNS TABLE(ord integer, before bigint)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
    v_board lb.boards;
begin
    -- the proxy asks about one player, or the distinct values of one window: a bounded call
    if cardinality(p_values) > 2 * lb._max_radius() + 1
        or cardinality(p_values) is distinct from cardinality(p_tie_ats)
        or cardinality(p_values) is distinct from cardinality(p_user_ids) then
        perform lb._invalid_argument(
            'p_values', format(
                'must hold at most %s values, with as many tie times and user ids',
                2 * lb._max_radius() + 1
            ), cardinality(p_values)::text
        );
    end if;
    v_board := lb._board(p_board);
    return query
    select
        a.ord::integer,
        lb._rank_in_period(
            v_board.board_no, p_period_key, v_board.tie_break, a.value, a.tie_at, a.user_id
        ) - 1
    from unnest(p_values, p_tie_ats, p_user_ids) with ordinality as a (value, tie_at, user_id, ord);
end;
$$;


ALTER FUNCTION lb._shard_count_before(p_board text, p_period_key timestamp with time zone, p_values bigint[], p_tie_ats timestamp with time zone[], p_user_ids bigint[]) OWNER TO lb_owner;

--
-- Name: _shard_entry(bigint, text, timestamp with time zone, boolean, integer); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._shard_entry(p_user_id bigint, p_board text, p_period timestamp with time zone, p_around boolean, p_radius integer) RETURNS TABLE(user_id bigint, username text, value bigint, tie_at timestamp with time zone, tie_break text, period_key timestamp with time zone, period_end timestamp with time zone)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
    v_board lb.boards;
    v_period timestamptz;
begin
    if p_user_id is null or p_user_id <= 0 then
        perform lb._invalid_argument('p_user_id', 'must be a positive integer', p_user_id::text);
    end if;
    if p_around and (p_radius is null or p_radius not between 0 and lb._max_radius()) then
        perform lb._invalid_argument(
            'p_radius', format('must be an integer from 0 to %s', lb._max_radius()), p_radius::text
        );
    end if;
    v_board := lb._board(p_board);
    if not p_around then
        v_period := lb._resolve_period(v_board, p_period);
    end if;
    if not exists (select from lb.users as u where u.id = p_user_id) then
        raise exception using
            errcode = 'no_data_found',
            message = format('player %s does not exist', p_user_id),
            column = 'p_user_id';
    end if;
    if p_around then
        v_period := lb._resolve_period(v_board, p_period);
    end if;
    return query
    select
        u.id, u.username, e.value, e.tie_at, v_board.tie_break, v_period,
        lb._period_end(v_board, v_period)
    from lb.users as u
    left join lb.board_entries as e
        on e.board_no = v_board.board_no and e.period_start = v_period and u.id = e.user_id
    where u.id = p_user_id;
end;
$$;


ALTER FUNCTION lb._shard_entry(p_user_id bigint, p_board text, p_period timestamp with time zone, p_around boolean, p_radius integer) OWNER TO lb_owner;

--
-- Name: _shard_of_name(text, integer); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._shard_of_name(p_username text, p_shards integer) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    select abs(hashtext(lower(p_username)) % p_shards)
$$;


ALTER FUNCTION lb._shard_of_name(p_username text, p_shards integer) OWNER TO lb_owner;

--
-- Name: _shard_page(integer, integer, text, timestamp with time zone); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._shard_page(p_limit integer, p_offset integer, p_board text, p_period timestamp with time zone) RETURNS TABLE(user_id bigint, username text, value bigint, tie_at timestamp with time zone, tie_break text, period_key timestamp with time zone, period_end timestamp with time zone)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
    v_board lb.boards;
    v_period timestamptz;
begin
    perform lb._check_page(p_limit, p_offset);
    v_board := lb._board(p_board);
    v_period := lb._resolve_period(v_board, p_period);
    return query
    select
        null::bigint, null::text, null::bigint, null::timestamptz, v_board.tie_break, v_period,
        lb._period_end(v_board, v_period);
    return query
    select e.user_id, u.username, e.value, e.tie_at, null::text, null::timestamptz, null::timestamptz
    from (
        select e.user_id, e.value, e.tie_at
        from lb.board_entries as e
        where e.board_no = v_board.board_no and e.period_start = v_period
        order by e.value desc, e.tie_at, e.user_id
        limit p_limit::bigint + p_offset
    ) as e
    inner join lb.users as u on e.user_id = u.id;
end;
$$;


ALTER FUNCTION lb._shard_page(p_limit integer, p_offset integer, p_board text, p_period timestamp with time zone) OWNER TO lb_owner;

--
-- Name: _time_range_rule(); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._time_range_rule() RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN format('must be a time from %s to %s'::text, to_char((lb._min_time() AT TIME ZONE 'UTC'::text), 'YYYY-MM-DD"T"HH24:MI:SS"Z"'::text), to_char((lb._max_time() AT TIME ZONE 'UTC'::text), 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'::text));


ALTER FUNCTION lb._time_range_rule() OWNER TO lb_owner;

--
-- Name: _total_out_of_range(bigint, integer, text, timestamp with time zone); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._total_out_of_range(p_user_id bigint, p_score integer, p_game_mode text, p_at timestamp with time zone) RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$
declare
    v_board text;
begin
    select b.board_id into v_board
    from lb.boards as b
    inner join lb.board_entries as e
        on b.board_no = e.board_no and e.period_start = lb._period_of(b, p_at) and e.user_id = p_user_id
    where
        b.enabled and b.aggregate = 'sum'
        and (b.game_mode is null or b.game_mode = p_game_mode)
        and e.value > lb._max_value() - p_score
    order by b.board_id <> 'global', b.board_id
    limit 1;
    raise exception using
        errcode = 'numeric_value_out_of_range',
        message = case when v_board = 'global'
            then format('total score of player %s would exceed %s', p_user_id, lb._max_value())
            else format(
                'value of player %s on board %s would exceed %s', p_user_id,
                quote_literal(v_board), lb._max_value()
            )
        end,
        column = 'p_score';
end;
$$;


ALTER FUNCTION lb._total_out_of_range(p_user_id bigint, p_score integer, p_game_mode text, p_at timestamp with time zone) OWNER TO lb_owner;

--
-- Name: _wake_bridge(); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb._wake_bridge() RETURNS void
    LANGUAGE plpgsql
    AS $$
begin
    if pg_try_advisory_xact_lock_shared(lb._feed_lock_key()) then
        perform pg_notify('lb_changes_v1', '{"v":1}');
    end if;
end;
$$;


ALTER FUNCTION lb._wake_bridge() OWNER TO lb_owner;

--
-- Name: approve_session(bigint, text, text); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.approve_session(p_session_id bigint, p_reason text DEFAULT NULL::text, p_actor text DEFAULT NULL::text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
    v_actor text := lb._actor(p_actor);
    v_session lb.game_sessions;
    v_board lb.boards;
    v_period timestamptz;
    v_from timestamptz;
    v_to timestamptz;
    v_before jsonb;
begin
    v_session := lb._moderated_session(p_session_id);
    if v_session.review = 'approved' then
        return lb.session_boards(p_session_id);
    end if;
    update lb.game_sessions as s set review = 'approved' where s.id = p_session_id;
    -- the entries it will count on, as they are before it does (approved, it is one of
    -- lb._session_entries' sessions)
    v_before := lb.session_boards(p_session_id);
    for v_board in
        select b.*
        from lb.boards as b
        where
            p_session_id <@ b.counted_sessions
            and (b.game_mode is null or b.game_mode = v_session.game_mode)
            and (b.starts_at is null or b.starts_at <= v_session.played_at)
            and (b.ends_at is null or v_session.played_at < b.ends_at)
        order by b.board_no
    loop
        v_period := lb._period_of(v_board, v_session.played_at);
        select r.p_from, r.p_to into v_from, v_to from lb._readable_range(v_board, null) as r;
        continue when v_period < v_from or v_period >= v_to;
        v_to := lb._period_end(v_board, v_period);
        -- the entry, if the player has none yet (a submit that inserts it meanwhile wins)
        insert into lb.board_entries (board_no, period_start, user_id, value, tie_at)
        select v_board.board_no, x.period_start, x.user_id, x.value, x.tie_at
        from lb._expected_entries(v_board, v_period, v_to, 0, array[v_session.user_id]) as x
        on conflict (board_no, period_start, user_id) do nothing;
        perform
        from lb.board_entries as e
        where
            e.board_no = v_board.board_no
            and e.period_start = v_period
            and e.user_id = v_session.user_id
        for update;
        -- a new statement, so a new snapshot: every session committed before the lock
        update lb.board_entries as e
        set
            value = x.value,
            tie_at = x.tie_at,
            updated_at = clock_timestamp(),
            changed_xid = pg_current_xact_id()
        from lb._expected_entries(v_board, v_period, v_to, 0, array[v_session.user_id]) as x
        where
            e.board_no = v_board.board_no
            and e.period_start = x.period_start
            and e.user_id = x.user_id
            and (e.value, e.tie_at) is distinct from (x.value, x.tie_at);
    end loop;
    perform lb._audit(
        v_actor, 'session_approved', 'player:' || v_session.user_id, p_reason,
        jsonb_build_object(
            'session_id', p_session_id, 'held_by', v_session.held_by, 'score', v_session.score,
            'previous_review', v_session.review,
            'before', v_before, 'after', lb.session_boards(p_session_id)
        )
    );
    perform lb._wake_bridge();
    return lb.session_boards(p_session_id);
end;
$$;


ALTER FUNCTION lb.approve_session(p_session_id bigint, p_reason text, p_actor text) OWNER TO lb_owner;

--
-- Name: audit_entries(text, text, timestamp with time zone, integer, bigint); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.audit_entries(p_subject text DEFAULT NULL::text, p_action text DEFAULT NULL::text, p_since timestamp with time zone DEFAULT NULL::timestamp with time zone, p_limit integer DEFAULT 50, p_before bigint DEFAULT NULL::bigint) RETURNS TABLE(audit_id bigint, at timestamp with time zone, actor text, action text, subject text, reason text, details jsonb)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
    if p_limit is null or p_limit not between 1 and lb._max_page() then
        perform lb._invalid_argument(
            'p_limit', format('must be from 1 to %s', lb._max_page()), p_limit::text
        );
    end if;
    return query
    select a.audit_id, a.at, a.actor, a.action, a.subject, a.reason, a.details
    from lb.audit_log as a
    where
        (p_subject is null or a.subject = p_subject)
        and (p_action is null or a.action = p_action)
        and (p_since is null or a.at >= p_since)
        and (p_before is null or a.audit_id < p_before)
    order by a.audit_id desc
    limit p_limit;
end;
$$;


ALTER FUNCTION lb.audit_entries(p_subject text, p_action text, p_since timestamp with time zone, p_limit integer, p_before bigint) OWNER TO lb_owner;

--
-- Name: authenticate_key(bytea, text); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.authenticate_key(p_key_hash bytea, p_game_mode text) RETURNS TABLE(writer text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
#variable_conflict use_column
declare
    v_key lb.server_keys%rowtype;
begin
    select k.* into v_key
    from lb.server_keys as k
    where
        k.revoked_at is null
        and (k.key_hash = p_key_hash or (k.previous_hash = p_key_hash and k.previous_until > clock_timestamp()));
    if not found then
        raise exception using
            errcode = 'LB010',
            message = 'the server key is not valid: unknown, revoked, or replaced by a rotation';
    end if;
    if v_key.game_modes is not null and not coalesce(p_game_mode = any(v_key.game_modes), false) then
        raise exception using
            errcode = 'LB011',
            message = format(
                'key %L may submit only game modes %s, not %L',
                v_key.name, array_to_string(v_key.game_modes, ', '), p_game_mode
            ),
            column = 'p_game_mode';
    end if;
    if v_key.last_used_at is null or v_key.last_used_at < clock_timestamp() - interval '1 minute' then
        update lb.server_keys as k
        set last_used_at = clock_timestamp()
        where k.name = v_key.name and (k.last_used_at is null or k.last_used_at < clock_timestamp() - interval '1 minute');
    end if;
    return query select 'key:' || v_key.name;
end;
$$;


ALTER FUNCTION lb.authenticate_key(p_key_hash bytea, p_game_mode text) OWNER TO lb_owner;

--
-- Name: board_entry_periods(integer); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.board_entry_periods(p_board_no integer) RETURNS SETOF timestamp with time zone
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    select distinct nullif(k.period_start, '-infinity')
    from lb.board_buckets as k
    where k.board_no = p_board_no and k.players > 0
$$;


ALTER FUNCTION lb.board_entry_periods(p_board_no integer) OWNER TO lb_owner;

--
-- Name: board_periods(text); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.board_periods(p_board text DEFAULT 'global'::text) RETURNS TABLE(period_start timestamp with time zone, period_end timestamp with time zone, players bigint)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
    v_board lb.boards;
    v_current bigint;
begin
    v_board := lb._board(p_board);
    v_current := lb._period_number(v_board, lb._now());
    return query
    select
        nullif(p.period_start, '-infinity'),
        nullif(lb._period_end(v_board, p.period_start), 'infinity'),
        coalesce((
            select sum(k.players)
            from lb.board_buckets as k
            where k.board_no = v_board.board_no and k.period_start = p.period_start
        ), 0)::bigint
    from (
        select lb._period_start(v_board, n) as period_start
        from generate_series(
            v_current,
            case when v_board.reset = 'never' then v_current else v_current - v_board.retain_periods end,
            -1
        ) as n
    ) as p
    where
        (v_board.starts_at is null or lb._period_end(v_board, p.period_start) > v_board.starts_at)
        and (v_board.ends_at is null or p.period_start < v_board.ends_at)
    order by p.period_start desc;
end;
$$;


ALTER FUNCTION lb.board_periods(p_board text) OWNER TO lb_owner;

--
-- Name: boards(); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.boards() RETURNS SETOF lb.board_info
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    select d.*
    from lb.boards as b
    cross join lateral lb._describe_board(b) as d
    order by b.board_id <> 'global', b.board_id
$$;


ALTER FUNCTION lb.boards() OWNER TO lb_owner;

--
-- Name: claim_feed(); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.claim_feed() RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
    perform set_config('lock_timeout', '200ms', true);
    perform pg_advisory_lock(lb._feed_lock_key());
    return true;
exception
    when lock_not_available then
        return false;  -- another bridge holds it: that one is awake
end;
$$;


ALTER FUNCTION lb.claim_feed() OWNER TO lb_owner;

--
-- Name: clear_all(); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.clear_all() RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
    truncate lb.idempotency_keys, lb.game_sessions, lb.board_entries, lb.board_buckets, lb.users
    restart identity;
    -- session ids start again: an enabled board counts every session from now on
    update lb.boards as b
    set counted_sessions = case when b.enabled then '{(,)}'::int8multirange else '{}' end;
    perform lb._bump_epoch();
    perform lb._wake_bridge();
end;
$$;


ALTER FUNCTION lb.clear_all() OWNER TO lb_owner;

--
-- Name: configure_shard(integer, integer); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.configure_shard(p_shard integer, p_shards integer) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
    v_config lb.shard_config;
begin
    if p_shards is null or p_shards not between 1 and 1024 then
        perform lb._invalid_argument('p_shards', 'must be an integer from 1 to 1024', p_shards::text);
    end if;
    if p_shard is null or p_shard not between 0 and p_shards - 1 then
        perform lb._invalid_argument(
            'p_shard', format('must be an integer from 0 to %s', p_shards - 1), p_shard::text
        );
    end if;
    lock table lb.users, lb.game_sessions in exclusive mode;
    select c.* into v_config from lb.shard_config as c;
    if (v_config.shard, v_config.shards) = (p_shard, p_shards) then
        return;
    end if;
    if exists (select from lb.users) or exists (select from lb.game_sessions) then
        perform lb._invalid_argument(
            'p_shard', format(
                'cannot change on a database that has players (it is shard %s of %s)',
                v_config.shard, v_config.shards
            ), p_shard::text
        );
    end if;
    update lb.shard_config set shard = p_shard, shards = p_shards;
    execute format(
        'alter table lb.users alter column id set increment by %s set start with %s restart',
        p_shards, p_shard + 1
    );
    execute format(
        'alter table lb.game_sessions alter column id set increment by %s set start with %s restart',
        p_shards, p_shard + 1
    );
    perform lb._interleave_audit_ids(p_shard, p_shards);
end;
$$;


ALTER FUNCTION lb.configure_shard(p_shard integer, p_shards integer) OWNER TO lb_owner;

--
-- Name: create_board(text, text, text, text, text, text, integer, interval, timestamp without time zone, timestamp with time zone, timestamp with time zone, boolean, boolean); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.create_board(p_board_id text, p_game_mode text DEFAULT NULL::text, p_aggregate text DEFAULT 'sum'::text, p_reset text DEFAULT 'never'::text, p_time_zone text DEFAULT 'UTC'::text, p_tie_break text DEFAULT 'shared'::text, p_retain_periods integer DEFAULT 8, p_reset_every interval DEFAULT NULL::interval, p_reset_anchor timestamp without time zone DEFAULT NULL::timestamp without time zone, p_starts_at timestamp with time zone DEFAULT NULL::timestamp with time zone, p_ends_at timestamp with time zone DEFAULT NULL::timestamp with time zone, p_enabled boolean DEFAULT true, p_backfill boolean DEFAULT false) RETURNS SETOF lb.board_info
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
declare
    v_board lb.boards;
    v_current bigint;
    v_anchor timestamptz;
    v_next bigint;
begin
    if p_board_id is null or p_board_id !~ '^[a-z0-9][a-z0-9_-]{0,39}$' then
        perform lb._invalid_argument(
            'p_board_id',
            'must be 1 to 40 characters from a-z, 0-9, "_" and "-", starting with a letter or digit',
            p_board_id
        );
    end if;
    if p_game_mode is not null and not exists (
        select from lb.game_modes as m where m.game_mode = p_game_mode
    ) then
        perform lb._invalid_argument(
            'p_game_mode',
            'must be one of ' || (select string_agg(m.game_mode, ', ' order by m.ordinal) from lb.game_modes as m)
            || ', or null for every mode',
            p_game_mode
        );
    end if;
    if p_aggregate is null or p_aggregate not in ('sum', 'best') then
        perform lb._invalid_argument('p_aggregate', 'must be sum or best', p_aggregate);
    end if;
    if p_reset is null or p_reset not in ('never', 'daily', 'weekly', 'monthly', 'fixed') then
        perform lb._invalid_argument(
            'p_reset', 'must be never, daily, weekly, monthly or fixed', p_reset
        );
    end if;
    if p_reset = 'fixed' then
        if p_reset_every is null
            or extract(month from p_reset_every) <> 0 or extract(year from p_reset_every) <> 0
            or extract(epoch from p_reset_every) < 1
            or extract(epoch from p_reset_every) <> floor(extract(epoch from p_reset_every))
            or (extract(day from p_reset_every) <> 0
                and extract(epoch from p_reset_every) <> extract(day from p_reset_every) * 86400)
            -- a day or more given in hours (PT24H) is neither: a calendar day has 23 hours
            -- in March in Berlin, and it would read back as P1D, which it is not
            or (extract(day from p_reset_every) = 0 and extract(epoch from p_reset_every) >= 86400) then
            perform lb._invalid_argument(
                'p_reset_every',
                'must be whole days (such as P28D) or a duration under a day in whole seconds '
                || '(such as PT90M) when reset is fixed; for months use reset monthly',
                p_reset_every::text
            );
        end if;
        if p_reset_every > lb._max_reset_every() then
            perform lb._invalid_argument(
                'p_reset_every', format('must be at most %s', lb._max_reset_every()), p_reset_every::text
            );
        end if;
        if p_reset_anchor is not null and p_reset_anchor <> date_trunc('second', p_reset_anchor) then
            perform lb._invalid_argument('p_reset_anchor', 'must be in whole seconds', p_reset_anchor::text);
        end if;
    elsif p_reset_every is not null or p_reset_anchor is not null then
        perform lb._invalid_argument(
            case when p_reset_every is not null then 'p_reset_every' else 'p_reset_anchor' end,
            'is only for reset fixed',
            coalesce(p_reset_every::text, p_reset_anchor::text)
        );
    end if;
    -- pg_timezone_names lists the IANA names this server knows; reading it takes a few ms
    if p_time_zone is null or not exists (
        select from pg_timezone_names as z where z.name = p_time_zone
    ) then
        perform lb._invalid_argument(
            'p_time_zone', 'must be an IANA time zone name such as UTC or Europe/Berlin', p_time_zone
        );
    end if;
    if p_reset_anchor is not null then
        begin
            v_anchor := p_reset_anchor at time zone p_time_zone;
        exception when datetime_field_overflow then
            v_anchor := 'infinity';
        end;
        perform lb._check_time('p_reset_anchor', v_anchor);
    end if;
    if p_reset_anchor is not null
        and (p_reset_anchor at time zone p_time_zone) at time zone p_time_zone <> p_reset_anchor then
        perform lb._invalid_argument(
            'p_reset_anchor', 'must be a time that exists in the board''s time zone (not in a '
            || 'daylight-saving gap)', p_reset_anchor::text
        );
    end if;
    if p_tie_break is null or p_tie_break not in ('shared', 'earliest') then
        perform lb._invalid_argument('p_tie_break', 'must be shared or earliest', p_tie_break);
    end if;
    if p_retain_periods is null or p_retain_periods not between 0 and lb._max_retain_periods() then
        perform lb._invalid_argument(
            'p_retain_periods', format('must be an integer from 0 to %s', lb._max_retain_periods()),
            p_retain_periods::text
        );
    end if;
    perform lb._check_time('p_starts_at', p_starts_at);
    perform lb._check_time('p_ends_at', p_ends_at);
    if p_starts_at >= p_ends_at then
        perform lb._invalid_argument('p_ends_at', 'must be after p_starts_at', p_ends_at::text);
    end if;
    if p_enabled is null then
        perform lb._invalid_argument('p_enabled', 'must be true or false', null);
    end if;
    if p_backfill is null then
        perform lb._invalid_argument('p_backfill', 'must be true or false', null);
    end if;

    -- SHARE conflicts with the ROW EXCLUSIVE lock lb.submit_score takes before it reads the
    -- board list: in-flight submits finish first, new ones wait for our commit and then see
    -- this board. So the sessions it counts are exactly those from lb._next_session_id() on
    -- (and with a backfill, the log read below holds every session not counted on it).
    lock table lb.game_sessions in share mode;
    v_next := lb._next_session_id();

    insert into lb.boards (
        board_id, game_mode, aggregate, reset, reset_every, reset_anchor, time_zone, tie_break,
        retain_periods, starts_at, ends_at, enabled, counted_sessions
    ) values (
        p_board_id, p_game_mode, p_aggregate, p_reset, p_reset_every,
        case when p_reset = 'fixed' then coalesce(p_reset_anchor, '1970-01-05 00:00') end,
        p_time_zone, p_tie_break, p_retain_periods, p_starts_at, p_ends_at, p_enabled,
        -- a backfill counts the log so far; an enabled board, every session from now on
        int8multirange(int8range(
            case when p_backfill then null else v_next end, case when p_enabled then null else v_next end
        ))
    )
    returning * into v_board;
    perform lb._check_board_range(v_board);

    if p_backfill then
        v_current := lb._period_number(v_board, lb._now());
        perform lb._fill_board(v_board, 0, v_current - v_board.retain_periods, v_current);
    end if;
    perform lb._boards_changed();
    return next lb._describe_board(v_board);
exception
    when unique_violation then
        raise exception using
            errcode = 'unique_violation',
            message = format('p_board_id %L is already taken', p_board_id),
            column = 'p_board_id';
end;
$_$;


ALTER FUNCTION lb.create_board(p_board_id text, p_game_mode text, p_aggregate text, p_reset text, p_time_zone text, p_tie_break text, p_retain_periods integer, p_reset_every interval, p_reset_anchor timestamp without time zone, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_enabled boolean, p_backfill boolean) OWNER TO lb_owner;

--
-- Name: create_key(text, text[], text); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.create_key(p_key_name text, p_game_modes text[] DEFAULT NULL::text[], p_actor text DEFAULT NULL::text) RETURNS TABLE(key_name text, secret text, game_modes text[], created_at timestamp with time zone)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
#variable_conflict use_column
declare
    v_actor text := lb._actor(p_actor);
    v_secret text := lb._new_key_secret();
    v_modes text[];
    v_created timestamptz;
begin
    perform lb._check_key_name(p_key_name);
    if p_game_modes is not null then
        if cardinality(p_game_modes) = 0 then
            perform lb._invalid_argument(
                'p_game_modes', 'must name at least one game mode, or be null for every mode', '{}'
            );
        end if;
        for i in 1 .. cardinality(p_game_modes) loop
            if not exists (select from lb.game_modes as m where m.game_mode = p_game_modes[i]) then
                perform lb._invalid_game_mode(p_game_modes[i]);
            end if;
        end loop;
        select array_agg(distinct m order by m) into v_modes from unnest(p_game_modes) as m;
    end if;
    begin
        insert into lb.server_keys (name, key_hash, game_modes, created_by)
        values (p_key_name, sha256(convert_to(v_secret, 'UTF8')), v_modes, v_actor)
        returning created_at into v_created;
    exception when unique_violation then
        raise exception using
            errcode = 'unique_violation',
            message = format('key %L already exists', p_key_name),
            hint = 'rotate it for a new secret, or choose another name',
            column = 'p_key_name';
    end;
    perform lb._audit(
        v_actor, 'key_created', 'key:' || p_key_name, null,
        jsonb_build_object('after', jsonb_build_object('game_modes', v_modes))
    );
    return query select p_key_name, v_secret, v_modes, v_created;
end;
$$;


ALTER FUNCTION lb.create_key(p_key_name text, p_game_modes text[], p_actor text) OWNER TO lb_owner;

--
-- Name: create_player(text); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.create_player(p_username text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
declare
    v_id bigint;
    v_config lb.shard_config;
begin
    if p_username is null or length(p_username) not between 1 and lb._max_username_length() then
        perform lb._invalid_argument(
            'p_username', format('must be 1 to %s characters', lb._max_username_length()), p_username
        );
    end if;
    if p_username !~ '^[A-Za-z0-9_.-]+$' then
        perform lb._invalid_argument(
            'p_username', 'may contain only letters A-Z a-z, digits, "_", "." and "-"', p_username
        );
    end if;
    -- a shard takes only its own names: the same name on two shards would be two players
    select c.* into v_config from lb.shard_config as c;
    if v_config.shards > 1 and lb._shard_of_name(p_username, v_config.shards) <> v_config.shard then
        raise exception using
            errcode = 'LB002',
            message = format(
                'p_username %L belongs to shard %s, not to this shard %s of %s: create players '
                'through the proxy database', p_username,
                lb._shard_of_name(p_username, v_config.shards), v_config.shard, v_config.shards
            ),
            column = 'p_username';
    end if;
    insert into lb.users (username) values (p_username) returning id into v_id;
    return v_id;
exception
    when unique_violation then
        raise exception using
            errcode = 'unique_violation',
            message = format('p_username %L is already taken', p_username),
            column = 'p_username';
end;
$_$;


ALTER FUNCTION lb.create_player(p_username text) OWNER TO lb_owner;

--
-- Name: create_rule(text, text, bigint, text, text, text); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.create_rule(p_rule_id text, p_kind text, p_threshold bigint, p_game_mode text DEFAULT NULL::text, p_board text DEFAULT NULL::text, p_actor text DEFAULT NULL::text) RETURNS TABLE(rule_id text, kind text, threshold bigint, game_mode text, board_id text, enabled boolean, created_at timestamp with time zone, created_by text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
#variable_conflict use_column
declare
    v_actor text := lb._actor(p_actor);
    v_board lb.boards;
begin
    if p_rule_id is null or p_rule_id !~ '^[a-z0-9][a-z0-9_-]{0,39}$' then
        perform lb._invalid_argument(
            'p_rule_id', 'must be 1 to 40 of a-z, 0-9, _ and -, starting with a letter or digit',
            p_rule_id
        );
    end if;
    if p_kind is null or p_kind not in ('max_score', 'max_submits_per_minute', 'max_gain_per_period') then
        perform lb._invalid_argument(
            'p_kind', 'must be one of max_score, max_submits_per_minute, max_gain_per_period', p_kind
        );
    end if;
    if p_threshold is null or p_threshold not between 0 and lb._max_value() then
        perform lb._invalid_argument(
            'p_threshold', format('must be an integer from 0 to %s', lb._max_value()), p_threshold::text
        );
    end if;
    if p_game_mode is not null and not exists (select from lb.game_modes as m where m.game_mode = p_game_mode) then
        perform lb._invalid_game_mode(p_game_mode);
    end if;
    if p_kind = 'max_gain_per_period' then
        if p_board is null then
            perform lb._invalid_argument('p_board', 'is required for max_gain_per_period', null);
        end if;
        v_board := lb._board(p_board);
        if v_board.reset = 'never' or v_board.aggregate <> 'sum' then
            perform lb._invalid_argument(
                'p_board', 'must be a sum board that resets, for max_gain_per_period', p_board
            );
        end if;
    elsif p_board is not null then
        perform lb._invalid_argument('p_board', 'is only for max_gain_per_period', p_board);
    end if;
    begin
        insert into lb.rules (rule_id, kind, game_mode, board_no, threshold, created_by)
        values (p_rule_id, p_kind, p_game_mode, v_board.board_no, p_threshold, v_actor);
    exception when unique_violation then
        raise exception using
            errcode = 'unique_violation',
            message = format('rule %L already exists', p_rule_id),
            column = 'p_rule_id';
    end;
    perform lb._audit(
        v_actor, 'rule_created', 'rule:' || p_rule_id, null,
        jsonb_build_object('after', (select to_jsonb(r) from lb.list_rules() as r where r.rule_id = p_rule_id))
    );
    return query select * from lb.list_rules() as r where r.rule_id = p_rule_id;
end;
$_$;


ALTER FUNCTION lb.create_rule(p_rule_id text, p_kind text, p_threshold bigint, p_game_mode text, p_board text, p_actor text) OWNER TO lb_owner;

--
-- Name: delete_board(text); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.delete_board(p_board text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
    v_board lb.boards;
    v_entries bigint;
begin
    v_board := lb._board(p_board);
    if v_board.board_id = 'global' then
        perform lb._invalid_argument(
            'p_board', 'cannot be ''global'': it is the default board and counts every session', p_board
        );
    end if;
    -- A submit that read the board list just before this commits can still add an entry for
    -- the deleted board after the delete below; such an orphan is invisible (reads and the
    -- feed go through lb.boards) and lb.prune_periods removes it. Locking submits out for
    -- the whole delete instead would stall every write for as long as a large board takes.
    delete from lb.boards as b where b.board_no = v_board.board_no;
    delete from lb.board_entries as e where e.board_no = v_board.board_no;
    get diagnostics v_entries = row_count;
    delete from lb.board_buckets as k where k.board_no = v_board.board_no;
    perform lb._boards_changed();
    return v_entries;
end;
$$;


ALTER FUNCTION lb.delete_board(p_board text) OWNER TO lb_owner;

--
-- Name: delete_rule(text, text); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.delete_rule(p_rule_id text, p_actor text DEFAULT NULL::text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
    v_actor text := lb._actor(p_actor);
    v_before jsonb;
begin
    select to_jsonb(r) into v_before from lb.list_rules() as r where r.rule_id = p_rule_id;
    if v_before is null then
        perform lb._rule_not_found(p_rule_id);
    end if;
    delete from lb.rules as r where r.rule_id = p_rule_id;
    perform lb._audit(
        v_actor, 'rule_deleted', 'rule:' || p_rule_id, null, jsonb_build_object('before', v_before)
    );
    return (
        select count(*) from lb.game_sessions as s where s.review = 'held' and s.held_by = p_rule_id
    );
end;
$$;


ALTER FUNCTION lb.delete_rule(p_rule_id text, p_actor text) OWNER TO lb_owner;

--
-- Name: enforce_limits(); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.enforce_limits() RETURNS TABLE(pid integer, login text, action text, seconds double precision)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
declare
    v_session record;
begin
    for v_session in
        select
            a.pid,
            a.usename::text as login,
            a.state,
            extract(epoch from clock_timestamp() - a.query_start) as running,
            extract(epoch from clock_timestamp() - a.state_change) as idle,
            l.statement_limit,
            l.idle_limit
        from pg_stat_activity as a
        cross join lateral (
            select
                max(lb._setting_seconds(substring(c.setting from '^statement_timeout=(.*)$'))) as statement_limit,
                max(lb._setting_seconds(
                    substring(c.setting from '^idle_in_transaction_session_timeout=(.*)$')
                )) as idle_limit
            from pg_roles as g
            inner join pg_db_role_setting as s on s.setrole = g.oid and s.setdatabase = 0
            cross join lateral unnest(s.setconfig) as c (setting)
            where
                g.rolname in ('lb_game_server', 'lb_web', 'lb_proxy', 'lb_moderator')
                and pg_has_role(a.usesysid, g.oid, 'member')
        ) as l
        where
            a.backend_type = 'client backend'
            and a.pid <> pg_backend_pid()
            and not pg_has_role(a.usesysid, 'lb_bridge', 'member')
            and not pg_has_role(a.usesysid, 'lb_owner', 'member')
    loop
        if v_session.state = 'active' and v_session.running > 2 * v_session.statement_limit + 1 then
            perform pg_terminate_backend(v_session.pid);
            pid := v_session.pid;
            login := v_session.login;
            action := 'terminated';
            seconds := v_session.running;
            return next;
        elsif v_session.state = 'active' and v_session.running > v_session.statement_limit + 1 then
            perform pg_cancel_backend(v_session.pid);
            pid := v_session.pid;
            login := v_session.login;
            action := 'cancelled';
            seconds := v_session.running;
            return next;
        elsif v_session.state in ('idle in transaction', 'idle in transaction (aborted)')
            and v_session.idle > v_session.idle_limit + 1 then
            perform pg_terminate_backend(v_session.pid);
            pid := v_session.pid;
            login := v_session.login;
            action := 'terminated';
            seconds := v_session.idle;
            return next;
        end if;
    end loop;
end;
$_$;


ALTER FUNCTION lb.enforce_limits() OWNER TO lb_owner;

--
-- Name: feed_boards(); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.feed_boards() RETURNS TABLE(board_no integer, board_id text, board_epoch bigint, tie_break text, aggregate text, reset text, game_mode text, enabled boolean, current_start bigint, current_end bigint, oldest_start bigint, problem text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
    v_board lb.boards;
    v_number bigint;
    v_start timestamptz;
begin
    for v_board in select b.* from lb.boards as b order by b.board_no loop
        board_no := v_board.board_no;
        board_id := v_board.board_id;
        board_epoch := v_board.epoch;
        tie_break := v_board.tie_break;
        aggregate := v_board.aggregate;
        reset := v_board.reset;
        game_mode := v_board.game_mode;
        enabled := v_board.enabled;
        current_start := null;
        current_end := null;
        oldest_start := null;
        problem := null;
        if v_board.reset <> 'never' then
            begin
                v_number := lb._period_number(v_board, lb._now());
                v_start := lb._period_start(v_board, v_number);
                current_start := extract(epoch from v_start)::bigint;
                current_end := extract(epoch from lb._period_end(v_board, v_start))::bigint;
                oldest_start := extract(
                    epoch from lb._period_start(v_board, v_number - v_board.retain_periods)
                )::bigint;
            exception when others then
                current_start := null;
                current_end := null;
                problem := sqlerrm;
            end;
        end if;
        return next;
    end loop;
end;
$$;


ALTER FUNCTION lb.feed_boards() OWNER TO lb_owner;

--
-- Name: feed_position(); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.feed_position() RETURNS TABLE(snapshot pg_snapshot, epoch bigint, boards_version bigint)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    select pg_current_snapshot(), e.epoch, e.boards_version
    from lb.feed_epoch as e
$$;


ALTER FUNCTION lb.feed_position() OWNER TO lb_owner;

--
-- Name: has_players(); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.has_players() RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    select exists (select from lb.users)
$$;


ALTER FUNCTION lb.has_players() OWNER TO lb_owner;

--
-- Name: held_sessions(text, text, bigint, timestamp with time zone, integer, bigint); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.held_sessions(p_rule_id text DEFAULT NULL::text, p_game_mode text DEFAULT NULL::text, p_user_id bigint DEFAULT NULL::bigint, p_since timestamp with time zone DEFAULT NULL::timestamp with time zone, p_limit integer DEFAULT 50, p_after bigint DEFAULT NULL::bigint) RETURNS TABLE(session_id bigint, user_id bigint, username text, score integer, game_mode text, played_at timestamp with time zone, held_by text, written_by text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
    if p_limit is null or p_limit not between 1 and lb._max_page() then
        perform lb._invalid_argument(
            'p_limit', format('must be an integer from 1 to %s', lb._max_page()), p_limit::text
        );
    end if;
    return query
    select s.id, s.user_id, u.username, s.score, s.game_mode, s.played_at, s.held_by, s.written_by
    from lb.game_sessions as s
    inner join lb.users as u on s.user_id = u.id
    where
        s.review = 'held'
        and (p_rule_id is null or s.held_by = p_rule_id)
        and (p_game_mode is null or s.game_mode = p_game_mode)
        and (p_user_id is null or s.user_id = p_user_id)
        and (p_since is null or s.played_at >= p_since)
        and (p_after is null or s.id > p_after)
    order by s.id
    limit p_limit;
end;
$$;


ALTER FUNCTION lb.held_sessions(p_rule_id text, p_game_mode text, p_user_id bigint, p_since timestamp with time zone, p_limit integer, p_after bigint) OWNER TO lb_owner;

--
-- Name: limits(); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.limits() RETURNS TABLE(name text, value bigint)
    LANGUAGE sql IMMUTABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    values
    ('max_score', lb._max_score()::bigint),
    ('max_value', lb._max_value()),
    ('max_page', lb._max_page()::bigint),
    ('max_radius', lb._max_radius()::bigint),
    ('max_key_length', lb._max_key_length()::bigint),
    ('max_username_length', lb._max_username_length()::bigint),
    ('max_retain_periods', lb._max_retain_periods()::bigint),
    -- times in epoch seconds (max_time's last microsecond left out), a length in seconds
    ('min_time', extract(epoch from lb._min_time())::bigint),
    ('max_time', floor(extract(epoch from lb._max_time()))::bigint),
    ('max_reset_every', extract(epoch from lb._max_reset_every())::bigint)
$$;


ALTER FUNCTION lb.limits() OWNER TO lb_owner;

--
-- Name: list_keys(); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.list_keys() RETURNS TABLE(key_name text, game_modes text[], created_at timestamp with time zone, created_by text, rotated_at timestamp with time zone, previous_valid_until timestamp with time zone, revoked_at timestamp with time zone, last_used_at timestamp with time zone)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    select
        k.name, k.game_modes, k.created_at, k.created_by, k.rotated_at,
        case when k.previous_until > clock_timestamp() then k.previous_until end,
        k.revoked_at, k.last_used_at
    from lb.server_keys as k
    order by k.revoked_at is not null, k.name;
$$;


ALTER FUNCTION lb.list_keys() OWNER TO lb_owner;

--
-- Name: list_rules(); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.list_rules() RETURNS TABLE(rule_id text, kind text, threshold bigint, game_mode text, board_id text, enabled boolean, created_at timestamp with time zone, created_by text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    select r.rule_id, r.kind, r.threshold, r.game_mode, b.board_id, r.enabled, r.created_at, r.created_by
    from lb.rules as r
    left join lb.boards as b on r.board_no = b.board_no
    order by r.rule_id;
$$;


ALTER FUNCTION lb.list_rules() OWNER TO lb_owner;

--
-- Name: player_names(bigint[]); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.player_names(p_user_ids bigint[]) RETURNS TABLE(user_id bigint, username text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    select u.id, u.username
    from lb.users as u
    where u.id = any(p_user_ids)
$$;


ALTER FUNCTION lb.player_names(p_user_ids bigint[]) OWNER TO lb_owner;

--
-- Name: player_rank(bigint, text, timestamp with time zone); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.player_rank(p_user_id bigint, p_board text DEFAULT 'global'::text, p_period timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS TABLE(user_id bigint, username text, total_score bigint, rank bigint, period_start timestamp with time zone, period_end timestamp with time zone)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
    v_board lb.boards;
    v_period timestamptz;
begin
    if p_user_id is null or p_user_id <= 0 then
        perform lb._invalid_argument('p_user_id', 'must be a positive integer', p_user_id::text);
    end if;
    v_board := lb._board(p_board);
    v_period := lb._resolve_period(v_board, p_period);
    return query
    select
        u.id,
        u.username,
        coalesce(e.value, 0),
        case when e.user_id is not null then lb._rank_in_period(
            v_board.board_no, v_period, v_board.tie_break, e.value, e.tie_at, e.user_id
        ) end,
        nullif(v_period, '-infinity'),
        nullif(lb._period_end(v_board, v_period), 'infinity')
    from lb.users as u
    left join lb.board_entries as e
        on e.board_no = v_board.board_no and e.period_start = v_period and u.id = e.user_id
    where u.id = p_user_id;
    if not found then
        raise exception using
            errcode = 'no_data_found',
            message = format('player %s does not exist', p_user_id),
            column = 'p_user_id';
    end if;
end;
$$;


ALTER FUNCTION lb.player_rank(p_user_id bigint, p_board text, p_period timestamp with time zone) OWNER TO lb_owner;

--
-- Name: player_sessions(bigint, integer); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.player_sessions(p_user_id bigint, p_limit integer DEFAULT 20) RETURNS TABLE(session_id bigint, score integer, game_mode text, played_at timestamp with time zone)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
    if p_user_id is null or p_user_id <= 0 then
        perform lb._invalid_argument('p_user_id', 'must be a positive integer', p_user_id::text);
    end if;
    if p_limit is null or p_limit not between 1 and lb._max_page() then
        perform lb._invalid_argument(
            'p_limit', format('must be an integer from 1 to %s', lb._max_page()), p_limit::text
        );
    end if;
    if not exists (select from lb.users as u where u.id = p_user_id) then
        raise exception using
            errcode = 'no_data_found',
            message = format('player %s does not exist', p_user_id),
            column = 'p_user_id';
    end if;
    return query
    select s.id, s.score, s.game_mode, s.played_at
    from lb.game_sessions as s
    where s.user_id = p_user_id
    order by s.played_at desc
    limit p_limit;
end;
$$;


ALTER FUNCTION lb.player_sessions(p_user_id bigint, p_limit integer) OWNER TO lb_owner;

--
-- Name: players_around(bigint, integer, text, timestamp with time zone); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.players_around(p_user_id bigint, p_radius integer DEFAULT 5, p_board text DEFAULT 'global'::text, p_period timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS TABLE(rank bigint, user_id bigint, username text, total_score bigint, period_start timestamp with time zone, period_end timestamp with time zone)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
    v_board lb.boards;
    v_period timestamptz;
    v_end timestamptz;
    v_me lb.board_entries;
    v_my_rank bigint;
begin
    if p_user_id is null or p_user_id <= 0 then
        perform lb._invalid_argument('p_user_id', 'must be a positive integer', p_user_id::text);
    end if;
    if p_radius is null or p_radius not between 0 and lb._max_radius() then
        perform lb._invalid_argument(
            'p_radius', format('must be an integer from 0 to %s', lb._max_radius()), p_radius::text
        );
    end if;
    v_board := lb._board(p_board);
    if not exists (select from lb.users as u where u.id = p_user_id) then
        raise exception using
            errcode = 'no_data_found',
            message = format('player %s does not exist', p_user_id),
            column = 'p_user_id';
    end if;
    v_period := lb._resolve_period(v_board, p_period);
    v_end := nullif(lb._period_end(v_board, v_period), 'infinity');
    select e.* into v_me
    from lb.board_entries as e
    where e.board_no = v_board.board_no and e.period_start = v_period and e.user_id = p_user_id;
    if not found then
        return query select null::bigint, u.id, u.username, 0::bigint, nullif(v_period, '-infinity'), v_end
        from lb.users as u where u.id = p_user_id;
        return;
    end if;
    v_my_rank := lb._rank_in_period(
        v_board.board_no, v_period, v_board.tie_break, v_me.value, v_me.tie_at, v_me.user_id
    );

    -- The neighbours on each side come from lb._shard_around, the window a shard gives the
    -- proxy too: two index range scans per side in board order, O(radius), not O(rank).
    return query
    with near as (
        select n.side, n.user_id, n.value, n.tie_at
        from lb._shard_around(
            v_board.board_id, v_period, v_me.value, v_me.tie_at, v_me.user_id, p_radius
        ) as n
    ),

    above as (
        select a.user_id, a.value, a.tie_at from near as a
        where a.side = -1
        order by a.value, a.tie_at desc, a.user_id desc
        limit p_radius
    ),

    below as (
        select b.user_id, b.value, b.tie_at from near as b
        where b.side = 1
        order by b.value desc, b.tie_at, b.user_id
        limit p_radius
    ),

    window_rows as (
        select w.user_id, w.value, w.tie_at from above as w
        union all
        select v_me.user_id, v_me.value, v_me.tie_at
        union all
        select w.user_id, w.value, w.tie_at from below as w
    ),

    numbered as (
        select
            w.*,
            row_number() over (order by w.value desc, w.tie_at, w.user_id)
            - (select count(*) from above) - 1 as offset_from_me
        from window_rows as w
    ),

    -- shared ties: the rank of a value; the player's own from above, the others from the
    -- histogram (at most 2 * radius distinct values)
    value_ranks as (
        select
            t.value,
            case
                when t.value = v_me.value then v_my_rank
                else lb._rank_in_period(
                    v_board.board_no, v_period, 'shared', t.value, '-infinity', 0
                )
            end as rank
        from (select distinct n.value from numbered as n) as t
        where v_board.tie_break = 'shared'
    )

    select
        case
            when v_board.tie_break = 'earliest' then v_my_rank + n.offset_from_me
            else r.rank
        end,
        n.user_id,
        u.username,
        n.value,
        nullif(v_period, '-infinity'),
        v_end
    from numbered as n
    left join value_ranks as r on n.value = r.value
    inner join lb.users as u on n.user_id = u.id
    order by n.value desc, n.tie_at, n.user_id;
end;
$$;


ALTER FUNCTION lb.players_around(p_user_id bigint, p_radius integer, p_board text, p_period timestamp with time zone) OWNER TO lb_owner;

--
-- Name: poll_changes(pg_snapshot, integer[]); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.poll_changes(p_since pg_snapshot, p_boards integer[] DEFAULT NULL::integer[]) RETURNS TABLE(snapshot pg_snapshot, epoch bigint, boards_version bigint, board_no integer, period_start bigint, user_id bigint, value bigint, tie_us bigint, updated_at double precision, username text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    select
        pg_current_snapshot(), e.epoch, e.boards_version,
        null::integer, null::bigint, null::bigint, null::bigint, null::bigint, null::float8, null
    from lb.feed_epoch as e
    union all
    select
        null, null, null,
        c.board_no, c.period_start, c.user_id, c.value, c.tie_us, c.updated_at, c.username
    from lb.read_changes(p_since, p_boards) as c
$$;


ALTER FUNCTION lb.poll_changes(p_since pg_snapshot, p_boards integer[]) OWNER TO lb_owner;

--
-- Name: prune_periods(); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.prune_periods() RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
    v_board lb.boards;
    v_oldest timestamptz;
    v_orphan integer;
    v_rows bigint;
    v_deleted bigint := 0;
begin
    for v_board in select b.* from lb.boards as b where b.reset <> 'never' loop
        -- a board whose periods cannot be computed (lb.feed_boards reports it) keeps its
        -- rows until it can; the others are pruned
        begin
            v_oldest := lb._period_start(
                v_board, lb._period_number(v_board, lb._now()) - v_board.retain_periods
            );
        exception when others then
            raise warning 'lb.prune_periods: board % skipped: %', v_board.board_id, sqlerrm;
            continue;
        end;
        delete from lb.board_entries as e
        where e.board_no = v_board.board_no and e.period_start < v_oldest;
        get diagnostics v_rows = row_count;
        v_deleted := v_deleted + v_rows;
        delete from lb.board_buckets as k
        where k.board_no = v_board.board_no and k.period_start < v_oldest;
    end loop;
    -- board numbers are never reused, so every number up to the sequence's is a board or gone
    for v_orphan in
        select n.board_no
        from generate_series(
            1,
            coalesce(pg_sequence_last_value(pg_get_serial_sequence('lb.boards', 'board_no')::regclass), 0)
        ) as n (board_no)
        where
            not exists (select from lb.boards as b where b.board_no = n.board_no)
            and (
                exists (select from lb.board_entries as e where e.board_no = n.board_no)
                or exists (select from lb.board_buckets as k where k.board_no = n.board_no)
            )
    loop
        delete from lb.board_entries as e where e.board_no = v_orphan;
        get diagnostics v_rows = row_count;
        v_deleted := v_deleted + v_rows;
        delete from lb.board_buckets as k where k.board_no = v_orphan;
    end loop;
    return v_deleted;
end;
$$;


ALTER FUNCTION lb.prune_periods() OWNER TO lb_owner;

--
-- Name: read_board(integer, timestamp with time zone, boolean); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.read_board(p_board_no integer, p_period timestamp with time zone, p_with_names boolean DEFAULT false) RETURNS TABLE(user_id bigint, value bigint, tie_at timestamp with time zone, username text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    select
        e.user_id,
        e.value,
        nullif(e.tie_at, '-infinity'),
        case when p_with_names then (select u.username from lb.users as u where u.id = e.user_id) end
    from lb.board_entries as e
    where e.board_no = p_board_no and e.period_start = coalesce(p_period, '-infinity')
    order by e.board_no, e.period_start, e.user_id
$$;


ALTER FUNCTION lb.read_board(p_board_no integer, p_period timestamp with time zone, p_with_names boolean) OWNER TO lb_owner;

--
-- Name: read_changes(pg_snapshot, integer[]); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.read_changes(p_since pg_snapshot, p_boards integer[] DEFAULT NULL::integer[]) RETURNS TABLE(board_no integer, period_start bigint, user_id bigint, value bigint, tie_us bigint, updated_at double precision, username text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET plan_cache_mode TO 'force_custom_plan'
    AS $$
declare
    v_xmax xid8 := pg_snapshot_xmax(p_since);
    v_xip xid8[] := array(select pg_snapshot_xip(p_since));
begin
    if p_since is null then
        return query
        select
            e.board_no,
            case when e.period_start <> '-infinity' then extract(epoch from e.period_start)::bigint end,
            e.user_id,
            e.value,
            case when e.tie_at <> '-infinity' then (extract(epoch from e.tie_at) * 1000000)::bigint end,
            extract(epoch from e.updated_at)::float8,
            u.username
        from lb.board_entries as e
        inner join lb.users as u on e.user_id = u.id
        where p_boards is null or e.board_no = any(p_boards);
        return;
    end if;
    -- CASE evaluates the name lookup only for rows created since the snapshot. The two
    -- ranges are two index scans joined by UNION ALL (every xip entry is below xmax, so no
    -- stamp is in both): written as one OR, the planner may scan the whole partial index
    -- and filter it, because until autoanalyze sees the submits since a seed its statistics
    -- say the index is nearly empty. Measured at 1M players, 44k entries changed since the
    -- seed: one poll read 44k index entries (150-300 ms under load) instead of ~100.
    return query
    select
        e.board_no,
        case when e.period_start <> '-infinity' then extract(epoch from e.period_start)::bigint end,
        e.user_id,
        e.value,
        case when e.tie_at <> '-infinity' then (extract(epoch from e.tie_at) * 1000000)::bigint end,
        extract(epoch from e.updated_at)::float8,
        case when e.created_xid >= v_xmax or e.created_xid = any(v_xip) then
            (select u.username from lb.users as u where u.id = e.user_id)
        end
    from (
        -- changed_xid 0 marks bulk rows: rebuilt, never fed (the index is partial on it)
        select * from lb.board_entries as n
        where n.changed_xid <> '0' and n.changed_xid >= v_xmax
        union all
        select * from lb.board_entries as n
        where n.changed_xid <> '0' and n.changed_xid = any(v_xip)
    ) as e
    where p_boards is null or e.board_no = any(p_boards);
end;
$$;


ALTER FUNCTION lb.read_changes(p_since pg_snapshot, p_boards integer[]) OWNER TO lb_owner;

--
-- Name: read_entries(integer, timestamp with time zone, bigint[]); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.read_entries(p_board_no integer, p_period timestamp with time zone, p_users bigint[]) RETURNS TABLE(user_id bigint, value bigint, tie_at timestamp with time zone, username text, updated_at timestamp with time zone)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    select u.id, e.value, nullif(e.tie_at, '-infinity'), u.username, e.updated_at
    from lb.users as u
    left join lb.board_entries as e
        on
            e.board_no = p_board_no
            and e.period_start = coalesce(p_period, '-infinity')
            and e.user_id = u.id
    where u.id = any(p_users)
    order by u.id
$$;


ALTER FUNCTION lb.read_entries(p_board_no integer, p_period timestamp with time zone, p_users bigint[]) OWNER TO lb_owner;

--
-- Name: recompute_board(text, timestamp with time zone); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.recompute_board(p_board text, p_period timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
    v_board lb.boards;
    v_from bigint;
    v_to bigint;
    v_entries bigint;
begin
    v_board := lb._board(p_board);
    lock table lb.game_sessions in share mode;
    v_to := lb._period_number(v_board, lb._now());
    v_from := v_to - v_board.retain_periods;
    if p_period is not null then
        v_from := lb._period_number(v_board, lb._resolve_period(v_board, p_period));
        v_to := v_from;
    end if;
    delete from lb.board_entries as e
    where
        e.board_no = v_board.board_no
        and e.period_start >= lb._period_start(v_board, v_from)
        and e.period_start < lb._period_end(v_board, lb._period_start(v_board, v_to));
    delete from lb.board_buckets as k
    where
        k.board_no = v_board.board_no
        and k.period_start >= lb._period_start(v_board, v_from)
        and k.period_start < lb._period_end(v_board, lb._period_start(v_board, v_to));
    v_entries := lb._fill_board(v_board, 0, v_from, v_to);
    update lb.boards as b set epoch = b.epoch + 1 where b.board_no = v_board.board_no;
    perform lb._boards_changed();
    return v_entries;
end;
$$;


ALTER FUNCTION lb.recompute_board(p_board text, p_period timestamp with time zone) OWNER TO lb_owner;

--
-- Name: reject_session(bigint, text, text); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.reject_session(p_session_id bigint, p_reason text DEFAULT NULL::text, p_actor text DEFAULT NULL::text) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
    v_actor text := lb._actor(p_actor);
    v_session lb.game_sessions;
begin
    v_session := lb._moderated_session(p_session_id);
    if v_session.review = 'approved' then
        raise exception using
            errcode = 'LB013',
            message = format('session %s was approved and counts: it cannot be rejected', p_session_id),
            column = 'p_session_id';
    end if;
    if v_session.review = 'held' then
        update lb.game_sessions as s set review = 'rejected' where s.id = p_session_id;
        perform lb._audit(
            v_actor, 'session_rejected', 'player:' || v_session.user_id, p_reason,
            jsonb_build_object(
                'session_id', p_session_id, 'held_by', v_session.held_by, 'score', v_session.score
            )
        );
    end if;
    return 'rejected';
end;
$$;


ALTER FUNCTION lb.reject_session(p_session_id bigint, p_reason text, p_actor text) OWNER TO lb_owner;

--
-- Name: release_feed(); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.release_feed() RETURNS xid8
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
    perform pg_advisory_unlock(lb._feed_lock_key());
    -- the xid is only a marker: its commit record needs no flush to be waited for
    perform set_config('synchronous_commit', 'off', true);
    return pg_current_xact_id();
end;
$$;


ALTER FUNCTION lb.release_feed() OWNER TO lb_owner;

--
-- Name: repair_board(text, timestamp with time zone); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.repair_board(p_board text, p_period timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS TABLE(updated bigint, inserted bigint, deleted bigint)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
    v_board lb.boards;
    v_from timestamptz;
    v_to timestamptz;
    v_users bigint[];
begin
    v_board := lb._board(p_board);
    select r.p_from, r.p_to into v_from, v_to from lb._readable_range(v_board, p_period) as r;
    updated := 0;
    inserted := 0;
    deleted := 0;
    select array_agg(distinct m.user_id) into v_users
    from lb._entry_mismatches(v_board, v_from, v_to) as m;
    if v_users is null then
        return next;
        return;
    end if;

    perform
    from lb.board_entries as e
    where
        e.board_no = v_board.board_no
        and e.period_start >= v_from
        and e.period_start < v_to
        and e.user_id = any(v_users)
    order by e.period_start, e.user_id
    for update;

    update lb.board_entries as e
    set
        value = x.value,
        tie_at = x.tie_at,
        updated_at = clock_timestamp(),
        changed_xid = pg_current_xact_id()
    from lb._expected_entries(v_board, v_from, v_to, 0, v_users) as x
    where
        e.board_no = v_board.board_no
        and e.period_start = x.period_start
        and e.user_id = x.user_id
        and (e.value <> x.value or e.tie_at <> x.tie_at);
    get diagnostics updated = row_count;

    -- a submit may insert one of these meanwhile: it then keeps its own (a later verify
    -- finds it if it lacks older sessions); the row triggers count new rows in the histogram
    insert into lb.board_entries (board_no, period_start, user_id, value, tie_at)
    select v_board.board_no, x.period_start, x.user_id, x.value, x.tie_at
    from lb._expected_entries(v_board, v_from, v_to, 0, v_users) as x
    order by x.period_start, x.user_id
    on conflict (board_no, period_start, user_id) do nothing;
    get diagnostics inserted = row_count;

    -- no trigger counts a deleted row out of the histogram: done here, last, so every entry
    -- lock is held before any bucket is
    with gone as (
        delete from lb.board_entries as e
        where
            e.board_no = v_board.board_no
            and e.period_start >= v_from
            and e.period_start < v_to
            and e.user_id = any(v_users)
            and (e.period_start, e.user_id) not in (
                select x.period_start, x.user_id
                from lb._expected_entries(v_board, v_from, v_to, 0, v_users) as x
            )
        returning e.period_start, e.value
    ),

    counted as (
        update lb.board_buckets as b
        set players = b.players - g.players
        from (
            select g.period_start, lb._score_bucket(g.value) as bucket, count(*) as players
            from gone as g
            group by g.period_start, lb._score_bucket(g.value)
        ) as g
        where
            b.board_no = v_board.board_no
            and b.period_start = g.period_start
            and b.bucket = g.bucket
        returning b.bucket
    )

    select count(*) into deleted from gone;

    if updated + inserted + deleted > 0 then
        update lb.boards as b set epoch = b.epoch + 1 where b.board_no = v_board.board_no;
        perform lb._boards_changed();
    end if;
    return next;
end;
$$;


ALTER FUNCTION lb.repair_board(p_board text, p_period timestamp with time zone) OWNER TO lb_owner;

--
-- Name: repair_histogram(text, timestamp with time zone); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.repair_histogram(p_board text, p_period timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
    v_board lb.boards;
    v_from timestamptz;
    v_to timestamptz;
    v_periods timestamptz[];
    v_buckets bigint[];
    v_fixed bigint;
begin
    v_board := lb._board(p_board);
    select r.p_from, r.p_to into v_from, v_to from lb._readable_range(v_board, p_period) as r;
    select
        array_agg(h.period_start order by h.period_start, h.bucket),
        array_agg(h.bucket order by h.period_start, h.bucket)
    into v_periods, v_buckets
    from lb._histogram_mismatches(v_board, v_from, v_to) as h;
    if v_periods is null then
        return 0;
    end if;
    perform
    from lb.board_buckets as b
    join unnest(v_periods, v_buckets) as w (period_start, bucket)
        on b.period_start = w.period_start and b.bucket = w.bucket
    where b.board_no = v_board.board_no
    order by b.period_start, b.bucket
    for update of b;

    -- one pass over the periods' entries, not one per bucket
    insert into lb.board_buckets as b (board_no, period_start, bucket, players)
    select v_board.board_no, w.period_start, w.bucket, coalesce(c.players, 0)
    from unnest(v_periods, v_buckets) as w (period_start, bucket)
    left join (
        select e.period_start, lb._score_bucket(e.value) as bucket, count(*) as players
        from lb.board_entries as e
        where e.board_no = v_board.board_no and e.period_start = any(v_periods)
        group by e.period_start, lb._score_bucket(e.value)
    ) as c
        on w.period_start = c.period_start and w.bucket = c.bucket
    order by w.period_start, w.bucket
    on conflict (board_no, period_start, bucket) do update set players = excluded.players
    where b.players <> excluded.players;
    get diagnostics v_fixed = row_count;
    return v_fixed;
end;
$$;


ALTER FUNCTION lb.repair_histogram(p_board text, p_period timestamp with time zone) OWNER TO lb_owner;

--
-- Name: revoke_key(text, text); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.revoke_key(p_key_name text, p_actor text DEFAULT NULL::text) RETURNS TABLE(key_name text, revoked_at timestamp with time zone)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
#variable_conflict use_column
declare
    v_actor text := lb._actor(p_actor);
    v_key lb.server_keys%rowtype;
begin
    perform lb._check_key_name(p_key_name);
    select k.* into v_key from lb.server_keys as k where k.name = p_key_name for update;
    if not found then
        perform lb._key_not_found(p_key_name);
    end if;
    if v_key.revoked_at is null then
        update lb.server_keys as k
        set revoked_at = clock_timestamp(), previous_hash = null, previous_until = null
        where k.name = p_key_name
        returning k.revoked_at into v_key.revoked_at;
        perform lb._audit(
            v_actor, 'key_revoked', 'key:' || p_key_name, null,
            jsonb_build_object('after', jsonb_build_object('revoked_at', v_key.revoked_at))
        );
    end if;
    return query select p_key_name, v_key.revoked_at;
end;
$$;


ALTER FUNCTION lb.revoke_key(p_key_name text, p_actor text) OWNER TO lb_owner;

--
-- Name: rotate_key(text, interval, text); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.rotate_key(p_key_name text, p_grace interval DEFAULT '00:00:00'::interval, p_actor text DEFAULT NULL::text) RETURNS TABLE(key_name text, secret text, previous_valid_until timestamp with time zone)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
#variable_conflict use_column
declare
    v_actor text := lb._actor(p_actor);
    v_secret text := lb._new_key_secret();
    v_now timestamptz := clock_timestamp();
    v_until timestamptz;
begin
    perform lb._check_key_name(p_key_name);
    if p_grace is null or p_grace < '0' or p_grace > '7 days' then
        perform lb._invalid_argument('p_grace', 'must be from 0 to 7 days', p_grace::text);
    end if;
    v_until := case when p_grace > '0' then v_now + p_grace end;
    update lb.server_keys as k
    set
        previous_hash = case when v_until is not null then k.key_hash end,
        previous_until = v_until,
        key_hash = sha256(convert_to(v_secret, 'UTF8')),
        rotated_at = v_now
    where k.name = p_key_name and k.revoked_at is null;
    if not found then
        perform lb._key_not_found(p_key_name);
    end if;
    perform lb._audit(
        v_actor, 'key_rotated', 'key:' || p_key_name, null,
        jsonb_build_object('after', jsonb_build_object('previous_valid_until', v_until))
    );
    return query select p_key_name, v_secret, v_until;
end;
$$;


ALTER FUNCTION lb.rotate_key(p_key_name text, p_grace interval, p_actor text) OWNER TO lb_owner;

--
-- Name: schema_migrations(); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.schema_migrations() RETURNS SETOF text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    select m.migration_id from lb_migrations._yoyo_migration as m
$$;


ALTER FUNCTION lb.schema_migrations() OWNER TO lb_owner;

--
-- Name: seed(integer, integer, double precision); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.seed(p_users integer, p_sessions integer, p_random_seed double precision DEFAULT NULL::double precision) RETURNS TABLE(users_created bigint, sessions_created bigint, players_ranked bigint)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
    v_restore text[];
    v_statement text;
    v_step timestamptz;
begin
    if p_users is null or p_users < 0 then
        perform lb._invalid_argument('p_users', 'must be a non-negative integer', p_users::text);
    end if;
    if p_sessions is null or p_sessions < 0 then
        perform lb._invalid_argument('p_sessions', 'must be a non-negative integer', p_sessions::text);
    end if;
    if p_sessions > 0 and p_users = 0 then
        perform lb._invalid_argument('p_sessions', 'needs p_users > 0 to play them', p_sessions::text);
    end if;
    if p_random_seed not between -1 and 1 then
        perform lb._invalid_argument('p_random_seed', 'must be between -1 and 1', p_random_seed::text);
    end if;
    if p_random_seed is not null then
        perform setseed(p_random_seed);
    end if;

    -- EXCLUSIVE still lets readers in; it keeps writers out so ids and totals stay consistent.
    lock table lb.users, lb.game_sessions, lb.board_entries, lb.board_buckets, lb.idempotency_keys
    in exclusive mode;

    if exists (select from lb.users) or exists (select from lb.board_entries) then
        return query select * from lb._seed_rows(p_users, p_sessions);
    else
        v_restore := lb._seed_drop_keys();
        return query select * from lb._seed_rows(p_users, p_sessions);
        v_step := clock_timestamp();
        foreach v_statement in array v_restore loop
            execute v_statement;
        end loop;
        raise notice 'seed: keys, indexes and foreign keys in % s',
            round(extract(epoch from clock_timestamp() - v_step)::numeric, 1);
    end if;

    v_step := clock_timestamp();
    analyze lb.users, lb.game_sessions, lb.board_entries, lb.board_buckets;
    raise notice 'seed: analyze in % s', round(extract(epoch from clock_timestamp() - v_step)::numeric, 1);
    perform lb._bump_epoch();
    perform lb._wake_bridge();
end;
$$;


ALTER FUNCTION lb.seed(p_users integer, p_sessions integer, p_random_seed double precision) OWNER TO lb_owner;

--
-- Name: session_boards(bigint, text); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.session_boards(p_session_id bigint, p_idempotency_key text DEFAULT NULL::text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
    v_recorded jsonb;
begin
    if p_idempotency_key is not null then
        select k.boards into v_recorded
        from lb.idempotency_keys as k
        where k.idempotency_key = p_idempotency_key and k.session_id = p_session_id;
        if v_recorded is not null then
            return v_recorded;
        end if;
    end if;
    return (
        select lb._boards_json(
            array_agg(e.board_id order by e.board_id <> 'global', e.board_id),
            array_agg(e.period_start order by e.board_id <> 'global', e.board_id),
            array_agg(e.value order by e.board_id <> 'global', e.board_id)
        )
        from lb._session_entries(p_session_id) as e
    );
end;
$$;


ALTER FUNCTION lb.session_boards(p_session_id bigint, p_idempotency_key text) OWNER TO lb_owner;

--
-- Name: session_entries(bigint); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.session_entries(p_session_id bigint) RETURNS TABLE(board_id text, board_no integer, board_epoch bigint, feed_epoch bigint, period_start bigint, user_id bigint, value bigint, tie_us bigint, username text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
    return query
    select
        e.board_id,
        e.board_no,
        e.board_epoch,
        f.epoch,
        case when e.period_start <> '-infinity' then extract(epoch from e.period_start)::bigint end,
        e.user_id,
        e.value,
        case when e.tie_at <> '-infinity' then (extract(epoch from e.tie_at) * 1000000)::bigint end,
        u.username
    from lb._session_entries(p_session_id) as e
    inner join lb.users as u on e.user_id = u.id
    cross join lb.feed_epoch as f;
end;
$$;


ALTER FUNCTION lb.session_entries(p_session_id bigint) OWNER TO lb_owner;

--
-- Name: session_log(bigint, integer, bigint); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.session_log(p_user_id bigint, p_limit integer DEFAULT 20, p_before bigint DEFAULT NULL::bigint) RETURNS TABLE(session_id bigint, score integer, game_mode text, played_at timestamp with time zone, written_by text, held_by text, review text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
begin
    if p_user_id is null or p_user_id <= 0 then
        perform lb._invalid_argument('p_user_id', 'must be a positive integer', p_user_id::text);
    end if;
    if p_limit is null or p_limit not between 1 and lb._max_page() then
        perform lb._invalid_argument(
            'p_limit', format('must be an integer from 1 to %s', lb._max_page()), p_limit::text
        );
    end if;
    if not exists (select from lb.users as u where u.id = p_user_id) then
        raise exception using
            errcode = 'no_data_found',
            message = format('player %s does not exist', p_user_id),
            column = 'p_user_id';
    end if;
    return query
    select s.id, s.score, s.game_mode, s.played_at, s.written_by, s.held_by, s.review
    from lb.game_sessions as s
    where s.user_id = p_user_id and (p_before is null or s.id < p_before)
    order by s.played_at desc, s.id desc
    limit p_limit;
end;
$$;


ALTER FUNCTION lb.session_log(p_user_id bigint, p_limit integer, p_before bigint) OWNER TO lb_owner;

--
-- Name: shard_info(); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.shard_info() RETURNS TABLE(shard integer, shards integer)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    select c.shard, c.shards from lb.shard_config as c
$$;


ALTER FUNCTION lb.shard_info() OWNER TO lb_owner;

--
-- Name: shard_status(); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.shard_status() RETURNS TABLE(shard integer, up boolean, problem text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    select c.shard, true, null::text from lb.shard_config as c
$$;


ALTER FUNCTION lb.shard_status() OWNER TO lb_owner;

--
-- Name: submit_score(bigint, integer, text, text, text); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.submit_score(p_user_id bigint, p_score integer, p_game_mode text DEFAULT 'classic'::text, p_idempotency_key text DEFAULT NULL::text, p_actor text DEFAULT NULL::text) RETURNS TABLE(session_id bigint, user_id bigint, score integer, total_score bigint, held_by text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET plan_cache_mode TO 'force_generic_plan'
    AS $$
#variable_conflict use_column
declare
    v_prior lb.idempotency_keys%rowtype;
    v_session_id bigint;
    v_total bigint;
    v_now timestamptz;
    v_boards integer[];
    v_periods timestamptz[];
    v_ties timestamptz[];
    v_sums integer[];
    v_global integer;
    v_written integer[];
    v_may_skip boolean;
    v_held text;
begin
    if p_user_id is null or p_user_id <= 0 then
        perform lb._invalid_argument('p_user_id', 'must be a positive integer', p_user_id::text);
    end if;
    if p_score is null or p_score not between 0 and lb._max_score() then
        perform lb._invalid_argument(
            'p_score', format('must be an integer from 0 to %s', lb._max_score()), p_score::text
        );
    end if;
    if p_game_mode is null then
        perform lb._invalid_game_mode(p_game_mode);
    end if;
    if length(p_idempotency_key) not between 1 and lb._max_key_length() then
        perform lb._invalid_argument(
            'p_idempotency_key', format('must be 1 to %s characters', lb._max_key_length()),
            p_idempotency_key
        );
    end if;

    if p_idempotency_key is not null then
        if not exists (select from lb.game_modes as m where m.game_mode = p_game_mode) then
            perform lb._invalid_game_mode(p_game_mode);
        end if;
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
            return query select
                v_prior.session_id, v_prior.user_id, v_prior.score, v_prior.total_score,
                v_prior.held_by;
            return;
        end if;
    end if;

    -- The session first, if its player and mode exist (lb.game_modes is the list of modes;
    -- the session log has no foreign key to it: the KEY SHARE lock every insert would take on
    -- the mode's one row cost about 5% of write throughput). Its insert takes the ROW EXCLUSIVE
    -- lock on lb.game_sessions before the board list is read below: a backfill
    -- (lb.create_board) holds SHARE on it while it reads the log, so a submit either
    -- finishes before the backfill reads or reads the board list after the new board is
    -- committed. Either way its session counts once.
    v_now := lb._now();
    v_held := lb._broken_rule(p_user_id, p_score, p_game_mode, v_now);
    insert into lb.game_sessions (user_id, score, game_mode, played_at, written_by, held_by, review)
    select
        p_user_id, p_score, p_game_mode, v_now, lb._actor(p_actor), v_held,
        case when v_held is not null then 'held' end
    where
        exists (select from lb.users as u where u.id = p_user_id)
        and exists (select from lb.game_modes as m where m.game_mode = p_game_mode)
    returning id into v_session_id;
    if v_session_id is null then
        if not exists (select from lb.game_modes as m where m.game_mode = p_game_mode) then
            perform lb._invalid_game_mode(p_game_mode);
        end if;
        raise exception using
            errcode = 'no_data_found',
            message = format('player %s does not exist', p_user_id),
            column = 'p_user_id';
    end if;

    -- The boards that accept the session (read after the lock above, see there); none for a
    -- held session.
    select
        coalesce(array_agg(b.board_no), '{}'),
        array_agg(lb._period_of(b, v_now)),
        array_agg(case when b.tie_break = 'earliest' then v_now else '-infinity'::timestamptz end),
        coalesce(array_agg(b.board_no) filter (where b.aggregate = 'sum'), '{}'),
        min(b.board_no) filter (where b.board_id = 'global'),
        bool_or(b.aggregate = 'best') or p_score = 0
    into v_boards, v_periods, v_ties, v_sums, v_global, v_may_skip
    from lb.boards as b
    where
        v_held is null
        and b.enabled
        and (b.game_mode is null or b.game_mode = p_game_mode)
        and (b.starts_at is null or b.starts_at <= v_now)
        and (b.ends_at is null or v_now < b.ends_at);

    -- Every one of them in one statement; concurrent submits for a player queue on each entry
    -- and re-read it, so none is lost. Sum boards add (a 0 changes nothing, not even the
    -- change stamp, once the entry exists); best boards keep the higher score, or on
    -- 'earliest' boards the same score reached earlier. tie_at of a sum entry is the start of
    -- the latest session that raised it (the earliest, while it is 0), which a recompute from
    -- the log finds again whatever order sessions committed in. Board sets travel as arrays:
    -- a subquery per conflicting row cost more (measured with pgbench, 8 clients).
    -- Where the session may change nothing (a best board, or a score of 0), the rows it
    -- cannot change are left out before the upsert: ON CONFLICT DO UPDATE locks (and logs)
    -- the row even when its WHERE says no, which every non-improving submit on a best board
    -- would pay. Leaving a row out on this statement's snapshot is safe: values and tie times
    -- only ever move one way, so a row that cannot change now cannot later either. (A
    -- separate query for this cost 43 us a submit with four boards; inside, about a third.)
    if cardinality(v_boards) > 0 then
        with written as (
            insert into lb.board_entries as e (board_no, period_start, user_id, value, tie_at)
            select n.board_no, n.period_start, p_user_id, p_score, n.tie_at
            from unnest(v_boards, v_periods, v_ties) as n (board_no, period_start, tie_at)
            where
                not v_may_skip
                or not exists (
                    select
                    from lb.board_entries as o
                    where
                        o.board_no = n.board_no
                        and o.period_start = n.period_start
                        and o.user_id = p_user_id
                        and not (n.board_no = any(v_sums) and p_score > 0)
                        and not (p_score = o.value and n.tie_at < o.tie_at)
                        and not (n.board_no <> all(v_sums) and p_score > o.value)
                )
            -- Rows change in board order, so their deferred histogram moves run in board
            -- order at commit, and each locks its buckets in ascending order: two submits'
            -- commits can never wait on each other's buckets in a cycle.
            order by n.board_no
            on conflict (board_no, period_start, user_id) do update
                set
                    value = case
                        when e.board_no = any(v_sums) then e.value + excluded.value
                        else excluded.value
                    end,
                    tie_at = case
                        when e.board_no <> all(v_sums) then excluded.tie_at
                        when excluded.value = 0 then least(e.tie_at, excluded.tie_at)
                        when e.value = 0 then excluded.tie_at
                        else greatest(e.tie_at, excluded.tie_at)
                    end,
                    updated_at = clock_timestamp(),
                    changed_xid = pg_current_xact_id()
                where case
                    when e.board_no = any(v_sums)
                        then (excluded.value > 0 and e.value <= lb._max_value() - excluded.value)
                        or (excluded.value = 0 and e.value = 0 and excluded.tie_at < e.tie_at)
                    else excluded.value > e.value
                        or (excluded.value = e.value and excluded.tie_at < e.tie_at)
                end
            returning e.board_no, e.value
        )

        select
            array_agg(w.board_no),
            min(w.value) filter (where w.board_no = v_global)
        into v_written, v_total
        from written as w;
    end if;
    -- the global board left unchanged (a score of 0, a held session): its total as it is
    if v_total is null then
        select e.value into v_total
        from lb.board_entries as e
        where
            e.board_no = coalesce(v_global, (select b.board_no from lb.boards as b where b.board_id = 'global'))
            and e.period_start = '-infinity'
            and e.user_id = p_user_id;
        if v_held is not null then
            v_total := coalesce(v_total, 0);  -- held before any session counted
        end if;
    end if;

    -- a sum entry not written although the score adds something would pass lb._max_value()
    if v_held is null and p_score > 0 and not v_sums <@ coalesce(v_written, '{}') then
        perform lb._total_out_of_range(p_user_id, p_score, p_game_mode, v_now);
    end if;

    if p_idempotency_key is not null then
        -- with what lb.session_boards answers now (it sees this transaction's writes), so a
        -- retry gets the first answer
        insert into lb.idempotency_keys (
            idempotency_key, session_id, user_id, score, game_mode, total_score, boards, held_by
        ) values (
            p_idempotency_key, v_session_id, p_user_id, p_score, p_game_mode, v_total,
            lb.session_boards(v_session_id), v_held
        );
    end if;

    if v_held is null then
        perform lb._wake_bridge();
    end if;
    session_id := v_session_id;
    user_id := p_user_id;
    score := p_score;
    total_score := v_total;
    held_by := v_held;
    return next;
end;
$$;


ALTER FUNCTION lb.submit_score(p_user_id bigint, p_score integer, p_game_mode text, p_idempotency_key text, p_actor text) OWNER TO lb_owner;

--
-- Name: top_players(integer, integer, text, timestamp with time zone); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.top_players(p_limit integer DEFAULT 10, p_offset integer DEFAULT 0, p_board text DEFAULT 'global'::text, p_period timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS TABLE(rank bigint, user_id bigint, username text, total_score bigint, period_start timestamp with time zone, period_end timestamp with time zone)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
    v_board lb.boards;
    v_period timestamptz;
begin
    perform lb._check_page(p_limit, p_offset);
    v_board := lb._board(p_board);
    v_period := lb._resolve_period(v_board, p_period);
    -- Only the first row's rank needs the histogram: on shared boards a later row whose value
    -- differs from the row before it starts its tie group, so its rank is its position; on
    -- earliest boards every rank is a position.
    return query
    with page as (
        select
            e.user_id,
            e.value,
            e.tie_at,
            row_number() over (order by e.value desc, e.tie_at, e.user_id) as n
        from (
            select e.user_id, e.value, e.tie_at
            from lb.board_entries as e
            where e.board_no = v_board.board_no and e.period_start = v_period
            order by e.value desc, e.tie_at, e.user_id
            limit p_limit offset p_offset
        ) as e
    ),

    head as (
        select
            lb._rank_in_period(
                v_board.board_no, v_period, v_board.tie_break, p.value, p.tie_at, p.user_id
            ) as rank,
            p.value
        from page as p
        where p.n = 1 and v_board.tie_break = 'shared'
    )

    select
        case
            when v_board.tie_break = 'earliest' then p_offset + p.n
            when p.value = h.value then h.rank
            else p_offset + min(p.n) over (partition by p.value)
        end,
        p.user_id,
        u.username,
        p.value,
        nullif(v_period, '-infinity'),
        nullif(lb._period_end(v_board, v_period), 'infinity')
    from page as p
    left join head as h on true
    inner join lb.users as u on p.user_id = u.id
    order by p.n;
end;
$$;


ALTER FUNCTION lb.top_players(p_limit integer, p_offset integer, p_board text, p_period timestamp with time zone) OWNER TO lb_owner;

--
-- Name: update_board(text, boolean, integer, timestamp with time zone, text, text, text, text, text, timestamp with time zone, interval, timestamp without time zone); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.update_board(p_board text, p_enabled boolean DEFAULT NULL::boolean, p_retain_periods integer DEFAULT NULL::integer, p_ends_at timestamp with time zone DEFAULT NULL::timestamp with time zone, p_game_mode text DEFAULT NULL::text, p_aggregate text DEFAULT NULL::text, p_reset text DEFAULT NULL::text, p_time_zone text DEFAULT NULL::text, p_tie_break text DEFAULT NULL::text, p_starts_at timestamp with time zone DEFAULT NULL::timestamp with time zone, p_reset_every interval DEFAULT NULL::interval, p_reset_anchor timestamp without time zone DEFAULT NULL::timestamp without time zone) RETURNS SETOF lb.board_info
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
    v_board lb.boards;
    v_fixed text;
    v_next bigint;
begin
    v_board := lb._board(p_board);
    select f.name into v_fixed
    from (values
        (1, 'p_game_mode', p_game_mode is not null and p_game_mode is distinct from v_board.game_mode),
        (2, 'p_aggregate', p_aggregate is not null and p_aggregate is distinct from v_board.aggregate),
        (3, 'p_reset', p_reset is not null and p_reset is distinct from v_board.reset),
        (4, 'p_time_zone', p_time_zone is not null and p_time_zone is distinct from v_board.time_zone),
        (5, 'p_tie_break', p_tie_break is not null and p_tie_break is distinct from v_board.tie_break),
        (6, 'p_starts_at', p_starts_at is not null and p_starts_at is distinct from v_board.starts_at),
        (7, 'p_reset_every', p_reset_every is not null and p_reset_every is distinct from v_board.reset_every),
        (8, 'p_reset_anchor', p_reset_anchor is not null and p_reset_anchor is distinct from v_board.reset_anchor)
    ) as f (n, name, changed)
    where f.changed
    order by f.n
    limit 1;
    if v_fixed is not null then
        raise exception using
            errcode = 'invalid_parameter_value',
            message = format(
                '%s cannot be changed: it would change what the values of board %L mean; '
                'create a new board instead', v_fixed, v_board.board_id
            ),
            column = v_fixed;
    end if;
    if p_retain_periods is not null and p_retain_periods not between 0 and lb._max_retain_periods() then
        perform lb._invalid_argument(
            'p_retain_periods', format('must be an integer from 0 to %s', lb._max_retain_periods()),
            p_retain_periods::text
        );
    end if;
    if p_ends_at is not null and p_ends_at <> 'infinity' then
        perform lb._check_time('p_ends_at', p_ends_at);
        if p_ends_at < lb._now() then
            perform lb._invalid_argument(
                'p_ends_at', 'must not be in the past: sessions before it are already counted',
                p_ends_at::text
            );
        end if;
        if p_ends_at <= v_board.starts_at then
            perform lb._invalid_argument('p_ends_at', 'must be after the board''s starts_at', p_ends_at::text);
        end if;
    end if;
    if v_board.board_id = 'global' and (p_enabled is false or (p_ends_at is not null and p_ends_at <> 'infinity')) then
        perform lb._invalid_argument(
            case when p_enabled is false then 'p_enabled' else 'p_ends_at' end,
            'cannot be set on board ''global'', the default board, which counts every session',
            coalesce(p_enabled::text, p_ends_at::text)
        );
    end if;

    if p_enabled is distinct from v_board.enabled and p_enabled is not null then
        -- the sessions it counts start or stop here: with sessions locked against inserts,
        -- as lb.create_board takes them, so no session is counted without being recorded
        lock table lb.game_sessions in share mode;
        v_next := lb._next_session_id();
    end if;
    update lb.boards as b
    set
        counted_sessions = case
            when v_next is null then b.counted_sessions
            when p_enabled then b.counted_sessions + int8multirange(int8range(v_next, null))
            else b.counted_sessions - int8multirange(int8range(v_next, null))
        end,
        enabled = coalesce(p_enabled, b.enabled),
        retain_periods = coalesce(p_retain_periods, b.retain_periods),
        ends_at = case
            when p_ends_at is null then b.ends_at
            when p_ends_at = 'infinity' then null
            else p_ends_at
        end
    where b.board_no = v_board.board_no
    returning b.* into v_board;
    perform lb._check_board_range(v_board);
    perform lb._boards_changed();
    return next lb._describe_board(v_board);
end;
$$;


ALTER FUNCTION lb.update_board(p_board text, p_enabled boolean, p_retain_periods integer, p_ends_at timestamp with time zone, p_game_mode text, p_aggregate text, p_reset text, p_time_zone text, p_tie_break text, p_starts_at timestamp with time zone, p_reset_every interval, p_reset_anchor timestamp without time zone) OWNER TO lb_owner;

--
-- Name: update_rule(text, boolean, bigint, text); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.update_rule(p_rule_id text, p_enabled boolean DEFAULT NULL::boolean, p_threshold bigint DEFAULT NULL::bigint, p_actor text DEFAULT NULL::text) RETURNS TABLE(rule_id text, kind text, threshold bigint, game_mode text, board_id text, enabled boolean, created_at timestamp with time zone, created_by text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
#variable_conflict use_column
declare
    v_actor text := lb._actor(p_actor);
    v_before jsonb;
begin
    select to_jsonb(r) into v_before from lb.list_rules() as r where r.rule_id = p_rule_id;
    if v_before is null then
        perform lb._rule_not_found(p_rule_id);
    end if;
    if p_threshold is not null and p_threshold not between 0 and lb._max_value() then
        perform lb._invalid_argument(
            'p_threshold', format('must be an integer from 0 to %s', lb._max_value()), p_threshold::text
        );
    end if;
    update lb.rules as r
    set
        enabled = coalesce(p_enabled, r.enabled),
        threshold = coalesce(p_threshold, r.threshold)
    where r.rule_id = p_rule_id;
    perform lb._audit(
        v_actor, 'rule_updated', 'rule:' || p_rule_id, null,
        jsonb_build_object(
            'before', v_before,
            'after', (select to_jsonb(r) from lb.list_rules() as r where r.rule_id = p_rule_id)
        )
    );
    return query select * from lb.list_rules() as r where r.rule_id = p_rule_id;
end;
$$;


ALTER FUNCTION lb.update_rule(p_rule_id text, p_enabled boolean, p_threshold bigint, p_actor text) OWNER TO lb_owner;

--
-- Name: verify_board(text, timestamp with time zone); Type: FUNCTION; Schema: lb; Owner: lb_owner
--

CREATE FUNCTION lb.verify_board(p_board text, p_period timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS TABLE(kind text, period_start timestamp with time zone, user_id bigint, bucket bigint, expected bigint, found bigint)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
declare
    v_board lb.boards;
    v_from timestamptz;
    v_to timestamptz;
begin
    v_board := lb._board(p_board);
    select r.p_from, r.p_to into v_from, v_to from lb._readable_range(v_board, p_period) as r;
    return query
    select m.kind, nullif(m.period_start, '-infinity'), m.user_id, null::bigint, m.expected, m.found
    from lb._entry_mismatches(v_board, v_from, v_to) as m
    order by m.period_start, m.user_id;
    return query
    select 'histogram', nullif(h.period_start, '-infinity'), null::bigint, h.bucket, h.expected, h.found
    from lb._histogram_mismatches(v_board, v_from, v_to) as h
    order by h.period_start, h.bucket;
end;
$$;


ALTER FUNCTION lb.verify_board(p_board text, p_period timestamp with time zone) OWNER TO lb_owner;

--
-- Name: audit_log; Type: TABLE; Schema: lb; Owner: lb_owner
--

CREATE TABLE lb.audit_log (
    audit_id bigint NOT NULL,
    at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    actor text NOT NULL,
    action text NOT NULL,
    subject text,
    reason text,
    details jsonb DEFAULT '{}'::jsonb NOT NULL
);


ALTER TABLE lb.audit_log OWNER TO lb_owner;

--
-- Name: audit_log_audit_id_seq; Type: SEQUENCE; Schema: lb; Owner: lb_owner
--

ALTER TABLE lb.audit_log ALTER COLUMN audit_id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME lb.audit_log_audit_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: board_buckets; Type: TABLE; Schema: lb; Owner: lb_owner
--

CREATE TABLE lb.board_buckets (
    board_no integer NOT NULL,
    period_start timestamp with time zone NOT NULL,
    bucket bigint NOT NULL,
    players bigint NOT NULL,
    CONSTRAINT board_buckets_players_check CHECK ((players >= 0))
)
WITH (fillfactor='70');


ALTER TABLE lb.board_buckets OWNER TO lb_owner;

--
-- Name: board_entries; Type: TABLE; Schema: lb; Owner: lb_owner
--

CREATE TABLE lb.board_entries (
    period_start timestamp with time zone NOT NULL,
    user_id bigint NOT NULL,
    value bigint NOT NULL,
    tie_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    changed_xid xid8 DEFAULT pg_current_xact_id() NOT NULL,
    created_xid xid8 DEFAULT pg_current_xact_id(),
    board_no integer NOT NULL,
    CONSTRAINT board_entries_value_check CHECK (((value >= 0) AND (value <= '9007199254740991'::bigint)))
);


ALTER TABLE lb.board_entries OWNER TO lb_owner;

--
-- Name: boards_board_no_seq; Type: SEQUENCE; Schema: lb; Owner: lb_owner
--

ALTER TABLE lb.boards ALTER COLUMN board_no ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME lb.boards_board_no_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: feed_epoch; Type: TABLE; Schema: lb; Owner: lb_owner
--

CREATE TABLE lb.feed_epoch (
    singleton boolean DEFAULT true NOT NULL,
    epoch bigint NOT NULL,
    changed_at timestamp with time zone DEFAULT now() NOT NULL,
    boards_version bigint DEFAULT 1 NOT NULL,
    CONSTRAINT feed_epoch_singleton CHECK (singleton)
);


ALTER TABLE lb.feed_epoch OWNER TO lb_owner;

--
-- Name: game_modes; Type: TABLE; Schema: lb; Owner: lb_owner
--

CREATE TABLE lb.game_modes (
    game_mode text NOT NULL,
    ordinal integer NOT NULL,
    CONSTRAINT game_modes_game_mode_check CHECK ((game_mode ~ '^[a-z][a-z0-9_]{0,31}$'::text))
);


ALTER TABLE lb.game_modes OWNER TO lb_owner;

--
-- Name: game_modes_ordinal_seq; Type: SEQUENCE; Schema: lb; Owner: lb_owner
--

ALTER TABLE lb.game_modes ALTER COLUMN ordinal ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME lb.game_modes_ordinal_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: game_sessions_id_seq; Type: SEQUENCE; Schema: lb; Owner: lb_owner
--

ALTER TABLE lb.game_sessions ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME lb.game_sessions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: idempotency_keys; Type: TABLE; Schema: lb; Owner: lb_owner
--

CREATE TABLE lb.idempotency_keys (
    idempotency_key text NOT NULL,
    session_id bigint NOT NULL,
    user_id bigint NOT NULL,
    score integer NOT NULL,
    game_mode text NOT NULL,
    total_score bigint NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    boards jsonb,
    held_by text
);


ALTER TABLE lb.idempotency_keys OWNER TO lb_owner;

--
-- Name: rules; Type: TABLE; Schema: lb; Owner: lb_owner
--

CREATE TABLE lb.rules (
    rule_id text NOT NULL,
    kind text NOT NULL,
    game_mode text,
    board_no integer,
    threshold bigint NOT NULL,
    enabled boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    created_by text NOT NULL,
    CONSTRAINT rules_board_check CHECK (((kind = 'max_gain_per_period'::text) = (board_no IS NOT NULL))),
    CONSTRAINT rules_kind_check CHECK ((kind = ANY (ARRAY['max_score'::text, 'max_submits_per_minute'::text, 'max_gain_per_period'::text]))),
    CONSTRAINT rules_rule_id_check CHECK ((rule_id ~ '^[a-z0-9][a-z0-9_-]{0,39}$'::text)),
    CONSTRAINT rules_threshold_check CHECK ((threshold >= 0))
);


ALTER TABLE lb.rules OWNER TO lb_owner;

--
-- Name: server_keys; Type: TABLE; Schema: lb; Owner: lb_owner
--

CREATE TABLE lb.server_keys (
    name text NOT NULL,
    key_hash bytea NOT NULL,
    previous_hash bytea,
    previous_until timestamp with time zone,
    game_modes text[],
    created_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    created_by text NOT NULL,
    rotated_at timestamp with time zone,
    revoked_at timestamp with time zone,
    last_used_at timestamp with time zone,
    CONSTRAINT server_keys_hash_check CHECK ((octet_length(key_hash) = 32)),
    CONSTRAINT server_keys_name_check CHECK ((name ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'::text))
);


ALTER TABLE lb.server_keys OWNER TO lb_owner;

--
-- Name: users; Type: TABLE; Schema: lb; Owner: lb_owner
--

CREATE TABLE lb.users (
    id bigint NOT NULL,
    username text NOT NULL,
    join_date timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT users_username_check CHECK (((username !~ '[^A-Za-z0-9_.-]'::text) AND ((length(username) >= 1) AND (length(username) <= 50))))
);


ALTER TABLE lb.users OWNER TO lb_owner;

--
-- Name: users_id_seq; Type: SEQUENCE; Schema: lb; Owner: lb_owner
--

ALTER TABLE lb.users ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME lb.users_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: audit_log audit_log_pkey; Type: CONSTRAINT; Schema: lb; Owner: lb_owner
--

ALTER TABLE ONLY lb.audit_log
    ADD CONSTRAINT audit_log_pkey PRIMARY KEY (audit_id);


--
-- Name: board_buckets board_buckets_pkey; Type: CONSTRAINT; Schema: lb; Owner: lb_owner
--

ALTER TABLE ONLY lb.board_buckets
    ADD CONSTRAINT board_buckets_pkey PRIMARY KEY (board_no, period_start, bucket);


--
-- Name: board_entries board_entries_pkey; Type: CONSTRAINT; Schema: lb; Owner: lb_owner
--

ALTER TABLE ONLY lb.board_entries
    ADD CONSTRAINT board_entries_pkey PRIMARY KEY (board_no, period_start, user_id);


--
-- Name: boards boards_board_id_key; Type: CONSTRAINT; Schema: lb; Owner: lb_owner
--

ALTER TABLE ONLY lb.boards
    ADD CONSTRAINT boards_board_id_key UNIQUE (board_id);


--
-- Name: boards boards_pkey; Type: CONSTRAINT; Schema: lb; Owner: lb_owner
--

ALTER TABLE ONLY lb.boards
    ADD CONSTRAINT boards_pkey PRIMARY KEY (board_no);


--
-- Name: feed_epoch feed_epoch_pkey; Type: CONSTRAINT; Schema: lb; Owner: lb_owner
--

ALTER TABLE ONLY lb.feed_epoch
    ADD CONSTRAINT feed_epoch_pkey PRIMARY KEY (singleton);


--
-- Name: game_modes game_modes_pkey; Type: CONSTRAINT; Schema: lb; Owner: lb_owner
--

ALTER TABLE ONLY lb.game_modes
    ADD CONSTRAINT game_modes_pkey PRIMARY KEY (game_mode);


--
-- Name: game_sessions game_sessions_pkey; Type: CONSTRAINT; Schema: lb; Owner: lb_owner
--

ALTER TABLE ONLY lb.game_sessions
    ADD CONSTRAINT game_sessions_pkey PRIMARY KEY (id);


--
-- Name: idempotency_keys idempotency_keys_pkey; Type: CONSTRAINT; Schema: lb; Owner: lb_owner
--

ALTER TABLE ONLY lb.idempotency_keys
    ADD CONSTRAINT idempotency_keys_pkey PRIMARY KEY (idempotency_key);


--
-- Name: rules rules_pkey; Type: CONSTRAINT; Schema: lb; Owner: lb_owner
--

ALTER TABLE ONLY lb.rules
    ADD CONSTRAINT rules_pkey PRIMARY KEY (rule_id);


--
-- Name: server_keys server_keys_key_hash_key; Type: CONSTRAINT; Schema: lb; Owner: lb_owner
--

ALTER TABLE ONLY lb.server_keys
    ADD CONSTRAINT server_keys_key_hash_key UNIQUE (key_hash);


--
-- Name: server_keys server_keys_pkey; Type: CONSTRAINT; Schema: lb; Owner: lb_owner
--

ALTER TABLE ONLY lb.server_keys
    ADD CONSTRAINT server_keys_pkey PRIMARY KEY (name);


--
-- Name: server_keys server_keys_previous_hash_key; Type: CONSTRAINT; Schema: lb; Owner: lb_owner
--

ALTER TABLE ONLY lb.server_keys
    ADD CONSTRAINT server_keys_previous_hash_key UNIQUE (previous_hash);


--
-- Name: shard_config shard_config_pkey; Type: CONSTRAINT; Schema: lb; Owner: lb_owner
--

ALTER TABLE ONLY lb.shard_config
    ADD CONSTRAINT shard_config_pkey PRIMARY KEY (singleton);


--
-- Name: users users_pkey; Type: CONSTRAINT; Schema: lb; Owner: lb_owner
--

ALTER TABLE ONLY lb.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);


--
-- Name: audit_log_subject_idx; Type: INDEX; Schema: lb; Owner: lb_owner
--

CREATE INDEX audit_log_subject_idx ON lb.audit_log USING btree (subject, at DESC) WHERE (subject IS NOT NULL);


--
-- Name: board_entries_changed_xid_idx; Type: INDEX; Schema: lb; Owner: lb_owner
--

CREATE INDEX board_entries_changed_xid_idx ON lb.board_entries USING btree (changed_xid) WHERE (changed_xid <> '0'::xid8);


--
-- Name: board_entries_rank_idx; Type: INDEX; Schema: lb; Owner: lb_owner
--

CREATE INDEX board_entries_rank_idx ON lb.board_entries USING btree (board_no, period_start, value DESC, tie_at, user_id);


--
-- Name: game_sessions_held_idx; Type: INDEX; Schema: lb; Owner: lb_owner
--

CREATE INDEX game_sessions_held_idx ON lb.game_sessions USING btree (id) WHERE (review = 'held'::text);


--
-- Name: game_sessions_user_played_idx; Type: INDEX; Schema: lb; Owner: lb_owner
--

CREATE INDEX game_sessions_user_played_idx ON lb.game_sessions USING btree (user_id, played_at DESC);


--
-- Name: users_username_lower_key; Type: INDEX; Schema: lb; Owner: lb_owner
--

CREATE UNIQUE INDEX users_username_lower_key ON lb.users USING btree (lower(username));


--
-- Name: board_entries _500_histogram_on_insert; Type: TRIGGER; Schema: lb; Owner: lb_owner
--

CREATE CONSTRAINT TRIGGER _500_histogram_on_insert AFTER INSERT ON lb.board_entries DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN ((new.created_xid IS NOT NULL)) EXECUTE FUNCTION lb._on_entry_change();


--
-- Name: board_entries _500_histogram_on_update; Type: TRIGGER; Schema: lb; Owner: lb_owner
--

CREATE CONSTRAINT TRIGGER _500_histogram_on_update AFTER UPDATE OF value ON lb.board_entries DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN ((old.value IS DISTINCT FROM new.value)) EXECUTE FUNCTION lb._on_entry_change();


--
-- Name: audit_log audit_log_append_only; Type: TRIGGER; Schema: lb; Owner: lb_owner
--

CREATE TRIGGER audit_log_append_only BEFORE DELETE OR UPDATE ON lb.audit_log FOR EACH ROW EXECUTE FUNCTION lb._audit_log_append_only();


--
-- Name: audit_log audit_log_no_truncate; Type: TRIGGER; Schema: lb; Owner: lb_owner
--

CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON lb.audit_log FOR EACH STATEMENT EXECUTE FUNCTION lb._audit_log_append_only();


--
-- Name: boards boards_game_mode_fkey; Type: FK CONSTRAINT; Schema: lb; Owner: lb_owner
--

ALTER TABLE ONLY lb.boards
    ADD CONSTRAINT boards_game_mode_fkey FOREIGN KEY (game_mode) REFERENCES lb.game_modes(game_mode);


--
-- Name: game_sessions game_sessions_user_id_fkey; Type: FK CONSTRAINT; Schema: lb; Owner: lb_owner
--

ALTER TABLE ONLY lb.game_sessions
    ADD CONSTRAINT game_sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES lb.users(id);


--
-- Name: idempotency_keys idempotency_keys_session_id_fkey; Type: FK CONSTRAINT; Schema: lb; Owner: lb_owner
--

ALTER TABLE ONLY lb.idempotency_keys
    ADD CONSTRAINT idempotency_keys_session_id_fkey FOREIGN KEY (session_id) REFERENCES lb.game_sessions(id);


--
-- Name: rules rules_board_no_fkey; Type: FK CONSTRAINT; Schema: lb; Owner: lb_owner
--

ALTER TABLE ONLY lb.rules
    ADD CONSTRAINT rules_board_no_fkey FOREIGN KEY (board_no) REFERENCES lb.boards(board_no) ON DELETE CASCADE;


--
-- Name: rules rules_game_mode_fkey; Type: FK CONSTRAINT; Schema: lb; Owner: lb_owner
--

ALTER TABLE ONLY lb.rules
    ADD CONSTRAINT rules_game_mode_fkey FOREIGN KEY (game_mode) REFERENCES lb.game_modes(game_mode);


--
-- Name: SCHEMA lb; Type: ACL; Schema: -; Owner: lb_owner
--

GRANT USAGE ON SCHEMA lb TO lb_game_server;
GRANT USAGE ON SCHEMA lb TO lb_web;
GRANT USAGE ON SCHEMA lb TO lb_bridge;
GRANT USAGE ON SCHEMA lb TO lb_moderator;


--
-- Name: FUNCTION _actor(p_claimed text); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._actor(p_claimed text) FROM PUBLIC;


--
-- Name: FUNCTION _audit(p_actor text, p_action text, p_subject text, p_reason text, p_details jsonb); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._audit(p_actor text, p_action text, p_subject text, p_reason text, p_details jsonb) FROM PUBLIC;


--
-- Name: FUNCTION _audit_log_append_only(); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._audit_log_append_only() FROM PUBLIC;


--
-- Name: FUNCTION _max_reset_every(); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._max_reset_every() FROM PUBLIC;


--
-- Name: FUNCTION _max_time(); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._max_time() FROM PUBLIC;


--
-- Name: FUNCTION _min_time(); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._min_time() FROM PUBLIC;


--
-- Name: FUNCTION _board(p_board text); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._board(p_board text) FROM PUBLIC;


--
-- Name: FUNCTION _boards_changed(); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._boards_changed() FROM PUBLIC;


--
-- Name: FUNCTION _boards_json(p_boards text[], p_periods timestamp with time zone[], p_values bigint[]); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._boards_json(p_boards text[], p_periods timestamp with time zone[], p_values bigint[]) FROM PUBLIC;


--
-- Name: FUNCTION _broken_rule(p_user_id bigint, p_score integer, p_game_mode text, p_now timestamp with time zone); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._broken_rule(p_user_id bigint, p_score integer, p_game_mode text, p_now timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION _bucket_floor(p_bucket bigint); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._bucket_floor(p_bucket bigint) FROM PUBLIC;


--
-- Name: FUNCTION _bump_epoch(); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._bump_epoch() FROM PUBLIC;


--
-- Name: FUNCTION _check_board_range(p_board lb.boards); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._check_board_range(p_board lb.boards) FROM PUBLIC;


--
-- Name: FUNCTION _check_key_name(p_key_name text); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._check_key_name(p_key_name text) FROM PUBLIC;


--
-- Name: FUNCTION _check_page(p_limit integer, p_offset integer); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._check_page(p_limit integer, p_offset integer) FROM PUBLIC;


--
-- Name: FUNCTION _check_time(p_argument text, p_value timestamp with time zone); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._check_time(p_argument text, p_value timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION _describe_board(p_board lb.boards); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._describe_board(p_board lb.boards) FROM PUBLIC;


--
-- Name: FUNCTION _entry_mismatches(p_board lb.boards, p_from timestamp with time zone, p_to timestamp with time zone, p_users bigint[]); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._entry_mismatches(p_board lb.boards, p_from timestamp with time zone, p_to timestamp with time zone, p_users bigint[]) FROM PUBLIC;


--
-- Name: FUNCTION _expected_entries(p_board lb.boards, p_from timestamp with time zone, p_to timestamp with time zone, p_first_session bigint, p_users bigint[]); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._expected_entries(p_board lb.boards, p_from timestamp with time zone, p_to timestamp with time zone, p_first_session bigint, p_users bigint[]) FROM PUBLIC;


--
-- Name: FUNCTION _feed_lock_key(); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._feed_lock_key() FROM PUBLIC;


--
-- Name: FUNCTION _fill_board(p_board lb.boards, p_first_session bigint, p_from bigint, p_to bigint); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._fill_board(p_board lb.boards, p_first_session bigint, p_from bigint, p_to bigint) FROM PUBLIC;


--
-- Name: FUNCTION _histogram_mismatches(p_board lb.boards, p_from timestamp with time zone, p_to timestamp with time zone); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._histogram_mismatches(p_board lb.boards, p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION _interleave_audit_ids(p_shard integer, p_shards integer); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._interleave_audit_ids(p_shard integer, p_shards integer) FROM PUBLIC;


--
-- Name: FUNCTION _invalid_argument(p_argument text, p_rule text, p_got text); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._invalid_argument(p_argument text, p_rule text, p_got text) FROM PUBLIC;


--
-- Name: FUNCTION _invalid_game_mode(p_game_mode text); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._invalid_game_mode(p_game_mode text) FROM PUBLIC;


--
-- Name: FUNCTION _key_not_found(p_key_name text); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._key_not_found(p_key_name text) FROM PUBLIC;


--
-- Name: FUNCTION _max_key_length(); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._max_key_length() FROM PUBLIC;


--
-- Name: FUNCTION _max_page(); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._max_page() FROM PUBLIC;


--
-- Name: FUNCTION _max_radius(); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._max_radius() FROM PUBLIC;


--
-- Name: FUNCTION _max_retain_periods(); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._max_retain_periods() FROM PUBLIC;


--
-- Name: FUNCTION _max_score(); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._max_score() FROM PUBLIC;


--
-- Name: FUNCTION _max_username_length(); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._max_username_length() FROM PUBLIC;


--
-- Name: FUNCTION _max_value(); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._max_value() FROM PUBLIC;


--
-- Name: FUNCTION _moderated_session(p_session_id bigint); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._moderated_session(p_session_id bigint) FROM PUBLIC;


--
-- Name: FUNCTION _move_in_histogram(p_board_no integer, p_period timestamp with time zone, p_old_value bigint, p_new_value bigint); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._move_in_histogram(p_board_no integer, p_period timestamp with time zone, p_old_value bigint, p_new_value bigint) FROM PUBLIC;


--
-- Name: FUNCTION _new_key_secret(); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._new_key_secret() FROM PUBLIC;


--
-- Name: FUNCTION _next_session_id(); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._next_session_id() FROM PUBLIC;


--
-- Name: FUNCTION _now(); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._now() FROM PUBLIC;


--
-- Name: FUNCTION _on_entry_change(); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._on_entry_change() FROM PUBLIC;


--
-- Name: FUNCTION _period_end(p_board lb.boards, p_start timestamp with time zone); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._period_end(p_board lb.boards, p_start timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION _period_number(p_board lb.boards, p_at timestamp with time zone); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._period_number(p_board lb.boards, p_at timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION _period_of(p_board lb.boards, p_at timestamp with time zone); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._period_of(p_board lb.boards, p_at timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION _period_start(p_board lb.boards, p_period bigint); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._period_start(p_board lb.boards, p_period bigint) FROM PUBLIC;


--
-- Name: FUNCTION _rank_in_period(p_board_no integer, p_period timestamp with time zone, p_tie_break text, p_value bigint, p_tie_at timestamp with time zone, p_user_id bigint); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._rank_in_period(p_board_no integer, p_period timestamp with time zone, p_tie_break text, p_value bigint, p_tie_at timestamp with time zone, p_user_id bigint) FROM PUBLIC;


--
-- Name: FUNCTION _readable_range(p_board lb.boards, p_period timestamp with time zone, OUT p_from timestamp with time zone, OUT p_to timestamp with time zone); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._readable_range(p_board lb.boards, p_period timestamp with time zone, OUT p_from timestamp with time zone, OUT p_to timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION _resolve_period(p_board lb.boards, p_period timestamp with time zone); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._resolve_period(p_board lb.boards, p_period timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION _rule_not_found(p_rule_id text); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._rule_not_found(p_rule_id text) FROM PUBLIC;


--
-- Name: FUNCTION _score_bucket(p_value bigint); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._score_bucket(p_value bigint) FROM PUBLIC;


--
-- Name: FUNCTION _seed_drop_keys(); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._seed_drop_keys() FROM PUBLIC;


--
-- Name: FUNCTION _seed_rows(p_users integer, p_sessions integer); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._seed_rows(p_users integer, p_sessions integer) FROM PUBLIC;


--
-- Name: FUNCTION _seed_shard_rows(p_users integer, p_sessions integer, p_config lb.shard_config, p_first_user bigint, p_first_session bigint, p_salt bigint); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._seed_shard_rows(p_users integer, p_sessions integer, p_config lb.shard_config, p_first_user bigint, p_first_session bigint, p_salt bigint) FROM PUBLIC;


--
-- Name: FUNCTION _session_entries(p_session_id bigint); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._session_entries(p_session_id bigint) FROM PUBLIC;


--
-- Name: FUNCTION _setting_seconds(p_value text); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._setting_seconds(p_value text) FROM PUBLIC;


--
-- Name: FUNCTION _shard_around(p_board text, p_period_key timestamp with time zone, p_value bigint, p_tie_at timestamp with time zone, p_user_id bigint, p_radius integer); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._shard_around(p_board text, p_period_key timestamp with time zone, p_value bigint, p_tie_at timestamp with time zone, p_user_id bigint, p_radius integer) FROM PUBLIC;
GRANT ALL ON FUNCTION lb._shard_around(p_board text, p_period_key timestamp with time zone, p_value bigint, p_tie_at timestamp with time zone, p_user_id bigint, p_radius integer) TO lb_proxy;


--
-- Name: FUNCTION _shard_count_before(p_board text, p_period_key timestamp with time zone, p_values bigint[], p_tie_ats timestamp with time zone[], p_user_ids bigint[]); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._shard_count_before(p_board text, p_period_key timestamp with time zone, p_values bigint[], p_tie_ats timestamp with time zone[], p_user_ids bigint[]) FROM PUBLIC;
GRANT ALL ON FUNCTION lb._shard_count_before(p_board text, p_period_key timestamp with time zone, p_values bigint[], p_tie_ats timestamp with time zone[], p_user_ids bigint[]) TO lb_proxy;


--
-- Name: FUNCTION _shard_entry(p_user_id bigint, p_board text, p_period timestamp with time zone, p_around boolean, p_radius integer); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._shard_entry(p_user_id bigint, p_board text, p_period timestamp with time zone, p_around boolean, p_radius integer) FROM PUBLIC;
GRANT ALL ON FUNCTION lb._shard_entry(p_user_id bigint, p_board text, p_period timestamp with time zone, p_around boolean, p_radius integer) TO lb_proxy;


--
-- Name: FUNCTION _shard_of_name(p_username text, p_shards integer); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._shard_of_name(p_username text, p_shards integer) FROM PUBLIC;


--
-- Name: FUNCTION _shard_page(p_limit integer, p_offset integer, p_board text, p_period timestamp with time zone); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._shard_page(p_limit integer, p_offset integer, p_board text, p_period timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION lb._shard_page(p_limit integer, p_offset integer, p_board text, p_period timestamp with time zone) TO lb_proxy;


--
-- Name: FUNCTION _time_range_rule(); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._time_range_rule() FROM PUBLIC;


--
-- Name: FUNCTION _total_out_of_range(p_user_id bigint, p_score integer, p_game_mode text, p_at timestamp with time zone); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._total_out_of_range(p_user_id bigint, p_score integer, p_game_mode text, p_at timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION _wake_bridge(); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb._wake_bridge() FROM PUBLIC;


--
-- Name: FUNCTION approve_session(p_session_id bigint, p_reason text, p_actor text); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.approve_session(p_session_id bigint, p_reason text, p_actor text) FROM PUBLIC;
GRANT ALL ON FUNCTION lb.approve_session(p_session_id bigint, p_reason text, p_actor text) TO lb_moderator;
GRANT ALL ON FUNCTION lb.approve_session(p_session_id bigint, p_reason text, p_actor text) TO lb_web;


--
-- Name: FUNCTION audit_entries(p_subject text, p_action text, p_since timestamp with time zone, p_limit integer, p_before bigint); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.audit_entries(p_subject text, p_action text, p_since timestamp with time zone, p_limit integer, p_before bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION lb.audit_entries(p_subject text, p_action text, p_since timestamp with time zone, p_limit integer, p_before bigint) TO lb_moderator;
GRANT ALL ON FUNCTION lb.audit_entries(p_subject text, p_action text, p_since timestamp with time zone, p_limit integer, p_before bigint) TO lb_web;


--
-- Name: FUNCTION authenticate_key(p_key_hash bytea, p_game_mode text); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.authenticate_key(p_key_hash bytea, p_game_mode text) FROM PUBLIC;
GRANT ALL ON FUNCTION lb.authenticate_key(p_key_hash bytea, p_game_mode text) TO lb_web;


--
-- Name: FUNCTION board_entry_periods(p_board_no integer); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.board_entry_periods(p_board_no integer) FROM PUBLIC;
GRANT ALL ON FUNCTION lb.board_entry_periods(p_board_no integer) TO lb_bridge;


--
-- Name: FUNCTION board_periods(p_board text); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.board_periods(p_board text) FROM PUBLIC;
GRANT ALL ON FUNCTION lb.board_periods(p_board text) TO lb_game_server;
GRANT ALL ON FUNCTION lb.board_periods(p_board text) TO lb_web;


--
-- Name: FUNCTION boards(); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.boards() FROM PUBLIC;
GRANT ALL ON FUNCTION lb.boards() TO lb_game_server;
GRANT ALL ON FUNCTION lb.boards() TO lb_web;


--
-- Name: FUNCTION claim_feed(); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.claim_feed() FROM PUBLIC;
GRANT ALL ON FUNCTION lb.claim_feed() TO lb_bridge;


--
-- Name: FUNCTION clear_all(); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.clear_all() FROM PUBLIC;
GRANT ALL ON FUNCTION lb.clear_all() TO lb_web;


--
-- Name: FUNCTION configure_shard(p_shard integer, p_shards integer); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.configure_shard(p_shard integer, p_shards integer) FROM PUBLIC;


--
-- Name: FUNCTION create_board(p_board_id text, p_game_mode text, p_aggregate text, p_reset text, p_time_zone text, p_tie_break text, p_retain_periods integer, p_reset_every interval, p_reset_anchor timestamp without time zone, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_enabled boolean, p_backfill boolean); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.create_board(p_board_id text, p_game_mode text, p_aggregate text, p_reset text, p_time_zone text, p_tie_break text, p_retain_periods integer, p_reset_every interval, p_reset_anchor timestamp without time zone, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_enabled boolean, p_backfill boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION lb.create_board(p_board_id text, p_game_mode text, p_aggregate text, p_reset text, p_time_zone text, p_tie_break text, p_retain_periods integer, p_reset_every interval, p_reset_anchor timestamp without time zone, p_starts_at timestamp with time zone, p_ends_at timestamp with time zone, p_enabled boolean, p_backfill boolean) TO lb_web;


--
-- Name: FUNCTION create_key(p_key_name text, p_game_modes text[], p_actor text); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.create_key(p_key_name text, p_game_modes text[], p_actor text) FROM PUBLIC;
GRANT ALL ON FUNCTION lb.create_key(p_key_name text, p_game_modes text[], p_actor text) TO lb_moderator;


--
-- Name: FUNCTION create_player(p_username text); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.create_player(p_username text) FROM PUBLIC;
GRANT ALL ON FUNCTION lb.create_player(p_username text) TO lb_game_server;


--
-- Name: FUNCTION create_rule(p_rule_id text, p_kind text, p_threshold bigint, p_game_mode text, p_board text, p_actor text); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.create_rule(p_rule_id text, p_kind text, p_threshold bigint, p_game_mode text, p_board text, p_actor text) FROM PUBLIC;
GRANT ALL ON FUNCTION lb.create_rule(p_rule_id text, p_kind text, p_threshold bigint, p_game_mode text, p_board text, p_actor text) TO lb_moderator;
GRANT ALL ON FUNCTION lb.create_rule(p_rule_id text, p_kind text, p_threshold bigint, p_game_mode text, p_board text, p_actor text) TO lb_web;


--
-- Name: FUNCTION delete_board(p_board text); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.delete_board(p_board text) FROM PUBLIC;
GRANT ALL ON FUNCTION lb.delete_board(p_board text) TO lb_web;


--
-- Name: FUNCTION delete_rule(p_rule_id text, p_actor text); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.delete_rule(p_rule_id text, p_actor text) FROM PUBLIC;
GRANT ALL ON FUNCTION lb.delete_rule(p_rule_id text, p_actor text) TO lb_moderator;
GRANT ALL ON FUNCTION lb.delete_rule(p_rule_id text, p_actor text) TO lb_web;


--
-- Name: FUNCTION enforce_limits(); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.enforce_limits() FROM PUBLIC;
GRANT ALL ON FUNCTION lb.enforce_limits() TO lb_bridge;


--
-- Name: FUNCTION feed_boards(); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.feed_boards() FROM PUBLIC;
GRANT ALL ON FUNCTION lb.feed_boards() TO lb_bridge;


--
-- Name: FUNCTION feed_position(); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.feed_position() FROM PUBLIC;
GRANT ALL ON FUNCTION lb.feed_position() TO lb_bridge;


--
-- Name: FUNCTION has_players(); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.has_players() FROM PUBLIC;
GRANT ALL ON FUNCTION lb.has_players() TO lb_proxy;


--
-- Name: FUNCTION held_sessions(p_rule_id text, p_game_mode text, p_user_id bigint, p_since timestamp with time zone, p_limit integer, p_after bigint); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.held_sessions(p_rule_id text, p_game_mode text, p_user_id bigint, p_since timestamp with time zone, p_limit integer, p_after bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION lb.held_sessions(p_rule_id text, p_game_mode text, p_user_id bigint, p_since timestamp with time zone, p_limit integer, p_after bigint) TO lb_moderator;
GRANT ALL ON FUNCTION lb.held_sessions(p_rule_id text, p_game_mode text, p_user_id bigint, p_since timestamp with time zone, p_limit integer, p_after bigint) TO lb_web;


--
-- Name: FUNCTION limits(); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.limits() FROM PUBLIC;
GRANT ALL ON FUNCTION lb.limits() TO lb_game_server;
GRANT ALL ON FUNCTION lb.limits() TO lb_web;
GRANT ALL ON FUNCTION lb.limits() TO lb_bridge;


--
-- Name: FUNCTION list_keys(); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.list_keys() FROM PUBLIC;
GRANT ALL ON FUNCTION lb.list_keys() TO lb_moderator;


--
-- Name: FUNCTION list_rules(); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.list_rules() FROM PUBLIC;
GRANT ALL ON FUNCTION lb.list_rules() TO lb_moderator;
GRANT ALL ON FUNCTION lb.list_rules() TO lb_web;


--
-- Name: FUNCTION player_names(p_user_ids bigint[]); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.player_names(p_user_ids bigint[]) FROM PUBLIC;
GRANT ALL ON FUNCTION lb.player_names(p_user_ids bigint[]) TO lb_web;


--
-- Name: FUNCTION player_rank(p_user_id bigint, p_board text, p_period timestamp with time zone); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.player_rank(p_user_id bigint, p_board text, p_period timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION lb.player_rank(p_user_id bigint, p_board text, p_period timestamp with time zone) TO lb_game_server;
GRANT ALL ON FUNCTION lb.player_rank(p_user_id bigint, p_board text, p_period timestamp with time zone) TO lb_web;


--
-- Name: FUNCTION player_sessions(p_user_id bigint, p_limit integer); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.player_sessions(p_user_id bigint, p_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION lb.player_sessions(p_user_id bigint, p_limit integer) TO lb_web;


--
-- Name: FUNCTION players_around(p_user_id bigint, p_radius integer, p_board text, p_period timestamp with time zone); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.players_around(p_user_id bigint, p_radius integer, p_board text, p_period timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION lb.players_around(p_user_id bigint, p_radius integer, p_board text, p_period timestamp with time zone) TO lb_web;


--
-- Name: FUNCTION poll_changes(p_since pg_snapshot, p_boards integer[]); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.poll_changes(p_since pg_snapshot, p_boards integer[]) FROM PUBLIC;
GRANT ALL ON FUNCTION lb.poll_changes(p_since pg_snapshot, p_boards integer[]) TO lb_bridge;


--
-- Name: FUNCTION prune_periods(); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.prune_periods() FROM PUBLIC;
GRANT ALL ON FUNCTION lb.prune_periods() TO lb_bridge;


--
-- Name: FUNCTION read_board(p_board_no integer, p_period timestamp with time zone, p_with_names boolean); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.read_board(p_board_no integer, p_period timestamp with time zone, p_with_names boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION lb.read_board(p_board_no integer, p_period timestamp with time zone, p_with_names boolean) TO lb_bridge;


--
-- Name: FUNCTION read_changes(p_since pg_snapshot, p_boards integer[]); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.read_changes(p_since pg_snapshot, p_boards integer[]) FROM PUBLIC;
GRANT ALL ON FUNCTION lb.read_changes(p_since pg_snapshot, p_boards integer[]) TO lb_bridge;


--
-- Name: FUNCTION read_entries(p_board_no integer, p_period timestamp with time zone, p_users bigint[]); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.read_entries(p_board_no integer, p_period timestamp with time zone, p_users bigint[]) FROM PUBLIC;
GRANT ALL ON FUNCTION lb.read_entries(p_board_no integer, p_period timestamp with time zone, p_users bigint[]) TO lb_bridge;
GRANT ALL ON FUNCTION lb.read_entries(p_board_no integer, p_period timestamp with time zone, p_users bigint[]) TO lb_web;


--
-- Name: FUNCTION recompute_board(p_board text, p_period timestamp with time zone); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.recompute_board(p_board text, p_period timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION lb.recompute_board(p_board text, p_period timestamp with time zone) TO lb_web;


--
-- Name: FUNCTION reject_session(p_session_id bigint, p_reason text, p_actor text); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.reject_session(p_session_id bigint, p_reason text, p_actor text) FROM PUBLIC;
GRANT ALL ON FUNCTION lb.reject_session(p_session_id bigint, p_reason text, p_actor text) TO lb_moderator;
GRANT ALL ON FUNCTION lb.reject_session(p_session_id bigint, p_reason text, p_actor text) TO lb_web;


--
-- Name: FUNCTION release_feed(); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.release_feed() FROM PUBLIC;
GRANT ALL ON FUNCTION lb.release_feed() TO lb_bridge;


--
-- Name: FUNCTION repair_board(p_board text, p_period timestamp with time zone); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.repair_board(p_board text, p_period timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION lb.repair_board(p_board text, p_period timestamp with time zone) TO lb_web;


--
-- Name: FUNCTION repair_histogram(p_board text, p_period timestamp with time zone); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.repair_histogram(p_board text, p_period timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION lb.repair_histogram(p_board text, p_period timestamp with time zone) TO lb_web;


--
-- Name: FUNCTION revoke_key(p_key_name text, p_actor text); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.revoke_key(p_key_name text, p_actor text) FROM PUBLIC;
GRANT ALL ON FUNCTION lb.revoke_key(p_key_name text, p_actor text) TO lb_moderator;


--
-- Name: FUNCTION rotate_key(p_key_name text, p_grace interval, p_actor text); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.rotate_key(p_key_name text, p_grace interval, p_actor text) FROM PUBLIC;
GRANT ALL ON FUNCTION lb.rotate_key(p_key_name text, p_grace interval, p_actor text) TO lb_moderator;


--
-- Name: FUNCTION schema_migrations(); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.schema_migrations() FROM PUBLIC;
GRANT ALL ON FUNCTION lb.schema_migrations() TO lb_web;
GRANT ALL ON FUNCTION lb.schema_migrations() TO lb_bridge;


--
-- Name: FUNCTION seed(p_users integer, p_sessions integer, p_random_seed double precision); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.seed(p_users integer, p_sessions integer, p_random_seed double precision) FROM PUBLIC;
GRANT ALL ON FUNCTION lb.seed(p_users integer, p_sessions integer, p_random_seed double precision) TO lb_web;


--
-- Name: FUNCTION session_boards(p_session_id bigint, p_idempotency_key text); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.session_boards(p_session_id bigint, p_idempotency_key text) FROM PUBLIC;
GRANT ALL ON FUNCTION lb.session_boards(p_session_id bigint, p_idempotency_key text) TO lb_game_server;
GRANT ALL ON FUNCTION lb.session_boards(p_session_id bigint, p_idempotency_key text) TO lb_web;


--
-- Name: FUNCTION session_entries(p_session_id bigint); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.session_entries(p_session_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION lb.session_entries(p_session_id bigint) TO lb_web;


--
-- Name: FUNCTION session_log(p_user_id bigint, p_limit integer, p_before bigint); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.session_log(p_user_id bigint, p_limit integer, p_before bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION lb.session_log(p_user_id bigint, p_limit integer, p_before bigint) TO lb_moderator;
GRANT ALL ON FUNCTION lb.session_log(p_user_id bigint, p_limit integer, p_before bigint) TO lb_web;


--
-- Name: FUNCTION shard_info(); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.shard_info() FROM PUBLIC;
GRANT ALL ON FUNCTION lb.shard_info() TO lb_game_server;
GRANT ALL ON FUNCTION lb.shard_info() TO lb_web;
GRANT ALL ON FUNCTION lb.shard_info() TO lb_bridge;


--
-- Name: FUNCTION shard_status(); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.shard_status() FROM PUBLIC;
GRANT ALL ON FUNCTION lb.shard_status() TO lb_web;


--
-- Name: FUNCTION submit_score(p_user_id bigint, p_score integer, p_game_mode text, p_idempotency_key text, p_actor text); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.submit_score(p_user_id bigint, p_score integer, p_game_mode text, p_idempotency_key text, p_actor text) FROM PUBLIC;
GRANT ALL ON FUNCTION lb.submit_score(p_user_id bigint, p_score integer, p_game_mode text, p_idempotency_key text, p_actor text) TO lb_game_server;
GRANT ALL ON FUNCTION lb.submit_score(p_user_id bigint, p_score integer, p_game_mode text, p_idempotency_key text, p_actor text) TO lb_web;


--
-- Name: FUNCTION top_players(p_limit integer, p_offset integer, p_board text, p_period timestamp with time zone); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.top_players(p_limit integer, p_offset integer, p_board text, p_period timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION lb.top_players(p_limit integer, p_offset integer, p_board text, p_period timestamp with time zone) TO lb_game_server;
GRANT ALL ON FUNCTION lb.top_players(p_limit integer, p_offset integer, p_board text, p_period timestamp with time zone) TO lb_web;


--
-- Name: FUNCTION update_board(p_board text, p_enabled boolean, p_retain_periods integer, p_ends_at timestamp with time zone, p_game_mode text, p_aggregate text, p_reset text, p_time_zone text, p_tie_break text, p_starts_at timestamp with time zone, p_reset_every interval, p_reset_anchor timestamp without time zone); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.update_board(p_board text, p_enabled boolean, p_retain_periods integer, p_ends_at timestamp with time zone, p_game_mode text, p_aggregate text, p_reset text, p_time_zone text, p_tie_break text, p_starts_at timestamp with time zone, p_reset_every interval, p_reset_anchor timestamp without time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION lb.update_board(p_board text, p_enabled boolean, p_retain_periods integer, p_ends_at timestamp with time zone, p_game_mode text, p_aggregate text, p_reset text, p_time_zone text, p_tie_break text, p_starts_at timestamp with time zone, p_reset_every interval, p_reset_anchor timestamp without time zone) TO lb_web;


--
-- Name: FUNCTION update_rule(p_rule_id text, p_enabled boolean, p_threshold bigint, p_actor text); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.update_rule(p_rule_id text, p_enabled boolean, p_threshold bigint, p_actor text) FROM PUBLIC;
GRANT ALL ON FUNCTION lb.update_rule(p_rule_id text, p_enabled boolean, p_threshold bigint, p_actor text) TO lb_moderator;
GRANT ALL ON FUNCTION lb.update_rule(p_rule_id text, p_enabled boolean, p_threshold bigint, p_actor text) TO lb_web;


--
-- Name: FUNCTION verify_board(p_board text, p_period timestamp with time zone); Type: ACL; Schema: lb; Owner: lb_owner
--

REVOKE ALL ON FUNCTION lb.verify_board(p_board text, p_period timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION lb.verify_board(p_board text, p_period timestamp with time zone) TO lb_web;
GRANT ALL ON FUNCTION lb.verify_board(p_board text, p_period timestamp with time zone) TO lb_bridge;


--
-- PostgreSQL database dump complete
--
