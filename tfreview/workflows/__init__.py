"""Features built on the pipeline: what runs a review many times or keeps its results.

batch and discover (many workspaces), rollup (one report for them), cache and cache_key (verdicts reused),
record and dataset (the learning loop), evaluate (accuracy on labelled plans), models (model management).
"""
