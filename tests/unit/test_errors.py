from leaderboard.errors import field_name


def test_sql_argument_names_map_to_public_field_names():
    assert field_name("p_user_id") == "user_id"
    assert field_name("p_game_mode") == "game_mode"
    assert field_name(None) is None
