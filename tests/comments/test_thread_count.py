"""The thread heading counts what the public can read, like the list pages' comment counts."""

from __future__ import annotations

import re

from app.comments import services
from app.extensions import db
from app.moderation import services as moderation


def test_heading_counts_readable_comments_only(client, people, proposal_factory):
    proposal = proposal_factory(people["author"])
    citizen = people["citizen"]
    first = services.add_comment(citizen, "proposal", proposal.id, "Gute Idee.")
    services.add_comment(people["author"], "proposal", proposal.id, "Danke!", first.id)
    hidden = services.add_comment(citizen, "proposal", proposal.id, "Unsinn.")
    deleted = services.add_comment(citizen, "proposal", proposal.id, "Vertippt.")
    also_hidden = services.add_comment(citizen, "proposal", proposal.id, "Werbung.")
    services.add_comment(people["author"], "proposal", proposal.id, "Schade.", hidden.id)
    db.session.flush()
    moderation.hide(people["planner"], "comment", hidden, "insult")
    moderation.hide(people["planner"], "comment", also_hidden, "advertising")
    services.delete_comment(citizen, deleted)
    db.session.commit()

    html = client.get(f"/vorschlaege/{proposal.id}").get_data(as_text=True)
    heading = re.search(r'<h2 id="comments-title">([^<]*)</h2>', html).group(1)
    # Readable: "Gute Idee.", its reply, and the reply under the hidden comment.
    assert heading.strip() == "Kommentare (3)"
    assert services.count_for("proposal", proposal.id) == 3
