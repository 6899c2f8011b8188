-- Purpose: remember idempotency keys so a retried submit returns its first result.
-- A key is kept as long as its session: game servers use a match or request id, unique forever.

create table lb.idempotency_keys (
    idempotency_key text primary key,
    session_id bigint not null references lb.game_sessions (id),
    user_id bigint not null,
    score integer not null,
    game_mode text not null,
    total_score bigint not null,
    created_at timestamptz not null default now()
);
