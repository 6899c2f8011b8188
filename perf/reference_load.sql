-- The plain reference load lb.seed is compared with, in the same run: bare tables filled with
-- insert ... select generate_series (uniform values), then keys, indexes and the foreign keys,
-- all in one durable transaction. Same shape and row counts as lb's tables; none of the
-- seed's extra work (skewed random data, histogram, analyze).
-- psql variables: users, sessions.
create table users (id bigint, username text, join_date timestamptz);
create table game_sessions (
    id bigint, user_id bigint, score integer, game_mode text, played_at timestamptz
);
create table leaderboard (
    user_id bigint, total_score bigint, updated_at timestamptz, changed_xid xid8
);

insert into users
select g, 'player_' || g, now() from generate_series(1, :users) as g;

insert into game_sessions
select g, 1 + (g % :users), (g::bigint * 7919 % 1000001)::integer, 'classic', now()
from generate_series(1, :sessions) as g;

insert into leaderboard
select user_id, sum(score), now(), pg_current_xact_id() from game_sessions group by user_id;

alter table users add primary key (id);
create unique index on users (lower(username));
alter table game_sessions add primary key (id);
create index on game_sessions (user_id, played_at desc);
alter table leaderboard add primary key (user_id);
create index on leaderboard (total_score desc, user_id);
create index on leaderboard (changed_xid);
alter table game_sessions add foreign key (user_id) references users (id);
alter table leaderboard add foreign key (user_id) references users (id);
