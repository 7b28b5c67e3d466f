// A calendar beside every date typed as day/month/year (data-date-entry="be": Thai months and the Buddhist
// year; "ce": English months and the Common Era). The input stays a plain text box: typing works without
// this script, and the server converts and checks what arrives.
(function () {
  "use strict";
  var TEXT = {
    be: {months: ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม",
                  "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"],
         days: ["อา", "จ", "อ", "พ", "พฤ", "ศ", "ส"], open: "เลือกวันที่จากปฏิทิน", show: "ปฏิทิน", month: "เดือน",
         year: "ปี พ.ศ.", prev: "เดือนก่อน", next: "เดือนถัดไป", close: "ปิด", offset: 543},
    ce: {months: ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                  "October", "November", "December"],
         days: ["Su", "Mo", "Tu", "We", "Th", "Fr", "Sa"], open: "Pick a date from a calendar", show: "Calendar", month: "Month",
         year: "Year", prev: "Previous month", next: "Next month", close: "Close", offset: 0}
  };
  var THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙";

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function parse(value, t) {
    var text = value.replace(/[๐-๙]/g, function (d) { return String(THAI_DIGITS.indexOf(d)); });
    var m = /^\s*(\d{1,2})[\/.\-](\d{1,2})[\/.\-](\d{4})\s*$/.exec(text);
    if (!m) { return null; }
    var d = new Date(Number(m[3]) - t.offset, Number(m[2]) - 1, Number(m[1]));
    return isNaN(d.getTime()) ? null : d;
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function picker(input) {
    var t = TEXT[input.getAttribute("data-date-entry")] || TEXT.be;
    var button = el("button", {type: "button", "class": "date-open", "aria-label": t.open, "aria-expanded": "false"}, t.show);
    var panel = el("div", {"class": "date-panel", role: "group", "aria-label": t.open, hidden: ""});
    var shown = new Date();
    input.insertAdjacentElement("afterend", button);
    button.insertAdjacentElement("afterend", panel);

    function close() { panel.hidden = true; button.setAttribute("aria-expanded", "false"); }

    function choose(day) {
      input.value = pad(day) + "/" + pad(shown.getMonth() + 1) + "/" + (shown.getFullYear() + t.offset);
      input.dispatchEvent(new Event("change", {bubbles: true}));
      close();
      input.focus();
    }

    function draw() {
      panel.textContent = "";
      var head = el("div", {"class": "date-head"});
      var prev = el("button", {type: "button", "aria-label": t.prev}, "‹");
      var month = el("select", {"aria-label": t.month});
      t.months.forEach(function (name, i) { var o = el("option", {value: i}, name); o.selected = i === shown.getMonth(); month.appendChild(o); });
      var year = el("input", {type: "number", inputmode: "numeric", "aria-label": t.year, value: shown.getFullYear() + t.offset});
      var next = el("button", {type: "button", "aria-label": t.next}, "›");
      prev.onclick = function () { shown = new Date(shown.getFullYear(), shown.getMonth() - 1, 1); draw(); };
      next.onclick = function () { shown = new Date(shown.getFullYear(), shown.getMonth() + 1, 1); draw(); };
      month.onchange = function () { shown = new Date(shown.getFullYear(), Number(month.value), 1); draw(); };
      year.onchange = function () { shown = new Date(Number(year.value) - t.offset, shown.getMonth(), 1); draw(); };
      [prev, month, year, next].forEach(function (n) { head.appendChild(n); });
      panel.appendChild(head);
      var grid = el("div", {"class": "date-grid"});
      t.days.forEach(function (d) { grid.appendChild(el("span", {"aria-hidden": "true"}, d)); });
      var first = new Date(shown.getFullYear(), shown.getMonth(), 1).getDay();
      var last = new Date(shown.getFullYear(), shown.getMonth() + 1, 0).getDate();
      for (var i = 0; i < first; i++) { grid.appendChild(el("span")); }
      for (var day = 1; day <= last; day++) {
        var label = day + " " + t.months[shown.getMonth()] + " " + (shown.getFullYear() + t.offset);
        var b = el("button", {type: "button", "aria-label": label}, String(day));
        b.onclick = choose.bind(null, day);
        grid.appendChild(b);
      }
      panel.appendChild(grid);
      var shut = el("button", {type: "button", "class": "date-close"}, t.close);
      shut.onclick = function () { close(); button.focus(); };
      panel.appendChild(shut);
    }

    button.onclick = function () {
      if (!panel.hidden) { close(); return; }
      shown = parse(input.value, t) || new Date();
      shown = new Date(shown.getFullYear(), shown.getMonth(), 1);
      draw();
      panel.hidden = false;
      button.setAttribute("aria-expanded", "true");
    };
    panel.addEventListener("keydown", function (e) { if (e.key === "Escape") { close(); button.focus(); } });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-date-entry]:not([readonly])"), picker);
  });
}());
