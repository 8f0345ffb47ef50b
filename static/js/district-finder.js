// "Find your district" (templates/core/_district_finder.html): turns the text field with its
// <datalist> into a small combobox (ARIA 1.2 pattern, list autocomplete): typing shows the
// matching districts in a listbox; ArrowDown/ArrowUp move through them, Enter opens the
// district, Escape closes the list. Without this script the form is a plain GET to the
// district search, with the browser's own suggestions from the datalist.
(function () {
  "use strict";
  var MAX = 8;

  function fold(text) {
    return text.toLowerCase().replace(/-/g, " ").replace(/\s+/g, " ").trim();
  }

  function setup(input) {
    var datalist = document.getElementById(input.getAttribute("list"));
    if (!datalist) return;
    var options = Array.prototype.map.call(datalist.options, function (o) {
      return { name: o.value, number: o.getAttribute("data-number") || "" };
    });
    var form = input.form;
    var listbox = document.createElement("ul");
    listbox.id = input.id + "-listbox";
    listbox.className = "finder-listbox";
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-label", input.labels && input.labels[0] ? input.labels[0].textContent : "");
    listbox.hidden = true;
    input.parentNode.appendChild(listbox);
    input.removeAttribute("list");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);
    var active = -1;

    function items() {
      return listbox.querySelectorAll("[role=option]");
    }
    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function highlight(index) {
      var all = items();
      if (!all.length) return;
      active = (index + all.length) % all.length;
      Array.prototype.forEach.call(all, function (li, i) {
        li.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }
    function choose(li) {
      input.value = li.getAttribute("data-name");
      close();
      form.submit();
    }
    function update() {
      var typed = fold(input.value);
      listbox.textContent = "";
      if (!typed) return close();
      var found = options.filter(function (o) {
        return fold(o.name).indexOf(typed) !== -1 || o.number === typed || o.number === "0" + typed;
      }).slice(0, MAX);
      if (!found.length) return close();
      found.forEach(function (o, i) {
        var li = document.createElement("li");
        li.id = listbox.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.setAttribute("data-name", o.name);
        li.textContent = o.number + " " + o.name;
        li.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the field
          choose(li);
        });
        listbox.appendChild(li);
      });
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    }

    input.addEventListener("input", update);
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (listbox.hidden) update();
        if (!listbox.hidden) {
          event.preventDefault();
          highlight(active + (event.key === "ArrowDown" ? 1 : -1));
        }
      } else if (event.key === "Enter" && !listbox.hidden && active >= 0) {
        event.preventDefault();
        choose(items()[active]);
      } else if (event.key === "Escape" && !listbox.hidden) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", close);
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-district-finder]"), setup);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
