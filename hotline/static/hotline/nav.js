// The top bar's menus are <details> elements: they open and close with the mouse, Enter and
// Space without any script. This only closes the others when one opens, and closes them all
// on Escape or a click elsewhere.
(function () {
  "use strict";
  function groups() { return document.querySelectorAll(".mainnav details[open]"); }
  function closeAll(except) {
    groups().forEach(function (group) { if (group !== except) { group.open = false; } });
  }
  document.addEventListener("toggle", function (event) {
    var target = event.target;
    if (target.matches && target.matches(".mainnav details") && target.open) { closeAll(target); }
  }, true);
  document.addEventListener("click", function (event) {
    if (!event.target.closest(".mainnav details")) { closeAll(null); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var open = document.activeElement && document.activeElement.closest(".mainnav details[open]");
    closeAll(null);
    if (open) { open.querySelector("summary").focus(); }
  });
})();
