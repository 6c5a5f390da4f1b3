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

  // Interview invitation: show only the field the chosen mode needs (phone number, link or address).
  // Without JavaScript all three stay visible and the server checks the one that counts.
  var modeInputs = document.querySelectorAll("[data-interview-mode]");
  if (modeInputs.length) {
    var places = document.querySelectorAll("[data-interview-place]");
    var showPlace = function () {
      var chosen = document.querySelector("[data-interview-mode]:checked");
      places.forEach(function (input) {
        var wrapper = input.closest(".mb-3") || input.parentNode;
        var match = chosen && input.getAttribute("data-interview-place") === chosen.value;
        wrapper.hidden = !match;
        input.required = !!match;
      });
    };
    modeInputs.forEach(function (input) { input.addEventListener("change", showPlace); });
    showPlace();
  }

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
