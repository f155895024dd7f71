"""Setting up a run: the spec model and the widgets that edit and summarise it."""
