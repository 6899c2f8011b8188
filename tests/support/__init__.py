"""What the test tiers share: servers, database assertions, a Python model of boards, running
bridges, and a client for the fault-test stack. Tests import from here, never from each other."""
