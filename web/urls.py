from django.urls import path

from web import mail_views, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    # issue #13: a person's own e-mail preferences, on every host
    path("mail-preferences/", mail_views.mail_preferences, name="mail-preferences"),
]
