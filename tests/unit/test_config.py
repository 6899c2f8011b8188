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
