-- Purpose: an exact histogram of totals, kept by submit_score, so a SQL rank costs
-- O(buckets + one bucket) instead of O(rank): COUNT over a B-tree visits every higher entry,
-- which at 1M players is tens of milliseconds for an average player.

create table lb.score_buckets (
    -- lb._score_bucket(total_score)
    bucket bigint primary key,
    players bigint not null,
    constraint score_buckets_players_check check (players >= 0)
);
