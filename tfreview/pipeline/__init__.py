"""The stages of one review, in order: plan → mask → changes → risk (+ rules/) → summary → prompt → verdict.

`review.py` connects them; `prepared.py` holds the prepared plan that the workflows built on the pipeline share.
"""
