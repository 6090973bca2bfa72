/* Live video page (customer and advisor). Protocol: docs/video-protocol.md.
 * Media goes browser to browser; the gateway only relays signalling. Incoming signalling is
 * queued until the camera and the peer connection are ready. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("vg-config").textContent);
  var S = config.strings;
  var joinToken = location.pathname.split("/").pop();
  var storeKey = "vg:" + joinToken;
  var $ = function (id) { return document.getElementById(id); };

  var state = {
    ws: null, pc: null, recPc: null, epoch: 0, iceServers: [], localStream: null,
    pendingCandidates: [], ended: false, retries: 0, lastRenegotiate: 0,
    audio: true, video: true, joined: false,
  };
  var metrics = window.vgMetrics = { start: performance.now() };
  window.vgState = state;

  function setStatus(text) { $("status").textContent = text; }
  function send(message) {
    if (state.ws && state.ws.readyState === WebSocket.OPEN) {
      state.ws.send(JSON.stringify(message));
    }
  }

  /* ---------------------------------------------------------------- local media */
  var mediaReady = navigator.mediaDevices.getUserMedia({
    audio: true, video: { facingMode: "user", width: { ideal: 640 }, height: { ideal: 480 } },
  }).then(function (stream) {
    state.localStream = stream;
    $("local").srcObject = stream;
    metrics.gum = performance.now();
  }).catch(function () {
    setStatus(S.camera_denied);  /* the call can still go on, receive-only */
  });

  /* ---------------------------------------------------------------- signalling */
  var chain = Promise.resolve();
  function onMessage(event) {
    var message;
    try { message = JSON.parse(event.data); } catch (e) { return; }
    chain = chain.then(function () { return handle(message); }).catch(function (err) {
      console.error("video:", message.type, err);
    });
  }

  var SIGNALLING = { ready: 1, offer: 1, answer: 1, candidate: 1 };

  function handle(message) {
    if (SIGNALLING[message.type]) {
      return mediaReady.then(function () { return handlers[message.type](message); });
    }
    var handler = handlers[message.type];
    return handler ? handler(message) : undefined;
  }

  var handlers = {
    welcome: function (m) {
      state.joined = true;
      state.retries = 0;
      state.iceServers = m.ice_servers || [];
      sessionStorage.setItem(storeKey, m.resume_token);
      showRecording(m.recording);
      if (!m.peer || !m.peer.present) {
        setStatus(config.role === "customer" ? S.waiting : S.waiting_customer);
      }
      if (m.phase === "no_answer") { showCallbackPicker(); }
    },
    peer_joined: function (m) { showPeer(m); },
    ready: function (m) {
      state.epoch = m.epoch;
      showPeer(m.peer);
      newPeerConnection();
      if (m.offerer) {
        return state.pc.createOffer().then(function (offer) {
          return state.pc.setLocalDescription(offer);
        }).then(function () {
          send({ type: "offer", epoch: state.epoch, sdp: state.pc.localDescription.sdp });
        });
      }
    },
    offer: function (m) {
      if (m.epoch !== state.epoch || !state.pc) { return; }
      return state.pc.setRemoteDescription({ type: "offer", sdp: m.sdp }).then(flushCandidates)
        .then(function () { return state.pc.createAnswer(); })
        .then(function (answer) { return state.pc.setLocalDescription(answer); })
        .then(function () {
          send({ type: "answer", epoch: state.epoch, sdp: state.pc.localDescription.sdp });
        });
    },
    answer: function (m) {
      if (m.epoch !== state.epoch || !state.pc) { return; }
      return state.pc.setRemoteDescription({ type: "answer", sdp: m.sdp }).then(flushCandidates);
    },
    candidate: function (m) {
      if (m.epoch !== state.epoch || !state.pc) { return; }
      if (!state.pc.remoteDescription) { state.pendingCandidates.push(m.candidate); return; }
      return addCandidate(m.candidate);
    },
    peer_media: function (m) {
      $("peer-label").hidden = m.video;
      $("peer-label").textContent = S.camera_muted;
    },
    peer_away: function () { setStatus(S.peer_away); },
    peer_left: function () { setStatus(config.role === "customer" ? S.waiting : S.waiting_customer); },
    no_answer: function () { showCallbackPicker(); },
    callback_booked: function () { $("callback").hidden = true; setStatus(S.booked); },
    recording: function (m) {
      showRecording(m.active);
      if (m.active) { return startRecorderLeg(); }
      stopRecorderLeg();
    },
    rec_answer: function (m) {
      if (state.recPc) { return state.recPc.setRemoteDescription({ type: "answer", sdp: m.sdp }); }
    },
    ended: function () { finish(S.ended); },
    error: function (m) {
      if (m.code === "room_taken") { finish(S.room_taken); }
      else if (m.code === "replaced") { state.ended = true; }
    },
    pong: function () {},
  };

  function addCandidate(candidate) {
    /* null = end of candidates (an aiortc peer needs it to conclude) */
    return state.pc.addIceCandidate(candidate || undefined).catch(function () {});
  }

  function flushCandidates() {
    var queued = state.pendingCandidates;
    state.pendingCandidates = [];
    return Promise.all(queued.map(addCandidate));
  }

  function newPeerConnection() {
    if (state.pc) { state.pc.close(); }
    state.pendingCandidates = [];
    var pc = state.pc = new RTCPeerConnection({ iceServers: state.iceServers });
    var epoch = state.epoch;
    if (state.localStream) {
      state.localStream.getTracks().forEach(function (t) { pc.addTrack(t, state.localStream); });
    } else {
      pc.addTransceiver("audio", { direction: "recvonly" });
      pc.addTransceiver("video", { direction: "recvonly" });
    }
    pc.onicecandidate = function (e) {
      if (epoch !== state.epoch) { return; }
      send({ type: "candidate", epoch: epoch, candidate: e.candidate ? e.candidate.toJSON() : null });
    };
    pc.ontrack = function (e) {
      var remote = $("remote");
      if (remote.srcObject !== e.streams[0]) {
        remote.srcObject = e.streams[0] || new MediaStream([e.track]);
      }
      if (remote.requestVideoFrameCallback && !metrics.firstFrame) {
        remote.requestVideoFrameCallback(function () { metrics.firstFrame = performance.now(); });
      }
    };
    pc.onconnectionstatechange = function () {
      if (pc !== state.pc) { return; }
      if (pc.connectionState === "connected") {
        metrics.connected = metrics.connected || performance.now();
        setStatus(S.in_call.replace("{name}", state.peerName || ""));
      } else if (pc.connectionState === "failed" || pc.connectionState === "disconnected") {
        setTimeout(function () {
          if (pc === state.pc && pc.connectionState !== "connected") { renegotiate(); }
        }, pc.connectionState === "failed" ? 0 : 4000);
      }
    };
  }

  function renegotiate() {
    var now = Date.now();
    if (now - state.lastRenegotiate < 5000) { return; }
    state.lastRenegotiate = now;
    send({ type: "renegotiate" });
  }

  /* ---------------------------------------------------------------- recording leg */
  function startRecorderLeg() {
    if (state.recPc || !state.localStream) { return; }
    var pc = state.recPc = new RTCPeerConnection({ iceServers: state.iceServers });
    state.localStream.getTracks().forEach(function (track) {
      var sender = pc.addTrack(track, state.localStream);
      if (track.kind === "video") {
        var params = sender.getParameters();
        params.encodings = [{ scaleResolutionDownBy: 2, maxFramerate: 15, maxBitrate: 300000 }];
        sender.setParameters(params).catch(function () {});
      }
    });
    return pc.createOffer().then(function (offer) { return pc.setLocalDescription(offer); })
      .then(function () { return gathered(pc); })
      .then(function () { send({ type: "rec_offer", sdp: pc.localDescription.sdp }); });
  }

  function gathered(pc) {
    /* the recorder (aiortc) takes no trickled candidates: send the complete offer */
    return new Promise(function (resolve) {
      if (pc.iceGatheringState === "complete") { return resolve(); }
      pc.addEventListener("icegatheringstatechange", function () {
        if (pc.iceGatheringState === "complete") { resolve(); }
      });
      setTimeout(resolve, 3000);
    });
  }

  function stopRecorderLeg() {
    if (state.recPc) { state.recPc.close(); state.recPc = null; }
  }

  function showRecording(active) { $("rec-badge").hidden = !active; }

  function showPeer(peer) {
    if (!peer) { return; }
    state.peerName = peer.name;
    if (peer.present) { setStatus(S.connecting); }
  }

  /* ---------------------------------------------------------------- call-back picker */
  function showCallbackPicker() {
    var box = $("callback");
    if (!box) { return; }
    var select = $("callback-slot");
    select.textContent = "";
    var slot = new Date();
    slot.setMinutes(0, 0, 0);
    var locale = config.lang === "fr" ? "fr-CA" : "en-CA";
    for (var added = 0, hours = 1; added < 12 && hours < 24 * 7; hours++) {
      var when = new Date(slot.getTime() + hours * 3600 * 1000);
      if (when.getHours() < 9 || when.getHours() > 17 || when.getDay() === 0) { continue; }
      var option = document.createElement("option");
      option.value = when.toISOString();
      option.textContent = when.toLocaleString(locale, {
        weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit" });
      select.appendChild(option);
      added++;
    }
    box.hidden = false;
    setStatus(S.no_answer);
  }

  /* ---------------------------------------------------------------- connection */
  function connect() {
    var resume = sessionStorage.getItem(storeKey);
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var query = "?room=" + encodeURIComponent(config.room) +
      (resume ? "&resume=" + encodeURIComponent(resume) : "&t=" + encodeURIComponent(joinToken));
    var ws = state.ws = new WebSocket(scheme + location.host + "/ws" + query);
    var opened = false;
    ws.onopen = function () { opened = true; metrics.wsOpen = metrics.wsOpen || performance.now(); };
    ws.onmessage = onMessage;
    ws.onclose = function (e) {
      if (state.ended || e.code === 4010) { return finish(S.ended); }
      if (e.code === 4003) { return finish(S.room_taken); }
      if (e.code === 4000) { return; }  /* replaced by a newer tab */
      if (!opened && !state.joined) {
        if (resume) { sessionStorage.removeItem(storeKey); return connect(); }
        return finish(S.link_used);
      }
      if (!opened && resume && state.retries > 3) {
        /* the room is gone (gateway restarted): a live browser-to-browser call goes on */
        if (state.pc && state.pc.connectionState === "connected") { return; }
        sessionStorage.removeItem(storeKey);
        return finish(S.link_used);
      }
      setStatus(S.reconnecting);
      state.retries += 1;
      setTimeout(connect, Math.min(10000, 500 * Math.pow(2, state.retries)));
    };
  }

  function finish(text) {
    state.ended = true;
    setStatus(text);
    $("app").dataset.state = "ended";
    stopRecorderLeg();
    if (state.pc) { state.pc.close(); state.pc = null; }
    if (state.localStream) { state.localStream.getTracks().forEach(function (t) { t.stop(); }); }
    if (state.ws && state.ws.readyState <= 1) { state.ws.close(); }
    sessionStorage.removeItem(storeKey);
  }

  /* ---------------------------------------------------------------- controls */
  function toggle(kind) {
    state[kind] = !state[kind];
    if (state.localStream) {
      state.localStream.getTracks().forEach(function (t) { if (t.kind === kind) { t.enabled = state[kind]; } });
    }
    send({ type: "media", audio: state.audio, video: state.video });
    var mute = $("btn-mute"), cam = $("btn-camera");
    mute.textContent = state.audio ? S.mute : S.unmute;
    mute.setAttribute("aria-pressed", String(!state.audio));
    cam.textContent = state.video ? S.camera_off : S.camera_on;
    cam.setAttribute("aria-pressed", String(!state.video));
  }

  $("btn-mute").addEventListener("click", function () { toggle("audio"); });
  $("btn-camera").addEventListener("click", function () { toggle("video"); });
  $("btn-hangup").addEventListener("click", function () {
    send({ type: "hangup", reason: "hangup" });
    finish(S.ended);
  });
  if ($("consent-continue")) {
    $("consent-continue").addEventListener("click", function () {
      send({ type: "consent", recording: $("consent-box").checked });
      $("consent").hidden = true;
    });
  }
  if ($("callback-book")) {
    $("callback-book").addEventListener("click", function () {
      send({ type: "callback_time", at: $("callback-slot").value });
    });
  }
  setInterval(function () { send({ type: "ping" }); }, 15000);

  /* for tests and benchmarks: frames decoded from the other party */
  window.vgStats = function () {
    if (!state.pc) { return Promise.resolve({ framesDecoded: 0 }); }
    return state.pc.getStats().then(function (report) {
      var out = { framesDecoded: 0 };
      report.forEach(function (s) {
        if (s.type === "inbound-rtp" && s.kind === "video") { out.framesDecoded = s.framesDecoded || 0; }
      });
      return out;
    });
  };

  connect();
})();
