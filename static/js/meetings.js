// Meetings: progressive enhancement. Every form also works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  const main = document.getElementById("main");

  const bindConfirm = (root) => {
    root.querySelectorAll("[data-confirm]").forEach((element) => {
      element.addEventListener("click", (event) => {
        if (!window.confirm(element.dataset.confirm)) {
          event.preventDefault();
        }
      });
    });
  };

  // Put the content of another rendering of this page in place of the current one.
  const replaceFrom = (html) => {
    const doc = new DOMParser().parseFromString(html, "text/html");
    const newMain = doc.getElementById("main");
    if (!newMain) {
      return false;
    }
    main.replaceChildren(...newMain.childNodes);
    bindConfirm(main);
    return true;
  };

  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });

  // Agenda editor: add, move and remove items without leaving the page. The server
  // answers with the updated agenda page, whose content replaces the current one.
  if (document.getElementById("agenda")) {
    main.addEventListener("submit", async (event) => {
      const form = event.target;
      if (!(form instanceof HTMLFormElement) || event.defaultPrevented) {
        return;
      }
      event.preventDefault();
      main.setAttribute("aria-busy", "true");
      try {
        const response = await fetch(form.action || window.location.href, {
          method: "POST",
          body: new FormData(form, event.submitter),
          credentials: "same-origin",
        });
        if (!response.ok && response.status !== 200) {
          throw new Error(String(response.status));
        }
        replaceFrom(await response.text());
        const messages = main.querySelector(".messages");
        if (messages) {
          messages.setAttribute("tabindex", "-1");
          messages.focus();
        }
      } catch (error) {
        form.submit();
      } finally {
        main.removeAttribute("aria-busy");
      }
    });
  }

  // Response overview: refresh the figures regularly while nobody is typing.
  const refresh = document.querySelector("[data-refresh]");
  if (refresh) {
    const seconds = Math.max(15, Number(refresh.dataset.refresh) || 60);
    window.setInterval(async () => {
      if (document.hidden || main.contains(document.activeElement) && document.activeElement !== main) {
        return;
      }
      try {
        const response = await fetch(window.location.href, { credentials: "same-origin" });
        if (response.ok) {
          replaceFrom(await response.text());
        }
      } catch (error) {
        // Offline for a moment: the next round tries again.
      }
    }, seconds * 1000);
  }
});
