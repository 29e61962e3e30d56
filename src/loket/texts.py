"""Marks user-facing English text for translation where it is defined (choice lists, forms).

`N_("Living wage")` returns the text unchanged; the extraction step (`make messages`) finds it
and the web pages translate it when they show it.
"""


def N_(message: str) -> str:  # noqa: N802  (the conventional gettext marker name)
    return message
