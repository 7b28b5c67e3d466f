// Draws the instance's BPMN diagram with bpmn-js (served from this server) and marks its steps:
// done, current and late. The element ids and states come from the page (data-markers).
// The diagram is drawn at a readable size inside a box that scrolls natively (so it pans by touch on
// a phone); the buttons make it bigger, smaller, or fit the width as far as the labels stay readable.
// Thai has no spaces between words and bpmn-js breaks a line that does not fit anywhere, even inside a
// syllable ("ประช / ุม"): labels are broken here first, at the word boundaries of Intl.Segmenter.
(function () {
  "use strict";
  var el = document.getElementById("diagram");
  if (!el || !window.BpmnJS) { return; }
  var box = el.parentNode;
  var markers = JSON.parse(el.getAttribute("data-markers") || "{}");
  var FONT = { fontFamily: "Sarabun, Loma, Garuda, sans-serif", fontSize: 12 };
  var viewer = new window.BpmnJS({ container: el, textRenderer: { defaultStyle: FONT } });
  // Labels are never drawn smaller than 12 CSS pixels: the fit button fits the width down to that scale and a
  // wider diagram scrolls sideways (by touch on a phone) instead of shrinking into unreadable text.
  var READABLE = 12 / FONT.fontSize;
  var SPREAD = 1.4;
  var zoom = { factor: 1, fit: false };
  window.khumueWordBreaks(viewer.get("textRenderer"));

  function bounds(registry) {
    // This instance's pool when the file holds several (the office's and one school's), else everything.
    var pools = registry.filter(function (e) { return e.type === "bpmn:Participant"; });
    var mine = pools.filter(function (e) {
      var ref = e.businessObject.processRef;
      return ref && ref.id === el.getAttribute("data-process");
    });
    var shapes = mine.length ? mine : registry.filter(function (e) { return e.width && !e.labelTarget; });
    var x1 = Infinity, y1 = Infinity, x2 = -Infinity, y2 = -Infinity;
    shapes.forEach(function (s) {
      x1 = Math.min(x1, s.x); y1 = Math.min(y1, s.y);
      x2 = Math.max(x2, s.x + s.width); y2 = Math.max(y2, s.y + s.height);
    });
    return { x: x1 - 20, y: y1 - 20, width: x2 - x1 + 40, height: y2 - y1 + 40 };
  }

  function layout(canvas, area) {
    var fit = box.clientWidth / area.width;
    var scale = zoom.fit ? Math.max(fit, READABLE) : Math.min(2, Math.max(Math.min(fit, 1), READABLE) * zoom.factor);
    el.style.width = Math.floor(Math.max(area.width * scale, 1)) + "px";
    el.style.height = Math.floor(Math.max(area.height * scale, 1)) + "px";
    canvas.resized();
    canvas.viewbox({ x: area.x, y: area.y, width: area.width, height: area.height });
    return scale;
  }

  function reveal(registry, area, scale) {
    // On a narrow screen start at the first late or current step rather than at the left edge.
    var id = Object.keys(markers).filter(function (k) { return markers[k] === "late"; })[0] ||
      Object.keys(markers).filter(function (k) { return markers[k] === "current"; })[0];
    var shape = id && registry.get(id);
    if (shape) { box.scrollLeft = Math.max(0, (shape.x - area.x) * scale - box.clientWidth / 3); }
  }

  function tools(canvas, area) {
    document.querySelectorAll("[data-zoom]").forEach(function (button) {
      button.addEventListener("click", function () {
        var how = button.getAttribute("data-zoom");
        zoom.fit = how === "fit";
        if (!zoom.fit) { zoom.factor *= how === "in" ? 1.25 : 0.8; } else { zoom.factor = 1; }
        layout(canvas, area);
      });
    });
  }

  function roomier(xml) {
    // The process files draw a step as a 120×80 box, too small for a long Thai step name at a readable size:
    // the whole drawing is spread out by SPREAD (boxes, their places and the flows alike) while the text stays
    // 12 px, so each name gets more room in its box.
    var doc = new DOMParser().parseFromString(xml, "application/xml");
    ["Bounds", "waypoint"].forEach(function (name) {
      Array.prototype.forEach.call(doc.getElementsByTagNameNS("*", name), function (node) {
        ["x", "y", "width", "height"].forEach(function (attr) {
          if (node.hasAttribute(attr)) { node.setAttribute(attr, String(Number(node.getAttribute(attr)) * SPREAD)); }
        });
      });
    });
    return new XMLSerializer().serializeToString(doc);
  }

  function describe() {
    // The drawing is one image to a screen reader (its steps are the timeline below) and no Tab stop of its
    // own: bpmn-js makes its svg focusable for editing shortcuts a viewer has none of. The scrolling box
    // around it is the one stop, so the keyboard can pan it.
    var svg = el.querySelector("svg");
    if (!svg) { return; }
    svg.removeAttribute("tabindex");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", el.getAttribute("data-label") || "");
  }

  fetch(el.getAttribute("data-src"), { credentials: "same-origin" })
    .then(function (response) { return response.text(); })
    .then(function (xml) { return viewer.importXML(roomier(xml)); })
    .then(function () {
      var canvas = viewer.get("canvas");
      var registry = viewer.get("elementRegistry");
      Object.keys(markers).forEach(function (id) {
        if (registry.get(id)) { canvas.addMarker(id, "k-" + markers[id]); }
      });
      var area = bounds(registry);
      reveal(registry, area, layout(canvas, area));
      tools(canvas, area);
      describe();
      el.setAttribute("data-ready", "true");
    })
    .catch(function (err) {
      el.setAttribute("data-ready", "error");
      el.textContent = String((err && err.message) || err);
    });
}());
