-- Purpose: trusted writes and an audit log, the first part of fair play (issue 24).
--
-- * lb.server_keys: the keys game servers send over HTTP (`Authorization: Bearer <key>`).
--   Only a SHA-256 of each secret is stored: the secrets hold 244 random bits, so a hash
--   without salt or stretching is as good as a slow one and costs nothing per submit. A
--   rotated key's previous secret may stay valid for a grace period, so servers can be
--   given the new one without a moment where none works.
-- * lb.game_sessions.written_by: who wrote a session, `key:<name>` or `login:<name>`, so a
--   moderator can see where a bad score came from and revoke that server. Text, not an id
--   into a table of writers: registering a new writer inside the submit made every other
--   submit of that writer wait for the first one's commit (a unique insert waits on an
--   uncommitted twin), and the proxy's callers are logins of another cluster. Sessions
--   before this migration have none (null: unknown).
-- * lb.audit_log: what moderators and operators did. A trigger refuses UPDATE, DELETE and
--   TRUNCATE whoever asks, the superuser and lb_owner included; no client group has any
--   privilege on the table. Its owner (lb_owner) or a superuser could still drop the trigger:
--   that is DDL, which only migrations run (a separate owner role is the next step).
-- * lb_moderator: the group whose logins manage keys and read the audit log.
-- * lb.submit_score gains p_actor (a new signature: dropped here, created again from
--   db/functions in the same transaction, so no caller ever misses it).
do $$
begin
    if not exists (select from pg_roles where rolname = 'lb_moderator') then
        create role lb_moderator nologin;
    end if;
end;
$$;

alter role lb_moderator set statement_timeout = '30s';
alter role lb_moderator set lock_timeout = '5s';
alter role lb_moderator set idle_in_transaction_session_timeout = '60s';
-- a sharded deployment's proxy forwards moderators' calls as its own login
grant lb_moderator to lb_proxy;

-- Every statement may run again (a database restored with its bookkeeping behind).
set local role lb_owner;

grant usage on schema lb to lb_moderator;

create table if not exists lb.server_keys (
    name text primary key,
    key_hash bytea not null unique,
    previous_hash bytea unique,
    previous_until timestamptz,
    game_modes text[],
    created_at timestamptz not null default clock_timestamp(),
    created_by text not null,
    rotated_at timestamptz,
    revoked_at timestamptz,
    last_used_at timestamptz,
    -- the rule lb.create_key checks first, with a message naming it
    constraint server_keys_name_check check (name ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'),
    constraint server_keys_hash_check check (octet_length(key_hash) = 32)
);

-- no default: adding it rewrites nothing; lb._actor bounds it (kind, colon, 63 characters)
alter table lb.game_sessions add column if not exists written_by text;

create table if not exists lb.audit_log (
    audit_id bigint generated always as identity primary key,
    at timestamptz not null default clock_timestamp(),
    actor text not null,
    action text not null,
    subject text,
    reason text,
    details jsonb not null default '{}'
);

create index if not exists audit_log_subject_idx on lb.audit_log (subject, at desc) where subject is not null;

create or replace function lb._audit_log_append_only()
returns trigger
language plpgsql
as $$
begin
    raise exception using
        errcode = 'LB012',
        message = 'the audit log is append-only: its entries cannot be changed or removed',
        hint = 'record a new entry instead';
end;
$$;

create or replace trigger audit_log_append_only
before update or delete on lb.audit_log
for each row execute function lb._audit_log_append_only();

create or replace trigger audit_log_no_truncate
before truncate on lb.audit_log
for each statement execute function lb._audit_log_append_only();

revoke all on table lb.server_keys, lb.audit_log from public;
revoke all on function lb._audit_log_append_only() from public;

drop function if exists lb.submit_score(bigint, integer, text, text);
