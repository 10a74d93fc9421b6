// Live QR scanning in the page with zxing-wasm (ZXing C++ as WebAssembly), served from this
// service (no CDN; see shared/QR.md). Progressive enhancement: without JavaScript or a camera,
// the photo upload and paste forms on the same page still work.
(function () {
  "use strict";
  var section = document.getElementById("camera-section");
  if (!section || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia ||
      !window.WebAssembly) {
    return;
  }
  var startButton = document.getElementById("camera-start");
  var stopButton = document.getElementById("camera-stop");
  var frame = document.getElementById("camera-frame");
  var video = document.getElementById("camera-video");
  var message = document.getElementById("camera-message");
  var form = document.getElementById("camera-form");
  var field = document.getElementById("scanned");
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var stream = null;
  var running = false;
  var readerReady = null;

  section.hidden = false;

  function say(text) { message.textContent = text; }

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
    return readerReady;
  }

  function stop() {
    running = false;
    if (stream) {
      stream.getTracks().forEach(function (track) { track.stop(); });
      stream = null;
    }
    frame.hidden = true;
    stopButton.hidden = true;
    startButton.hidden = false;
  }

  function found(text) {
    stop();
    say("QR code found. Checking it now…");
    field.value = text;
    form.submit();
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
    ZXingWASM.readBarcodes(imageData, { formats: ["QRCode"], tryHarder: true, maxNumberOfSymbols: 1 })
      .then(function (results) {
        var hit = results.find(function (result) { return result.isValid && result.text; });
        if (hit) { found(hit.text); return; }
        window.setTimeout(function () { scanFrame(ZXingWASM); }, 60);
      })
      .catch(function () {
        window.setTimeout(function () { scanFrame(ZXingWASM); }, 250);
      });
  }

  function start() {
    say("Starting the camera…");
    startButton.hidden = true;
    var constraints = { audio: false, video: {
      facingMode: { ideal: "environment" },
      width: { ideal: 1920 },
      height: { ideal: 1080 }
    } };
    Promise.all([navigator.mediaDevices.getUserMedia(constraints), loadReader()])
      .then(function (values) {
        stream = values[0];
        video.srcObject = stream;
        frame.hidden = false;
        stopButton.hidden = false;
        running = true;
        return video.play().then(function () {
          say("Camera on. Hold the QR code in front of it.");
          scanFrame(values[1]);
        });
      })
      .catch(function (error) {
        stop();
        if (error && (error.name === "NotAllowedError" || error.name === "SecurityError")) {
          say("The camera could not be used because permission was not given. You can upload a photo of the QR code instead.");
        } else if (error && error.name === "NotFoundError") {
          say("No camera was found. You can upload a photo of the QR code instead.");
        } else {
          say("The camera could not be started. You can upload a photo of the QR code instead.");
        }
      });
  }

  startButton.addEventListener("click", start);
  stopButton.addEventListener("click", function () { stop(); say("Camera stopped."); });
})();
