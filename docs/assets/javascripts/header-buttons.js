// The header's controls, for keyboards and screen readers.
(function () {
  // Material opens the drawer and, on narrow screens, the search with <label>s for hidden
  // checkboxes: a mouse or a finger can use them, a keyboard cannot reach them. Each gets a
  // real <button> in its place, reachable with Tab, named, and announced as open or closed.
  const headerButton = (toggleId, name, { showName }) => {
    const toggle = document.getElementById(toggleId);
    const label = document.querySelector(`.md-header label[for="${toggleId}"]`);
    if (!toggle || !label) return null;

    const button = document.createElement("button");
    button.type = "button";
    button.className = `${label.className} header-button`;
    button.innerHTML = label.innerHTML; // the icon, from Material's own template
    if (showName) {
      const word = document.createElement("span");
      word.textContent = name;
      button.append(word);
    } else {
      button.setAttribute("aria-label", name);
    }
    button.setAttribute("aria-controls", toggleId);
    label.replaceWith(button);

    const setOpen = (open) => {
      if (toggle.checked !== open) {
        toggle.checked = open;
        toggle.dispatchEvent(new Event("change", { bubbles: true }));
      }
    };
    const showState = () => button.setAttribute("aria-expanded", String(toggle.checked));
    showState();
    toggle.addEventListener("change", showState);
    button.addEventListener("click", () => setOpen(!toggle.checked));
    return { button, toggle, setOpen };
  };

  // The menu shows the word "Menu" beside its icon. Once the drawer has slid in, focus
  // goes to its first link; Escape closes it and gives focus back to the button. The
  // search button puts focus in the search field; when Material closes the search
  // (Escape), focus goes back to the button rather than to the top of the page. (Tab
  // closes it too, and focus goes on to the next control: site.css hides the closed
  // search from the Tab order.)
  const menu = headerButton("__drawer", "Menu", { showName: true });
  const search = headerButton("__search", "Search", { showName: false });
  if (search) {
    search.button.addEventListener("click", () => {
      if (search.toggle.checked) document.querySelector(".md-search__input")?.focus();
    });
    search.toggle.addEventListener("change", () => {
      if (search.toggle.checked) return;
      // After the key's own action: Escape leaves focus nowhere, Tab moves it on.
      setTimeout(() => {
        const lost = document.activeElement === document.body;
        if (lost && search.button.getClientRects().length) search.button.focus();
      });
    });
  }
  if (menu) {
    menu.button.classList.add("menu-button");
    menu.button.addEventListener("click", () => {
      if (menu.toggle.checked) {
        setTimeout(() => document.querySelector(".md-sidebar--primary a[href]")?.focus(), 300);
      }
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && menu.toggle.checked) {
        menu.setOpen(false);
        menu.button.focus();
      }
    });
  }

  // overrides/partials/palette.html writes one "Dark mode" toggle where Material has a
  // radio button per scheme; pressing it picks the other scheme's (hidden) radio button,
  // which Material's own code then applies and remembers.
  const palette = document.querySelector(".palette-toggle");
  const schemes = [...document.querySelectorAll('[data-md-component="palette"] input')];
  const dark = schemes.find((input) => input.dataset.mdColorScheme === "slate");
  const light = schemes.find((input) => input.dataset.mdColorScheme !== "slate");
  if (palette && dark && light) {
    const showPressed = () =>
      palette.setAttribute("aria-pressed", String(document.body.dataset.mdColorScheme === "slate"));
    showPressed();
    new MutationObserver(showPressed).observe(document.body, {
      attributes: true,
      attributeFilter: ["data-md-color-scheme"],
    });
    palette.hidden = false;
    palette.addEventListener("click", () => {
      (palette.getAttribute("aria-pressed") === "true" ? light : dark).click();
    });
  }
})();
