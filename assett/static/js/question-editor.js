// Question editor: show only the settings of the chosen answer type (all stay in the form).
(function () {
  "use strict";
  function update(form) {
    var checked = form.querySelector("input[name=type]:checked");
    var type = checked ? checked.value : "";
    form.querySelectorAll("[data-question-types]").forEach(function (group) {
      var types = group.getAttribute("data-question-types").split(" ");
      group.hidden = types.indexOf(type) === -1;
    });
  }
  function init() {
    document.querySelectorAll("form.question-editor").forEach(function (form) {
      update(form);
      form.querySelectorAll("input[name=type]").forEach(function (input) {
        input.addEventListener("change", function () { update(form); });
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
