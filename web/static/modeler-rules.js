// The rules of one step in the modeler's panel: who is assigned, when it is due, what evidence it needs and
// how it reminds. Each writes one spiffworkflow:property as engine/model/bpmn.py and engine/model/timing.py
// read it (the grammar of timing: `Y/5`, `Y/6..Y/8`, `Y-1/10..Y+1/3`, or a duration `P3D`, `P2W`, `P1M`, `P1Y`).
(function () {
  "use strict";
  var MONTH = /^Y([+-]\d+)?\/(\d{1,2})$/;
  var DURATION = /^P(\d+)([DWMY])$/;

  function parts() { return window.khumuePanelParts; }

  function monthRef(text) {
    var m = MONTH.exec((text || "").trim());
    return m ? { offset: parseInt(m[1] || "0", 10), month: parseInt(m[2], 10) } : null;
  }

  function refText(offset, month) {
    return "Y" + (offset > 0 ? "+" + offset : offset < 0 ? String(offset) : "") + "/" + month;
  }

  function timing(element, p, T, setProp, section) {
    var P = parts();
    var text = p.timing || "";
    var range = text.split("..");
    var first = monthRef(range[0]), last = monthRef(range[range.length - 1]);
    var dur = DURATION.exec(text.trim());
    var kind = P.select([["duration", T.timing_duration], ["months", T.timing_months]], first ? "months" : "duration");
    var years = [[-1, T.year_before], [0, T.year_cycle], [1, T.year_after]];
    var months = T.months.map(function (name, i) { return [i + 1, name]; });
    var fromYear = P.select(years, first ? first.offset : 0), fromMonth = P.select(months, first ? first.month : 10);
    var toYear = P.select(years, last ? last.offset : 0), toMonth = P.select(months, last ? last.month : 10);
    var amount = P.input(dur ? dur[1] : "", { type: "number", min: "1", step: "1", inputmode: "numeric" });
    var unit = P.select([["D", T.days], ["W", T.weeks], ["M", T.months_unit], ["Y", T.years]], dur ? dur[2] : "D");
    var raw = P.input(text, { type: "text", spellcheck: "false" });
    var monthRows = P.h("div", { "class": "mp-months" }, [
      P.labelled(T.from_month, fromMonth), P.labelled(T.from_year, fromYear),
      P.labelled(T.to_month, toMonth), P.labelled(T.to_year, toYear)]);
    var durationRows = P.h("div", { "class": "mp-duration" }, [P.labelled(T.amount, amount), P.labelled(T.unit, unit)]);

    function visible() {
      monthRows.hidden = kind.value !== "months";
      durationRows.hidden = kind.value !== "duration";
    }

    function compose() {
      var value;
      if (kind.value === "months") {
        var a = refText(parseInt(fromYear.value, 10), fromMonth.value);
        var b = refText(parseInt(toYear.value, 10), toMonth.value);
        value = a === b ? a : a + ".." + b;
      } else {
        value = parseInt(amount.value, 10) > 0 ? "P" + parseInt(amount.value, 10) + unit.value : "";
      }
      raw.value = value;
      setProp(element, "timing", value);
    }

    [kind, fromYear, fromMonth, toYear, toMonth, amount, unit].forEach(function (c) {
      c.addEventListener("change", function () { visible(); compose(); });
    });
    raw.addEventListener("change", function () { setProp(element, "timing", raw.value.trim()); });
    visible();
    return section(T.timing, [P.labelled(T.timing_kind, kind), monthRows, durationRows,
      P.labelled(T.timing_text, raw), P.h("p", { "class": "mp-help", text: T.timing_help })]);
  }

  function evidence(element, p, T, setProp, section) {
    var P = parts();
    var split = (p.evidence || "").split("|");
    var needed = P.input("", { type: "checkbox" });
    needed.checked = !!p.evidence;
    var th = P.input(split[0].trim()), en = P.input((split[1] || "").trim());
    function compose() {
      var value = needed.checked && th.value.trim() ?
        th.value.trim() + (en.value.trim() ? " | " + en.value.trim() : "") : "";
      setProp(element, "evidence", value);
    }
    [needed, th, en].forEach(function (c) { c.addEventListener("change", compose); });
    return section(T.evidence, [P.h("div", { "class": "mp-check" }, [P.labelled(T.evidence_required, needed)]),
      P.labelled(T.evidence_th, th), P.labelled(T.evidence_en, en)]);
  }

  function assign(element, p, T, SETUP, setProp, registry) {
    var P = parts();
    var value = p.assign || "role";
    var rule = value.split(":")[0], arg = value.indexOf(":") >= 0 ? value.slice(value.indexOf(":") + 1) : "";
    var names = T.assign_rules;
    var choice = P.select(SETUP.assign.map(function (r) { return [r, names[r] || r]; }), rule);
    var steps = registry.filter(function (e) {
      return ["bpmn:UserTask", "bpmn:ManualTask", "bpmn:Task"].indexOf(e.type) >= 0 && e.id !== element.id;
    }).map(function (e) { return [e.id, e.businessObject.name || e.id]; });
    var step = P.select([["", T.choose_step]].concat(steps), arg);
    var field = P.input(arg);
    var stepRow = P.labelled(T.assign_step, step), fieldRow = P.labelled(T.assign_field, field);
    function visible() {
      stepRow.hidden = choice.value !== "performer";
      fieldRow.hidden = choice.value !== "var";
    }
    function compose() {
      visible();
      var r = choice.value;
      var text = r === "performer" ? (step.value ? "performer:" + step.value : "") :
        r === "var" ? (field.value.trim() ? "var:" + field.value.trim() : "") : r;
      if (r === "role") { text = ""; }  // the default: anyone of the step's role
      if (text || r === "role") { setProp(element, "assign", text); }
    }
    [choice, step, field].forEach(function (c) { c.addEventListener("change", compose); });
    visible();
    return [P.labelled(T.assign, choice), stepRow, fieldRow];
  }

  function reminders(element, p, T, setProp, section) {
    var P = parts();
    var days = P.input(p.reminders || "", { type: "text", inputmode: "numeric", placeholder: "7,1,0" });
    var every = P.input(p.escalate_every || "", { type: "number", min: "1", step: "1", inputmode: "numeric" });
    days.addEventListener("change", function () {
      setProp(element, "reminders", days.value.replace(/\s+/g, ""));
    });
    every.addEventListener("change", function () { setProp(element, "escalate_every", every.value.trim()); });
    return section(T.reminders, [P.labelled(T.reminder_days, days), P.labelled(T.escalate_every, every),
      P.h("p", { "class": "mp-help", text: T.reminders_help })]);
  }

  window.khumuePanelRules = { timing: timing, evidence: evidence, assign: assign, reminders: reminders };
})();
