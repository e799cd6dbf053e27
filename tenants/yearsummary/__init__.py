"""年度工作总结: the year's figures of one school, gathered through each area's selectors, and the
draft .docx the union office edits (issue #12, point 7). A plain module: no models, nothing stored."""
