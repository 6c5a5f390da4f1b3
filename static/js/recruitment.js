// Recruitment pages. Loaded once per page (guarded: a partial may load it again).
(function () {
  if (window.recruitmentScriptLoaded) { return; }
  window.recruitmentScriptLoaded = true;

  // Ask before an action that cannot be undone (forms marked data-confirm).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  // On a narrow screen the tab row scrolls: bring the current tab into view.
  function showActiveTab() {
    var active = document.querySelector(".recruit-tabs .nav-link.active");
    if (active && active.scrollIntoView) {
      active.scrollIntoView({ block: "nearest", inline: "center" });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", showActiveTab);
  } else {
    showActiveTab();
  }
})();
