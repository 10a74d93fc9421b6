// Live QR scanning in the page with zxing-wasm (ZXing C++ as WebAssembly), served from the
// service itself (no CDN; see QR.md): shared by the verifier's scan page and the wallet's "Add
// training" page. Progressive enhancement: a page calls PassportQrCamera.attach(...) and the
// camera section only appears when the browser has a camera API and WebAssembly; without them
// the page's photo upload and paste forms still work.
// Messages in the page's language: passport_web/i18n.py puts their translations in the page.
function passportWord(text) {
  const data = document.getElementById("passport-words");
  try { return (data && JSON.parse(data.textContent)[text]) || text; } catch (error) { return text; }
}
(function () {
  "use strict";

  var readerReady = null;

  function loadReader() {
    if (readerReady) { return readerReady; }
    readerReady = new Promise(function (resolve, reject) {
      if (window.ZXingWASM) { resolve(window.ZXingWASM); return; }
      var script = document.createElement("script");
      script.src = "/vendor/zxing/zxing-reader.js";
      script.onload = function () { resolve(window.ZXingWASM); };
      script.onerror = function () { reject(new Error("reader did not load")); };
      document.head.appendChild(script);
    }).then(function (ZXingWASM) {
      // Fetch the .wasm from this site, not a CDN; compile it before the first frame.
      return Promise.resolve(ZXingWASM.prepareZXingModule({
        overrides: { locateFile: function (path) { return "/vendor/zxing/" + path; } },
        fireImmediately: true
      })).then(function () { return ZXingWASM; });
    });
    // A failed load may be a passing network problem: let the next "Start camera" try again.
    readerReady.catch(function () { readerReady = null; });
    return readerReady;
  }

  // options: section, startButton, stopButton, frame, video, message (elements);
  // onFound(text) is called once with the first QR code read; the camera is already off.
  function attach(options) {
    if (!options.section || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia ||
        !window.WebAssembly) {
      return;
    }
    var startButton = options.startButton;
    var stopButton = options.stopButton;
    var frame = options.frame;
    var video = options.video;
    var canvas = document.createElement("canvas");
    var context = canvas.getContext("2d", { willReadFrequently: true });
    var stream = null;
    var running = false;
    var starting = false;

    options.section.hidden = false;

    function say(text) { options.message.textContent = text; }

    function stop() {
      var hadFocus = document.activeElement === stopButton;
      running = false;
      if (stream) {
        stream.getTracks().forEach(function (track) { track.stop(); });
        stream = null;
      }
      video.srcObject = null;
      frame.hidden = true;
      stopButton.hidden = true;
      startButton.hidden = false;
      // The focused button has just been hidden: keep keyboard users where they were.
      if (hadFocus) { startButton.focus(); }
    }

    function scanFrame(ZXingWASM) {
      if (!running) { return; }
      var width = video.videoWidth;
      var height = video.videoHeight;
      if (!width || !height) {
        window.setTimeout(function () { scanFrame(ZXingWASM); }, 100);
        return;
      }
      if (canvas.width !== width || canvas.height !== height) {
        canvas.width = width;
        canvas.height = height;
      }
      context.drawImage(video, 0, 0, width, height);
      var imageData = context.getImageData(0, 0, width, height);
      ZXingWASM.readBarcodes(imageData,
                             { formats: ["QRCode"], tryHarder: true, maxNumberOfSymbols: 1 })
        .then(function (results) {
          if (!running) { return; }
          var hit = results.find(function (result) { return result.isValid && result.text; });
          if (hit) {
            stop();
            say(passportWord("Found a QR code, checking it…"));
            options.onFound(hit.text);
            return;
          }
          window.setTimeout(function () { scanFrame(ZXingWASM); }, 60);
        })
        .catch(function () {
          window.setTimeout(function () { scanFrame(ZXingWASM); }, 250);
        });
    }

    function start() {
      starting = true;
      say(passportWord("Starting the camera…"));
      // Chrome gives 640×480 unless asked; small codes need more pixels (QR.md).
      var constraints = { audio: false, video: {
        facingMode: { ideal: "environment" },
        width: { ideal: 1920 },
        height: { ideal: 1080 }
      } };
      var media = navigator.mediaDevices.getUserMedia(constraints);
      Promise.all([media, loadReader()])
        .then(function (values) {
          stream = values[0];
          video.srcObject = stream;
          frame.hidden = false;
          startButton.hidden = true;
          stopButton.hidden = false;
          stopButton.focus();
          running = true;
          starting = false;
          return video.play().then(function () {
            say(passportWord("Camera on. Hold the QR code in front of it, about 10 to 15 cm away."));
            scanFrame(values[1]);
          });
        })
        .catch(function (error) {
          starting = false;
          // The camera may have opened even though the reader failed to load: close it.
          media.then(function (opened) {
            opened.getTracks().forEach(function (track) { track.stop(); });
          }, function () {});
          stop();
          if (error && (error.name === "NotAllowedError" || error.name === "SecurityError")) {
            say(passportWord("The camera could not be used because permission was not given. You can upload a photo of the QR code instead."));
          } else if (error && error.name === "NotFoundError") {
            say(passportWord("No camera was found. You can upload a photo of the QR code instead."));
          } else {
            say(passportWord("The camera could not be started. You can upload a photo of the QR code instead."));
          }
        });
    }

    startButton.addEventListener("click", function () {
      if (!running && !starting) { start(); }
    });
    stopButton.addEventListener("click", function () { stop(); say(passportWord("Camera stopped.")); });
    // Let the camera go when the person leaves the page (its light goes off too).
    window.addEventListener("pagehide", function () { if (running || stream) { stop(); } });
  }

  window.PassportQrCamera = { attach: attach };
})();
