// Vigie moderator UI: keyboard triage and claim renewal. Everything here
// also works without it (forms post and redirect); this only saves clicks.
// Comment text never passes through innerHTML: only textContent.
(function () {
  "use strict";
  document.documentElement.classList.add("js"); // shows the key hints
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var toast = document.getElementById("toast");
  var help = document.getElementById("help");
  var depth = document.getElementById("depth");

  function say(msg) {
    if (!toast) return;
    toast.textContent = msg;
    toast.classList.add("show");
    clearTimeout(say.t);
    say.t = setTimeout(function () { toast.classList.remove("show"); }, 4000);
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body || {})
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) {
        if (!r.ok) { throw new Error((j.error && j.error.message) || r.statusText); }
        return j;
      });
    });
  }

  function count(delta) {
    if (!depth) return;
    var n = parseInt(depth.textContent, 10);
    if (!isNaN(n)) depth.textContent = String(Math.max(0, n + delta));
  }

  var helpBtn = document.getElementById("help-open");
  if (helpBtn && help) helpBtn.addEventListener("click", function () { help.showModal(); });

  // The queue: j/k move, p/r decide in place, u undoes, Enter opens.
  var list = document.getElementById("queue");
  var items = list ? Array.prototype.slice.call(list.querySelectorAll("li.item")) : [];
  var at = -1, last = null;
  var msg = list ? list.dataset : {};

  function select(i, focus) {
    if (!items.length) return;
    i = Math.max(0, Math.min(items.length - 1, i));
    if (at >= 0 && items[at]) items[at].classList.remove("selected");
    at = i;
    items[at].classList.add("selected");
    if (focus !== false) items[at].focus({ preventScroll: true });
    items[at].scrollIntoView({ block: "nearest" });
  }
  function nextOpen(from) {
    for (var i = from + 1; i < items.length; i++) if (!items[i].classList.contains("done")) return i;
    return from;
  }
  function decide(action) {
    var li = items[at];
    if (!li || li.classList.contains("done")) return;
    var sel = li.querySelector("select[name=category]");
    var body = { action: action };
    if (action === "refuse") body.category = sel ? sel.value : li.dataset.category;
    post("/api/v1/comments/" + li.dataset.id + "/decision", body).then(function () {
      li.classList.add("done");
      li.querySelector(".result").textContent = (action === "publish" ? msg.published : msg.refused) + " " + msg.undohint;
      last = li;
      count(-1);
      say(li.querySelector(".result").textContent);
      select(nextOpen(at));
    }).catch(function (e) { say(msg.failed + " " + e.message); });
  }

  // A decision posted by a form comes back with ?undo=ID: u takes it back.
  var undoID = new URLSearchParams(location.search).get("undo");
  function undo() {
    var li = last;
    if (li) {
      post("/api/v1/comments/" + li.dataset.id + "/undo").then(function () {
        li.classList.remove("done");
        li.querySelector(".result").textContent = msg.undone;
        say(msg.undone);
        last = null;
        count(1);
        select(items.indexOf(li));
      }).catch(function (e) { say(msg.failed + " " + e.message); });
      return;
    }
    var f = document.getElementById("undo-form");
    if (f) { f.submit(); return; }
    if (undoID && /^\d+$/.test(undoID)) {
      post("/api/v1/comments/" + undoID + "/undo").then(function () {
        location.assign("/moderation/comments/" + undoID + "?msg=undone");
      }).catch(function (e) { say(e.message); });
    }
  }
  if (items.length) select(0);
  items.forEach(function (li, i) {
    li.addEventListener("click", function (ev) {
      if (ev.target.closest("a, button, select, input, label")) return;
      select(i, false);
    });
  });

  // The review page: hold the claim while it is open, and p/r submit.
  var comment = document.getElementById("comment");
  var form = document.getElementById("decide-form");
  if (comment && comment.dataset.pending && form) {
    var claim = function () {
      post("/api/v1/queue/claim", { comment_ids: [Number(comment.dataset.id)] }).catch(function (e) { say(e.message); });
    };
    claim();
    setInterval(claim, 60000);
  }
  function submitWith(action) {
    if (!form) return;
    var b = form.querySelector('button[value="' + action + '"]');
    if (b) form.requestSubmit(b);
  }

  document.addEventListener("keydown", function (ev) {
    var t = ev.target;
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT")) return;
    if (help && help.open && ev.key !== "?") return;
    switch (ev.key) {
      case "j": if (items.length) { select(at + 1); ev.preventDefault(); } break;
      case "k": if (items.length) { select(at - 1); ev.preventDefault(); } break;
      case "p": if (items.length) decide("publish"); else submitWith("publish"); ev.preventDefault(); break;
      case "r": if (items.length) decide("refuse"); else submitWith("refuse"); ev.preventDefault(); break;
      case "u": undo(); ev.preventDefault(); break;
      case "Enter":
        if (items[at] && t === items[at]) { var a = items[at].querySelector("a.open"); if (a) a.click(); }
        break;
      case "?": if (help) { if (help.open) help.close(); else help.showModal(); } ev.preventDefault(); break;
    }
  });
})();
