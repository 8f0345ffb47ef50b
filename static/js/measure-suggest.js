// The inbox's measure search field: while one types, the measures whose number or title
// match are offered in the field's datalist (value: the number, label: the title). Without
// this script the field is a plain text field: the server resolves a number or title words.
(function () {
  "use strict";
  var field = document.getElementById("filter-linked_measure");
  if (!field || !window.fetch) {
    return;
  }
  var list = document.getElementById(field.getAttribute("list"));
  var url = field.getAttribute("data-suggest-url");
  var timer = null;
  var asked = "";
  function show(measures) {
    while (list.firstChild) {
      list.removeChild(list.firstChild);
    }
    measures.forEach(function (measure) {
      var option = document.createElement("option");
      option.value = String(measure.id);
      option.label = measure.title;
      option.textContent = measure.title;
      list.appendChild(option);
    });
  }
  field.addEventListener("input", function () {
    var text = field.value.trim();
    window.clearTimeout(timer);
    if (text.length < 2 && !/^[0-9]+$/.test(text)) {
      show([]);
      return;
    }
    timer = window.setTimeout(function () {
      if (text === asked) {
        return;
      }
      asked = text;
      fetch(url + "?q=" + encodeURIComponent(text), { credentials: "same-origin" })
        .then(function (response) {
          return response.ok ? response.json() : { measures: [] };
        })
        .then(function (data) {
          if (field.value.trim() === text) {
            show(data.measures || []);
          }
        })
        .catch(function () {
          show([]);
        });
    }, 200);
  });
})();
