-- The plain reference load lb.seed is compared with, in the same run: the same rows lb.seed
-- generates (the same skewed random distributions), loaded the plain way: bare tables filled
-- with insert ... select generate_series, then keys, indexes and the foreign keys, in one
-- durable transaction. What it leaves out is exactly lb.seed's own work: the function, the
-- catalog-driven drop and rebuild of keys, the histogram, ANALYZE.
-- Variables (psql -v, or substituted by the benchmark): users, sessions.
create table users (id bigint, username text, join_date timestamptz);
create table game_sessions (
    id bigint, user_id bigint, score integer, game_mode text, played_at timestamptz
);
create table leaderboard (
    user_id bigint, total_score bigint, updated_at timestamptz, changed_xid xid8
);

insert into users
select g, 'player_' || g, now() - interval '400 days' * (0.25 + 0.75 * random())
from generate_series(1, :users) as g;

insert into game_sessions
select
    s.g,
    1 + (floor(:users * s.r_player ^ 1.5)::bigint * 2654435761 + :users / 3) % :users,
    floor(1000000 * s.r_score ^ 3)::integer,
    case
        when s.r_mode < 0.4 then 'classic'
        when s.r_mode < 0.7 then 'ranked'
        when s.r_mode < 0.9 then 'casual'
        else 'tournament'
    end,
    now() - interval '90 days' * s.r_time
from (
    select g, random() as r_player, random() as r_score, random() as r_mode, random() as r_time
    from generate_series(1, :sessions) as g
) as s;

insert into leaderboard
select user_id, sum(score), clock_timestamp(), pg_current_xact_id()
from game_sessions group by user_id;

alter table users add primary key (id);
create unique index on users (lower(username));
alter table game_sessions add primary key (id);
create index on game_sessions (user_id, played_at desc);
alter table leaderboard add primary key (user_id);
create index on leaderboard (total_score desc, user_id);
create index on leaderboard (changed_xid);
alter table game_sessions add foreign key (user_id) references users (id);
alter table leaderboard add foreign key (user_id) references users (id);
