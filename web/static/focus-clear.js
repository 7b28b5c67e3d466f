// A form's buttons stick to the bottom of the window; a field reached with Tab, or through a link of the error
// summary, must not sit under them (WCAG 2.4.11's spirit, and plain use on a phone). The summary's links go to
// the control itself, focused, not to the wrapper around it.
(function () {
  "use strict";
  var GAP = 16;

  document.addEventListener("focusin", function (event) {
    var bar = document.querySelector(".buttons.sticky");
    var target = event.target;
    // Only what comes before the bar can be under it; what follows the form is below the bar anyway.
    if (!bar || !target.getBoundingClientRect || !(bar.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_PRECEDING)) {
      return;
    }
    var barTop = bar.getBoundingClientRect().top, rect = target.getBoundingClientRect();
    if (rect.bottom + GAP > barTop) { window.scrollBy(0, Math.min(rect.bottom + GAP - barTop, rect.top - GAP)); }
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
    var control = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!control) { return; }
    event.preventDefault();
    control.scrollIntoView({ block: "center" });
    control.focus();
  });
}());
