-- Who is acting, as the audit log and the session log record it: `login:<name>` for a
-- database login, or what a trusted caller says it acts for (`key:<name>` for a server key
-- the web app checked, `token:<name>` for an admin token, the proxy's caller's login). Only
-- members of lb_web (the web app, and the proxy's login) may say; anyone else is who they
-- logged in as, whatever they pass.
create or replace function lb._actor(p_claimed text)
returns text
language plpgsql
stable
as $$
begin
    if p_claimed is not null and pg_has_role(session_user, 'lb_web', 'member') then
        if p_claimed !~ '^(key|login|token):[A-Za-z0-9_.@-]{1,63}$' then
            perform lb._invalid_argument(
                'p_actor', 'must be key:<name>, login:<name> or token:<name>', p_claimed
            );
        end if;
        return p_claimed;
    end if;
    return 'login:' || session_user;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._actor from public, lb_game_server, lb_web, lb_bridge, lb_moderator;
