-- Admin: create a board. It counts the sessions submitted from its creation on, while it is
-- enabled (lb.update_board), or with p_backfill also every session of the log before it. reset is never, daily, weekly (ISO weeks from Monday 00:00),
-- monthly, or fixed: periods of p_reset_every (whole days on the board's calendar, or a
-- duration under a day) counted from p_reset_anchor, a local time in p_time_zone (default
-- 1970-01-05 00:00, a Monday). With p_backfill the board's readable periods are filled from
-- the session log in this transaction, which first locks sessions against inserts: submits
-- wait until it commits (none is lost or counted twice), so a backfill of a large board
-- holds writes for as long as it runs.
create or replace function lb.create_board(
    p_board_id text,
    p_game_mode text default null,
    p_aggregate text default 'sum',
    p_reset text default 'never',
    p_time_zone text default 'UTC',
    p_tie_break text default 'shared',
    p_retain_periods integer default 8,
    p_reset_every interval default null,
    p_reset_anchor timestamp default null,
    p_starts_at timestamptz default null,
    p_ends_at timestamptz default null,
    p_enabled boolean default true,
    p_backfill boolean default false
)
returns setof lb.board_info
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
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
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.create_board from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.create_board to lb_web;
