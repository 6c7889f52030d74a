// Glossary terms (marked by scripts/render/glossary_terms.py) show their definition while
// hovered or focused; site.css does that. This adds what CSS cannot (WCAG 1.4.13):
// - Escape hides an open definition without moving the pointer or focus;
// - on a touch screen, the first tap on a term opens its definition where it is, instead
//   of leaving the page; a second tap follows the link to the glossary entry.
(function () {
  const TERM = ".glossary-term";
  const OPEN = "glossary-term--open";
  const DISMISSED = "glossary-term--dismissed";
  let tappedToOpen = null;

  document.addEventListener("pointerdown", (event) => {
    const term = event.target.closest(TERM);
    for (const open of document.querySelectorAll(`.${OPEN}`)) {
      if (open !== term) open.classList.remove(OPEN);
    }
    const shown = term && term.classList.contains(OPEN);
    tappedToOpen = event.pointerType === "touch" && term && !shown ? term : null;
  });

  document.addEventListener("click", (event) => {
    const term = event.target.closest(TERM);
    if (term && term === tappedToOpen && event.target.closest("a")) {
      event.preventDefault();
      term.classList.remove(DISMISSED);
      term.classList.add(OPEN);
    }
    tappedToOpen = null;
  });

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    for (const term of document.querySelectorAll(TERM)) {
      term.classList.remove(OPEN);
      term.classList.add(DISMISSED);
    }
  });

  // Once the pointer or focus has left a dismissed term, it may open again.
  const left = (event) => {
    const term = event.target.closest && event.target.closest(TERM);
    if (term && !term.contains(event.relatedTarget)) term.classList.remove(DISMISSED);
  };
  document.addEventListener("mouseout", left);
  document.addEventListener("focusout", left);
})();
