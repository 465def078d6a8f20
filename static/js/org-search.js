// Search-as-you-type over the organisation register for inputs marked data-org-search="<url>".
// Choosing a suggestion fills the name and the identifier (data-org-id-field) and unticks "new
// organisation" (data-org-new-field). A static file, no inline script: the CSP may forbid those.
(function () {
  "use strict";
  function attach(input) {
    var idField = document.getElementById(input.dataset.orgIdField);
    var newField = document.getElementById(input.dataset.orgNewField);
    var list = document.createElement("ul");
    list.className = "suggestions";
    list.id = input.id + "-suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    input.insertAdjacentElement("afterend", list);
    var timer = null, active = -1, results = [];

    function close() {
      list.hidden = true; active = -1;
      input.setAttribute("aria-expanded", "false");
    }
    function choose(org) {
      input.value = org.name;
      if (idField) { idField.value = org.identifier; }
      if (newField) { newField.checked = false; }
      close();
    }
    function highlight(i) {
      var items = list.querySelectorAll("li");
      items.forEach(function (li, n) { li.setAttribute("aria-selected", n === i ? "true" : "false"); });
      active = i;
    }
    function show(found) {
      results = found;
      list.textContent = "";
      found.forEach(function (org, n) {
        var li = document.createElement("li");
        li.setAttribute("role", "option");
        li.id = list.id + "-" + n;
        var name = document.createElement("strong");
        name.textContent = org.name;
        li.appendChild(name);
        var extra = [org.identifier].concat(org.also_known_as).filter(Boolean).join(" · ");
        if (extra) { li.appendChild(document.createTextNode(" " + extra)); }
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(org); });
        list.appendChild(li);
      });
      list.hidden = found.length === 0;
      input.setAttribute("aria-expanded", found.length ? "true" : "false");
      active = -1;
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { close(); return; }
      timer = setTimeout(function () {
        fetch(input.dataset.orgSearch + "?q=" + encodeURIComponent(q), {credentials: "same-origin"})
          .then(function (r) { return r.json(); })
          .then(function (body) { if (input.value.trim() === q) { show(body.results); } })
          .catch(close);
      }, 150);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) { return; }
      if (e.key === "ArrowDown") { e.preventDefault(); highlight(Math.min(active + 1, results.length - 1)); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight(Math.max(active - 1, 0)); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(results[active]); }
      else if (e.key === "Escape") { close(); }
    });
    input.addEventListener("blur", close);
  }
  document.querySelectorAll("input[data-org-search]").forEach(attach);
})();
