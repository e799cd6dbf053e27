"""Forms of the pages. They only shape what was typed: every rule (required, lengths, states)
is the service's, whose refusals web.base.call_service puts beside the fields. So fields are
`required=False` unless the browser must insist, and the labels are the ones a person reads."""
from django import forms

from tenants.text import RefuseControlCharacters
from web.templatetags.ui import PAGE_FORM_RENDERER


class PageForm(RefuseControlCharacters, forms.Form):
    default_renderer = PAGE_FORM_RENDERER


class ProposalDraftForm(PageForm):
    congress = forms.ModelChoiceField(label="教代会", queryset=None, required=False, empty_label=None,
                                      error_messages={"invalid_choice": "请选择您担任代表的教代会。"})
    title = forms.CharField(label="案由", required=False, strip=False,
                            widget=forms.TextInput(attrs={"placeholder": "关于……的提案"}))
    reasons = forms.CharField(label="理由", required=False, strip=False, widget=forms.Textarea(attrs={"rows": 5}))
    measures = forms.CharField(label="建议措施", required=False, strip=False, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, congresses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["congress"].queryset = congresses
        if not congresses.exists():
            self.fields["congress"].empty_label = "您不是任何一次教代会的代表"


class SuggestionForm(PageForm):
    title = forms.CharField(label="标题", required=False, strip=False)
    content = forms.CharField(label="内容", required=False, strip=False, widget=forms.Textarea(attrs={"rows": 5}))
