/* Training pages: quiz countdown (the server keeps the real clock), submit confirmation,
   and marking a video lesson done when the video ends. No inline scripts (CSP). */
(function () {
  "use strict";
  if (window.trainingScriptLoaded) { return; }
  window.trainingScriptLoaded = true;

  var activeTab = document.querySelector(".training-subnav a.active");
  if (activeTab && activeTab.parentNode.scrollWidth > activeTab.parentNode.clientWidth) {
    activeTab.parentNode.scrollLeft = activeTab.offsetLeft - 16;
  }

  function format(seconds) {
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return m + " 分 " + (s < 10 ? "0" : "") + s + " 秒";
  }

  var timer = document.getElementById("quiz-timer");
  if (timer) {
    var remaining = parseInt(timer.getAttribute("data-remaining"), 10) || 0;
    var form = document.getElementById(timer.getAttribute("data-form"));
    var text = document.getElementById("timer-text");
    var endsAt = Date.now() + remaining * 1000;
    var submitted = false;
    var tick = function () {
      var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
      text.textContent = format(left);
      if (left <= 60) { timer.classList.add("timer-warning"); }
      if (left <= 0 && form && !submitted) {
        submitted = true;
        form.setAttribute("data-auto", "1");
        form.submit();
        return;
      }
      window.setTimeout(tick, 500);
    };
    tick();
  }

  document.querySelectorAll("[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });

  var video = document.querySelector("video[data-done-url]");
  if (video) {
    video.addEventListener("ended", function () {
      var form = document.getElementById("lesson-done-form");
      if (!form) { return; }
      var body = new FormData(form);
      body.append("ajax", "1");
      fetch(video.getAttribute("data-done-url"), { method: "POST", body: body, credentials: "same-origin" })
        .then(function () { window.location.reload(); });
    });
  }
})();
