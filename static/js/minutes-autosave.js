/* Minutes: progressive enhancement of the per-item notes forms.
   - keeps a draft of what is typed in localStorage (survives a lost connection or a crash);
   - saves in the background a few seconds after typing stops (the server checks the version:
     a stale save is refused with 409 and nothing is overwritten);
   - offers to restore a draft that differs from the stored text.
   Without JavaScript the forms work as they are: type, press "Opslaan". */
(function () {
  "use strict";
  var DELAY = 4000;
  var storage;
  try { storage = window.localStorage; storage.setItem("overleg-test", "1"); storage.removeItem("overleg-test"); }
  catch (e) { storage = null; }

  function status(form, text) {
    var el = form.querySelector(".autosave-status");
    if (el) { el.textContent = text; }
  }
  function readDraft(key) {
    if (!storage) { return null; }
    try { return JSON.parse(storage.getItem(key) || "null"); } catch (e) { return null; }
  }
  function writeDraft(key, text) {
    if (storage) { storage.setItem(key, JSON.stringify({ text: text, at: Date.now() })); }
  }
  function clearDraft(key) { if (storage) { storage.removeItem(key); } }

  function setup(form) {
    var key = form.getAttribute("data-draft-key");
    var area = form.querySelector("textarea[name=notes]");
    if (!area || !key) { return; }
    var timer = null;
    var saving = false;
    var dirty = false;

    var draft = readDraft(key);
    if (draft && draft.text !== area.value) {
      var box = document.createElement("div");
      box.className = "utrecht-alert utrecht-alert--warning draft-notice";
      box.setAttribute("role", "alert");
      var p = document.createElement("p");
      p.className = "utrecht-paragraph";
      p.textContent = "Deze browser bewaarde een niet-opgeslagen tekst bij dit punt.";
      var restore = document.createElement("button");
      restore.type = "button";
      restore.className = "utrecht-button utrecht-button--secondary-action";
      restore.textContent = "Bewaarde tekst terugzetten";
      restore.addEventListener("click", function () {
        area.value = draft.text; box.remove(); dirty = true; schedule();
      });
      var drop = document.createElement("button");
      drop.type = "button";
      drop.className = "utrecht-button utrecht-button--subtle";
      drop.textContent = "Negeren";
      drop.addEventListener("click", function () { clearDraft(key); box.remove(); });
      box.appendChild(p); box.appendChild(restore); box.appendChild(drop);
      form.insertBefore(box, form.firstChild);
    } else if (draft) {
      clearDraft(key);
    }

    function schedule() {
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(save, DELAY);
    }

    function save() {
      timer = null;
      if (saving || !dirty) { return; }
      saving = true;
      dirty = false;
      status(form, "Bezig met opslaan…");
      var body = new FormData(form);
      fetch(form.action, { method: "POST", body: body, credentials: "same-origin",
                           headers: { "X-Requested-With": "fetch" } })
        .then(function (resp) {
          return resp.json().then(function (data) { return { status: resp.status, data: data }; });
        })
        .then(function (r) {
          saving = false;
          if (r.status === 200 && r.data.ok) {
            form.querySelector("input[name=version]").value = r.data.version;
            form.querySelector("input[name=base]").value = r.data.base;
            if (!dirty) { clearDraft(key); }
            status(form, "Automatisch opgeslagen om " + r.data.saved_at + ".");
            if (dirty) { schedule(); }
          } else if (r.status === 409) {
            status(form, r.data.message + " Druk op ‘Opslaan’ om beide teksten naast elkaar te zien.");
          } else {
            status(form, (r.data && r.data.message) || "Niet opgeslagen.");
          }
        })
        .catch(function () {
          saving = false;
          dirty = true;
          status(form, "Niet opgeslagen: geen verbinding. Uw tekst is bewaard in deze browser; we proberen het opnieuw.");
          schedule();
        });
    }

    area.addEventListener("input", function () {
      dirty = true;
      writeDraft(key, area.value);
      status(form, "Niet opgeslagen wijzigingen…");
      schedule();
    });
    form.addEventListener("submit", function () {
      writeDraft(key, area.value);  /* kept until the page shows the saved text */
    });
  }

  document.querySelectorAll("form[data-autosave]").forEach(setup);
  /* On the conflict screen: keep the reader's text as a draft too. */
  document.querySelectorAll("form[data-conflict]").forEach(function (form) {
    var key = form.getAttribute("data-draft-key");
    var area = form.querySelector("textarea[name=notes]");
    if (key && area) { writeDraft(key, area.value); }
  });
})();
