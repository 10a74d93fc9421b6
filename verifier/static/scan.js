// The scan page: the first QR code the camera reads is checked (passport shared qr-camera.js).
(function () {
  "use strict";
  if (!window.PassportQrCamera) { return; }
  var byId = function (id) { return document.getElementById(id); };
  window.PassportQrCamera.attach({
    section: byId("camera-section"), startButton: byId("camera-start"),
    stopButton: byId("camera-stop"), frame: byId("camera-frame"), video: byId("camera-video"),
    message: byId("camera-message"),
    onFound: function (text) {
      byId("scanned").value = text;
      byId("camera-form").submit();
    }
  });
})();
