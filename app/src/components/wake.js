// When to run the island loader, `go` (Leptos's script): never on a page
// without islands; at once on a page with an island that must work from
// the start; and where every island is marked `data-wake` on its root
// element (drawn by the server, working as a plain form until it wakes),
// only when the resident reaches one: a tap, the focus or a key inside it,
// a field already changed, or the address asking a field for a value the
// page was not drawn with (offline, the service worker answers
// /sorting?q=… with the page it keeps for /sorting).
((go) => {
  const islands = [...document.querySelectorAll("leptos-island")];
  if (!islands.length) return;
  const byUse = (island) => !!island.firstElementChild && island.firstElementChild.hasAttribute("data-wake");
  const address = new URLSearchParams(location.search);
  const asked = (island) => island.contains(document.activeElement) || [...island.querySelectorAll("input")].some((i) =>
    i.value !== i.defaultValue || (!!i.name && address.has(i.name) && address.get(i.name) !== i.defaultValue));
  if (!islands.every(byUse) || islands.some(asked)) {
    go();
    return;
  }
  const uses = ["pointerdown", "focusin", "keydown", "input", "change"];
  const wake = (event) => {
    if (!(event.target.closest && event.target.closest("leptos-island"))) return;
    for (const type of uses) removeEventListener(type, wake, true);
    go();
  };
  for (const type of uses) addEventListener(type, wake, true);
})
