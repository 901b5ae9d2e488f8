"""The H20 explainer's site generator: read -> validate -> render -> write.

Modules, in pipeline order: config, data (with schema), content, markup (Markdown
extensions), render, charts/estimate (figures from data), write. build.py calls them.
"""
