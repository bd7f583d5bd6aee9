/* Live polls of a webinar's Q&A page, driven by qa.js (which owns the socket).
 *
 * Starts from the polls the page was rendered with and never removes one:
 * a poll that opens appears at the top of the list, answerable (radio
 * buttons, or check boxes where the poll is "multiple"); counts change in
 * place as people answer; the viewer's own answer is marked. The server-
 * rendered forms keep working: while the socket is open an answer goes over
 * it (poll.vote), otherwise the form posts as without JavaScript. Text is
 * only ever set with textContent. */
(function () {
  "use strict";

  window.WegoPolls = function (options) {
    var t = options.t;
    var canAct = options.canAct;
    var moderator = options.moderator;
    var send = options.send;
    var list = document.getElementById("qa-poll-list");
    var empty = document.getElementById("qa-polls-empty");
    var notice = document.getElementById("qa-poll-notice");
    var root = document.getElementById("qa-root");
    var action = (root && root.dataset.pollsUrl) || "polls/";
    var polls = new Map();
    if (!list) { return null; }

    function el(tag, cls, text) {
      var node = document.createElement(tag);
      if (cls) { node.className = cls; }
      if (text !== undefined) { node.textContent = text; }
      return node;
    }

    function votesText(n) {
      return n === 1 ? t("votes_one", "1 vote") : t("votes_many", "%(n)s votes").replace("%(n)s", n);
    }

    function votersText(n) {
      return n === 1 ? t("poll_voters_one", "1 person answered") : t("poll_voters_many", "%(n)s people answered").replace("%(n)s", n);
    }

    function answerable(poll) {
      return canAct && poll.state === "open" && !poll.my_choice;
    }

    // What decides a poll's structure: a change rebuilds it, anything else
    // (counts) is updated in place, so a half-made choice is never lost.
    function signature(poll) {
      return [poll.state, (poll.my_choice || []).join(","), answerable(poll) ? "form" : "results"].join("|");
    }

    function hidden(name, value) {
      var input = el("input");
      input.type = "hidden";
      input.name = name;
      input.value = value;
      return input;
    }

    function csrf() {
      var token = document.querySelector('input[name="csrfmiddlewaretoken"]');
      return token ? hidden("csrfmiddlewaretoken", token.value) : null;
    }

    function postForm(poll, what, cls) {
      var form = el("form", cls);
      form.method = "post";
      form.action = action;
      var token = csrf();
      if (token) { form.appendChild(token); }
      form.appendChild(hidden("poll", poll.id));
      form.appendChild(hidden("action", what));
      return form;
    }

    function build(poll) {
      var box = el("div", "qa-poll");
      box.dataset.poll = poll.id;
      box.id = "poll-" + poll.id;
      var title = el("h3", "", poll.question);
      if (poll.state === "closed") {
        title.appendChild(document.createTextNode(" "));
        title.appendChild(el("span", "badge", t("poll_closed", "Closed")));
      }
      box.appendChild(title);
      var mine = poll.my_choice || [];
      if (answerable(poll)) {
        var form = postForm(poll, "vote", "qa-poll-form");
        var fieldset = el("fieldset");
        fieldset.appendChild(el("legend", "", poll.multiple ? t("poll_choose_many") : t("poll_choose_one")));
        poll.options.forEach(function (option) {
          var p = el("p");
          var input = el("input");
          input.type = poll.multiple ? "checkbox" : "radio";
          input.name = "option";
          input.value = option.id;
          input.id = "poll-" + poll.id + "-" + option.id;
          if (!poll.multiple) { input.required = true; }
          var label = el("label", "inline-label", option.label);
          label.htmlFor = input.id;
          p.appendChild(input);
          p.appendChild(document.createTextNode(" "));
          p.appendChild(label);
          p.appendChild(document.createTextNode(" "));
          var count = el("span", "muted", votesText(option.votes));
          count.dataset.option = option.id;
          p.appendChild(count);
          fieldset.appendChild(p);
        });
        form.appendChild(fieldset);
        var submit = el("button", "", t("poll_answer", "Answer"));
        submit.type = "submit";
        form.appendChild(submit);
        box.appendChild(form);
      } else {
        var results = el("ul", "qa-poll-results");
        poll.options.forEach(function (option) {
          var chosen = mine.indexOf(option.id) !== -1;
          var li = el("li", chosen ? "qa-my-choice" : "");
          li.appendChild(el("span", "qa-poll-label", option.label));
          li.appendChild(document.createTextNode(": "));
          var count = el("span", "", votesText(option.votes));
          count.dataset.option = option.id;
          li.appendChild(count);
          if (chosen) {
            li.appendChild(document.createTextNode(" "));
            li.appendChild(el("span", "badge badge-ok", t("poll_your_answer", "Your answer")));
          }
          var meter = el("meter");
          meter.min = 0;
          meter.max = Math.max(1, poll.voters || 0);
          meter.value = option.votes;
          meter.dataset.option = option.id;
          meter.setAttribute("aria-hidden", "true");
          li.appendChild(document.createTextNode(" "));
          li.appendChild(meter);
          results.appendChild(li);
        });
        box.appendChild(results);
      }
      box.appendChild(el("p", "muted qa-poll-voters", votersText(poll.voters || 0)));
      if (moderator && poll.state === "open") {
        var close = postForm(poll, "close", "inline-form");
        var closeButton = el("button", "button-secondary", t("poll_close", "Close the poll"));
        closeButton.type = "submit";
        close.appendChild(closeButton);
        box.appendChild(close);
      }
      box.dataset.sig = signature(poll);
      return box;
    }

    function updateCounts(box, poll) {
      var most = Math.max(1, poll.voters || 0);
      box.querySelectorAll("meter").forEach(function (meter) { meter.max = most; });
      poll.options.forEach(function (option) {
        box.querySelectorAll('[data-option="' + option.id + '"]').forEach(function (node) {
          if (node.tagName === "METER") { node.value = option.votes; }
          else { node.textContent = votesText(option.votes); }
        });
      });
      var voters = box.querySelector(".qa-poll-voters");
      if (voters) { voters.textContent = votersText(poll.voters || 0); }
    }

    function announce(poll) {
      if (!notice || !answerable(poll)) { return; }
      notice.dataset.poll = poll.id;
      notice.replaceChildren();
      var link = el("a", "", poll.question);
      link.href = "#poll-" + poll.id;
      var text = t("poll_opened", "A new poll is open: %(question)s").split("%(question)s");
      notice.appendChild(document.createTextNode(text[0] || ""));
      notice.appendChild(link);
      notice.appendChild(document.createTextNode(text[1] || ""));
      notice.classList.remove("hidden");
    }

    function render() {
      var ordered = Array.from(polls.values()).sort(function (a, b) { return b.id - a.id; });
      var previous = null;
      ordered.forEach(function (poll) {
        var box = list.querySelector('[data-poll="' + poll.id + '"]');
        if (!box) {
          box = build(poll);
          list.insertBefore(box, previous ? previous.nextSibling : list.firstChild);
        } else if (box.dataset.sig !== signature(poll)) {
          var fresh = build(poll);
          var focused = box.contains(document.activeElement);
          box.replaceWith(fresh);
          box = fresh;
          if (focused) { box.setAttribute("tabindex", "-1"); box.focus(); }
        } else {
          updateCounts(box, poll);
        }
        previous = box;
      });
      if (empty) { empty.classList.toggle("hidden", list.children.length > 0); }
      // The notice points at a poll still to answer: the newest one, or none.
      if (notice && !notice.classList.contains("hidden")) {
        var announced = polls.get(parseInt(notice.dataset.poll, 10));
        if (!announced || !answerable(announced)) {
          var next = ordered.find(answerable);
          if (next) { announce(next); } else { notice.classList.add("hidden"); }
        }
      }
    }

    function unbusy() {
      list.querySelectorAll(".qa-poll-form button[disabled]").forEach(function (b) { b.disabled = false; });
    }

    // Answers go over the socket while it is open; else the form posts.
    list.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form.classList || !form.classList.contains("qa-poll-form")) { return; }
      var pollId = parseInt(form.querySelector('input[name="poll"]').value, 10);
      var chosen = Array.from(form.querySelectorAll('input[name="option"]:checked')).map(function (input) {
        return parseInt(input.value, 10);
      });
      if (send({ type: "poll.vote", poll: pollId, options: chosen })) {
        event.preventDefault();
        var button = form.querySelector('button[type="submit"]');
        if (button) { button.disabled = true; }
      }
    });

    // The page's own boxes match the state it was rendered with.
    (options.initial || []).forEach(function (poll) {
      polls.set(poll.id, poll);
      var box = list.querySelector('[data-poll="' + poll.id + '"]');
      if (box) { box.dataset.sig = signature(poll); }
    });

    return {
      update: function (poll) {
        var known = polls.has(poll.id);
        polls.set(poll.id, poll);
        render();
        if (!known) { announce(poll); }
      },
      replaceAll: function (all) {
        // A snapshot: every poll it has, in its state; none is removed from the page.
        all.forEach(function (poll) { polls.set(poll.id, poll); });
        render();
      },
      error: unbusy,
    };
  };
})();
