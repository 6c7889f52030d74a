// Material's menu button (narrow screens, or a desktop zoomed in) is a <label> for a hidden
// checkbox: a mouse or a finger can use it, a keyboard cannot reach it. This makes it a
// real button: reachable with Tab, named, opened and closed with Enter or Space, closed
// with Escape (focus returns to the button), and its state announced.
(function () {
  const drawer = document.getElementById("__drawer");
  const button = document.querySelector('.md-header label[for="__drawer"]');
  if (!drawer || !button) return;

  button.setAttribute("role", "button");
  button.setAttribute("tabindex", "0");
  button.setAttribute("aria-label", "Menu");
  button.setAttribute("aria-controls", "__drawer");
  const showState = () => button.setAttribute("aria-expanded", String(drawer.checked));
  showState();
  drawer.addEventListener("change", showState);

  const setOpen = (open) => {
    if (drawer.checked !== open) {
      drawer.checked = open;
      drawer.dispatchEvent(new Event("change", { bubbles: true }));
    }
  };

  // The first link a reader can actually see: Material slides section panes over the
  // drawer's top level, so the first link in the markup may be hidden under one.
  const focusFirstVisibleLink = () => {
    const links = document.querySelectorAll(".md-sidebar--primary a[href]");
    for (const link of links) {
      const box = link.getBoundingClientRect();
      if (!box.width || !box.height) continue;
      const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
      if (hit && (hit === link || link.contains(hit))) {
        link.focus();
        return;
      }
    }
  };

  button.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      event.stopPropagation(); // Material's own Enter-on-a-label handler would toggle it back
      setOpen(!drawer.checked);
      // Once the drawer has slid in.
      if (drawer.checked) setTimeout(focusFirstVisibleLink, 300);
    }
  });

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && drawer.checked) {
      setOpen(false);
      button.focus();
    }
  });
})();
