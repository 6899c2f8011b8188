-- Purpose: the lb schema and its core tables: players, their game sessions, running totals.
-- Tables are private; clients call the functions in db/functions (see README "SQL API").

create schema lb;

create table lb.users (
    id bigint generated always as identity primary key,
    username text not null,
    join_date timestamptz not null default now(),
    -- the same rule lb.create_player checks first, with a message naming it
    constraint users_username_check check (username ~ '^[A-Za-z0-9_.-]{1,50}$')
);

-- serves username uniqueness, case-insensitively ("Alice" and "alice" are one name)
create unique index users_username_lower_key on lb.users (lower(username));

create table lb.game_sessions (
    id bigint generated always as identity primary key,
    user_id bigint not null references lb.users (id),
    score integer not null,
    game_mode text not null,
    played_at timestamptz not null default now(),
    constraint game_sessions_score_check check (score between 0 and 1000000),
    constraint game_sessions_game_mode_check check (
        game_mode in ('classic', 'ranked', 'casual', 'tournament')
    )
);

-- serves lb.player_sessions (a player's newest games) and the foreign key's delete check
create index game_sessions_user_played_idx on lb.game_sessions (user_id, played_at desc);

create table lb.leaderboard (
    user_id bigint primary key references lb.users (id),
    total_score bigint not null,
    updated_at timestamptz not null default clock_timestamp(),
    -- 2^53-1: Redis scores are doubles, which hold every integer up to here exactly
    constraint leaderboard_total_score_check check (
        total_score between 0 and 9007199254740991
    )
);

-- serves top_players / players_around (total desc, ties by user_id) and rank counts (total > t)
create index leaderboard_rank_idx on lb.leaderboard (total_score desc, user_id);
