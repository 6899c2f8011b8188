-- Purpose: plausibility rules and the held queue, "flag, don't drop" (issue 24, section 2).
--
-- * lb.rules: per game mode (or every mode), and for a period's gain per board: the highest
--   score a session may have, how many submits a player may make in a minute, and how much a
--   player may gain in one period of a periodic sum board.
-- * A session that breaks a rule is recorded all the same, but held: game_sessions.held_by
--   names the rule, review is 'held', and it counts on no board (lb._expected_entries and
--   lb._session_entries, the one definition of what a session counts on, leave it out) until
--   a moderator approves it ('approved': it then counts as if accepted when it was played)
--   or rejects it ('rejected': it stays in the log, counted nowhere).
-- * The idempotency record keeps held_by, so a retry of a held submit answers the same.
-- * lb.submit_score returns held_by: a new result type (dropped here, created again from
--   db/functions in the same transaction).
-- Every statement may run again.
set local role lb_owner;

create table if not exists lb.rules (
    rule_id text primary key,
    kind text not null,
    game_mode text references lb.game_modes (game_mode),
    board_no integer references lb.boards (board_no) on delete cascade,
    threshold bigint not null,
    enabled boolean not null default true,
    created_at timestamptz not null default clock_timestamp(),
    created_by text not null,
    -- the rules lb.create_rule checks first, with messages naming the argument
    constraint rules_rule_id_check check (rule_id ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
    constraint rules_kind_check check (
        kind in ('max_score', 'max_submits_per_minute', 'max_gain_per_period')
    ),
    constraint rules_threshold_check check (threshold >= 0),
    constraint rules_board_check check ((kind = 'max_gain_per_period') = (board_no is not null))
);

alter table lb.game_sessions add column if not exists held_by text;
alter table lb.game_sessions add column if not exists review text;
alter table lb.game_sessions drop constraint if exists game_sessions_review_check;
-- held_by and review come together. Migrations run in one transaction, which holds the
-- log's lock from the ADD COLUMN on: submits wait while this checks the existing rows and
-- the index below is built (each a scan of the log)
alter table lb.game_sessions add constraint game_sessions_review_check check (
    (review is null) = (held_by is null) and review in ('held', 'approved', 'rejected')
);

-- the queue moderators page through: a few rows, whatever the log's size
create index if not exists game_sessions_held_idx on lb.game_sessions (id)
where review = 'held';

alter table lb.idempotency_keys add column if not exists held_by text;

revoke all on table lb.rules from public;

drop function if exists lb.submit_score(bigint, integer, text, text, text);
-- lb.session_log gains held_by and review
drop function if exists lb.session_log(bigint, integer, bigint);

-- Moderation writes its audit entries on the shard of the player it acts on: audit ids are
-- interleaved across shards as session ids are (lb._interleave_audit_ids), so the proxy pages
-- the merged log by id. Shards configured before this migration get it here, from 2^40 up
-- on every shard, above the ids shard 0 gave its key changes one by one.
do $$
declare
    v_config record;
begin
    select c.shard, c.shards into v_config from lb.shard_config as c;
    -- as lb._interleave_audit_ids does (functions are applied after the migrations)
    if v_config.shards > 1 then
        execute format(
            'alter table lb.audit_log alter column audit_id set increment by %s set start with %s'
            ' restart with %s',
            v_config.shards, v_config.shard + 1,
            -- above every id any shard holds (shard 0 has numbered its key changes 1, 2, ...):
            -- 2^40 on every shard, and this shard's residue
            1099511627777 + ((v_config.shard - 1099511627776) % v_config.shards + v_config.shards)
            % v_config.shards
        );
    end if;
end;
$$;
