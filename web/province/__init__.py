"""The provincial union's own site (the provincial host, public schema): one module per area.

Each area module holds its pages (subclasses of web.base.ProvincePage), its `urlpatterns` and a
`workbench_todos(user)` that says what in that area waits for this person (web/province/workbench.py
puts them on the 工作台). Templates live in web/templates/web/province/<area>/.
"""
