/* The little the home page needs instead of Bootstrap's 80 KB bundle: the phone menu toggle and
   dismissable alerts. Same data-bs-* attributes and classes, so the markup is unchanged. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest('[data-bs-toggle="collapse"]');
    if (toggle) {
      var target = document.querySelector(toggle.getAttribute("data-bs-target"));
      if (target) {
        var open = target.classList.toggle("show");
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
        toggle.classList.toggle("collapsed", !open);
      }
      return;
    }
    var dismiss = event.target.closest('[data-bs-dismiss="alert"]');
    if (dismiss) {
      var alert = dismiss.closest(".alert");
      if (alert) alert.remove();
    }
  });
})();
