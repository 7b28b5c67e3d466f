// Person pickers: a text field marked data-people suggests people as one types part of a Thai name or a
// username (GET /api/v1/people), in the field's own <datalist>. Without this script the field still works:
// the server reads a username, or a name only one person has (engine/access/people.py).
(function () {
  "use strict";
  var WAIT_MS = 200;

  function fill(list, people) {
    while (list.firstChild) list.removeChild(list.firstChild);
    people.forEach(function (person) {
      var option = document.createElement("option");
      option.value = person.username;
      option.label = person.full_name + " (" + person.username + ")";
      option.textContent = option.label;
      list.appendChild(option);
    });
  }

  function picker(input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    var timer = null, asked = "";
    input.addEventListener("input", function () {
      var text = input.value.trim();
      if (timer) clearTimeout(timer);
      if (!text || text === asked) return;
      timer = setTimeout(function () {
        asked = text;
        var url = input.dataset.people + "?q=" + encodeURIComponent(text) +
          (input.dataset.role ? "&role=" + encodeURIComponent(input.dataset.role) : "");
        fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(function (people) { if (input.value.trim() === text) fill(list, people); })
          .catch(function () { /* the plain field still works: the server reads names too */ });
      }, WAIT_MS);
    });
  }

  document.querySelectorAll("input[data-people]").forEach(picker);
})();
