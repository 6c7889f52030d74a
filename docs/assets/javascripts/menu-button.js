// Material's menu button (narrow screens, or a desktop zoomed in) is a <label> for a hidden
// checkbox: a mouse or a finger can use it, a keyboard cannot reach it. This puts a real
// <button> in its place: reachable with Tab, named, announced as open or closed, and
// closed again with Escape (focus then returns to it).
(function () {
  const drawer = document.getElementById("__drawer");
  const label = document.querySelector('.md-header label[for="__drawer"]');
  if (!drawer || !label) return;

  const button = document.createElement("button");
  button.type = "button";
  button.className = `${label.className} menu-button`;
  button.innerHTML = label.innerHTML; // the icon, from Material's own template
  button.setAttribute("aria-label", "Menu");
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

  // The first link a reader can actually see: Material slides section panes over the
  // drawer's top level, so the first link in the markup may be hidden under one.
  const focusFirstVisibleLink = () => {
    for (const link of document.querySelectorAll(".md-sidebar--primary a[href]")) {
      const box = link.getBoundingClientRect();
      if (!box.width || !box.height) continue;
      const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
      if (hit && (hit === link || link.contains(hit))) {
        link.focus();
        return;
      }
    }
  };

  button.addEventListener("click", () => {
    setOpen(!drawer.checked);
    if (drawer.checked) setTimeout(focusFirstVisibleLink, 300); // once it has slid in
  });

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && drawer.checked) {
      setOpen(false);
      button.focus();
    }
  });
})();
