// On an English page, Thai data (people, schools, steps and manual text from the models) is marked lang="th"
// so that a screen reader speaks it with a Thai voice (WCAG 3.1.2). The server knows the page's language,
// not which piece of data is Thai: runs of Thai script are found here and marked, the element itself when
// all its text is Thai, else a <span lang="th"> around each run.
(function () {
  "use strict";
  if (document.documentElement.lang !== "en") { return; }
  var THAI = /[\u0E00-\u0E7F]/;
  var LATIN = /[A-Za-z]/;
  var RUN = /[\u0E00-\u0E7F]+(?:[\s0-9.,:()\/\-–]+[\u0E00-\u0E7F]+)*/g;
  var SKIP = { SCRIPT: 1, STYLE: 1, TEXTAREA: 1, TITLE: 1 };

  function marked(node) {
    var owner = node.parentElement && node.parentElement.closest("[lang]");
    return owner && owner.getAttribute("lang") === "th";
  }

  function wrapRuns(node) {
    var text = node.nodeValue, at = 0, part = document.createDocumentFragment(), match;
    RUN.lastIndex = 0;
    while ((match = RUN.exec(text))) {
      part.appendChild(document.createTextNode(text.slice(at, match.index)));
      var span = document.createElement("span");
      span.setAttribute("lang", "th");
      span.textContent = match[0];
      part.appendChild(span);
      at = match.index + match[0].length;
    }
    part.appendChild(document.createTextNode(text.slice(at)));
    node.parentNode.replaceChild(part, node);
  }

  function mark(node) {
    var parent = node.parentElement;
    // The diagram is one image with its own label (its steps are listed in the page): its text stays as drawn.
    if (!parent || SKIP[parent.tagName] || parent.closest("svg") || marked(node)) { return; }
    var whole = parent.childNodes.length === 1 && !LATIN.test(node.nodeValue);
    if (whole || parent.tagName === "OPTION") { parent.setAttribute("lang", "th"); } else { wrapRuns(node); }
  }

  function markAll(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: function (n) { return THAI.test(n.nodeValue) ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP; }
    });
    var nodes = [];
    while (walker.nextNode()) { nodes.push(walker.currentNode); }
    nodes.forEach(mark);
  }

  markAll(document.body);
  // Text drawn later (the diagram's labels, the date picker) is marked as it arrives.
  new MutationObserver(function (changes) {
    changes.forEach(function (c) {
      c.addedNodes.forEach(function (n) {
        if (n.nodeType === 1) { markAll(n); } else if (n.nodeType === 3 && THAI.test(n.nodeValue)) { mark(n); }
      });
    });
  }).observe(document.body, { childList: true, subtree: true });
}());
