// khumue's properties panel for the modeler: what engine/model/bpmn.py reads from a drawn process, written
// exactly so. A lane's name is a role (its Thai name); a step's role is its lane (choosing one moves the step
// into that role's lane, adding the lane if the pool has none). A step's spiffworkflow:properties: `timing`
// (months of the cycle year `Y/5`, `Y/6..Y+1/3`, or a duration `P3D`), `evidence` ("Thai | English"),
// `assign` (a rule, `performer:STEP` or `var:FIELD`), `reminders` ("7,1,0") and `escalate_every` (days),
// `name_en`; its spiffworkflow:form is the JSON {"fields": [{name, type, required, label, label_en, choices}]}.
(function () {
  "use strict";
  var SPIFF = "spiffworkflow:";
  var STEP_TYPES = ["bpmn:UserTask", "bpmn:ManualTask", "bpmn:Task"];

  function h(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { node.textContent = attrs[k]; } else if (attrs[k] !== null && attrs[k] !== undefined) {
        node.setAttribute(k, attrs[k]);
      }
    });
    (children || []).forEach(function (c) { if (c) { node.appendChild(c); } });
    return node;
  }

  var seq = 0;
  function labelled(label, control) {
    var id = "mp-" + (++seq);
    control.id = id;
    return h("div", { "class": "mp-row" }, [h("label", { "for": id, text: label }), control]);
  }

  function select(options, value) {
    var node = h("select");
    options.forEach(function (o) {
      var opt = h("option", { value: o[0], text: o[1] });
      if (String(o[0]) === String(value)) { opt.selected = true; }
      node.appendChild(opt);
    });
    return node;
  }

  function input(value, attrs) {
    var node = h("input", attrs || { type: "text" });
    node.value = value === undefined || value === null ? "" : value;
    return node;
  }

  window.khumuePanel = function (modeler, root, T, SETUP) {
    var modeling = modeler.get("modeling");
    var moddle = modeler.get("moddle");
    var registry = modeler.get("elementRegistry");
    var current = null;
    var busy = false;

    function roleOf(name) {
      var key = (name || "").trim().toLowerCase();
      var found = SETUP.roles.filter(function (r) {
        return [r.id, r.th, r.en].some(function (n) { return n.toLowerCase() === key; });
      })[0];
      return found || null;
    }

    function roleName(role) { return T.lang === "en" ? role.en : role.th; }

    // ---- extension elements -------------------------------------------------------------------------------
    function extension(bo, type) {
      var ext = bo.extensionElements;
      return ext && (ext.values || []).filter(function (v) { return v.$type === SPIFF + type; })[0];
    }

    function props(bo) {
      var out = {};
      var p = extension(bo, "Properties");
      ((p && p.properties) || []).forEach(function (prop) { out[prop.name] = prop.value; });
      return out;
    }

    function write(element, values, formJson) {
      var bo = element.businessObject;
      var kept = ((bo.extensionElements && bo.extensionElements.values) || []).filter(function (v) {
        return v.$type !== SPIFF + "Properties" && v.$type !== SPIFF + "Form";
      });
      var names = Object.keys(values).filter(function (k) { return values[k] !== "" && values[k] !== null; });
      var ext = moddle.create("bpmn:ExtensionElements", { values: [] });
      if (names.length) {
        var list = moddle.create(SPIFF + "Properties", { properties: names.map(function (k) {
          return moddle.create(SPIFF + "Property", { name: k, value: String(values[k]) });
        }) });
        list.$parent = ext;
        ext.values.push(list);
      }
      if (formJson) {
        var form = moddle.create(SPIFF + "Form", { value: formJson });
        form.$parent = ext;
        ext.values.push(form);
      } else if (formJson === undefined) {
        var old = extension(bo, "Form");
        if (old) { old.$parent = ext; ext.values.push(old); }
      }
      kept.forEach(function (v) { v.$parent = ext; ext.values.push(v); });
      modeling.updateProperties(element, { extensionElements: ext.values.length ? ext : undefined });
    }

    function setProp(element, name, value) {
      var values = props(element.businessObject);
      values[name] = value;
      write(element, values);
    }

    function readForm(bo) {
      var f = extension(bo, "Form");
      if (!f || !f.value) { return []; }
      try { return JSON.parse(f.value).fields || []; } catch (e) { return []; }
    }

    function writeForm(element, fields) {
      var clean = fields.map(function (f) {
        // What the builder does not show (help, choices_from) is kept as the file had it.
        var out = {};
        Object.keys(f.keep || {}).forEach(function (k) { out[k] = f.keep[k]; });
        out.name = f.name; out.type = f.type; out.required = !!f.required; out.label = f.label;
        delete out.label_en; delete out.choices;
        if (f.label_en) { out.label_en = f.label_en; }
        if ((f.type === "choice" || f.type === "multichoice") && f.choices && f.choices.length) {
          out.choices = f.choices;
        }
        return out;
      });
      write(element, props(element.businessObject), clean.length ? JSON.stringify({ fields: clean }) : null);
    }

    // ---- lanes and roles -----------------------------------------------------------------------------------
    function lanes() { return registry.filter(function (e) { return e.type === "bpmn:Lane"; }); }

    function laneOf(element) {
      return lanes().filter(function (lane) {
        return (lane.businessObject.flowNodeRef || []).indexOf(element.businessObject) >= 0;
      })[0] || null;
    }

    function moveInto(element, lane) {
      var dy = lane.y + lane.height / 2 - (element.y + element.height / 2);
      if (Math.abs(dy) > 1) { modeling.moveShape(element, { x: 0, y: dy }); }
    }

    function giveRole(element, role) {
      var name = role.th;
      var target = lanes().filter(function (l) { return roleOf(l.businessObject.name) === role; })[0];
      if (target) { moveInto(element, target); return; }
      var mine = laneOf(element);
      if (mine && !roleOf(mine.businessObject.name)) { modeling.updateLabel(mine, name); return; }
      var pool = registry.filter(function (e) { return e.type === "bpmn:Participant"; })[0];
      if (!pool) { return; }
      if (!lanes().length) {
        modeling.splitLane(pool, 1);
        var only = lanes()[0];
        modeling.updateLabel(only, name);
        moveInto(element, only);
        return;
      }
      var last = lanes().sort(function (a, b) { return a.y - b.y; }).pop();
      var added = modeling.addLane(last, "bottom");
      modeling.updateLabel(added, name);
      moveInto(element, added);
    }

    function roleSelect(currentRole, onChange) {
      var options = [["", T.choose_role]].concat(SETUP.roles.map(function (r) { return [r.id, roleName(r)]; }));
      var node = select(options, currentRole ? currentRole.id : "");
      node.addEventListener("change", function () {
        var role = SETUP.roles.filter(function (r) { return r.id === node.value; })[0];
        if (role) { onChange(role); }
      });
      return node;
    }

    // ---- sections ------------------------------------------------------------------------------------------
    function section(title, rows) {
      return h("fieldset", { "class": "mp-section" }, [h("legend", { text: title })].concat(rows));
    }

    function nameSection(element) {
      var bo = element.businessObject;
      var name = h("textarea", { rows: "2" });  // a manual's step names are long
      name.value = bo.name || "";
      name.addEventListener("change", function () { modeling.updateLabel(element, name.value); });
      var rows = [labelled(T.name_th, name)];
      if (STEP_TYPES.indexOf(element.type) >= 0) {
        var en = input(props(bo).name_en || "");
        en.addEventListener("change", function () { setProp(element, "name_en", en.value.trim()); });
        rows.push(labelled(T.name_en, en));
      }
      rows.push(h("p", { "class": "mp-id", text: T.element_id + " " + bo.id }));
      return section(T.general, rows);
    }

    function stepSections(element) {
      var p = props(element.businessObject);
      var lane = laneOf(element);
      var role = lane ? roleOf(lane.businessObject.name) : null;
      var roleRow = labelled(T.role, roleSelect(role, function (r) { giveRole(element, r); show(element); }));
      var rows = [roleRow, h("p", { "class": "mp-help", text: lane ? T.role_from_lane : T.role_no_lane })];
      var out = [section(T.who, rows.concat(window.khumuePanelRules.assign(element, p, T, SETUP, setProp, registry)))];
      out.push(window.khumuePanelRules.timing(element, p, T, setProp, section));
      out.push(window.khumuePanelRules.evidence(element, p, T, setProp, section));
      out.push(window.khumuePanelRules.reminders(element, p, T, setProp, section));
      out.push(window.khumueFormBuilder(readForm(element.businessObject), T, SETUP, function (fields) {
        writeForm(element, fields);
      }, section));
      return out;
    }

    function processSection(element) {
      // The pool's process: its id is the process id (and the saved file's name), its name the catalog's default.
      var process = element.businessObject.processRef;
      var id = input(process.id, { type: "text", spellcheck: "false", pattern: "[a-z][a-z0-9_]*" });
      var name = input(process.name || "");
      var warn = h("p", { "class": "mp-warn", role: "alert" });
      id.addEventListener("change", function () {
        var value = id.value.trim();
        var taken = value !== process.id && moddle.ids && moddle.ids.assigned(value);
        warn.textContent = /^[a-z][a-z0-9_]*$/.test(value) && !taken ? "" : T.process_id_bad;
        if (!warn.textContent) { modeling.updateModdleProperties(element, process, { id: value }); }
      });
      name.addEventListener("change", function () {
        var pool = element.businessObject;
        if (!pool.name || pool.name === process.name) { modeling.updateLabel(element, name.value.trim()); }
        modeling.updateModdleProperties(element, process, { name: name.value.trim() });
      });
      return section(T.process, [labelled(T.process_id, id), warn, labelled(T.process_name, name)]);
    }

    function laneSections(element) {
      var role = roleOf(element.businessObject.name);
      return [section(T.who, [labelled(T.lane_role, roleSelect(role, function (r) {
        modeling.updateLabel(element, r.th); show(element);
      }))])];
    }

    function show(element) {
      // A field still being typed in says its value (its change event) before the panel is drawn anew.
      if (root.contains(document.activeElement)) { document.activeElement.blur(); }
      current = element;
      root.textContent = "";
      if (!element || element.type === "bpmn:Process" || element.type === "bpmn:Collaboration" ||
          element.type === "label") {
        root.appendChild(h("h2", { text: T.panel_title }));
        root.appendChild(h("p", { "class": "mp-help", text: T.pick_element }));
        return;
      }
      root.appendChild(h("h2", { text: T.panel_title }));
      root.appendChild(nameSection(element));
      if (element.type === "bpmn:Lane") { laneSections(element).forEach(function (s) { root.appendChild(s); }); }
      if (element.type === "bpmn:Participant" && element.businessObject.processRef) {
        root.appendChild(processSection(element));
      }
      if (STEP_TYPES.indexOf(element.type) >= 0) {
        stepSections(element).forEach(function (s) { root.appendChild(s); });
      }
      if (element.type === "bpmn:StartEvent") {
        root.appendChild(window.khumueFormBuilder(readForm(element.businessObject), T, SETUP, function (fields) {
          writeForm(element, fields);
        }, section));
      }
    }

    // What the panel itself changes does not redraw it (the field being typed in stays where it is).
    root.addEventListener("change", function () { busy = true; }, true);
    root.addEventListener("change", function () { busy = false; });

    return {
      show: show,
      refresh: function () {
        // Another change (an undo, a move) may have changed what the panel shows; typing does not redraw it.
        if (!busy && current) { show(registry.get(current.id) || null); }
      }
    };
  };
  window.khumuePanelParts = { h: h, labelled: labelled, select: select, input: input };
})();
