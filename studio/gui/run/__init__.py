"""Running a spec: controller, worker thread, frame pacing, curves, region, controls, export."""
