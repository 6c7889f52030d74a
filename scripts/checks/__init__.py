"""The checks behind validate.py: Markdown source, links, stage order, reviews, built HTML."""
