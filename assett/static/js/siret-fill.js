// « Remplir depuis le SIRET » without reloading the page: asks the app for the profile values
// of the typed SIRET and fills the fields. Without this script, the same button posts the form
// and the server fills it.
(function () {
  "use strict";
  var button = document.querySelector("button[data-siret-lookup]");
  if (!button || !window.fetch) {
    return;
  }
  var form = button.form;
  var input = form.querySelector("#siret");
  var status = document.getElementById("siret-fill-status");
  var lastAsked = null;

  function say(text) {
    status.textContent = text || "";
  }

  function setField(name, value) {
    var field = form.querySelector("#" + name);
    if (!field || value === undefined || value === null) {
      return;
    }
    field.value = value;
    field.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function setCommune(code, name) {
    var field = form.querySelector("#commune");
    if (!field || !name) {
      return;
    }
    if (field.tagName === "SELECT") {
      var option = field.querySelector('option[value="' + code + '"]');
      if (option) {
        field.value = code;
        return;
      }
      // The list holds the communes of the former postcode: a text field takes the name.
      var text = document.createElement("input");
      text.type = "text";
      text.id = field.id;
      text.name = field.name;
      text.maxLength = 120;
      text.autocomplete = "address-level2";
      field.replaceWith(text);
      field = text;
    }
    field.value = name;
  }

  function fill(fields) {
    ["name", "legal_type", "naf_code", "headcount_code", "postcode"].forEach(function (name) {
      setField(name, fields[name]);
    });
    setCommune(fields.commune_code, fields.commune);
  }

  function lookUp(force) {
    var siret = input.value.replace(/[\s.]/g, "");
    if (!force && (!/^\d{14}$/.test(siret) || siret === lastAsked)) {
      return;
    }
    lastAsked = siret;
    say(button.getAttribute("data-pending"));
    var url = button.getAttribute("data-siret-lookup") + "?siret=" + encodeURIComponent(siret);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json();
      })
      .then(function (answer) {
        if (answer.fields) {
          fill(answer.fields);
          if (answer.fields.siret) {
            input.value = answer.fields.siret;
          }
        }
        say(answer.message || button.getAttribute("data-failed"));
      })
      .catch(function () {
        say(button.getAttribute("data-failed"));
      });
  }

  button.addEventListener("click", function (event) {
    event.preventDefault();
    lookUp(true);
  });
  input.addEventListener("change", function () {
    lookUp(false);
  });
})();
