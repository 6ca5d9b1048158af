// Django's admin leaves some controls without an accessible name (WCAG 4.1.2, axe "label",
// "select-name", "aria-input-field-name", "aria-prohibited-attr"); this names them from what
// the page already shows:
// - inputs in tabular inlines are named only by their column header;
// - a single input of a widget drawn as a fieldset (file fields) only by the legend;
// - select2 pickers (autocomplete fields) by their selection, which is empty at first, and
//   their search box not at all;
// - the filter boxes' help icons put aria-label on a span that has no role.
// The admin builds select2 pickers, filter boxes and new inline rows with JavaScript, so the
// names are given again whenever the page changes.
(function () {
  "use strict";

  function text(element) {
    return element ? element.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function isNamed(control) {
    return (
      (control.labels && control.labels.length > 0) ||
      control.hasAttribute("aria-label") ||
      control.hasAttribute("aria-labelledby")
    );
  }

  function controlsIn(root) {
    return root.querySelectorAll(
      "input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea"
    );
  }

  function nameTabularInlines() {
    document.querySelectorAll(".tabular table").forEach(function (table) {
      var headers = {};
      table.querySelectorAll("thead th[class*='column-']").forEach(function (header) {
        var match = header.className.match(/column-(\S+)/);
        if (match) headers[match[1]] = text(header);
      });
      var headerCells = table.querySelectorAll("thead th");
      var deleteLabel = headerCells.length ? text(headerCells[headerCells.length - 1]) : "";
      table.querySelectorAll("tbody td").forEach(function (cell) {
        var match = cell.className.match(/field-(\S+)/);
        var label = match ? headers[match[1]] : "";
        if (!label && cell.classList.contains("delete")) label = deleteLabel;
        if (!label) return;
        controlsIn(cell).forEach(function (control) {
          if (!isNamed(control)) control.setAttribute("aria-label", label);
        });
      });
    });
  }

  function nameFieldsetInputs() {
    document.querySelectorAll("fieldset").forEach(function (fieldset) {
      var legend = fieldset.querySelector("legend");
      if (!legend || fieldset.classList.contains("module")) return;
      var controls = controlsIn(fieldset);
      controls.forEach(function (control) {
        if (!isNamed(control)) control.setAttribute("aria-label", text(legend));
      });
    });
  }

  function nameSelect2Pickers() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var picker = select.nextElementSibling;
      if (!picker || !picker.classList.contains("select2")) return;
      var name = select.getAttribute("aria-label");
      var label = select.labels && select.labels[0];
      if (label) name = text(label).replace(/:$/, "");
      if (!name) return;
      picker
        .querySelectorAll(
          ".select2-selection[role=combobox], .select2-selection__rendered, .select2-search__field"
        )
        .forEach(function (part) {
          if (!part.hasAttribute("aria-label")) part.setAttribute("aria-label", name);
          part.removeAttribute("aria-labelledby");
        });
    });
  }

  function roleForHelpIcons() {
    document.querySelectorAll("span.help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  function nameEverything() {
    nameTabularInlines();
    nameFieldsetInputs();
    nameSelect2Pickers();
    roleForHelpIcons();
  }

  var scheduled = false;
  function schedule() {
    if (scheduled) return;
    scheduled = true;
    window.setTimeout(function () {
      scheduled = false;
      nameEverything();
    }, 0);
  }

  window.addEventListener("load", function () {
    schedule();
    new MutationObserver(schedule).observe(document.body, { childList: true, subtree: true });
  });
})();
