// The header's controls, for keyboards and screen readers.
//
// Menu: Material's menu button (narrow screens, or a desktop zoomed in) is a <label> for a
// hidden checkbox: a mouse or a finger can use it, a keyboard cannot reach it. This puts a
// real <button> in its place: reachable with Tab, with the word "Menu" beside the icon,
// announced as open or closed, and closed again with Escape (focus then returns to it).
//
// Palette: overrides/partials/palette.html writes one "Dark mode" toggle button where
// Material has a radio button per scheme; pressing it picks the other scheme's (hidden)
// radio button, which Material's own code then applies and remembers.
(function () {
  const drawer = document.getElementById("__drawer");
  const label = document.querySelector('.md-header label[for="__drawer"]');
  if (!drawer || !label) return;

  const button = document.createElement("button");
  button.type = "button";
  button.className = `${label.className} menu-button`;
  button.innerHTML = label.innerHTML; // the icon, from Material's own template
  const word = document.createElement("span");
  word.textContent = "Menu";
  button.append(word);
  button.setAttribute("aria-controls", "__drawer");
  label.replaceWith(button);

  const showState = () => button.setAttribute("aria-expanded", String(drawer.checked));
  showState();
  drawer.addEventListener("change", showState);

  const setOpen = (open) => {
    if (drawer.checked !== open) {
      drawer.checked = open;
      drawer.dispatchEvent(new Event("change", { bubbles: true }));
    }
  };

  button.addEventListener("click", () => {
    setOpen(!drawer.checked);
    if (drawer.checked) {
      // Once it has slid in: the drawer's first link.
      setTimeout(() => document.querySelector(".md-sidebar--primary a[href]")?.focus(), 300);
    }
  });

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && drawer.checked) {
      setOpen(false);
      button.focus();
    }
  });
})();

(function () {
  const toggle = document.querySelector(".palette-toggle");
  if (!toggle) return;
  const schemes = [...document.querySelectorAll('[data-md-component="palette"] input')];
  const dark = schemes.find((input) => input.dataset.mdColorScheme === "slate");
  const light = schemes.find((input) => input.dataset.mdColorScheme !== "slate");
  if (!dark || !light) return;

  const showState = () =>
    toggle.setAttribute("aria-pressed", String(document.body.dataset.mdColorScheme === "slate"));
  showState();
  new MutationObserver(showState).observe(document.body, {
    attributes: true,
    attributeFilter: ["data-md-color-scheme"],
  });
  toggle.hidden = false;
  toggle.addEventListener("click", () => {
    (toggle.getAttribute("aria-pressed") === "true" ? light : dark).click();
  });
})();
