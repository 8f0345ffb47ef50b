"""Replies are listed under the comment they answer (a nested list), each says whom it answers
(``aria-describedby`` → "Antwort auf …", linking the parent), and the heading counts them."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from app.comments import services
from app.extensions import db

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class Node:
    def __init__(self, tag: str, attrs: dict, parent: Node | None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node] = []
        self.text = ""

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def all_text(self) -> str:
        return self.text + "".join(child.all_text() for child in self.children)

    def find_all(self, predicate):
        for child in self.children:
            if predicate(child):
                yield child
            yield from child.find_all(predicate)


class Tree(HTMLParser):
    def __init__(self, html: str):
        super().__init__()
        self.root = Node("#root", {}, None)
        self.current = self.root
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.text += data

    def by_id(self, element_id: str) -> Node:
        return next(self.root.find_all(lambda n: n.attrs.get("id") == element_id))


def test_replies_are_nested_under_their_comment(client, people, proposal_factory):
    proposal = proposal_factory(people["author"])
    citizen, author = people["citizen"], people["author"]
    first = services.add_comment(citizen, "proposal", proposal.id, "Gute Idee.")
    second = services.add_comment(citizen, "proposal", proposal.id, "Noch eine Idee.")
    reply = services.add_comment(author, "proposal", proposal.id, "Danke!", first.id)
    answer = services.add_comment(citizen, "proposal", proposal.id, "Gern.", reply.id)
    db.session.commit()

    html = client.get(f"/vorschlaege/{proposal.id}").get_data(as_text=True)
    tree = Tree(html)
    heading = tree.by_id("comments-title").all_text()
    assert heading.strip() == "Kommentare (4)"  # the replies count

    top = tree.by_id(f"comment-{first.id}")
    assert top.parent.tag == "li" and top.parent.parent.tag == "ol"
    for nested in (reply, answer):  # a reply to a reply joins the same thread (one level)
        article = tree.by_id(f"comment-{nested.id}")
        assert "reply" in article.attrs["class"]
        lists = [a for a in article.ancestors() if a.tag == "ol"]
        assert "comment-replies" in lists[0].attrs["class"]
        assert lists[0].parent is top.parent  # inside the parent comment's list item
        described = tree.by_id(article.attrs["aria-describedby"])
        assert described.all_text().strip() == f"Antwort auf {citizen.public_name}"
        assert re.search(f'href="#comment-{first.id}"', html)
    assert tree.by_id(f"comment-{second.id}").attrs.get("aria-describedby") is None
    replies_list = next(tree.root.find_all(lambda n: "comment-replies" in n.attrs.get("class", "")))
    assert replies_list.attrs["aria-label"] == "2 Antworten auf diesen Kommentar"


def test_reply_names_its_parent_in_english(client, people, proposal_factory):
    proposal = proposal_factory(people["author"])
    first = services.add_comment(people["citizen"], "proposal", proposal.id, "Gute Idee.")
    services.add_comment(people["author"], "proposal", proposal.id, "Danke!", first.id)
    db.session.commit()
    client.post("/sprache", data={"lang": "en"})
    html = client.get(f"/vorschlaege/{proposal.id}").get_data(as_text=True)
    assert f"Reply to {people['citizen'].public_name}" in html
    assert "1 reply to this comment" in html
