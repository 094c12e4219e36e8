"""Personal survey links: respondents answer a room's questionnaire on their own devices.

* :mod:`.links`: tokens, link records, creating, listing and revoking links;
* :mod:`.answers`: saving answers into the client's store (grouped, locked updates);
* :mod:`.guard`: rate limits, cross-site checks, finding a link by its token;
* :mod:`.app`: the Starlette app and its pages (templates in ``workbook/templates/survey``);
* :mod:`.cli`: the ``workbook survey`` commands.
"""
from .links import Link, LinkBook, NewLink, create_links, load_links, questionnaire_for, revoke_links, with_questionnaire

__all__ = ["Link", "LinkBook", "NewLink", "create_links", "load_links", "questionnaire_for", "revoke_links",
           "with_questionnaire"]
