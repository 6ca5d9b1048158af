// Meetings: progressive enhancement. Every form also works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });

  // Agenda editor: move, remove and add items without reloading the page. The server
  // answers with the updated agenda page; its table and form replace the current ones.
  const agendaSection = document.getElementById("agenda");
  if (!agendaSection) {
    return;
  }
  const main = document.getElementById("main");
  const replaceFrom = (html) => {
    const doc = new DOMParser().parseFromString(html, "text/html");
    const newMain = doc.getElementById("main");
    if (newMain) {
      main.replaceChildren(...newMain.childNodes);
    }
  };
  main.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.closest("#main")) {
      return;
    }
    const isAgendaForm = form.action.includes("/tagesordnung/") || form.closest("#main .stacked-form") === form;
    if (!isAgendaForm || (event.submitter && event.submitter.dataset.confirm && event.defaultPrevented)) {
      return;
    }
    event.preventDefault();
    main.setAttribute("aria-busy", "true");
    const data = new FormData(form, event.submitter);
    try {
      const response = await fetch(form.action || window.location.href, {
        method: "POST",
        body: data,
        credentials: "same-origin",
      });
      replaceFrom(await response.text());
      const live = main.querySelector(".messages");
      if (live) {
        live.setAttribute("aria-live", "polite");
      }
    } catch (error) {
      form.submit();
    } finally {
      main.removeAttribute("aria-busy");
    }
  });
});
