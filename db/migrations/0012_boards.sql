-- Purpose: many leaderboards. Game modes become rows of lb.game_modes; a board is a row of
-- lb.boards (which sessions it counts, sum or best, when it resets, how ties rank); its values
-- live in lb.board_entries keyed by (board, period, player), and the rank histogram becomes
-- per board and period. A period is part of the key: a reset is the next period starting,
-- nothing is deleted then. The `global` board (all modes, sum, never reset, shared ties) takes
-- over today's totals from lb.leaderboard, which is dropped.
set local role lb_owner;

create table lb.game_modes (
    game_mode text primary key,
    -- the order errors and lists show them in
    ordinal integer generated always as identity,
    constraint game_modes_game_mode_check check (game_mode ~ '^[a-z][a-z0-9_]{0,31}$')
);

insert into lb.game_modes (game_mode) values ('classic'), ('ranked'), ('casual'), ('tournament');

-- lb.submit_score checks a session's mode against lb.game_modes; no foreign key from the log:
-- the KEY SHARE lock each insert takes on its mode's row (one of four, shared by every
-- writer) cost about 5% of write throughput with 8 writers. lb.boards references the modes.
alter table lb.game_sessions drop constraint game_sessions_game_mode_check;

create table lb.boards (
    -- internal and never reused, so a board deleted and created again under the same id
    -- cannot be mistaken for the old one (its Redis index carries the number)
    board_no integer generated always as identity primary key,
    board_id text not null,
    game_mode text references lb.game_modes (game_mode),
    aggregate text not null,
    reset text not null,
    -- reset = 'fixed': periods of reset_every from reset_anchor (local time in time_zone)
    reset_every interval,
    reset_anchor timestamp,
    time_zone text not null,
    tie_break text not null,
    retain_periods integer not null,
    starts_at timestamptz,
    ends_at timestamptz,
    enabled boolean not null default true,
    -- bumped when a board's values are rewritten (recompute, backfill): bridges rebuild it
    epoch bigint not null default 1,
    created_at timestamptz not null default now(),
    constraint boards_board_id_key unique (board_id),
    constraint boards_board_id_check check (board_id ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
    constraint boards_aggregate_check check (aggregate in ('sum', 'best')),
    constraint boards_reset_check check (reset in ('never', 'daily', 'weekly', 'monthly', 'fixed')),
    constraint boards_fixed_check check (
        (reset = 'fixed') = (reset_every is not null and reset_anchor is not null)
    ),
    constraint boards_tie_break_check check (tie_break in ('shared', 'earliest')),
    constraint boards_retain_periods_check check (retain_periods between 0 and 1000),
    constraint boards_window_check check (starts_at < ends_at)
);

-- One row per (board, period, player) that has a value. Like lb.leaderboard before it, each row
-- is its own change record: changed_xid stamps the last writer, so the record is bounded by
-- the number of entries and always holds the absolute value; rows written in bulk (seed,
-- backfill, recompute) carry 0, since each bulk write moves an epoch and bridges rebuild the
-- board from scratch instead of reading it as changes. No foreign key to lb.users: entries
-- derive from the session log, which has one, and lb.submit_score checks the player first;
-- validating it cost 1.3 s of a seed with four boards, and every first entry of a period
-- paid a KEY SHARE lock on the player's row. tie_at orders equal values on
-- boards that break ties by time ('earliest'); on 'shared' boards it is -infinity, so one
-- index order, (value desc, tie_at, user_id), is right for both. board_no is last: it packs
-- after the 8-byte columns without padding.
create table lb.board_entries (
    period_start timestamptz not null,
    user_id bigint not null,
    value bigint not null,
    tie_at timestamptz not null,
    updated_at timestamptz not null default clock_timestamp(),
    changed_xid xid8 not null default pg_current_xact_id(),
    -- null for rows written in bulk (seed, backfill): those maintain the histogram themselves
    -- and bump an epoch, so bridges rebuild and learn every username anyway
    created_xid xid8 default pg_current_xact_id(),
    board_no integer not null,
    constraint board_entries_pkey primary key (board_no, period_start, user_id),
    -- 2^53-1: Redis scores are doubles, which hold every integer up to here exactly
    constraint board_entries_value_check check (value between 0 and 9007199254740991)
);

-- serves pages, ranks and neighbours: the board's order within one period
create index board_entries_rank_idx
on lb.board_entries (board_no, period_start, value desc, tie_at, user_id);
-- serves lb.read_changes: rows stamped at or after a snapshot's xmax, or by its in-progress xids;
-- partial, so a bulk load (changed_xid 0: 6.2M rows in a seed with four boards) adds nothing
create index board_entries_changed_xid_idx on lb.board_entries (changed_xid)
where changed_xid <> '0';

-- A rank sums the players of every bucket above one. Bulk loads insert a board-period's rows
-- in key order, so that sum reads a few neighbouring pages (scattered, it visited 462 pages
-- for 1,755 buckets at 1M players), and the fill factor leaves room for the +1/-1 updates
-- of every commit to stay on their page (HOT). players is not in the key (a covering key
-- would make every such update write an index entry too).
create table lb.board_buckets (
    board_no integer not null,
    period_start timestamptz not null,
    -- lb._score_bucket(value)
    bucket bigint not null,
    players bigint not null,
    constraint board_buckets_pkey primary key (board_no, period_start, bucket),
    constraint board_buckets_players_check check (players >= 0)
) with (fillfactor = 70);

-- A board as lb.boards(), lb.create_board and lb.update_board return it: the definition, the
-- current period (null bounds for an all-time board), the next reset, the current period's
-- player count. One type, so those functions cannot disagree on the shape.
create type lb.board_info as (
    board_id text,
    game_mode text,
    aggregate text,
    reset text,
    reset_every interval,
    reset_anchor timestamp,
    time_zone text,
    tie_break text,
    retain_periods integer,
    starts_at timestamptz,
    ends_at timestamptz,
    enabled boolean,
    period_start timestamptz,
    period_end timestamptz,
    next_reset_at timestamptz,
    players bigint,
    created_at timestamptz
);

-- what a keyed submit counted on each board, so a retry answers exactly what the first did
alter table lb.idempotency_keys add column boards jsonb;

-- bumped by every change to lb.boards: a bridge reloads the board list when it moves
alter table lb.feed_epoch add column boards_version bigint not null default 1;

insert into lb.boards (board_id, aggregate, reset, time_zone, tie_break, retain_periods)
values ('global', 'sum', 'never', 'UTC', 'shared', 8);

-- today's totals become the global board's; created_xid null: moved in bulk, histogram below
insert into lb.board_entries (
    board_no, period_start, user_id, value, tie_at, updated_at, changed_xid, created_xid
)
select
    b.board_no,
    '-infinity' as period_start,
    l.user_id,
    l.total_score as value,
    '-infinity' as tie_at,
    l.updated_at,
    l.changed_xid,
    null as created_xid
from lb.leaderboard as l
cross join lb.boards as b
where b.board_id = 'global';

-- The histogram is counted again: buckets change from fixed 10,000-point widths to three
-- significant digits (see db/functions/_score_bucket.sql, which takes over this definition;
-- dropped first: its argument is renamed).
drop function if exists lb._score_bucket(bigint);
create function lb._score_bucket(p_value bigint)
returns bigint
language sql
immutable
parallel safe
return case
    when p_value < 1000 then p_value
    else
        1000 + (length(p_value::text) - 4) * 900
        + p_value / power(10, length(p_value::text) - 3)::bigint - 100
end;

insert into lb.board_buckets (board_no, period_start, bucket, players)
select
    e.board_no,
    e.period_start,
    lb._score_bucket(e.value) as bucket,
    count(*) as players
from lb.board_entries as e
group by e.board_no, e.period_start, lb._score_bucket(e.value)
order by e.board_no, e.period_start, bucket;

-- The histogram follows every value change at commit, as lb.leaderboard's did (0005): deferred,
-- so bucket rows are locked only while a transaction commits. Rows inserted in bulk
-- (created_xid null) are counted by the bulk operation itself: a row trigger per row would
-- queue millions of deferred events. security definer: it fires at COMMIT, outside the
-- function that wrote the row, as the session's own role (see 0008).
create function lb._on_entry_change()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    perform lb._move_in_histogram(
        new.board_no, new.period_start, case when tg_op = 'UPDATE' then old.value end, new.value
    );
    return null;
end;
$$;

create constraint trigger _500_histogram_on_insert
after insert on lb.board_entries
deferrable initially deferred
for each row
when (new.created_xid is not null)
execute function lb._on_entry_change();

create constraint trigger _500_histogram_on_update
after update of value on lb.board_entries
deferrable initially deferred
for each row
when (old.value is distinct from new.value)
execute function lb._on_entry_change();

drop table lb.leaderboard;
drop table lb.score_buckets;
drop function lb._on_total_change();

-- signatures and result types that change; db/functions recreates them in the same upgrade
drop function if exists lb.top_players(integer, integer);
drop function if exists lb.player_rank(bigint);
drop function if exists lb.players_around(bigint, integer);
drop function if exists lb.read_changes(pg_snapshot);
drop function if exists lb.poll_changes(pg_snapshot);
drop function if exists lb.feed_position();
drop function if exists lb._move_in_histogram(bigint, bigint);
drop function if exists lb._rank_of_total(bigint);
