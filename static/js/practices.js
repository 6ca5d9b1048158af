// Progressive enhancement for the practice library: changing a filter applies it at once.
// Without JavaScript the "Apply filters" button does the same.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-autosubmit] select").forEach((select) => {
    select.addEventListener("change", () => {
      select.form.requestSubmit();
    });
  });
});
