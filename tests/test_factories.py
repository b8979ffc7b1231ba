from tests.factories import make_meeting, person


def test_make_meeting_gets_standard_items(seeded):
    m = make_meeting("ovo", participants=[(person("wijkagent@example.org"), "member")])
    titles = [i.title for i in m.agenda_items]
    assert titles[0] == "Opening en vaststelling agenda"
    assert titles[-1] == "Sluiting"
    assert [p.person.email for p in m.participants] == ["wijkagent@example.org"]
