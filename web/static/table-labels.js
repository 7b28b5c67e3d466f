// Each cell of a wide table (table.grid) carries its column's name in data-label: on a phone the stylesheet
// shows the table as one card per row and writes that name before each value (khumue.css, ≤ 40rem).
(function () {
  "use strict";
  document.querySelectorAll("table.grid").forEach(function (table) {
    var names = [];
    table.querySelectorAll("thead tr:last-child th").forEach(function (th) {
      for (var i = 0; i < (th.colSpan || 1); i += 1) { names.push(th.textContent.replace(/\s+/g, " ").trim()); }
    });
    table.querySelectorAll("tbody tr, tfoot tr").forEach(function (row) {
      var column = 0;
      Array.prototype.forEach.call(row.cells, function (cell) {
        if (cell.tagName === "TD" && names[column] && !cell.hasAttribute("data-label")) {
          cell.setAttribute("data-label", names[column]);
        }
        column += cell.colSpan || 1;
      });
    });
  });
}());
