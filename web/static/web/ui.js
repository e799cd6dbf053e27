/* The pages' only script (no inline scripts: the Content-Security-Policy forbids them).
   - Confirm dialogs: a <form data-confirm="question"> (or a submit button with data-confirm)
     asks in the layout's <dialog id="confirm-dialog"> before it is sent.
   - Toasts: messages in #toasts fade after a while; HTMX answers carry new ones in the
     HX-Trigger event "messages" (web/htmx.py) and they are shown the same way.
   Without this file every form still works, unasked, and messages stay visible. */
(function () {
  "use strict";

  var TOAST_MS = 6000;

  function dismissLater(toast) {
    if (toast.classList.contains("toast-error")) return; // errors stay until the next page
    window.setTimeout(function () {
      toast.classList.add("leaving");
      window.setTimeout(function () { toast.remove(); }, 300);
    }, TOAST_MS);
  }

  function showToast(level, text) {
    var area = document.getElementById("toasts");
    if (!area) return;
    var toast = document.createElement("div");
    toast.className = "toast toast-" + (level || "info");
    toast.setAttribute("role", level === "error" ? "alert" : "status");
    toast.textContent = text;
    area.appendChild(toast);
    dismissLater(toast);
  }

  function confirmThen(question, okLabel, proceed) {
    var dialog = document.getElementById("confirm-dialog");
    if (!dialog || typeof dialog.showModal !== "function") {
      if (window.confirm(question)) proceed();
      return;
    }
    dialog.querySelector("#confirm-dialog-text").textContent = question;
    dialog.querySelector("#confirm-dialog-ok").textContent = okLabel || "确定";
    dialog.returnValue = "";
    dialog.addEventListener("close", function onClose() {
      dialog.removeEventListener("close", onClose);
      if (dialog.returnValue === "ok") proceed();
    });
    dialog.showModal();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var holder = submitter && submitter.hasAttribute("data-confirm") ? submitter : form;
    var question = holder.getAttribute("data-confirm");
    if (!question || form.dataset.confirmed === "yes") {
      delete form.dataset.confirmed;
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    confirmThen(question, holder.getAttribute("data-confirm-label"), function () {
      form.dataset.confirmed = "yes";
      if (typeof form.requestSubmit === "function") form.requestSubmit(submitter || undefined);
      else form.submit();
    });
  }, true);

  document.addEventListener("messages", function (event) {
    var list = (event.detail && event.detail.value) || event.detail || [];
    if (!Array.isArray(list)) return;
    list.forEach(function (m) { showToast(m.level, m.text); });
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("#toasts .toast").forEach(dismissLater);
  });
})();
