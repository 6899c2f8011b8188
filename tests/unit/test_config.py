import pytest

from leaderboard.config import ConfigError, Settings


def test_defaults_match_the_original():
    settings = Settings.from_env({})
    assert settings.port == 3001
    assert settings.refresh_interval_ms == 10_000
    assert settings.env == "production"
    assert settings.rate_limit == "100/minute"
    assert settings.admin_tokens == ()


def test_values_are_read_from_the_environment():
    settings = Settings.from_env(
        {
            "DATABASE_URL": "postgresql://x@h/db",
            "REDIS_URL": "redis://h:1/2",
            "PORT": "8080",
            "LEADERBOARD_REFRESH_INTERVAL_MS": "500",
            "LOG_LEVEL": "debug",
            "LEADERBOARD_ENV": "development",
            "LEADERBOARD_ADMIN_TOKEN": "new-token-0123456789, old-token-0123456789",
        }
    )
    assert (settings.database_url, settings.redis_url, settings.port) == (
        "postgresql://x@h/db",
        "redis://h:1/2",
        8080,
    )
    assert settings.refresh_interval_ms == 500
    assert settings.log_level == "DEBUG"
    assert settings.development
    assert settings.admin_tokens == ("new-token-0123456789", "old-token-0123456789")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PORT": "http"}, "PORT must be an integer"),
        ({"PORT": "70000"}, "PORT must be between 1 and 65535"),
        (
            {"LEADERBOARD_REFRESH_INTERVAL_MS": "0"},
            "LEADERBOARD_REFRESH_INTERVAL_MS must be between",
        ),
        ({"LOG_LEVEL": "loud"}, "LOG_LEVEL must be"),
        ({"LEADERBOARD_ENV": "staging"}, "LEADERBOARD_ENV must be production or development"),
    ],
)
def test_bad_values_name_the_variable(env, message):
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)


def test_commands_find_the_servers_make_run_started(tmp_path):
    """With no DATABASE_URL, the servers `make run` (or `ops up`) recorded are used; what
    the environment sets always wins, and with nothing recorded nothing is assumed."""
    env = {"LB_VAR_DIR": str(tmp_path)}
    assert Settings.from_env(env).database_url == ""
    (tmp_path / "services.env").write_text(
        "DATABASE_URL=postgresql://postgres@127.0.0.1:5433/leaderboard\n"
        "REDIS_URL=redis://127.0.0.1:6380/0\n"
        "LEADERBOARD_SHARD_URLS=postgresql://a/x,postgresql://b/x\n"
        "PATH=/not/taken\n"
    )
    found = Settings.from_env(env)
    assert found.database_url == "postgresql://postgres@127.0.0.1:5433/leaderboard"
    assert found.redis_url == "redis://127.0.0.1:6380/0"
    assert found.shard_urls == ("postgresql://a/x", "postgresql://b/x")
    mine = Settings.from_env({**env, "DATABASE_URL": "postgresql://elsewhere/db"})
    assert mine.database_url == "postgresql://elsewhere/db"
    assert mine.shard_urls == ()  # the recorded deployment is not mixed into another


def test_a_url_naming_the_recorded_servers_is_not_another_server(tmp_path):
    """`source ./activate` exports the recorded URLs; `python -m ops up` in that shell then
    refused to start the local servers, taking them for servers of the user's own."""
    from leaderboard.config import LocalServices

    recorded = "postgresql://postgres@127.0.0.1:5433/leaderboard"
    (tmp_path / "services.env").write_text(f"DATABASE_URL={recorded}\nREDIS_URL=redis://x:6380/0\n")
    env = {"LB_VAR_DIR": str(tmp_path), "DATABASE_URL": recorded, "REDIS_URL": "redis://y/0"}
    local = LocalServices.from_env(env)
    assert local.database_url == ""  # the local servers: start them
    assert local.redis_url == "redis://y/0"  # another server: use it
    assert LocalServices.from_env({**env, "LB_VAR_DIR": str(tmp_path / "none")}).database_url


def test_progress_is_silent_when_stderr_is_not_a_terminal(capsys):
    """Long commands show a bar on a terminal and nothing in a log, a pipe or CI."""
    from leaderboard import progress

    batches = [("p", [1, 2, 3]), ("q", [4])]
    assert list(progress.batches(iter(batches), "verify x")) == batches
    with progress.bar("chaos soak", total=10, unit="s") as bar:
        bar.update(5)
    assert capsys.readouterr().err == ""
