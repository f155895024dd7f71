"""The compare window: minidl against torch.nn (twin check and seeded experiments)."""
