// The form builder of the modeler's panel: a step's fields (name, type, required, Thai and English label,
// choices), written as the step's spiffworkflow:form JSON that engine/model/forms.py reads.
(function () {
  "use strict";
  var NAME = /^[a-z_][a-z0-9_]*$/;

  window.khumueFormBuilder = function (fields, T, SETUP, save, section) {
    var P = window.khumuePanelParts;
    var rows = fields.map(function (f) {
      return { name: f.name || "", type: f.type || "text", required: !!f.required, label: f.label || "",
               label_en: f.label_en || "", choices: (f.choices || []).slice(), keep: f };
    });
    var box = P.h("div", { "class": "mp-fields" });
    var out = section(T.form, [box]);

    function commit() {
      save(rows.filter(function (r) { return r.name && r.label; }));
    }

    function choicesText(list) {
      return list.map(function (c) { return c.value + "=" + c.label; }).join("\n");
    }

    function parseChoices(text) {
      return text.split("\n").map(function (line) { return line.trim(); }).filter(Boolean).map(function (line) {
        var at = line.indexOf("=");
        var value = at >= 0 ? line.slice(0, at).trim() : line;
        return { value: value, label: at >= 0 ? line.slice(at + 1).trim() || value : value };
      });
    }

    function fieldBox(row, index) {
      var name = P.input(row.name, { type: "text", spellcheck: "false", pattern: "[a-z_][a-z0-9_]*" });
      var type = P.select(SETUP.types.map(function (t) { return [t, T.field_types[t] || t]; }), row.type);
      var required = P.input("", { type: "checkbox" });
      required.checked = row.required;
      var label = P.input(row.label), labelEn = P.input(row.label_en);
      var choices = P.h("textarea", { rows: "3", spellcheck: "false" });
      choices.value = choicesText(row.choices);
      var choicesRow = P.labelled(T.field_choices, choices);
      var warn = P.h("p", { "class": "mp-warn", role: "alert" });
      function check() {
        choicesRow.hidden = row.type !== "choice" && row.type !== "multichoice";
        warn.textContent = row.name && !NAME.test(row.name) ? T.field_name_bad : "";
      }
      name.addEventListener("change", function () { row.name = name.value.trim(); check(); commit(); });
      type.addEventListener("change", function () { row.type = type.value; check(); commit(); });
      required.addEventListener("change", function () { row.required = required.checked; commit(); });
      label.addEventListener("change", function () { row.label = label.value.trim(); commit(); });
      labelEn.addEventListener("change", function () { row.label_en = labelEn.value.trim(); commit(); });
      choices.addEventListener("change", function () { row.choices = parseChoices(choices.value); commit(); });
      var remove = P.h("button", { type: "button", "class": "mp-remove", text: T.field_remove });
      remove.addEventListener("click", function () { rows.splice(index, 1); draw(); commit(); });
      check();
      // A long form stays short: each field folds to its label; a new one is open to be filled.
      var title = P.h("summary", { text: T.field + " " + (index + 1) + (row.label ? ": " + row.label : "") });
      label.addEventListener("change", function () {
        title.textContent = T.field + " " + (index + 1) + (row.label ? ": " + row.label : "");
      });
      var fold = P.h("details", { "class": "mp-field" }, [title,
        P.labelled(T.field_label, label), P.labelled(T.field_label_en, labelEn), P.labelled(T.field_name, name),
        P.labelled(T.field_type, type), P.h("div", { "class": "mp-check" }, [P.labelled(T.field_required, required)]),
        choicesRow, warn, remove]);
      fold.open = !!row.open;
      fold.addEventListener("toggle", function () { row.open = fold.open; });
      return fold;
    }

    function draw() {
      box.textContent = "";
      rows.forEach(function (row, i) { box.appendChild(fieldBox(row, i)); });
      var add = P.h("button", { type: "button", "class": "mp-add", text: T.field_add });
      add.addEventListener("click", function () {
        rows.push({ name: "", type: "text", required: true, label: "", label_en: "", choices: [], open: true });
        draw();
        var inputs = box.querySelectorAll(".mp-field:last-of-type input");
        if (inputs.length) { inputs[0].focus(); }
      });
      box.appendChild(add);
      if (!rows.length) { box.insertBefore(P.h("p", { "class": "mp-help", text: T.form_empty }), add); }
    }

    draw();
    return out;
  };
})();
