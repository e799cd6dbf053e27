"""Django's password validators with Chinese messages of our own.

Django 5.2's MinimumLengthValidator message no longer matches its zh-hans catalogue, so its
error came out in English; all four are given their Chinese text here.
"""
from django.contrib.auth import password_validation as django_validators


class MinimumLengthValidator(django_validators.MinimumLengthValidator):
    def get_error_message(self):
        return f"密码太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self):
        return f"密码至少需要 {self.min_length} 个字符。"


class UserAttributeSimilarityValidator(django_validators.UserAttributeSimilarityValidator):
    def get_error_message(self):
        return "密码与%(verbose_name)s太相似。"

    def get_help_text(self):
        return "密码不能与您的其他个人信息太相似。"


class CommonPasswordValidator(django_validators.CommonPasswordValidator):
    def get_error_message(self):
        return "这个密码太常见了。"

    def get_help_text(self):
        return "密码不能是常用密码。"


class NumericPasswordValidator(django_validators.NumericPasswordValidator):
    def get_error_message(self):
        return "密码不能全是数字。"

    def get_help_text(self):
        return "密码不能全是数字。"
