/* Phones: tables become stacked cards (static/css/overleg.css, below 40em). Each cell gets
   the text of its column header as data-label, shown before the value in the card.
   A cell that already has a data-label (set in the template) keeps it; without
   JavaScript the cards still show every value, only without the labels. */
(function () {
  "use strict";
  function headers(table) {
    var row = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    var labels = [];
    if (!row) return labels;
    Array.prototype.forEach.call(row.cells, function (cell) {
      var text = cell.textContent.replace(/[▲▼]/g, "").replace(/\s+/g, " ").trim();
      for (var i = 0; i < (cell.colSpan || 1); i++) labels.push(text);
    });
    return labels;
  }
  // The text of a node as seen on the screen: without visually hidden parts.
  function shown(node) {
    if (node.nodeType === 3) return node.nodeValue;
    if (node.nodeType !== 1 || node.classList.contains("visually-hidden")) return "";
    return Array.prototype.map.call(node.childNodes, shown).join("");
  }
  function label(table) {
    var labels = headers(table);
    if (!labels.length) return;
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var col = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          var text = labels[col];
          if (!cell.hasAttribute("data-label")) {
            // No label where it would say nothing: an empty cell ("Acties" without any
            // action), or one whose form control is labelled with it already (a radio
            // button labelled "Aanwezig" under the header "Aanwezig").
            var empty = !cell.textContent.trim() && !cell.querySelector("input, select, img");
            var named = text && Array.prototype.some.call(cell.querySelectorAll("label"), function (l) {
              return shown(l).toLowerCase().indexOf(text.toLowerCase()) !== -1;
            });
            cell.setAttribute("data-label", empty || named ? "" : text || "");
          }
          col += cell.colSpan || 1;
        });
      });
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("main table"), label);
})();
