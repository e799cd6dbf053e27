"""Notices (通知公告) the union office or a branch chair publishes to members, with read receipts (issue #12)."""
