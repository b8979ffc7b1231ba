/* Copy buttons for read-only fields: <button data-copy-target="field-id" hidden>.
   Without JavaScript the field stays a selectable text box and the button stays hidden. */
(function () {
  "use strict";

  function status(id, text) {
    var el = document.querySelector('[data-copy-status="' + id + '"]');
    if (el) { el.textContent = text; }
  }

  function fallbackCopy(input) {
    input.focus();
    input.select();
    try { return document.execCommand("copy"); } catch (e) { return false; }
  }

  document.querySelectorAll("[data-select-on-focus]").forEach(function (input) {
    input.addEventListener("focus", function () { input.select(); });
  });

  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var id = button.getAttribute("data-copy-target");
    var input = document.getElementById(id);
    if (!input) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var done = button.getAttribute("data-copied-text") || "Gekopieerd";
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(
          function () { status(id, done); },
          function () { status(id, fallbackCopy(input) ? done : "Kopiëren lukte niet; selecteer het adres en kopieer het zelf."); }
        );
      } else {
        status(id, fallbackCopy(input) ? done : "Kopiëren lukte niet; selecteer het adres en kopieer het zelf.");
      }
    });
  });
})();
