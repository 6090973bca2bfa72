/* Live video page (customer and advisor). Protocol: docs/video-protocol.md.
 * Media goes browser to browser; the gateway only relays signalling. Incoming signalling is
 * queued until the camera and the peer connection are ready. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("vg-config").textContent);
  var S = config.strings;
  var joinToken = location.pathname.split("/").pop();
  var isCustomer = config.role === "customer";
  /* the resume token survives a closed tab (localStorage), per room and role: the same phone
   * reopens its seat while the token is valid; another device only has the spent link */
  var storeKey = "vg:resume:" + config.room + ":" + config.role;
  var $ = function (id) { return document.getElementById(id); };

  var state = {
    ws: null, pc: null, recPc: null, epoch: 0, iceServers: [], localStream: null,
    pendingCandidates: [], ended: false, retries: 0, lastRenegotiate: 0,
    audio: true, video: true, joined: false, waitingSince: 0, noAnswerShown: false,
  };
  var metrics = window.vgMetrics = { start: performance.now() };
  window.vgState = state;

  function setStatus(text) { $("status").textContent = text; }
  function setPhase(phase) {
    $("app").dataset.state = phase;
    if (phase === "waiting") {
      state.waitingSince = state.waitingSince || Date.now();
      saveResume();
    }
    showElapsed();
  }

  /* ---------------------------------------------------------------- resume token */
  function loadResume() {
    try {
      var entry = JSON.parse(localStorage.getItem(storeKey) || "null");
      if (entry && entry.token && entry.exp * 1000 > Date.now()) { return entry; }
    } catch (e) { /* unreadable: forget it */ }
    localStorage.removeItem(storeKey);
    return null;
  }
  function tokenClaims(token) {
    try {
      var part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      return JSON.parse(atob(part)) || {};
    } catch (e) { return {}; }
  }
  function saveResume(token) {
    var entry = loadResume() || {};
    if (token) {
      var claims = tokenClaims(token);
      if (entry.token && tokenClaims(entry.token).instance !== claims.instance) {
        /* the room was reopened (a new instance, rung again): the wait starts over */
        state.waitingSince = entry.waitingSince = 0;
      }
      /* a customer's lives as long as their link: it may reopen a room that ended unanswered */
      entry.token = token;
      entry.exp = claims.exp || 0;
    }
    if (!entry.token) { return; }
    entry.waitingSince = state.waitingSince || entry.waitingSince || 0;
    localStorage.setItem(storeKey, JSON.stringify(entry));
  }
  function forgetResume() { localStorage.removeItem(storeKey); }

  /* ---------------------------------------------------------------- times, the Quebec way */
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  /* fr: "9 h", "14 h 30"; en: "9 a.m.", "2:30 p.m." */
  function formatTime(date, lang) {
    var h = date.getHours(), m = date.getMinutes();
    if (lang === "fr") { return h + " h" + (m ? " " + pad(m) : ""); }
    var h12 = h % 12 || 12;
    return h12 + (m ? ":" + pad(m) : "") + (h < 12 ? " a.m." : " p.m.");
  }
  function formatDay(date, lang, now) {
    var today = new Date(now); today.setHours(0, 0, 0, 0);
    var day = new Date(date); day.setHours(0, 0, 0, 0);
    var offset = Math.round((day - today) / 86400000);
    if (offset === 0) { return S.today; }
    if (offset === 1) { return S.tomorrow; }
    var text = date.toLocaleDateString(lang === "fr" ? "fr-CA" : "en-CA",
      { weekday: "long", day: "numeric", month: "long" });
    return text.charAt(0).toUpperCase() + text.slice(1);
  }
  function formatElapsed(seconds) {
    var min = Math.floor(seconds / 60), sec = seconds % 60;
    return min ? min + " min " + pad(sec) + " s" : sec + " s";
  }
  window.vgFormat = { time: formatTime, day: formatDay, elapsed: formatElapsed };

  function showElapsed() {
    var box = $("elapsed");
    var waiting = $("app").dataset.state === "waiting" && state.waitingSince;
    box.hidden = !waiting;
    if (waiting) {
      var seconds = Math.max(0, Math.floor((Date.now() - state.waitingSince) / 1000));
      box.textContent = S.waiting_elapsed.replace("{elapsed}", formatElapsed(seconds));
    }
  }
  setInterval(showElapsed, 1000);
  function send(message) {
    if (state.ws && state.ws.readyState === WebSocket.OPEN) {
      state.ws.send(JSON.stringify(message));
    }
  }

  /* ---------------------------------------------------------------- local media */
  /* the camera is asked for only when the customer taps (or when their phone rejoins) */
  var mediaReady = null;
  function startCamera() {
    if (mediaReady) { return mediaReady; }
    mediaReady = navigator.mediaDevices.getUserMedia({
      audio: true, video: { facingMode: "user", width: { ideal: 640 }, height: { ideal: 480 } },
    }).then(function (stream) {
      state.localStream = stream;
      $("local").srcObject = stream;
      $("app").classList.add("has-preview");
      metrics.gum = performance.now();
      return true;
    }).catch(function () {
      setStatus(S.camera_denied);  /* the call can still go on, receive-only */
      return false;
    });
    return mediaReady;
  }

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
  var REOPENABLE = { customer_left: true, no_answer: true };

  function handle(message) {
    if (SIGNALLING[message.type]) {
      return startCamera().then(function () { return handlers[message.type](message); });
    }
    var handler = handlers[message.type];
    return handler ? handler(message) : undefined;
  }

  var handlers = {
    welcome: function (m) {
      state.joined = true;
      state.retries = 0;
      state.iceServers = m.ice_servers || [];
      saveResume(m.resume_token);
      showRecording(m.recording);
      if ($("consent")) { $("consent").hidden = !m.record || m.consent !== null; }
      showPeer(m.peer);
      if (m.phase === "no_answer") { showCallbackPicker(); }
      else if (!m.peer || !m.peer.present) { showWaiting(); }
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
    peer_left: function () { hidePeer(); showWaiting(); },
    no_answer: function () { showCallbackPicker(); },
    callback_booked: function () { $("callback").hidden = true; finish(S.booked, true); },
    recording: function (m) {
      showRecording(m.active);
      if (m.active) { return startRecorderLeg(); }
      stopRecorderLeg();
    },
    rec_answer: function (m) {
      if (state.recPc) { return state.recPc.setRemoteDescription({ type: "answer", sdp: m.sdp }); }
    },
    /* ended without a call (tab left, nobody answered): the link may reopen the room */
    ended: function (m) { finish(S.ended, REOPENABLE[m.outcome]); },
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
        setPhase("call");
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

  function showWaiting() {
    if (state.noAnswerShown) { return showCallbackPicker(); }
    setPhase("waiting");
    setStatus(isCustomer ? S.waiting : S.waiting_customer);
  }

  /* the advisor's first name and photo, once they are known (the customer's own page) */
  function showPeer(peer) {
    if (!peer) { return; }
    state.peerName = peer.name;
    if (peer.name || peer.photo) {
      $("peer-name").textContent = peer.name || "";
      var photo = $("peer-photo");
      if (peer.photo && photo.getAttribute("src") !== peer.photo) { photo.src = peer.photo; }
      photo.hidden = !peer.photo;
      $("peer-card").hidden = false;
    }
    if (peer.present && !inCall()) {
      if ($("callback")) { $("callback").hidden = true; }
      setPhase("connecting");
      setStatus(peer.name ? S.advisor_joining.replace("{name}", peer.name) : S.connecting);
    }
  }
  function inCall() { return !!state.pc && state.pc.connectionState === "connected"; }
  function hidePeer() { $("peer-card").hidden = true; }
  $("peer-photo").addEventListener("error", function () { $("peer-photo").hidden = true; });
  if ($("logo")) {
    $("logo").addEventListener("error", function () { $("logo").hidden = true; });
  }

  /* ---------------------------------------------------------------- call-back picker */
  /* ONE offer of call-back times: the status says why, the card offers the times */
  function showCallbackPicker() {
    var box = $("callback");
    setPhase("no_answer");
    setStatus(S.no_answer);
    if (!box || state.noAnswerShown) { return; }
    state.noAnswerShown = true;
    var select = $("callback-slot");
    select.textContent = "";
    var now = Date.now();
    var slot = new Date(now);
    slot.setMinutes(0, 0, 0);
    var group = null, groupDay = "";
    for (var added = 0, hours = 1; added < 12 && hours < 24 * 7; hours++) {
      var when = new Date(slot.getTime() + hours * 3600 * 1000);
      if (when.getHours() < 9 || when.getHours() > 17 || when.getDay() === 0) { continue; }
      var day = formatDay(when, config.lang, now);
      if (day !== groupDay) {
        group = document.createElement("optgroup");
        group.label = groupDay = day;
        select.appendChild(group);
      }
      var option = document.createElement("option");
      option.value = when.toISOString();
      option.textContent = day + ", " + formatTime(when, config.lang);
      group.appendChild(option);
      added++;
    }
    box.hidden = false;
  }

  /* ---------------------------------------------------------------- connection */
  function connect() {
    var entry = loadResume();
    var resume = entry && entry.token;
    if (entry && entry.waitingSince) { state.waitingSince = entry.waitingSince; }
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var query = "?room=" + encodeURIComponent(config.room) +
      (resume ? "&resume=" + encodeURIComponent(resume) : "&t=" + encodeURIComponent(joinToken));
    var ws = state.ws = new WebSocket(scheme + location.host + "/ws" + query);
    var opened = false;
    ws.onopen = function () { opened = true; metrics.wsOpen = metrics.wsOpen || performance.now(); };
    ws.onmessage = onMessage;
    ws.onclose = function (e) {
      if (ws !== state.ws) { return; }
      if (state.ended || e.code === 4010) { return finish(S.ended); }
      if (e.code === 4003) { return finish(S.room_taken); }
      if (e.code === 4000) { return; }  /* replaced by a newer tab */
      if (!opened && !state.joined) {
        if (resume) { forgetResume(); return connect(); }
        return finish(S.link_used);
      }
      if (!opened && resume && state.retries > 3) {
        /* the room is gone (gateway restarted): a live browser-to-browser call goes on */
        if (state.pc && state.pc.connectionState === "connected") { return; }
        forgetResume();
        return finish(S.call_over);
      }
      if (!inCall()) {  /* in a call, media goes on browser to browser: reconnect quietly */
        setPhase("reconnecting");
        setStatus(S.reconnecting);
      }
      state.retries += 1;
      setTimeout(connect, Math.min(10000, 500 * Math.pow(2, state.retries)));
    };
  }

  function finish(text, keepResume) {
    if (state.finished) { return; }  /* the first reason stays on screen */
    state.finished = state.ended = true;
    setStatus(text);
    setPhase("ended");
    stopRecorderLeg();
    if (state.pc) { state.pc.close(); state.pc = null; }
    if (state.localStream) { state.localStream.getTracks().forEach(function (t) { t.stop(); }); }
    if (state.ws && state.ws.readyState <= 1) { state.ws.close(); }
    if (!keepResume) { forgetResume(); }
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
    finish(S.ended, isCustomer && !state.epoch);  /* left before any call: may come back */
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

  /* ---------------------------------------------------------------- join step */
  function join() {
    metrics.join = performance.now();
    $("join").hidden = true;
    setPhase("connecting");
    setStatus(S.connecting);
    connect();
  }

  if (!isCustomer || loadResume()) {
    /* an advisor, or this phone rejoining its seat (reload, tab reopened): straight in */
    if ($("join")) { $("join").hidden = true; }
    setPhase("connecting");
    setStatus(S.connecting);
    startCamera();
    connect();
  } else {
    $("btn-preview").addEventListener("click", function () {
      $("btn-preview").disabled = true;
      startCamera().then(function (ok) {
        $("btn-preview").hidden = true;
        $("btn-join").hidden = false;
        $("join-hint").textContent = ok ? S.preview_ready : S.camera_denied;
        $("btn-join").focus();
      });
    });
    $("btn-join").addEventListener("click", join);
  }
})();
