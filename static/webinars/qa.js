/* Live Q&A of a webinar: keeps the server-rendered list up to date over the
 * WebSocket /ws/webinars/<id>/qa/. Without this script the page still works
 * with its forms. Question text is only ever set with textContent.
 *
 * The script starts from the state the page was rendered with (the
 * "qa-state" JSON: questions, polls and their event id), resumes the socket
 * from that id and applies each event as a change to that state; a
 * "snapshot" message (sent when too much was missed) replaces it whole.
 * Polls are drawn by qa-polls.js (loaded before this script). */
(function () {
  "use strict";
  var root = document.getElementById("qa-root");
  if (!root || !window.WebSocket) { return; }
  var T = {};
  try { T = JSON.parse(document.getElementById("qa-strings").textContent); } catch (e) { T = {}; }
  function t(key, fallback) { return T[key] || fallback || key; }

  var presenter = root.dataset.mode === "presenter";
  var moderator = root.dataset.moderator === "1";
  var canAct = moderator || root.dataset.registered === "1";
  var sort = root.dataset.sort || "top";
  var initial = {};
  try { initial = JSON.parse(document.getElementById("qa-state").textContent) || {}; } catch (e) { initial = {}; }
  var lastEventId = parseInt(initial.last_event_id, 10);
  if (isNaN(lastEventId)) { lastEventId = parseInt(root.dataset.lastEventId || "0", 10) || 0; }
  var questions = new Map();
  (initial.questions || []).forEach(function (q) { questions.set(q.id, q); });
  var polls = window.WegoPolls ? window.WegoPolls({
    t: t, canAct: canAct, moderator: moderator, initial: initial.polls || [],
    send: function (message) { return send(message); }
  }) : null;
  var socket = null;
  var attempt = 0;
  var failures = 0;
  var renderQueued = false;
  var statusEl = document.getElementById("qa-status");
  var list = document.getElementById("qa-questions");

  function setStatus(text, state) {
    if (!statusEl) { return; }
    statusEl.textContent = text;
    statusEl.dataset.state = state;
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function votesText(n) {
    return n === 1 ? t("votes_one", "1 vote") : t("votes_many", "%(n)s votes").replace("%(n)s", n);
  }

  var pendingAsk = null;

  function askAccepted() {
    var box = document.querySelector("#qa-ask-form textarea");
    if (box && pendingAsk !== null) { box.value = ""; }
    pendingAsk = null;
  }

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(message));
      return true;
    }
    return false;
  }

  function button(label, cls, onClick) {
    var b = el("button", cls, label);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  function ordered() {
    var all = Array.from(questions.values());
    if (!moderator) { all = all.filter(function (q) { return q.status === "visible"; }); }
    all.sort(function (a, b) {
      if (sort === "new") { return a.created_at < b.created_at ? 1 : -1; }
      if (a.pinned !== b.pinned) { return a.pinned ? -1 : 1; }
      if (a.votes !== b.votes) { return b.votes - a.votes; }
      return a.created_at < b.created_at ? -1 : 1;
    });
    return all;
  }

  function renderQuestion(q) {
    var li = el("li", "qa-question" + (q.pinned ? " qa-pinned" : "") + (q.status !== "visible" ? " qa-" + q.status : ""));
    li.dataset.id = q.id;
    li.appendChild(el("p", "qa-text", q.text));
    var meta = el("p", "qa-meta muted");
    var who = q.author ? q.author.name + (q.author.organisation ? ", " + q.author.organisation : "") : t("anonymous", "Anonymous");
    meta.appendChild(document.createTextNode(who + " · " + String(q.created_at).slice(11, 16) + " UTC · "));
    meta.appendChild(el("span", "qa-votes", votesText(q.votes)));
    if (q.author && q.anonymous) { meta.appendChild(el("span", "badge", t("anonymous_to_attendees"))); }
    if (q.pinned) { meta.appendChild(el("span", "badge badge-warn", t("pinned", "Pinned"))); }
    if (q.answered) { meta.appendChild(el("span", "badge badge-ok", t("answered", "Answered"))); }
    if (q.status === "pending") { meta.appendChild(el("span", "badge badge-warn", t("pending"))); }
    if (q.status === "hidden") { meta.appendChild(el("span", "badge badge-bad", t("hidden"))); }
    li.appendChild(meta);
    if (q.answer_text) {
      var answer = el("p", "qa-answer");
      answer.appendChild(el("strong", "", t("answer", "Answer") + ": "));
      answer.appendChild(document.createTextNode(q.answer_text));
      li.appendChild(answer);
    }
    var actions = el("div", "qa-actions");
    if (canAct && q.status === "visible") {
      var vb = button(q.voted_by_me ? t("unvote") : t("vote"), q.voted_by_me ? "button-secondary" : "", function () {
        send({ type: q.voted_by_me ? "unvote" : "vote", question: q.id });
      });
      vb.setAttribute("aria-pressed", q.voted_by_me ? "true" : "false");
      actions.appendChild(vb);
    }
    if (moderator) {
      var mod = function (action, extra) {
        return function () { send(Object.assign({ type: "moderate", question: q.id, action: action }, extra || {})); };
      };
      if (q.status === "pending") { actions.appendChild(button(t("approve"), "", mod("approve"))); }
      if (q.status === "hidden") { actions.appendChild(button(t("restore"), "", mod("restore"))); }
      else { actions.appendChild(button(t("hide"), "button-secondary", mod("hide"))); }
      if (q.pinned) { actions.appendChild(button(t("unpin"), "button-secondary", mod("unpin"))); }
      else if (q.status === "visible") { actions.appendChild(button(t("pin"), "button-secondary", mod("pin"))); }
      var input = el("input");
      input.type = "text";
      input.maxLength = 2000;
      input.placeholder = t("answer_placeholder");
      input.setAttribute("aria-label", t("answer_placeholder"));
      actions.appendChild(input);
      actions.appendChild(button(t("mark_answered"), "button-secondary", function () {
        send({ type: "moderate", question: q.id, action: "answer", answer_text: input.value });
      }));
    }
    li.appendChild(actions);
    return li;
  }

  function renderPresenter() {
    var visible = ordered().filter(function (q) { return q.status === "visible"; });
    var pinned = visible.find(function (q) { return q.pinned; });
    var box = document.getElementById("qa-pinned");
    var top = document.getElementById("qa-top");
    box.replaceChildren();
    if (pinned) {
      box.appendChild(el("p", "qa-text", pinned.text));
      box.appendChild(el("p", "muted", pinned.author && !pinned.anonymous ? pinned.author.name : t("anonymous", "Anonymous")));
    }
    top.replaceChildren();
    visible.filter(function (q) { return !q.pinned && !q.answered; }).slice(0, 5).forEach(function (q) {
      var li = el("li");
      li.appendChild(el("span", "qa-text", q.text));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("span", "qa-votes", votesText(q.votes)));
      top.appendChild(li);
    });
  }

  function render() {
    renderQueued = false;
    if (presenter) { renderPresenter(); return; }
    if (!list) { return; }
    var active = document.activeElement;
    var inList = active && list.contains(active);
    // Keep the moderator's half-typed answer if the list redraws under them.
    if (inList && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName)) {
      renderQueued = true; setTimeout(render, 1000); return;
    }
    // A just-clicked button keeps focus: redraw now and give focus back to the
    // button in the same place, so keyboard users don't lose their position.
    var refocus = null;
    if (inList && active.tagName === "BUTTON") {
      var item = active.closest("[data-id]");
      if (item) {
        refocus = { id: item.dataset.id, index: Array.from(item.querySelectorAll("button")).indexOf(active) };
      }
    }
    var items = ordered().map(renderQuestion);
    list.replaceChildren.apply(list, items);
    if (refocus) {
      var again = list.querySelector('[data-id="' + refocus.id + '"]');
      var buttons = again ? again.querySelectorAll("button") : [];
      if (buttons.length) { buttons[Math.min(refocus.index, buttons.length - 1)].focus(); }
    }
    var empty = document.getElementById("qa-empty");
    if (empty) { empty.classList.toggle("hidden", items.length > 0); }
  }

  function scheduleRender() {
    if (renderQueued) { return; }
    renderQueued = true;
    window.requestAnimationFrame(render);
  }

  function handle(message) {
    switch (message.type) {
      case "snapshot":
        questions.clear();
        message.questions.forEach(function (q) { questions.set(q.id, q); });
        lastEventId = message.last_event_id;
        setAttendees(message.attendees);
        if (polls) { polls.replaceAll(message.polls || []); }
        scheduleRender();
        break;
      case "question.created":
      case "question.updated":
      case "question.removed":
      case "poll.updated":
        if (message.event_id <= lastEventId) { return; }
        lastEventId = message.event_id;
        if (message.type === "poll.updated") { if (polls) { polls.update(message.poll); } return; }
        if (message.type === "question.created" && pendingAsk !== null && message.question.text === pendingAsk.trim()) {
          askAccepted();
        }
        if (message.type === "question.removed") { questions.delete(message.question.id); }
        else { questions.set(message.question.id, message.question); }
        scheduleRender();
        break;
      case "attendees":
        setAttendees(message.count);
        break;
      case "notice":
        // The channel layer went away / came back: the socket stays open.
        if (message.code === "live_paused") { setStatus(message.message, "paused"); break; }
        if (message.code === "live_resumed") { setStatus(t("live"), "live"); break; }
        if (message.code === "answer_saved") { setStatus(message.message, "notice"); break; }
        askAccepted(); // awaiting_approval, question_saved: the question is stored
        setStatus(message.message, "notice");
        break;
      case "error":
        pendingAsk = null;
        if (polls) { polls.error(); }
        setStatus(message.message, "error");
        break;
      default:
        break; // unknown types from a newer server are ignored
    }
  }

  function setAttendees(count) {
    var node = document.getElementById("qa-attendees");
    if (node) { node.textContent = t("attendees", "%(n)s connected").replace("%(n)s", count); }
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var url = scheme + window.location.host + root.dataset.wsPath + "?since=" + lastEventId;
    setStatus(attempt ? t("reconnecting") : t("connecting"), "connecting");
    socket = new WebSocket(url);
    var opened = false;
    socket.addEventListener("open", function () {
      opened = true;
      attempt = 0;
      failures = 0;
      setStatus(t("live"), "live");
    });
    socket.addEventListener("message", function (event) {
      var message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      handle(message);
    });
    socket.addEventListener("close", function (event) {
      socket = null;
      if (!opened) { failures += 1; }
      // 4401/4403/4404: this socket will never be allowed, so it is not
      // retried; the page says why (the forms still work).
      if (event.code >= 4400 && event.code < 4500) {
        var reason = { 4401: "closed_signed_out", 4403: "closed_no_access", 4404: "closed_not_found" }[event.code];
        setStatus(t(reason || "closed_no_access"), "refused");
        return;
      }
      attempt += 1;
      // Jittered exponential back-off, 1 s → 30 s, so a restart isn't a stampede.
      var delay = Math.min(30000, 1000 * Math.pow(2, attempt - 1));
      delay = delay / 2 + Math.random() * delay / 2;
      setStatus(failures >= 3 ? t("unavailable") : t("reconnecting"), failures >= 3 ? "unavailable" : "connecting");
      window.setTimeout(connect, delay);
    });
  }

  // Progressive enhancement: the ask form goes over the socket when it is open.
  var askForm = document.getElementById("qa-ask-form");
  if (askForm) {
    askForm.addEventListener("submit", function (event) {
      var text = askForm.querySelector("textarea");
      var anonymous = askForm.querySelector('input[name="anonymous"]');
      if (send({ type: "ask", text: text.value, anonymous: !!(anonymous && anonymous.checked) })) {
        event.preventDefault();
        // Cleared only once the server accepts it; a refusal keeps the text.
        pendingAsk = text.value;
      }
    });
  }
  document.querySelectorAll(".qa-sort a[data-sort]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      sort = link.dataset.sort;
      document.querySelectorAll(".qa-sort a[data-sort], .qa-sort strong").forEach(function (node) { node.removeAttribute("aria-current"); });
      link.setAttribute("aria-current", "true");
      window.history.replaceState(null, "", "?sort=" + sort);
      scheduleRender();
    });
  });

  if (root.dataset.signedIn === "0") {
    return; // the socket is for signed-in people; this page still refreshes
  }
  connect();
})();
