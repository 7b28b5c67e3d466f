// Thai labels broken between words, never inside one: bpmn-js lays a label out by spaces and hyphens and cuts
// anything longer mid-character, which splits a Thai word and even a syllable from its vowel ("ประช / ุม").
// Before bpmn-js sees a label, it is cut into lines here at Intl.Segmenter's word boundaries, each line measured
// in the label's own font and box the way bpmn-js measures (an SVG text's box); bpmn-js then keeps the lines.
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var words = window.Intl && Intl.Segmenter ? new Intl.Segmenter("th", { granularity: "word" }) : null;
  var probe = null;

  function measurer(style) {
    if (!probe) {
      var svg = document.createElementNS(NS, "svg");
      svg.setAttribute("aria-hidden", "true");
      svg.setAttribute("width", "0");
      svg.setAttribute("height", "0");
      svg.style.position = "absolute";
      svg.style.visibility = "hidden";
      probe = document.createElementNS(NS, "text");
      svg.appendChild(probe);
      document.body.appendChild(svg);
    }
    probe.setAttribute("font-family", style.fontFamily);
    probe.setAttribute("font-size", style.fontSize);
    probe.setAttribute("font-weight", style.fontWeight || "normal");
    return function (text) { probe.textContent = text; return probe.getBBox().width; };
  }

  function pieces(text) {
    return Array.from(words.segment(text), function (s) { return s.segment; });
  }

  function wrap(paragraph, maxWidth, width) {
    var lines = [], line = "";
    pieces(paragraph).forEach(function (piece) {
      var candidate = line + piece;
      if (!line || width(candidate.trim()) < maxWidth) { line = candidate; return; }
      lines.push(line.trim());
      line = /^\s+$/.test(piece) ? "" : piece;
    });
    if (line.trim()) { lines.push(line.trim()); }
    return lines;
  }

  function padding(value) {
    if (typeof value === "number") { return { left: value, right: value }; }
    return { left: (value && value.left) || 0, right: (value && value.right) || 0 };
  }

  window.khumueWordBreaks = function (textRenderer) {
    if (!words || !textRenderer) { return; }
    var createText = textRenderer.createText;
    textRenderer.createText = function (text, options) {
      options = options || {};
      var style = Object.assign({}, textRenderer.getDefaultStyle(), options.style || {});
      var box = Object.assign({ width: 150 }, options.box);  // diagram-js's own default label size
      var pad = padding(options.padding === undefined ? 0 : options.padding);
      // bpmn-js keeps a line shorter than its box less padding; a pixel of margin absorbs rounding.
      var maxWidth = Math.round(box.width - pad.left - pad.right) - 1;
      var width = measurer(style);
      var lines = [];
      String(text || "").split(/\r?\n/).forEach(function (p) { lines = lines.concat(wrap(p, maxWidth, width)); });
      // A single word wider than its box (a gateway's "อนุมัติ") widens the box rather than being cut.
      var widest = Math.max.apply(null, lines.map(width).concat([0]));
      if (widest >= maxWidth) {
        options = Object.assign({}, options, { box: Object.assign({}, box, { width: box.width + widest - maxWidth + 2 }) });
      }
      return createText.call(this, lines.join("\n"), options);
    };
  };
}());
