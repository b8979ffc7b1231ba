"""Domain rules as plain functions over model objects: no request, no form."""
