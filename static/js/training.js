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
    window.quizResync = function (seconds) { endsAt = Date.now() + seconds * 1000; };
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

  // Autosave: every answer change is sent to the server (text after a short pause), so a reload, a
  // lost connection or a phone call loses nothing; the reply carries the server's remaining time.
  var saveForm = document.querySelector("form[data-save-url]");
  if (saveForm) {
    var saveUrl = saveForm.getAttribute("data-save-url");
    var status = document.getElementById("autosave-status");
    var pending = {};
    var inFlight = false;
    var textTimer = null;
    var retryTimer = null;
    var token = saveForm.querySelector("input[name=csrfmiddlewaretoken]");
    var say = function (message, failed) {
      if (!status) { return; }
      status.textContent = message;
      status.classList.toggle("text-danger", !!failed);
      status.classList.toggle("text-muted", !failed);
    };
    var collect = function (name) {
      var values = [];
      document.querySelectorAll("[form=attempt-form][name='" + name + "']").forEach(function (input) {
        if (input.type === "radio" || input.type === "checkbox") {
          if (input.checked) { values.push(input.value); }
        } else { values.push(input.value); }
      });
      return values.length ? values : [""];
    };
    var flush = function (keepalive) {
      var names = Object.keys(pending);
      if (!names.length || (inFlight && !keepalive)) { return; }
      var body = new FormData();
      body.append("csrfmiddlewaretoken", token ? token.value : "");
      names.forEach(function (name) {
        collect(name).forEach(function (value) { body.append(name, value); });
      });
      pending = {};
      inFlight = true;
      say("正在保存…", false);
      fetch(saveUrl, { method: "POST", body: body, credentials: "same-origin", keepalive: !!keepalive,
                       headers: { "X-Requested-With": "fetch" } })
        .then(function (response) {
          return response.json().then(function (data) { return { ok: response.ok, code: response.status, data: data }; });
        })
        .then(function (reply) {
          inFlight = false;
          if (reply.ok) {
            say("已自动保存 " + (reply.data.saved_at || ""), false);
            if (typeof reply.data.remaining === "number" && window.quizResync) { window.quizResync(reply.data.remaining); }
            if (Object.keys(pending).length) { flush(); }
          } else if (reply.code === 409) {
            say(reply.data.error || "答题已结束。", true);
          } else {
            say((reply.data.error || "保存失败") + " 请检查后重试。", true);
          }
        })
        .catch(function () {
          inFlight = false;
          names.forEach(function (name) { pending[name] = true; });
          say("网络中断，答案暂未保存，恢复后会自动重试。", true);
          window.clearTimeout(retryTimer);
          retryTimer = window.setTimeout(function () { flush(); }, 5000);
        });
    };
    document.querySelectorAll("[form=attempt-form][name^=q]").forEach(function (input) {
      var isText = input.type === "text";
      input.addEventListener(isText ? "input" : "change", function () {
        pending[input.name] = true;
        window.clearTimeout(textTimer);
        if (isText) { textTimer = window.setTimeout(function () { flush(); }, 800); } else { flush(); }
      });
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { flush(true); }
    });
    saveForm.addEventListener("submit", function () { pending = {}; });
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
