"""Messages as deferred text: Thai source (the product's own language), translated only when shown.

`N_("ไม่พบงาน %(task_id)s", task_id=7)` marks the Thai text for Babel extraction (`make translations`)
and keeps its parameters; the web layer looks the msgid up in the reader's catalog and fills them in.
A `Text` is also a `str` (the Thai text with its parameters filled), so code that only logs or compares
messages keeps working; no Flask here: the engine renders nothing.
"""


class Text(str):
    """Thai source text with `%(name)s` parameters; `msgid` is the catalog key."""

    msgid: str
    params: dict

    def __new__(cls, msgid: str, **params):
        text = super().__new__(cls, msgid % params if params else msgid)
        text.msgid, text.params = msgid, params
        return text

    def __getnewargs_ex__(self):
        # copy/deepcopy/pickle rebuild from the msgid and parameters, not from the filled-in text.
        return (self.msgid,), self.params

    def format(self, *_args, **_kwargs) -> "Text":
        """Itself: marshmallow validators `.format()` their error, and ours use `%(name)s`, not braces."""
        return self

    def bind(self, **params) -> "Text":
        """The same message with more parameters."""
        return Text(self.msgid, **{**self.params, **params})

    def translate(self, gettext, lang: str = "th") -> str:
        """The message through `gettext` (the catalog of `lang`), parameters that are `Text`/`Both` too."""
        text = gettext(self.msgid)
        if not self.params:
            return text
        return text % {k: v.translate(gettext, lang) if isinstance(v, (Text, Both)) else v
                       for k, v in self.params.items()}


class Both(str):
    """A parameter that comes in both languages from elsewhere (a process definition), not from the catalog."""

    en: str

    def __new__(cls, th: str, en: str):
        both = super().__new__(cls, th)
        both.en = en
        return both

    def __getnewargs__(self):
        return str(self), self.en

    def translate(self, _gettext, lang: str = "th") -> str:
        """The English text for `en`, else the Thai."""
        return self.en if lang == "en" and self.en else str(self)


N_ = Text  # the marker Babel extracts (a default keyword of `pybabel extract`)
