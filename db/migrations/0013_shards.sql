-- Purpose: a database can be one shard of several behind a PL/Proxy database (db/proxy). A
-- shard knows its number and the shard count: its player and session ids are the numbers n
-- with (n - 1) % shards = shard, so an id names the shard that owns it, and it accepts only
-- the usernames that hash to it, so a name is unique across shards by being unique on its
-- own. A database that is not a shard is shard 0 of 1, and nothing changes for it.
set local role lb_owner;

create table lb.shard_config (
    singleton boolean primary key default true,
    shard integer not null default 0,
    shards integer not null default 1,
    constraint shard_config_singleton_check check (singleton),
    constraint shard_config_shard_check check (shards between 1 and 1024 and shard between 0 and shards - 1)
);

insert into lb.shard_config default values;
