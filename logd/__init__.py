"""logd: an s6-log compatible logger.

``python3 -m logd`` takes exactly s6-log's command line.  The package is
imported on every logger start, so it imports nothing here: the hot path
pulls only what it needs.
"""
