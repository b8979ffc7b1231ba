def test_login_page_is_dutch(client):
    resp = client.get("/inloggen")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert '<html lang="nl">' in html
    assert "Inloggen" in html


def test_home_after_login(as_role, people):
    c = as_role("secretaris")
    html = c.get("/").get_data(as_text=True)
    assert "Welkom, Sam Secretaris" in html
