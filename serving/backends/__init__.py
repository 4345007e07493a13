"""Python-backend models Triton runs; ``model.py`` files in a repository import these."""
