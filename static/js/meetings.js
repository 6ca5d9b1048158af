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

  // A polite live region outside <main>, which the agenda editor replaces: a region that
  // is itself replaced is not reliably read out.
  const announce = (text) => {
    let region = document.getElementById("agenda-announcement");
    if (!region) {
      region = document.createElement("p");
      region.id = "agenda-announcement";
      region.className = "visually-hidden";
      region.setAttribute("role", "status");
      region.setAttribute("aria-live", "polite");
      document.body.append(region);
    }
    region.textContent = "";
    // A change after a short pause is announced even when the text repeats.
    window.setTimeout(() => {
      region.textContent = text;
    }, 100);
  };

  // After a move: focus stays on the moved item (its button in the same direction, or
  // the other one at the top or bottom) and its new position is announced.
  const afterMove = (itemId, direction) => {
    const editor = main.querySelector("[data-agenda-editor]");
    const row = editor && editor.querySelector(`tr[data-item="${itemId}"]`);
    if (!row) {
      return false;
    }
    const button = (which) => row.querySelector(`form[data-move="${which}"] button`);
    const other = direction === "up" ? "down" : "up";
    const target = [button(direction), button(other)].find((element) => element && !element.disabled);
    const rows = Array.from(editor.querySelectorAll("tbody tr[data-item]"));
    const title = row.querySelector("th").textContent.trim();
    if (target) {
      target.focus();
    } else {
      row.setAttribute("tabindex", "-1");
      row.focus();
    }
    announce(
      editor.dataset.movedMessage
        .replace("{title}", title)
        .replace("{position}", String(rows.indexOf(row) + 1))
        .replace("{count}", String(rows.length)),
    );
    return true;
  };

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
        if (form.dataset.move && afterMove(form.dataset.moveItem, form.dataset.move)) {
          return;
        }
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
