// Questionnaire pages, progressive enhancement only (the form works without it):
// « Non concerné » greys out the question's choices; an exclusive choice (« Aucune de ces
// réponses », or an option marked `exclusive` in the definition) unticks the others; leaving
// the page with unsaved changes (closing the tab, following a link) sends them with a beacon
// to the form's own address (action « leave », CSRF token included; the attribute, not
// form.action, which names the buttons called « action »).
(function () {
  "use strict";
  function isExclusive(input) {
    return input.getAttribute("data-exclusive") === "1";
  }

  function choicesOf(question) {
    return Array.prototype.slice.call(
      question.querySelectorAll(".choices input, .scale input")
    );
  }

  function syncNotApplicable(question, box) {
    choicesOf(question).forEach(function (input) {
      input.disabled = box.checked;
    });
  }

  document.querySelectorAll(".question").forEach(function (question) {
    var box = question.querySelector(".not-applicable input[type=checkbox]");
    if (box) {
      syncNotApplicable(question, box);
      box.addEventListener("change", function () { syncNotApplicable(question, box); });
    }
    var checkboxes = choicesOf(question).filter(function (input) {
      return input.type === "checkbox";
    });
    checkboxes.forEach(function (input) {
      input.addEventListener("change", function () {
        if (!input.checked) { return; }
        checkboxes.forEach(function (other) {
          if (other === input) { return; }
          if (isExclusive(input) || isExclusive(other)) { other.checked = false; }
        });
      });
    });
  });

  var form = document.querySelector("form.questionnaire[method=post]");
  if (form && navigator.sendBeacon) {
    var changed = false;
    var submitting = false;
    form.addEventListener("change", function () { changed = true; });
    form.addEventListener("submit", function () { submitting = true; });
    window.addEventListener("pagehide", function () {
      if (!changed || submitting) { return; }
      var data = new FormData(form);
      data.set("action", "leave");
      if (navigator.sendBeacon(form.getAttribute("action"), data)) { changed = false; }
    });
  }
})();
