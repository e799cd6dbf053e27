/* The provincial schools pages: the copy button beside a one-time password.
   <button data-copy="ID" data-copied-label="已复制"> copies the value (or text) of element ID.
   The Clipboard API needs a secure context (HTTPS, or localhost); elsewhere the text is selected
   and copied the old way, and if that fails too it stays selected for Ctrl-C / long-press. */
(function () {
  "use strict";

  function textOf(el) {
    return "value" in el ? el.value : el.textContent;
  }

  function selectText(el) {
    if (typeof el.select === "function") {
      el.focus();
      el.select();
      if (typeof el.setSelectionRange === "function") el.setSelectionRange(0, textOf(el).length);
      return;
    }
    var range = document.createRange();
    range.selectNodeContents(el);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copied(button) {
    var original = button.dataset.label || button.textContent;
    button.dataset.label = original;
    button.textContent = button.getAttribute("data-copied-label") || "已复制";
    button.classList.add("copied");
    window.setTimeout(function () {
      button.textContent = original;
      button.classList.remove("copied");
    }, 3000);
  }

  function fallback(button, el) {
    selectText(el);
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    if (ok) copied(button);
    else button.textContent = "请按 Ctrl+C 或长按复制";
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var el = document.getElementById(button.getAttribute("data-copy"));
    if (!el) return;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(textOf(el)).then(function () { copied(button); },
                                                     function () { fallback(button, el); });
    } else {
      fallback(button, el);
    }
  });
})();
