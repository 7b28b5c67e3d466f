// The process modeler (administrators): bpmn-js's Modeler, served from this server like the viewer, with
// khumue's properties panel (modeler-panel.js). The page gives everything as data attributes (the CSP allows
// no inline script): the texts in the reader's language, the roles and rules the engine knows, the file to
// edit. Save posts the diagram as one .bpmn file to POST /api/v1/processes: the server checks it as it checks
// an upload, deploys it whole or not at all, and its problems are drawn on the elements they name.
(function () {
  "use strict";
  var el = document.getElementById("modeler");
  if (!el || !window.BpmnJS || !window.khumuePanel) { return; }
  var T = JSON.parse(el.getAttribute("data-texts"));
  var SETUP = JSON.parse(el.getAttribute("data-setup"));
  var FONT = { fontFamily: "Sarabun, Loma, Garuda, sans-serif", fontSize: 12 };
  var status = document.getElementById("modeler-status");
  var list = document.getElementById("modeler-problems");
  var shown = [];

  function blank() {
    var id = "process_" + Date.now().toString(36);
    return '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" ' +
      'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" ' +
      'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" ' +
      'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="' + id + '_definitions" ' +
      'targetNamespace="http://khumue.example/processes/' + id + '" exporter="khumue" exporterVersion="1">' +
      '<bpmn:collaboration id="' + id + '_collaboration">' +
      '<bpmn:participant id="' + id + '_pool" name="' + T.new_process + '" processRef="' + id + '" /></bpmn:collaboration>' +
      '<bpmn:process id="' + id + '" name="' + T.new_process + '" isExecutable="true">' +
      '<bpmn:startEvent id="' + id + '_start" name="' + T.start + '" /></bpmn:process>' +
      '<bpmndi:BPMNDiagram id="' + id + '_diagram"><bpmndi:BPMNPlane id="' + id + '_plane" bpmnElement="' + id + '_collaboration">' +
      '<bpmndi:BPMNShape id="' + id + '_pool_di" bpmnElement="' + id + '_pool" isHorizontal="true">' +
      '<dc:Bounds x="120" y="60" width="600" height="180" /></bpmndi:BPMNShape>' +
      '<bpmndi:BPMNShape id="' + id + '_start_di" bpmnElement="' + id + '_start">' +
      '<dc:Bounds x="190" y="132" width="36" height="36" /></bpmndi:BPMNShape>' +
      '</bpmndi:BPMNPlane></bpmndi:BPMNDiagram></bpmn:definitions>';
  }

  function say(text, bad) {
    status.textContent = text;
    status.className = bad ? "result-bad" : "result-ok";
  }

  function clearProblems(modeler) {
    var canvas = modeler.get("canvas");
    shown.forEach(function (id) { canvas.removeMarker(id, "khumue-problem"); });
    shown = [];
    modeler.get("overlays").remove({ type: "khumue-problem" });
    list.textContent = "";
  }

  function showProblems(modeler, problems) {
    var registry = modeler.get("elementRegistry");
    var overlays = modeler.get("overlays");
    var canvas = modeler.get("canvas");
    var counts = {};
    problems.forEach(function (p) {
      var id = p.element || p.element_id || "";
      var message = p.message || p.reason || "";
      var item = document.createElement("li");
      item.className = p.severity === "error" ? "problem-error" : "problem-warning";
      item.textContent = (id ? id + ": " : "") + message;
      list.appendChild(item);
      var shape = id && registry.get(id);
      if (!shape || shape.type === "bpmn:Process") { return; }
      if (shown.indexOf(id) < 0) { canvas.addMarker(id, "khumue-problem"); shown.push(id); }
      counts[id] = (counts[id] || 0) + 1;
      var badge = document.createElement("div");
      badge.className = "khumue-problem-badge " + item.className;
      badge.setAttribute("title", message);
      badge.textContent = "!";
      badge.setAttribute("data-element", id);
      overlays.add(id, "khumue-problem", { position: { top: -10, right: 8 + 16 * (counts[id] - 1) }, html: badge });
    });
  }

  function processOf(modeler) {
    // The drawn process: the pool's, when the diagram is a collaboration.
    var root = modeler.get("canvas").getRootElement().businessObject;
    var pool = (root.participants || []).filter(function (p) { return p.processRef; })[0];
    return pool ? pool.processRef : root;
  }

  function save(modeler) {
    clearProblems(modeler);
    say(T.saving, false);
    modeler.saveXML({ format: true }).then(function (result) {
      var processId = processOf(modeler).id;
      var form = new FormData();
      form.append("files", new Blob([result.xml], { type: "application/xml" }), processId + ".bpmn");
      return fetch(el.getAttribute("data-save"), {
        method: "POST", body: form, credentials: "same-origin",
        headers: { "Accept": "application/json", "X-Requested-With": "fetch",
                   "X-CSRFToken": el.getAttribute("data-csrf") }
      });
    }).then(function (response) {
      return response.json().then(function (body) { return { status: response.status, body: body }; },
        function () { return { status: response.status, body: {} }; });
    }).then(function (answer) {
      var body = answer.body || {};
      if (answer.status === 201) {
        var done = (body.deployed || []).map(function (d) { return d.id + " " + T.version + " " + d.version; });
        say(T.saved + " " + done.join(", "), false);
        el.setAttribute("data-saved", processOf(modeler).id);
        showProblems(modeler, body.problems || []);
        return;
      }
      say(body.error || T.not_saved, true);
      showProblems(modeler, body.problems || []);
    }).catch(function () { say(T.not_saved, true); });
  }

  function place(canvas) {
    // The whole diagram at a readable size, below the palette (one row along the drawing's top).
    var box = canvas.viewbox();
    var inner = box.inner, outer = box.outer;
    var scale = Math.min(1, (outer.width - 40) / (inner.width + 40), (outer.height - 80) / (inner.height + 40));
    scale = Math.max(scale, 0.75);  // a large process stays readable and is panned, never shrunk to dots
    canvas.viewbox({ x: inner.x - 20 / scale, y: inner.y - 64 / scale, width: outer.width / scale,
                     height: outer.height / scale });
  }

  function start(descriptor, xml) {
    var modeler = new window.BpmnJS({
      container: el, textRenderer: { defaultStyle: FONT },
      moddleExtensions: { spiffworkflow: descriptor }
    });
    if (window.khumueWordBreaks) { window.khumueWordBreaks(modeler.get("textRenderer")); }
    var panel = window.khumuePanel(modeler, document.getElementById("modeler-panel"), T, SETUP);
    modeler.importXML(xml).then(function () {
      place(modeler.get("canvas"));
      panel.show(null);
      el.setAttribute("data-ready", "true");
    }).catch(function (err) { say(T.cannot_open + " " + err.message, true); });
    modeler.on("selection.changed", function (event) { panel.show(event.newSelection[0] || null); });
    modeler.on("elements.changed", function () { panel.refresh(); });
    document.getElementById("modeler-save").addEventListener("click", function () { save(modeler); });
    window.khumueModeler = modeler;  // for the browser tests' checks of what was drawn
  }

  var src = el.getAttribute("data-src");
  Promise.all([
    fetch(el.getAttribute("data-descriptor"), { credentials: "same-origin" }).then(function (r) { return r.json(); }),
    src ? fetch(src, { credentials: "same-origin" }).then(function (r) { return r.text(); }) : Promise.resolve(blank())
  ]).then(function (both) { start(both[0], both[1]); })
    .catch(function () { say(T.cannot_open, true); });
})();
