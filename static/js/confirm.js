// Ask before a destructive action: <form data-confirm="Agendapunt verwijderen?">.
// Without JavaScript the form simply submits; the server still checks everything.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
