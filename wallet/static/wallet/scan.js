// "Add training": what the camera reads decides where it goes — an OpenID4VCI offer link to the
// offer form (so a transaction-code prompt still works), an employer's OpenID4VP request
// (openid4vp://) to the "answer an employer's request" page, anything else (an SP2/SP1 paper QR, JSON)
// to the paste form. The camera itself is the shared qr-camera.js.
(function () {
  "use strict";
  if (!window.PassportQrCamera) { return; }
  var OFFER_SCHEME = /^openid-credential-offer:\/\//i;
  var REQUEST_SCHEME = /^openid4vp:\/\//i;
  var byId = function (id) { return document.getElementById(id); };
  window.PassportQrCamera.attach({
    section: byId("camera-section"), startButton: byId("camera-start"),
    stopButton: byId("camera-stop"), frame: byId("camera-frame"), video: byId("camera-video"),
    message: byId("camera-message"),
    onFound: function (text) {
      var value = text.trim();
      if (REQUEST_SCHEME.test(value) && byId("camera-oid4vp-form")) {
        byId("camera-oid4vp").value = value;
        byId("camera-oid4vp-form").submit();
      } else if (OFFER_SCHEME.test(value)) {
        byId("camera-offer").value = value;
        byId("camera-offer-form").submit();
      } else {
        byId("camera-text").value = text;
        byId("camera-text-form").submit();
      }
    }
  });
})();
