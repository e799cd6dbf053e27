// 扫码签到: the phone's camera reads the member's QR (jsQR), fills the code and submits the form.
// Without a camera (or permission) the typed-code form below works as it is.
(function () {
  "use strict";
  function init() {
    var box = document.querySelector("[data-scanner]");
    if (!box) { return; }
    var start = box.querySelector("[data-scanner-start]");
    var video = box.querySelector("video");
    var canvas = box.querySelector("canvas");
    var status = box.querySelector("[data-scanner-status]");
    var form = document.querySelector("form.page-form");
    var input = form ? form.querySelector("input[name=code]") : null;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || typeof jsQR !== "function") {
      start.hidden = true;
      status.textContent = "此浏览器不能打开摄像头，请输入签到码。";
      return;
    }
    start.addEventListener("click", function () {
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        start.hidden = true;
        status.textContent = "请将签到二维码对准摄像头。";
        video.play();
        var context = canvas.getContext("2d", { willReadFrequently: true });
        function tick() {
          if (video.readyState === video.HAVE_ENOUGH_DATA) {
            canvas.width = video.videoWidth;
            canvas.height = video.videoHeight;
            context.drawImage(video, 0, 0, canvas.width, canvas.height);
            var image = context.getImageData(0, 0, canvas.width, canvas.height);
            var found = jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
            if (found && found.data && input) {
              stream.getTracks().forEach(function (track) { track.stop(); });
              input.value = found.data;
              status.textContent = "已识别：" + found.data + "，正在签到…";
              form.submit();
              return;
            }
          }
          window.requestAnimationFrame(tick);
        }
        window.requestAnimationFrame(tick);
      }).catch(function () {
        status.textContent = "无法打开摄像头，请输入签到码。";
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
